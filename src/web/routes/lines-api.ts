/**
 * The board's lines and the dial plan over HTTP: GET /api/lines (the board's
 * ports and their configuration), PUT/DELETE /api/lines/:port, GET/PUT
 * /api/dial-plan (replaced whole; field errors as `routes[i].pattern`).
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import { assertValidLine } from '../../config/lines-repository.js';
import { assertValidRoutes } from '../../config/dial-plan-repository.js';
import { LineSchema, ProvisioningDocumentSchema } from '../../config/provisioning-schema.js';
import type { FieldErrors } from '../../config/validate.js';
import { bodyWithKeys, intParam, removal, renamingFields, requireStore, type BoardPortInfo, type ConfigApiDeps } from './config-api-deps.js';

const LINE_KEYS = Object.keys(LineSchema.properties);
const MAX_PORT = LineSchema.properties.port.maximum ?? 16;
const MAX_ROUTES = ProvisioningDocumentSchema.properties.dialPlan.maxItems ?? 256;

/** The line to store from a PUT body: port from the URL, kind matching the board's port when the board has it. */
function lineFromBody(body: unknown, port: number, board: readonly BoardPortInfo[]): Record<string, unknown> {
  const obj = bodyWithKeys(body, LINE_KEYS, 'line');
  const errors: FieldErrors = {};
  if (obj.port !== undefined && obj.port !== port) errors.port = `must be ${port}, the port in the URL`;
  const onBoard = board.find((p) => p.port === port);
  if (board.length > 0 && onBoard === undefined) {
    errors.port = `the board has no port ${port} (it has ${board.map((p) => p.port).join(', ')})`;
  } else if (onBoard !== undefined && obj.kind !== undefined && obj.kind !== onBoard.kind) {
    errors.kind = `port ${port} is an ${onBoard.kind.toUpperCase()} port: must be ${onBoard.kind}`;
  }
  if (Object.keys(errors).length > 0) throw new ValidationError(`invalid line ${port}`, errors);
  return { ...obj, port };
}

/** `dialPlan[2].pattern` (the repository's path) -> `routes[2].pattern` (the request's). */
function routesPath(path: string): string {
  return path.startsWith('dialPlan') ? `routes${path.slice('dialPlan'.length)}` : path;
}

export function registerLinesApi(app: FastifyInstance, deps: ConfigApiDeps): void {
  app.get('/api/lines', async () => ({ ports: deps.boardPorts(), lines: requireStore(deps).lines.list() }));

  app.put<{ Params: { port: string } }>('/api/lines/:port', async (req, reply) => {
    const store = requireStore(deps);
    const port = intParam(req.params.port, 'port', 1, MAX_PORT);
    const line = lineFromBody(req.body, port, deps.boardPorts());
    const isNew = store.lines.get(port) === undefined;
    // The whole line is checked (schema and rules: `features.forwardAll`), then against the rest of the configuration.
    assertValidLine(line);
    store.lines.upsert(line);
    const saved = store.lines.get(port);
    if (saved === undefined) throw new Error(`line ${port} was not stored`);
    deps.log.info(isNew ? 'line added' : 'line changed', { port, ip: req.ip });
    return reply.code(isNew ? 201 : 200).send({ line: saved });
  });

  app.delete<{ Params: { port: string } }>('/api/lines/:port', async (req, reply) => {
    const store = requireStore(deps);
    const port = intParam(req.params.port, 'port', 1, MAX_PORT);
    removal(() => store.lines.remove(port), 'port');
    deps.log.info('line removed', { port, ip: req.ip });
    return reply.code(204).send();
  });

  app.get('/api/dial-plan', async () => ({ routes: requireStore(deps).dialPlan.list() }));

  app.put('/api/dial-plan', async (req) => {
    const store = requireStore(deps);
    const routes: unknown = bodyWithKeys(req.body, ['routes'], 'dial plan').routes;
    if (routes === undefined) throw new ValidationError('invalid dial plan', { routes: 'is required: an array of routes' });
    renamingFields(() => {
      // Each route is checked whole (unknown keys too), then against the accounts and lines.
      assertValidRoutes(routes);
      if (routes.length > MAX_ROUTES) throw new ValidationError('invalid dial plan', { dialPlan: `must have at most ${MAX_ROUTES} routes` });
      store.dialPlan.replace(routes);
    }, routesPath);
    const saved = store.dialPlan.list();
    deps.log.info('dial plan changed', { routes: saved.length, ip: req.ip });
    return { routes: saved };
  });
}
