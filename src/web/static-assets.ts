/**
 * The web page's static files, served from memory with their compressed forms.
 *
 * On the device the files come built: `npm run build` copies src/web/public beside the
 * compiled server with a `.br` and a `.gz` of each text file (build-static.ts), so the
 * box never compresses at run time. From the source tree (development) each file is
 * compressed once, on first request. Either way a file is read once, answers carry an
 * ETag, and the browser revalidates (no-cache) so an update shows at once.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { brotliCompressSync, constants as zlib, gzipSync } from 'node:zlib';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** Worth compressing: text. */
export function isCompressible(file: string): boolean {
  return ['.html', '.js', '.css', '.svg', '.json'].includes(extname(file));
}

export interface StaticAsset {
  readonly type: string;
  readonly etag: string;
  readonly body: Buffer;
  readonly br?: Buffer;
  readonly gzip?: Buffer;
}

export type Encoding = 'br' | 'gzip' | 'identity';

/** The best encoding the client accepts among those we have (br, then gzip). */
export function pickEncoding(acceptEncoding: string | undefined, asset: StaticAsset): Encoding {
  const accepted = new Set((acceptEncoding ?? '').split(',').map((p) => p.split(';')[0]?.trim().toLowerCase()));
  if (asset.br !== undefined && accepted.has('br')) return 'br';
  if (asset.gzip !== undefined && accepted.has('gzip')) return 'gzip';
  return 'identity';
}

export function brotli(data: Buffer): Buffer {
  return brotliCompressSync(data, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: data.length } });
}

export function gzip(data: Buffer): Buffer {
  return gzipSync(data, { level: 9 });
}

export class StaticAssets {
  private readonly cache = new Map<string, StaticAsset>();

  constructor(readonly root: string) {}

  /** The asset at `rel` (e.g. "js/app.js"), or undefined when there is none (or it is outside the root). */
  get(rel: string): StaticAsset | undefined {
    const file = normalize(join(this.root, rel));
    if (!file.startsWith(this.root + sep)) return undefined;
    const cached = this.cache.get(file);
    if (cached !== undefined) return cached;
    if (!existsSync(file) || !statSync(file).isFile() || file.endsWith('.br') || file.endsWith('.gz')) return undefined;
    const body = readFileSync(file);
    const asset: StaticAsset = {
      type: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
      body,
      ...(isCompressible(file) ? { br: readOr(`${file}.br`, () => brotli(body)), gzip: readOr(`${file}.gz`, () => gzip(body)) } : {}),
    };
    this.cache.set(file, asset);
    return asset;
  }
}

function readOr(file: string, make: () => Buffer): Buffer {
  return existsSync(file) ? readFileSync(file) : make();
}
