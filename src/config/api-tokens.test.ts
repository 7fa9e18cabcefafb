import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { FakeClock } from '../clock.js';
import { NotFoundError } from '../errors.js';
import { MemoryLogger } from '../log.js';
import { LAST_USED_RESOLUTION_MS } from './api-tokens-repository.js';
import { ConfigStore, DATABASE_FILE } from './store.js';
import { assertInvalid, memoryStore, tempDir } from './test-support/fixtures.js';

test('api tokens: create gives a dt_ token once; verify recognises it and records its use', () => {
  const { store, clock, changes } = memoryStore();
  const created = store.apiTokens.create('backup script');
  assert.match(created.token, /^dt_[A-Za-z0-9_-]{43}$/);
  assert.equal(created.name, 'backup script');
  const createdAt = clock.wallTime();
  assert.deepEqual(store.apiTokens.list(), [{ id: created.id, name: 'backup script', createdAt, lastUsedAt: null }]);
  clock.advance(5_000);
  assert.deepEqual(store.apiTokens.verify(created.token), { id: created.id, name: 'backup script' });
  assert.equal(store.apiTokens.list()[0]?.lastUsedAt, createdAt + 5_000);
  clock.advance(1_000);
  store.apiTokens.verify(created.token);
  assert.equal(store.apiTokens.list()[0]?.lastUsedAt, createdAt + 5_000, 'not rewritten within the resolution');
  clock.advance(LAST_USED_RESOLUTION_MS);
  store.apiTokens.verify(created.token);
  assert.equal(store.apiTokens.list()[0]?.lastUsedAt, createdAt + 6_000 + LAST_USED_RESOLUTION_MS);
  assert.deepEqual(changes, [{ section: 'apiTokens', op: 'insert', key: created.id }], 'using a token is not a configuration change');
});

test('api tokens: wrong, altered or foreign tokens are refused', () => {
  const { store } = memoryStore();
  const { token } = store.apiTokens.create('a');
  const last = token.at(-1) === 'A' ? 'B' : 'A';
  for (const t of ['', 'dt_', token.slice(0, -1), `${token.slice(0, -1)}${last}`, `xx_${token.slice(3)}`, `${token}A`, 42 as unknown as string]) {
    assert.equal(store.apiTokens.verify(t), null, `refused: ${String(t)}`);
  }
});

test('api tokens: only a SHA-256 of the token is stored', () => {
  const tmp = tempDir();
  try {
    const store = ConfigStore.open({ dataDir: tmp.dir, log: new MemoryLogger(), clock: new FakeClock() });
    const { token } = store.apiTokens.create('a');
    store.close();
    const db = new Database(join(tmp.dir, DATABASE_FILE), { readonly: true });
    const rows = db.prepare('SELECT * FROM api_tokens').all();
    db.close();
    assert.ok(!JSON.stringify(rows).includes(token.slice(3)));
    assert.match(JSON.stringify(rows), /"token_hash":"[0-9a-f]{64}"/);
  } finally {
    tmp.remove();
  }
});

test('api tokens: revoke deletes; unknown ids are not found; names are validated', () => {
  const { store, changes } = memoryStore();
  const a = store.apiTokens.create('a');
  const b = store.apiTokens.create('b');
  store.apiTokens.revoke(a.id);
  assert.equal(store.apiTokens.verify(a.token), null);
  assert.deepEqual(store.apiTokens.verify(b.token), { id: b.id, name: 'b' });
  assert.deepEqual(store.apiTokens.list().map((t) => t.id), [b.id]);
  assert.throws(() => store.apiTokens.revoke(a.id), NotFoundError);
  assertInvalid(() => store.apiTokens.create(''), ['name']);
  assertInvalid(() => store.apiTokens.create('x'.repeat(65)), ['name']);
  assertInvalid(() => store.apiTokens.create('line\nbreak'), ['name']);
  assert.deepEqual(changes.map((c) => `${c.op}:${String(c.key)}`), [`insert:${a.id}`, `insert:${b.id}`, `delete:${a.id}`]);
});
