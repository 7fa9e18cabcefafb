/** GET /api/status (health of the tree; later issues add lines, calls, registrations) and /metrics. */
import type { FastifyInstance } from 'fastify';
import { isLogLevel, LOG_LEVELS } from '../../log.js';
import type { WebDeps } from '../server.js';
import { objectBody, stringField } from './body.js';
import { ValidationError } from '../../errors.js';

export function registerStatusRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/api/status', async () => deps.status());

  // Prometheus scrapers carry no cookie: the metrics are counts, readable without login.
  app.get('/metrics', { config: { public: true } }, async (_req, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.metrics.render()),
  );

  app.get('/api/system/log-level', async () => ({ level: deps.logLevel.level() }));

  app.put('/api/system/log-level', async (req) => {
    const level = stringField(objectBody(req.body), 'level', { maxLength: 16 });
    if (!isLogLevel(level)) throw new ValidationError('unknown log level', { level: `one of ${LOG_LEVELS.join(', ')}` });
    const before = deps.logLevel.level();
    deps.logLevel.setLevel(level);
    deps.log.warn('log level changed', { from: before, to: level });
    return { level };
  });
}
