import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { FakeClock } from '../clock.js';
import { MemoryLogger } from '../log.js';
import { ConfigStore } from './store.js';
import { ROUTES_PER_DOCUMENT } from './test-support/durability-writer.js';
import { tempDir } from './test-support/fixtures.js';

const WRITER = fileURLToPath(new URL('./test-support/durability-writer.ts', import.meta.url));

/** Runs the writer until it has printed `target` committed rounds (or 4 s passed), then SIGKILLs it; returns the last round it printed. */
function writeThenKill(file: string, target: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = 0;
    let buffered = '';
    let stderr = '';
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    const deadline = setTimeout(kill, 4000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const l of lines) printed = Number(l);
      if (printed >= target) kill();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(deadline);
      if (signal !== 'SIGKILL') reject(new Error(`the writer exited by itself (${String(code)}): ${stderr}`));
      else resolve(printed);
    });
  });
}

function numbers(values: string[]): number[] {
  return values.map(Number).sort((a, b) => a - b);
}

test('killed with SIGKILL in the middle of writing, the database is intact and holds every committed transaction whole', { timeout: 20_000 }, async () => {
  const tmp = tempDir();
  try {
    for (const [round, target] of [[1, 15], [2, 40], [3, 70]] as const) {
      const file = join(tmp.dir, `round${round}.db`);
      const printed = await writeThenKill(file, target);
      assert.ok(printed >= 1, `round ${round}: the writer committed something before being killed`);

      const raw = new Database(file);
      assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok', `round ${round}: integrity_check`);
      assert.deepEqual(raw.pragma('foreign_key_check'), [], `round ${round}: foreign keys`);
      raw.close();

      const store = ConfigStore.openFile({ file, log: new MemoryLogger(), clock: new FakeClock() });
      try {
        const doc = store.exportDocument({ includeSecrets: true });
        // Every section comes from one and the same import: no transaction is half there.
        const generations = new Set<string>([
          ...(doc.accounts ?? []).flatMap((a) => [a.displayName ?? '?', `g${(a.password ?? '?').slice(1)}`]),
          ...(doc.lines ?? []).map((l) => l.name ?? '?'),
          ...(doc.dialPlan ?? []).map((r) => `g${r.pattern.split('*')[0] ?? '?'}`),
        ]);
        assert.equal(generations.size, 1, `round ${round}: one generation, got ${[...generations].join(' ')}`);
        assert.equal(doc.accounts?.length, 4);
        assert.equal(doc.lines?.length, 4);
        assert.equal(doc.dialPlan?.length, ROUTES_PER_DOCUMENT);
        const generation = Number([...generations][0]!.slice(1));
        assert.ok(generation >= printed, `round ${round}: printed ${printed} means committed, found generation ${generation}`);

        const cdrs = numbers(store.cdrs.list({ limit: 1000 }).map((c) => c.to));
        const events = numbers(store.events.list({ limit: 1000 }).map((e) => e.message));
        assert.deepEqual(cdrs, Array.from({ length: cdrs.length }, (_, i) => i + 1), `round ${round}: CDRs without gaps`);
        assert.deepEqual(events, Array.from({ length: events.length }, (_, i) => i + 1), `round ${round}: events without gaps`);
        assert.ok(generation - 1 <= events.length && events.length <= cdrs.length && cdrs.length <= generation, `round ${round}: order of writes`);

        // The recovered database takes writes again.
        store.settings.setRegion('SE');
        store.cdrs.add({ startedAt: 1, endedAt: 2, direction: 'inbound', from: 'a', to: 'b', disposition: 'busy' });
      } finally {
        store.close();
      }
    }
  } finally {
    tmp.remove();
  }
});
