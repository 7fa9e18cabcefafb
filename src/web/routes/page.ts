/** Serves the web page's static files from src/web/public (copied next to the build output). */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../http-error.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** The folder of static files: beside this module's parent in dist, or the source folder. */
export function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'public'), join(here, '..', '..', '..', '..', 'src', 'web', 'public')];
  const found = candidates.find((c) => existsSync(join(c, 'index.html')));
  if (found === undefined) throw new Error(`web page files not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function registerPageRoutes(app: FastifyInstance): void {
  const root = publicDir();
  const serve = (rel: string): { body: Buffer; type: string } => {
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || !existsSync(file)) throw new HttpError(404, 'not_found', 'no such file');
    return { body: readFileSync(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
  };
  app.get('/', { config: { public: true } }, async (_req, reply) => {
    const { body, type } = serve('index.html');
    return reply.type(type).send(body);
  });
  app.get<{ Params: { '*': string } }>('/static/*', { config: { public: true } }, async (req, reply) => {
    const { body, type } = serve(req.params['*']);
    return reply.type(type).send(body);
  });
}
