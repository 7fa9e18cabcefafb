/**
 * Opening the SQLite file with the settings that keep it intact on a box whose
 * power can be pulled at any moment, then bringing its schema up to date.
 */
import Database from 'better-sqlite3';
import type { Database as Db } from 'better-sqlite3';
import type { Logger } from '../log.js';
import { applyMigrations } from './migrations.js';

export function openDatabase(file: string, log: Logger): Db {
  const db = new Database(file);
  try {
    // WAL: a commit appends to the -wal file and readers never block the writer.
    // An interrupted write leaves at most an incomplete frame at the end of the
    // WAL, which recovery ignores, so the database itself is never torn.
    const mode = db.pragma('journal_mode = WAL', { simple: true }) as string;
    if (mode !== 'wal' && file !== ':memory:') log.warn('configuration database is not in WAL mode', { mode });
    // FULL rather than NORMAL: both keep a WAL database uncorrupted on power
    // loss, but NORMAL may lose the last commits (the WAL is synced only at
    // checkpoints). With FULL a change the user was told is saved is on the card.
    // Writes here are rare (configuration, one CDR per call), so one fsync per
    // commit costs nothing that matters.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // Another connection (a backup tool, sqlite3 on the console) may hold the lock briefly.
    db.pragma('busy_timeout = 5000');
    // Truncate the WAL back to 4 MiB after a checkpoint rather than letting it stay at its peak.
    db.pragma('journal_size_limit = 4194304');
    const check = db.pragma('quick_check', { simple: true }) as string;
    if (check !== 'ok') log.error('configuration database failed its integrity check', { file, check });
    applyMigrations(db, log);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}
