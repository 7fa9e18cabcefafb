/** ConfigStore.factoryReset: everything erased in one go, one change per section that had anything. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeClock } from '../clock.js';
import { MemoryLogger } from '../log.js';
import { DEFAULT_REGION } from './regions.js';
import { ConfigStore, DATABASE_FILE } from './store.js';
import { memoryStore, minimalDocument, tempDir } from './test-support/fixtures.js';

test('factory reset erases accounts, lines, the dial plan, settings, tokens, call records, events and the admin password', () => {
  const { store, changes } = memoryStore();
  store.importDocument({
    ...minimalDocument(),
    region: 'DE',
    dialPlan: [{ pattern: '9x.T', route: 'fxo', strip: 1 }],
    rtp: { portMin: 12000 },
    callScreening: { rejectAnonymous: true },
    starCodes: { redial: '*69' },
  });
  const token = store.apiTokens.create('script');
  store.cdrs.add({ startedAt: 1, endedAt: 2, direction: 'inbound', from: '5551234', to: '11', disposition: 'no_answer' });
  store.events.add({ level: 'info', source: 'test', message: 'hello' });
  assert.equal(store.admin.isSet(), true);
  changes.length = 0;

  store.factoryReset();

  assert.deepEqual(store.accounts.list(), []);
  assert.deepEqual(store.lines.list(), []);
  assert.deepEqual(store.dialPlan.list(), []);
  assert.equal(store.dialPlan.isDefined(), false);
  assert.equal(store.settings.storedRegion(), undefined);
  assert.equal(store.settings.region(), DEFAULT_REGION);
  assert.equal(store.settings.storedRtp(), undefined);
  assert.equal(store.settings.callScreening(), undefined);
  assert.equal(store.settings.starCodes(), undefined);
  assert.equal(store.apiTokens.verify(token.token), null);
  assert.deepEqual(store.apiTokens.list(), []);
  assert.deepEqual(store.cdrs.list(), []);
  assert.deepEqual(store.events.list(), []);
  assert.equal(store.admin.isSet(), false);
  assert.deepEqual(store.exportDocument({ includeSecrets: true }), { version: 1, accounts: [], lines: [] });

  assert.deepEqual(changes, [
    { section: 'dialPlan', op: 'replace' },
    { section: 'lines', op: 'replace' },
    { section: 'accounts', op: 'replace' },
    { section: 'settings', op: 'replace' },
    { section: 'apiTokens', op: 'replace' },
    { section: 'admin', op: 'delete' },
  ]);
});

test('listeners see the erased store; a second reset changes nothing and emits nothing', () => {
  const { store, changes } = memoryStore();
  store.importDocument(minimalDocument());
  const seen: number[] = [];
  store.on('change', (c) => {
    if (c.section === 'accounts') seen.push(store.accounts.list().length);
  });
  changes.length = 0;
  store.factoryReset();
  assert.deepEqual(seen, [0]);
  changes.length = 0;
  store.factoryReset();
  assert.deepEqual(changes, []);
});

test('an empty dial plan that was set counts as a change: the export leaves dialPlan out again', () => {
  const { store, changes } = memoryStore();
  store.dialPlan.replace([]);
  changes.length = 0;
  store.factoryReset();
  assert.deepEqual(changes, [{ section: 'dialPlan', op: 'replace' }, { section: 'settings', op: 'replace' }]);
  assert.equal('dialPlan' in store.exportDocument({ includeSecrets: false }), false);
});

test('the store still works after a reset: a new admin password and account can be set', () => {
  const { store } = memoryStore();
  store.importDocument(minimalDocument());
  store.factoryReset();
  store.admin.setPassword('a new password');
  store.accounts.upsert({ id: 'main', server: 'pbx.example', username: '100' });
  assert.equal(store.admin.verifyPassword('a new password'), true);
  assert.equal(store.accounts.list().length, 1);
});

test('on disk, the erased SIP password is gone from the database file and its WAL', () => {
  const { dir, remove } = tempDir();
  try {
    const secret = 'Zq7-unmistakable-sip-secret';
    const open = (): ConfigStore => ConfigStore.open({ dataDir: dir, log: new MemoryLogger(), clock: new FakeClock() });
    const store = open();
    const doc = minimalDocument();
    store.importDocument({ ...doc, accounts: [{ ...doc.accounts[0], password: secret }] });
    store.factoryReset();
    store.close();
    for (const file of [DATABASE_FILE, `${DATABASE_FILE}-wal`]) {
      const path = join(dir, file);
      if (existsSync(path)) assert.equal(readFileSync(path).includes(secret), false, `${file} still holds the password`);
    }
    const reopened = open();
    assert.deepEqual(reopened.accounts.list(), []);
    assert.equal(reopened.admin.isSet(), false);
    reopened.close();
  } finally {
    remove();
  }
});
