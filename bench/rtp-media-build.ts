/**
 * Runs the box of bench/rtp-media.ts on the built dist rather than under tsx:
 * tsx (its loader and esbuild service) adds some 25–30 MB to a process's RSS,
 * which would swamp the RSS budget. rtp-media-box.ts and rtp-media-protocol.ts
 * are transpiled (TypeScript's transpileModule, types dropped only) into a
 * temporary directory as .mjs, with their imports pointed at the repository's
 * dist/ (built by `npm run bench`) and at the installed packages, and the box is
 * then started with plain `node`, with the node flags the device runs with (the
 * ones in systemd/dialtone.service's ExecStart).
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const FILES = ['rtp-media-box', 'rtp-media-protocol'];
const PACKAGES = ['fastify'];

export interface BuiltBox {
  /** The box's entry (.mjs) to run with plain node. */
  file: string;
  /** Removes the temporary directory. */
  cleanup(): Promise<void>;
}

/** The node options (`--...`) between the node binary and the script in the unit's ExecStart. */
export async function deviceNodeFlags(): Promise<string[]> {
  const unit = await readFile(new URL('../systemd/dialtone.service', import.meta.url), 'utf8');
  const line = /^ExecStart=(.*)$/m.exec(unit);
  if (line === null) throw new Error('systemd/dialtone.service has no ExecStart');
  const words = line[1]!.trim().split(/\s+/).slice(1);
  const flags: string[] = [];
  for (const w of words) {
    if (!w.startsWith('--')) break;
    flags.push(w);
  }
  return flags;
}

export async function buildBoxOnDist(): Promise<BuiltBox> {
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const dist = join(repo, 'dist');
  if (!existsSync(join(dist, 'src', 'rtp', 'media-bridge.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
  const require = createRequire(import.meta.url);
  const packages = new Map(PACKAGES.map((p) => [p, pathToFileURL(require.resolve(p)).href]));
  const dir = await mkdtemp(join(tmpdir(), 'dialtone-rtp-media-'));
  for (const name of FILES) {
    const source = await readFile(new URL(`./${name}.ts`, import.meta.url), 'utf8');
    const js = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
      fileName: `${name}.ts`,
    }).outputText.replace(/(\bfrom\s*|\bimport\s*\(\s*)(['"])([^'"]+)\2/g, (_m, pre: string, q: string, spec: string) => {
      let to: string;
      if (spec.startsWith('../')) to = pathToFileURL(join(dist, spec.slice(3))).href;
      else if (spec.startsWith('./')) to = spec.replace(/\.js$/, '.mjs');
      else to = packages.get(spec) ?? spec;
      return `${pre}${q}${to}${q}`;
    });
    await writeFile(join(dir, `${name}.mjs`), js);
  }
  return { file: join(dir, 'rtp-media-box.mjs'), cleanup: () => rm(dir, { recursive: true, force: true }) };
}
