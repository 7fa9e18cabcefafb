#!/usr/bin/env node
// Runs every *.test.ts under the project's source folders with node's test runner.
// (Node 20's --test does not expand glob patterns itself.) Extra arguments are
// passed on: `npm test -- --test-name-pattern=supervisor`; arguments that name
// existing paths narrow the run to those files or folders. The browser tests
// (test/web-ui/, headless Chromium, a few minutes) run only when named:
// `npm run test:web` (`.ci/run` runs both).
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const paths = args.filter((a) => !a.startsWith('-') && existsSync(join(root, a)));
const flags = args.filter((a) => !paths.includes(a));
const roots = paths.length > 0 ? paths : ['src', 'audio', 'board', 'test'];
/** Folders a default run leaves out (they have their own npm script). */
const separate = paths.length > 0 ? [] : [join('test', 'web-ui')];

function collect(dir, out) {
  const full = join(root, dir);
  if (!existsSync(full)) return;
  if (statSync(full).isFile()) { out.push(dir); return; }
  for (const entry of readdirSync(full, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const rel = join(dir, entry.name);
    if (separate.includes(rel)) continue;
    if (entry.isDirectory()) collect(rel, out);
    else if (entry.name.endsWith('.test.ts')) out.push(rel);
  }
}

const files = [];
for (const r of roots) collect(r, files);
files.sort();
if (files.length === 0) {
  console.error('no test files found under', roots.join(', '));
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', ...flags, ...files.map((f) => relative(root, join(root, f)))],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
