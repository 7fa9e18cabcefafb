/**
 * Backup, restore and provisioning over HTTP: GET /api/config/export gives the
 * provisioning document (secrets only with ?secrets=true); POST /api/config/import
 * applies one whole or refuses it with field-level errors.
 */
import type { FastifyInstance } from 'fastify';
import type { WebDeps } from '../server.js';

export function registerConfigRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get<{ Querystring: { secrets?: string; download?: string } }>('/api/config/export', async (req, reply) => {
    const includeSecrets = req.query.secrets === 'true' || req.query.secrets === '1';
    if (req.query.download === 'true' || req.query.download === '1') {
      reply.header('Content-Disposition', 'attachment; filename="dialtone-config.json"');
    }
    return deps.config.exportDocument({ includeSecrets });
  });

  app.post('/api/config/import', async (req) => {
    deps.config.importDocument(req.body);
    deps.log.info('configuration imported', { ip: req.ip });
    return { ok: true };
  });
}
