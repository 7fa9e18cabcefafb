/**
 * The child process of durability.test.ts: writes to the store in a tight loop
 * until it is killed. Each round n imports a document in which every account,
 * line and route carries the generation n, then adds CDR n and event n, and only
 * then prints `n` (so every printed n is committed).
 *
 *   node --import tsx src/config/test-support/durability-writer.ts FILE
 */
import { SystemClock } from '../../clock.js';
import { MemoryLogger } from '../../log.js';
import { ConfigStore } from '../store.js';

export const ROUTES_PER_DOCUMENT = 60;

/** The document of generation `n`. */
export function generationDocument(n: number): unknown {
  const accounts = [0, 1, 2, 3].map((i) => ({ id: `a${i}`, server: `sip${i}.example.net`, username: `u${i}`, password: `p${n}`, displayName: `g${n}` }));
  return {
    version: 1,
    accounts,
    lines: [1, 2, 3, 4].map((port) => ({ port, kind: 'fxs', account: `a${port - 1}`, extension: `${port}${n % 10}`, name: `g${n}` })),
    dialPlan: Array.from({ length: ROUTES_PER_DOCUMENT }, (_, i) => ({ pattern: `${n}*${i}`, route: `account:a${i % 4}` })),
  };
}

function main(file: string): void {
  const log = new MemoryLogger([], {}, 'silent');
  const store = ConfigStore.openFile({ file, log, clock: new SystemClock() });
  for (let n = 1; ; n++) {
    store.importDocument(generationDocument(n));
    store.cdrs.add({ startedAt: n, endedAt: n, direction: 'internal', from: '11', to: String(n), disposition: 'answered' });
    store.events.add({ level: 'info', source: 'durability', message: String(n) });
    process.stdout.write(`${n}\n`);
  }
}

const file = process.argv[2];
if (file !== undefined && process.argv[1]?.endsWith('durability-writer.ts') === true) main(file);
