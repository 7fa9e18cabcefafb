import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SystemClock } from '../clock.js';
import { DialtoneError } from '../errors.js';
import { MemoryLogger } from '../log.js';
import { applyMigrations, latestVersion, MIGRATIONS, userVersion, type Migration } from './migrations.js';
import { ConfigStore, DATABASE_FILE } from './store.js';
import { tempDir } from './test-support/fixtures.js';

test('a fresh database reaches the latest version, with WAL, foreign keys and synchronous=FULL', () => {
  const tmp = tempDir();
  try {
    const log = new MemoryLogger();
    const store = ConfigStore.open({ dataDir: join(tmp.dir, 'nested', 'data'), log, clock: new SystemClock() });
    store.close();
    const db = new Database(join(tmp.dir, 'nested', 'data', DATABASE_FILE));
    try {
      assert.equal(userVersion(db), latestVersion());
      assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all().map((r) => r.name);
      assert.deepEqual(tables, ['accounts', 'admin', 'api_tokens', 'cdrs', 'dial_plan', 'events', 'lines', 'messages', 'settings']);
    } finally {
      db.close();
    }
    assert.equal(log.entries.filter((e) => e.msg === 'configuration database migrated').length, MIGRATIONS.length);

    // Reopening runs nothing again, and the data survives.
    const log2 = new MemoryLogger();
    const again = ConfigStore.open({ dataDir: join(tmp.dir, 'nested', 'data'), log: log2, clock: new SystemClock() });
    again.settings.setRegion('DE');
    again.close();
    const third = ConfigStore.open({ dataDir: join(tmp.dir, 'nested', 'data'), log: log2, clock: new SystemClock() });
    assert.equal(third.settings.region(), 'DE');
    third.close();
    assert.equal(log2.entries.filter((e) => e.msg === 'configuration database migrated').length, 0);
  } finally {
    tmp.remove();
  }
});

test('migrations run in order, once each, each with its user_version bump', () => {
  const db = new Database(':memory:');
  const ran: number[] = [];
  const migrations: Migration[] = [
    { version: 1, name: 'one', up: (d) => { ran.push(1); d.exec('CREATE TABLE a (x INTEGER)'); } },
    { version: 2, name: 'two', up: (d) => { ran.push(2); d.exec('CREATE TABLE b (x INTEGER)'); } },
  ];
  const log = new MemoryLogger();
  assert.equal(applyMigrations(db, log, migrations.slice(0, 1)), 1);
  assert.equal(userVersion(db), 1);
  assert.equal(applyMigrations(db, log, migrations), 1);
  assert.equal(applyMigrations(db, log, migrations), 0);
  assert.deepEqual(ran, [1, 2]);
  assert.equal(userVersion(db), 2);
  db.close();
});

test('a failing migration rolls back whole and leaves user_version where it was', () => {
  const db = new Database(':memory:');
  const migrations: Migration[] = [
    { version: 1, name: 'one', up: (d) => d.exec('CREATE TABLE a (x INTEGER)') },
    { version: 2, name: 'broken', up: (d) => { d.exec('CREATE TABLE b (x INTEGER)'); d.exec('CREATE TABLE a (x INTEGER)'); } },
  ];
  assert.throws(() => applyMigrations(db, new MemoryLogger(), migrations), /already exists/);
  assert.equal(userVersion(db), 1);
  assert.deepEqual(db.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").all(), []);
  db.close();
});

test('a database from newer firmware is refused rather than misread; misnumbered migrations are a bug', () => {
  const db = new Database(':memory:');
  db.pragma(`user_version = ${latestVersion() + 1}`);
  assert.throws(() => applyMigrations(db, new MemoryLogger()), (err: unknown) => err instanceof DialtoneError && err.code === 'config_too_new');
  assert.throws(() => applyMigrations(new Database(':memory:'), new MemoryLogger(), [{ version: 2, name: 'x', up: () => undefined }]), /expected 1/);
  db.close();
});
