/**
 * The database schema, as numbered migrations. `PRAGMA user_version` holds the
 * number of the last one applied; each runs in its own transaction together with
 * the bump of user_version, so a crash leaves the schema at one version or the
 * next, never between. Append new migrations; never edit one that has shipped.
 */
import type { Database } from 'better-sqlite3';
import { DialtoneError } from '../errors.js';
import type { Logger } from '../log.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}

const INITIAL_SCHEMA = `
  CREATE TABLE admin (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    password_hash TEXT NOT NULL,
    updated_at    INTEGER NOT NULL
  ) STRICT;

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  -- NULL in an optional column means "never set": exports leave it out and the
  -- parts that use it apply their default.
  CREATE TABLE accounts (
    id               TEXT PRIMARY KEY,
    position         INTEGER NOT NULL,
    server           TEXT NOT NULL,
    transport        TEXT CHECK (transport IN ('udp', 'tcp', 'tls')),
    username         TEXT NOT NULL,
    password         TEXT,
    display_name     TEXT,
    register         INTEGER CHECK (register IN (0, 1)),
    auth_username    TEXT,
    outbound_proxy   TEXT,
    register_expires INTEGER CHECK (register_expires BETWEEN 60 AND 86400),
    enabled          INTEGER CHECK (enabled IN (0, 1)),
    codecs           TEXT,
    dtmf_mode        TEXT
  ) STRICT;

  -- Foreign keys are deferred to COMMIT so a section can be replaced as a whole.
  CREATE TABLE lines (
    port               INTEGER PRIMARY KEY CHECK (port BETWEEN 1 AND 16),
    kind               TEXT NOT NULL CHECK (kind IN ('fxs', 'fxo')),
    account            TEXT REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED,
    extension          TEXT CHECK (extension IS NULL OR kind = 'fxs'),
    prefix             TEXT CHECK (prefix IS NULL OR kind = 'fxo'),
    name               TEXT,
    caller_id_standard TEXT CHECK (caller_id_standard IN ('bell202', 'v23', 'dtmf', 'none')),
    digit_map          TEXT,
    features           TEXT,
    rings_on_fxs       TEXT
  ) STRICT;
  CREATE UNIQUE INDEX lines_extension ON lines (extension) WHERE extension IS NOT NULL;
  CREATE INDEX lines_account ON lines (account);

  CREATE TABLE dial_plan (
    position   INTEGER PRIMARY KEY,
    pattern    TEXT NOT NULL,
    route      TEXT NOT NULL,
    strip      INTEGER,
    prepend    TEXT,
    account_id TEXT REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED,
    line_port  INTEGER REFERENCES lines (port) DEFERRABLE INITIALLY DEFERRED
  ) STRICT;
  CREATE INDEX dial_plan_account ON dial_plan (account_id);
  CREATE INDEX dial_plan_line ON dial_plan (line_port);

  -- AUTOINCREMENT: ids are never reused after old rows are pruned, so paging by id is stable.
  CREATE TABLE cdrs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at   INTEGER NOT NULL,
    answered_at  INTEGER,
    ended_at     INTEGER NOT NULL,
    direction    TEXT NOT NULL,
    from_number  TEXT NOT NULL,
    to_number    TEXT NOT NULL,
    port         INTEGER,
    account      TEXT,
    disposition  TEXT NOT NULL,
    hangup_cause TEXT
  ) STRICT;

  CREATE TABLE events (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    at      INTEGER NOT NULL,
    level   TEXT NOT NULL CHECK (level IN ('info', 'warn', 'error')),
    source  TEXT NOT NULL,
    message TEXT NOT NULL,
    data    TEXT
  ) STRICT;

  CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER
  ) STRICT;
`;

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial schema', up: (db) => db.exec(INITIAL_SCHEMA) },
  {
    version: 2,
    name: 'accounts: accept calls from any address',
    up: (db) => db.exec('ALTER TABLE accounts ADD COLUMN accept_calls_from_any_address INTEGER'),
  },
  {
    version: 3,
    name: 'accounts: SRTP mode',
    up: (db) => db.exec('ALTER TABLE accounts ADD COLUMN srtp TEXT'),
  },
  {
    version: 4,
    name: 'cdrs: media statistics',
    up: (db) => db.exec('ALTER TABLE cdrs ADD COLUMN media TEXT'),
  },
  {
    version: 5,
    name: 'lines: landline calls sent to a SIP number',
    up: (db) => db.exec('ALTER TABLE lines ADD COLUMN sip_target TEXT'),
  },
  {
    version: 6,
    name: 'messages: what unknown callers left on the answering machine',
    up: (db) => db.exec(`
      CREATE TABLE messages (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        from_number TEXT,
        caller_name TEXT,
        port        INTEGER NOT NULL,
        duration_ms INTEGER NOT NULL CHECK (duration_ms >= 0),
        size_bytes  INTEGER NOT NULL CHECK (size_bytes >= 0),
        heard       INTEGER NOT NULL DEFAULT 0 CHECK (heard IN (0, 1)),
        file        TEXT NOT NULL
      ) STRICT`),
  },
];

export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

export function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies the migrations the database has not had yet; returns how many ran. */
export function applyMigrations(db: Database, log: Logger, migrations: readonly Migration[] = MIGRATIONS): number {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} is numbered ${m.version}, expected ${i + 1}`);
  });
  const current = userVersion(db);
  const latest = latestVersion(migrations);
  if (current > latest) {
    throw new DialtoneError('config_too_new', `the configuration database is at schema version ${current}; this firmware knows up to ${latest}`, { current, latest });
  }
  let applied = 0;
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    log.info('configuration database migrated', { version: m.version, migration: m.name });
    applied++;
  }
  return applied;
}
