/**
 * TraceBuffer: a bounded in-memory ring of the packets the SIP stack sent and
 * received, for the trace a support engineer asks for. Bounded three ways so it
 * cannot grow the process: a record count, a total payload byte budget, and an
 * age (against the injected Clock's wallTime). The oldest records go first.
 * Payloads are copied into buffers of their own, so a record never pins a
 * larger pooled or socket buffer and later changes by the caller do not show.
 */
import type { Clock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import type { TraceRecord } from './record.js';

export interface TraceBufferOptions {
  clock: Clock;
  /** Most records kept. Default 2000. */
  maxRecords?: number;
  /** Most payload bytes kept, all records together. Default 4 MiB. */
  maxBytes?: number;
  /** Records older than this (ms, by wallTime) are dropped. Default 10 minutes. */
  maxAgeMs?: number;
}

/** What add() takes: a record whose wallTime defaults to the clock's wallTime(). */
export type TraceRecordInit = Omit<TraceRecord, 'wallTime'> & { wallTime?: number };

export const DEFAULT_TRACE_MAX_RECORDS = 2000;
export const DEFAULT_TRACE_MAX_BYTES = 4 * 1024 * 1024;
export const DEFAULT_TRACE_MAX_AGE_MS = 10 * 60 * 1000;

export class TraceBuffer {
  readonly maxRecords: number;
  readonly maxBytes: number;
  readonly maxAgeMs: number;
  private readonly clock: Clock;
  /** records[head..] are live; the dead prefix is compacted away now and then. */
  private records: (TraceRecord | undefined)[] = [];
  private head = 0;
  private totalBytes = 0;
  private evicted = 0;

  constructor(options: TraceBufferOptions) {
    this.clock = options.clock;
    this.maxRecords = options.maxRecords ?? DEFAULT_TRACE_MAX_RECORDS;
    this.maxBytes = options.maxBytes ?? DEFAULT_TRACE_MAX_BYTES;
    this.maxAgeMs = options.maxAgeMs ?? DEFAULT_TRACE_MAX_AGE_MS;
    const fields: Record<string, string> = {};
    if (!Number.isInteger(this.maxRecords) || this.maxRecords < 1) fields.maxRecords = 'must be a positive integer';
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1) fields.maxBytes = 'must be a positive integer';
    if (!Number.isFinite(this.maxAgeMs) || this.maxAgeMs <= 0) fields.maxAgeMs = 'must be a positive number';
    if (Object.keys(fields).length > 0) throw new ValidationError('invalid trace buffer options', fields);
  }

  /**
   * Keeps a copy of the record, dropping the oldest records as the bounds require.
   * Returns false (and keeps nothing) when the payload alone exceeds maxBytes.
   */
  add(init: TraceRecordInit): boolean {
    this.expire();
    if (init.bytes.length > this.maxBytes) {
      this.evicted++;
      return false;
    }
    const bytes = Buffer.allocUnsafeSlow(init.bytes.length);
    init.bytes.copy(bytes);
    const record: TraceRecord = {
      wallTime: init.wallTime ?? this.clock.wallTime(),
      direction: init.direction,
      protocol: init.protocol,
      local: { address: init.local.address, port: init.local.port },
      remote: { address: init.remote.address, port: init.remote.port },
      bytes,
    };
    this.records.push(record);
    this.totalBytes += bytes.length;
    while (this.liveCount() > this.maxRecords || this.totalBytes > this.maxBytes) this.dropOldest();
    this.compact();
    return true;
  }

  /** The records with wallTime at or after `wallTime`, oldest first. */
  since(wallTime: number): TraceRecord[] {
    this.expire();
    return this.live().filter((r) => r.wallTime >= wallTime);
  }

  /** The records of the last `n` minutes (by the clock's wallTime), oldest first. */
  lastMinutes(n: number): TraceRecord[] {
    return this.since(this.clock.wallTime() - n * 60_000);
  }

  /** Every record kept, oldest first. */
  all(): TraceRecord[] {
    this.expire();
    return this.live();
  }

  clear(): void {
    this.records = [];
    this.head = 0;
    this.totalBytes = 0;
  }

  /** How many records are kept. */
  get size(): number {
    this.expire();
    return this.liveCount();
  }

  /** How many payload bytes are kept. */
  get bytes(): number {
    this.expire();
    return this.totalBytes;
  }

  /** How many records were dropped (for the bounds) or refused (too large) since construction. */
  get droppedCount(): number {
    return this.evicted;
  }

  private live(): TraceRecord[] {
    return this.records.slice(this.head).filter((r): r is TraceRecord => r !== undefined);
  }

  private liveCount(): number {
    return this.records.length - this.head;
  }

  private dropOldest(): void {
    const oldest = this.records[this.head];
    if (oldest === undefined) return;
    this.records[this.head] = undefined; // release the payload now
    this.head++;
    this.totalBytes -= oldest.bytes.length;
    this.evicted++;
  }

  /** Drops records older than maxAgeMs from the front (records are kept in arrival order). */
  private expire(): void {
    const cutoff = this.clock.wallTime() - this.maxAgeMs;
    for (let r = this.records[this.head]; r !== undefined && r.wallTime < cutoff; r = this.records[this.head]) this.dropOldest();
    this.compact();
  }

  private compact(): void {
    if (this.head > 0 && this.head >= this.records.length / 2) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
}
