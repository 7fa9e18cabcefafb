/**
 * Part of `npm run build`, like src/web/build-static.ts: copies the board profiles
 * (board/profiles/*.json) beside the compiled loader (dist/board/profiles), so a
 * device that carries only dist/ finds them (profiles.ts looks there first).
 *   node dist/board/profiles/copy-profiles.js   (from dist only)
 */
import { copyFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, '..', '..', '..', 'board', 'profiles');
const copied = readdirSync(source).filter((f) => f.endsWith('.json'));
for (const f of copied) copyFileSync(join(source, f), join(here, f));
console.error(`board profiles: ${copied.length} copied to ${here}`);
