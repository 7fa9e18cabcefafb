/**
 * Part of `npm run build`: copies the web page's files (src/web/public) beside the
 * compiled server (dist/src/web/public) with a brotli and a gzip copy of each text
 * file, so the device serves compressed files without compressing them.
 *   node dist/src/web/build-static.js
 */
import { cpSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotli, gzip, isCompressible } from './static-assets.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', '..', '..', 'src', 'web', 'public');
const target = join(here, 'public');
rmSync(target, { recursive: true, force: true });
cpSync(source, target, { recursive: true });
let raw = 0;
let packed = 0;
for (const file of files(target)) {
  if (!isCompressible(file)) continue;
  const body = readFileSync(file);
  const br = brotli(body);
  writeFileSync(`${file}.br`, br);
  writeFileSync(`${file}.gz`, gzip(body));
  raw += body.length;
  packed += br.length;
}
console.error(`web page: ${raw} bytes of text, ${packed} bytes with brotli, in ${target}`);
