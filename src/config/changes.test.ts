import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ConfigChange } from './types.js';
import { memoryStore } from './test-support/fixtures.js';

test('change events fire after the commit: a listener reads the committed value', () => {
  const { store } = memoryStore();
  const seen: (string | undefined)[] = [];
  store.on('change', (c) => {
    if (c.section === 'accounts') seen.push(store.accounts.get('main')?.server);
  });
  store.accounts.upsert({ id: 'main', server: 'one.example', username: 'u' });
  store.accounts.upsert({ id: 'main', server: 'two.example', username: 'u' });
  assert.deepEqual(seen, ['one.example', 'two.example']);
});

test('a listener that throws or rejects is logged; the store and the other listeners carry on', async () => {
  const { store, log, changes } = memoryStore();
  const later: ConfigChange[] = [];
  store.on('change', () => {
    throw new Error('listener bug');
  });
  // An async listener, as a careless caller might write one: its rejection must not go unhandled.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  store.on('change', () => Promise.reject(new Error('async listener bug')));
  store.on('change', (c) => later.push(c));
  store.settings.setRegion('FR');
  await new Promise((r) => setImmediate(r));
  assert.equal(store.settings.region(), 'FR', 'the write stands');
  assert.equal(changes.length, 1);
  assert.deepEqual(later, [{ section: 'settings', op: 'insert', key: 'region' }]);
  const failures = log.entries.filter((e) => e.msg === 'a configuration change listener failed');
  assert.deepEqual(failures.map((e) => e.fields.err), ['listener bug', 'async listener bug']);
  store.settings.setRegion('IT');
  assert.equal(store.settings.region(), 'IT');
});

test('once listeners hear one change; a listener may write to the store', () => {
  const { store, changes } = memoryStore();
  let onceCalls = 0;
  store.once('change', () => onceCalls++);
  store.on('change', (c) => {
    if (c.section === 'accounts' && c.op === 'insert') store.events.add({ level: 'info', source: 'test', message: `added ${String(c.key)}` });
  });
  store.accounts.upsert({ id: 'a', server: 'x.example', username: 'u' });
  store.accounts.upsert({ id: 'b', server: 'x.example', username: 'u' });
  assert.equal(onceCalls, 1);
  assert.deepEqual(store.events.list().map((e) => e.message), ['added b', 'added a']);
  assert.equal(changes.length, 2);
});

test('an import emits one replace per section it changed, after the commit', () => {
  const { store, changes } = memoryStore();
  let seenLines = -1;
  store.on('change', (c) => {
    if (c.section === 'accounts') seenLines = store.lines.list().length;
  });
  store.importDocument({
    version: 1,
    accounts: [{ id: 'main', server: 'x.example', username: 'u' }],
    lines: [{ port: 1, kind: 'fxs', account: 'main' }],
  });
  assert.equal(seenLines, 1, 'the whole import was committed before any listener ran');
  assert.deepEqual(changes, [{ section: 'accounts', op: 'replace' }, { section: 'lines', op: 'replace' }]);
});
