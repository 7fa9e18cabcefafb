/** POST /api/debug/crash {"child": "dialtone/web"}: fail a child to watch the tree restart it. */
import type { FastifyInstance } from 'fastify';
import type { FaultInjector } from '../../fault-injection.js';
import { HttpError } from '../http-error.js';
import { objectBody, stringField } from './body.js';

export function debugRoutes(faults: FaultInjector): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/debug/children', async () => ({ children: faults.paths() }));
    app.post('/api/debug/crash', async (req, reply) => {
      const child = stringField(objectBody(req.body), 'child', { maxLength: 256 });
      if (!faults.paths().includes(child)) {
        throw new HttpError(404, 'not_found', `no child ${child}`, { child: `one of ${faults.paths().join(', ')}` });
      }
      // Answer first: the child may be the web server itself.
      reply.raw.once('finish', () => setImmediate(() => faults.crash(child)));
      return reply.code(202).send({ ok: true, child });
    });
  };
}
