/**
 * Write transactions with change events: a write runs inside one IMMEDIATE
 * transaction (the write lock is taken up front, so it never fails half way on
 * SQLITE_BUSY), records what it changed, and the changes are published only after
 * COMMIT returns, so listeners see committed data. A write that throws rolls back
 * and publishes nothing. A write started inside another joins it (a savepoint).
 */
import type { Database } from 'better-sqlite3';
import type { ConfigChange } from './types.js';

export type Note = (change: ConfigChange) => void;

export class Writer {
  private pending: ConfigChange[] | undefined;

  constructor(
    private readonly db: Database,
    private readonly publish: (changes: readonly ConfigChange[]) => void,
  ) {}

  write<T>(fn: (note: Note) => T): T {
    const pending = this.pending;
    if (pending !== undefined) {
      const mark = pending.length;
      try {
        return this.db.transaction(() => fn((c) => pending.push(c)))();
      } catch (err) {
        pending.length = mark;
        throw err;
      }
    }
    const changes: ConfigChange[] = [];
    this.pending = changes;
    let result: T;
    try {
      result = this.db.transaction(() => fn((c) => changes.push(c))).immediate();
    } finally {
      this.pending = undefined;
    }
    if (changes.length > 0) this.publish(changes);
    return result;
  }

  /** Runs `fn` in a read transaction, so everything it reads is from one moment. */
  read<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).deferred();
  }
}
