/** API tokens for scripts (`Authorization: Bearer dt_...`): create, list, revoke. */
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';
import type { WebDeps } from '../server.js';
import { objectBody, stringField } from './body.js';

export function registerTokenRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/api/tokens', async () => ({ tokens: deps.tokens.list() }));

  app.post('/api/tokens', async (req, reply) => {
    const name = stringField(objectBody(req.body), 'name', { maxLength: 64 });
    const created = deps.tokens.create(name);
    deps.log.info('API token created', { id: created.id, name: created.name });
    // The token itself is shown this once; only its hash is kept.
    return reply.code(201).send(created);
  });

  app.delete<{ Params: { id: string } }>('/api/tokens/:id', async (req, reply) => {
    const id = Number(req.params.id);
    if (!Number.isInteger(id) || id <= 0) throw new HttpError(400, 'invalid', 'token id must be a positive integer', { id: 'positive integer' });
    deps.tokens.revoke(id);
    deps.log.info('API token revoked', { id });
    return reply.code(204).send();
  });
}
