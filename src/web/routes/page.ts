/** Serves the web page: index.html at / and its files under /static/, compressed (static-assets.ts). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http-error.js';
import { pickEncoding, StaticAssets } from '../static-assets.js';

/** The folder of static files: the built one beside the compiled server, or the source folder. */
export function publicDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'public'), join(here, '..', '..', '..', '..', 'src', 'web', 'public')];
  const found = candidates.find((c) => existsSync(join(c, 'index.html')));
  if (found === undefined) throw new Error(`web page files not found (looked in ${candidates.join(', ')})`);
  return found;
}

export function registerPageRoutes(app: FastifyInstance): void {
  const assets = new StaticAssets(publicDir());
  const send = (req: FastifyRequest, reply: FastifyReply, rel: string): FastifyReply => {
    const asset = assets.get(rel);
    if (asset === undefined) throw new HttpError(404, 'not_found', 'no such file');
    reply.header('ETag', asset.etag).header('Cache-Control', 'no-cache').header('Vary', 'Accept-Encoding').type(asset.type);
    if (req.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    const encoding = pickEncoding(req.headers['accept-encoding'], asset);
    if (encoding === 'identity') return reply.send(asset.body);
    return reply.header('Content-Encoding', encoding).send(encoding === 'br' ? asset.br : asset.gzip);
  };
  app.get('/', { config: { public: true } }, async (req, reply) => send(req, reply, 'index.html'));
  app.get<{ Params: { '*': string } }>('/static/*', { config: { public: true } }, async (req, reply) => send(req, reply, req.params['*']));
}
