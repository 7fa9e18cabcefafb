/** Helpers for the config store's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { FakeClock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { MemoryLogger } from '../../log.js';
import { ConfigStore } from '../store.js';
import type { ConfigChange } from '../types.js';

/** The document of DESIGN §5 (contract): it must always be accepted. */
export function minimalDocument() {
  return {
    version: 1,
    admin: { password: 'plain text, hashed on import' },
    region: 'US',
    accounts: [{ id: 'main', server: 'sip.example.net:5060', transport: 'udp', username: '1001', password: 'secret', displayName: 'Home', register: true }],
    lines: [
      { port: 1, kind: 'fxs', account: 'main', extension: '11' },
      { port: 2, kind: 'fxs', account: 'main', extension: '12' },
      { port: 3, kind: 'fxo', account: 'main', prefix: '9' },
    ],
  };
}

export interface TestStore {
  store: ConfigStore;
  clock: FakeClock;
  log: MemoryLogger;
  /** Every change event, in order. */
  changes: ConfigChange[];
}

export function memoryStore(): TestStore {
  const clock = new FakeClock();
  const log = new MemoryLogger();
  const store = ConfigStore.openFile({ file: ':memory:', log, clock });
  const changes: ConfigChange[] = [];
  store.on('change', (c) => changes.push(c));
  return { store, clock, log, changes };
}

/** A temporary directory, removed by the returned function. */
export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-config-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Asserts that `fn` throws a ValidationError whose fields include `expected` (and returns the fields). */
export function assertInvalid(fn: () => unknown, expected: Record<string, string | RegExp> | string[]): Record<string, string> {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof ValidationError, `expected a ValidationError, got ${String(caught)}`);
  const fields = caught.fields;
  if (Array.isArray(expected)) {
    for (const key of expected) assert.ok(key in fields, `expected field ${key} in ${JSON.stringify(fields)}`);
  } else {
    for (const [key, want] of Object.entries(expected)) {
      const got = fields[key];
      assert.ok(got !== undefined, `expected field ${key} in ${JSON.stringify(fields)}`);
      if (typeof want === 'string') assert.equal(got, want, `message of ${key}`);
      else assert.match(got, want, `message of ${key}`);
    }
  }
  return fields;
}
