/**
 * The event log people read on the web page ("registration failed: 403",
 * "landline lost"), newest first. Messages are for people, not for parsing.
 */
import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors.js';
import type { StoreContext } from './context.js';
import { pageOptions, PRUNE_EVERY, type PageOptions } from './paging.js';
import type { FieldErrors } from './validate.js';

export type EventLevel = 'info' | 'warn' | 'error';

export interface NewEvent {
  level: EventLevel;
  source: string;
  message: string;
  data?: Record<string, unknown>;
}

export interface EventLogEntry extends NewEvent {
  id: number;
  /** Wall-clock milliseconds since the epoch. */
  at: number;
}

interface EventRow {
  id: number;
  at: number;
  level: EventLevel;
  source: string;
  message: string;
  data: string | null;
}

/** How many events are kept. */
export const MAX_EVENTS = 5_000;
const MAX_MESSAGE = 2_000;
const MAX_DATA = 8_192;
const LEVELS: readonly string[] = ['info', 'warn', 'error'];

export class EventsRepository {
  private readonly insert: Statement<Omit<EventRow, 'id'>>;
  private readonly page: Statement<[number, number], EventRow>;
  private readonly prune: Statement<[number]>;

  constructor(private readonly ctx: StoreContext) {
    this.insert = ctx.db.prepare('INSERT INTO events (at, level, source, message, data) VALUES (@at, @level, @source, @message, @data)');
    this.page = ctx.db.prepare('SELECT * FROM events WHERE id < ? ORDER BY id DESC LIMIT ?');
    this.prune = ctx.db.prepare('DELETE FROM events WHERE id <= ?');
  }

  /** Appends an event stamped with the wall clock; returns its id. A long message is cut, not refused. */
  add(e: NewEvent): number {
    const errors: FieldErrors = {};
    if (!LEVELS.includes(e.level)) errors.level = 'must be one of info, warn, error';
    if (typeof e.source !== 'string' || e.source.length === 0 || e.source.length > 64) errors.source = 'must be 1-64 characters';
    if (typeof e.message !== 'string') errors.message = 'must be a string';
    let data: string | null = null;
    if (e.data !== undefined) {
      if (typeof e.data !== 'object' || e.data === null || Array.isArray(e.data)) {
        errors.data = 'must be an object';
      } else {
        data = JSON.stringify(e.data);
        if (data.length > MAX_DATA) errors.data = `must be at most ${MAX_DATA} characters as JSON`;
      }
    }
    if (Object.keys(errors).length > 0) throw new ValidationError('invalid event', errors);
    const message = e.message.length > MAX_MESSAGE ? `${e.message.slice(0, MAX_MESSAGE - 1)}…` : e.message;
    return this.ctx.writer.write(() => {
      const id = Number(this.insert.run({ at: this.ctx.clock.wallTime(), level: e.level, source: e.source, message, data }).lastInsertRowid);
      if (id % PRUNE_EVERY === 0) this.prune.run(id - MAX_EVENTS);
      return id;
    });
  }

  /** Newest first: up to `limit` (default 100) events with ids below `beforeId`. */
  list(opts?: PageOptions): EventLogEntry[] {
    const { limit, beforeId } = pageOptions(opts);
    return this.page.all(beforeId, limit).map((r) => {
      const entry: EventLogEntry = { id: r.id, at: r.at, level: r.level, source: r.source, message: r.message };
      if (r.data !== null) entry.data = JSON.parse(r.data) as Record<string, unknown>;
      return entry;
    });
  }
}
