/**
 * The process log's last lines, kept in memory for GET /api/logs. The root logger's
 * destination is a tee (`teeStream`): every JSON line pino writes goes on to stdout
 * unchanged and into a LogRing of fixed capacity. Lines are stored as written (each
 * cut to MAX_LINE_CHARS, still valid JSON) and parsed only when someone reads them.
 */
import { Writable } from 'node:stream';
import type { LogLevel } from './log.js';

export type LogViewLevel = Exclude<LogLevel, 'silent'>;

/** One log line as the API shows it. */
export interface LogView {
  /** ISO 8601. */
  at: string;
  level: LogViewLevel;
  /** The supervision path binding (`dialtone/sip`), else the `component` binding, else "dialtone". */
  component: string;
  message: string;
  /** The line's other fields (not pid, hostname, name, time, level, msg or the component binding). */
  fields: Record<string, unknown>;
}

export interface LogQuery {
  /** The lowest level shown (default: every level). */
  minLevel?: LogViewLevel;
  /** A prefix of the component; `sip` also matches below the root (`dialtone/sip…`). */
  component?: string;
  /** At most this many entries (default: all). */
  limit?: number;
}

export const DEFAULT_LOG_CAPACITY = 2000;
/** A longer line is stored shortened (its message and field values cut) so memory stays bounded. */
export const MAX_LINE_CHARS = 4096;
const ROOT_COMPONENT = 'dialtone';
const LEVEL_VALUES: Record<LogViewLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };
const LEVELS_HIGH_FIRST = (Object.entries(LEVEL_VALUES) as [LogViewLevel, number][]).sort((a, b) => b[1] - a[1]);
const NOT_FIELDS = new Set(['pid', 'hostname', 'name', 'time', 'level', 'msg']);

interface Stored {
  line: string;
  /** When it was pushed (ms since the epoch): the time of a line that carries none. */
  receivedAt: number;
}

export class LogRing {
  private readonly slots: (Stored | undefined)[];
  /** Where the next line goes. */
  private next = 0;
  private count = 0;

  constructor(readonly capacity = DEFAULT_LOG_CAPACITY, private readonly now: () => number = Date.now) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`log ring capacity must be a positive integer, not ${capacity}`);
    this.slots = new Array<Stored | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Keeps one line (a JSON object as pino writes it, without the newline); the oldest goes when full. */
  push(line: string): void {
    const text = line.endsWith('\n') ? line.slice(0, -1) : line;
    if (text.trim() === '') return;
    this.slots[this.next] = { line: text.length > MAX_LINE_CHARS ? shorten(text) : text, receivedAt: this.now() };
    this.next = (this.next + 1) % this.capacity;
    this.count = Math.min(this.count + 1, this.capacity);
  }

  /** The stored lines that match `q`, newest first. */
  entries(q: LogQuery = {}): LogView[] {
    const min = q.minLevel === undefined ? 0 : LEVEL_VALUES[q.minLevel];
    const limit = q.limit ?? this.capacity;
    const out: LogView[] = [];
    for (let i = 1; i <= this.count && out.length < limit; i++) {
      const stored = this.slots[(this.next - i + this.capacity) % this.capacity];
      if (stored === undefined) continue;
      const view = toView(stored);
      if (LEVEL_VALUES[view.level] < min) continue;
      if (q.component !== undefined && !componentMatches(view.component, q.component)) continue;
      out.push(view);
    }
    return out;
  }
}

/**
 * A Writable for pino's destination: writes every chunk on to `out` unchanged (at once,
 * in the same call) and pushes each complete line to `ring`.
 */
export function teeStream(ring: LogRing, out: NodeJS.WritableStream): Writable {
  let partial = '';
  const take = (text: string): void => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    // A runaway line without a newline must not grow without bound either.
    if (partial.length > MAX_LINE_CHARS * 4) {
      ring.push(partial);
      partial = '';
    }
    for (const line of lines) ring.push(line);
  };
  return new Writable({
    decodeStrings: false,
    write(chunk: unknown, _encoding, callback) {
      const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      out.write(text);
      take(text);
      callback();
    },
    final(callback) {
      if (partial !== '') ring.push(partial);
      partial = '';
      callback();
    },
  });
}

function componentMatches(component: string, prefix: string): boolean {
  return component.startsWith(prefix) || component.startsWith(`${ROOT_COMPONENT}/${prefix}`);
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(line);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function levelOf(value: unknown): LogViewLevel {
  if (typeof value === 'string' && value in LEVEL_VALUES) return value as LogViewLevel;
  if (typeof value === 'number') {
    for (const [name, n] of LEVELS_HIGH_FIRST) if (value >= n) return name;
    return 'trace';
  }
  return 'info';
}

function timeOf(value: unknown, fallback: number): string {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  return new Date(Number.isFinite(ms) ? ms : fallback).toISOString();
}

function toView(stored: Stored): LogView {
  const obj = parseObject(stored.line);
  if (obj === undefined) {
    return { at: new Date(stored.receivedAt).toISOString(), level: 'info', component: ROOT_COMPONENT, message: stored.line, fields: {} };
  }
  const componentKey = typeof obj.path === 'string' ? 'path' : typeof obj.component === 'string' ? 'component' : undefined;
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (!NOT_FIELDS.has(k) && k !== componentKey) fields[k] = v;
  return {
    at: timeOf(obj.time, stored.receivedAt),
    level: levelOf(obj.level),
    component: componentKey === undefined ? ROOT_COMPONENT : (obj[componentKey] as string),
    message: typeof obj.msg === 'string' ? obj.msg : obj.msg === undefined ? '' : JSON.stringify(obj.msg),
    fields,
  };
}

const cut = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)}…` : s);

/** A line over MAX_LINE_CHARS as a shorter JSON line: message and field values cut, then fields dropped if need be. */
function shorten(line: string): string {
  const obj = parseObject(line);
  if (obj === undefined) return cut(line, MAX_LINE_CHARS - 1);
  const keep: Record<string, unknown> = {};
  for (const k of ['level', 'time', 'path', 'component']) if (obj[k] !== undefined) keep[k] = obj[k];
  keep.msg = cut(typeof obj.msg === 'string' ? obj.msg : JSON.stringify(obj.msg ?? ''), 1024);
  const withFields: Record<string, unknown> = { ...keep };
  for (const [k, v] of Object.entries(obj)) {
    if (k in keep || NOT_FIELDS.has(k)) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v) ?? '';
    withFields[cut(k, 64)] = text.length > 256 ? cut(text, 256) : v;
  }
  withFields.truncated = true;
  const full = JSON.stringify(withFields);
  if (full.length <= MAX_LINE_CHARS) return full;
  const bare = JSON.stringify({ ...keep, truncated: true });
  return bare.length <= MAX_LINE_CHARS ? bare : JSON.stringify({ level: keep.level, time: keep.time, msg: cut(String(keep.msg), 512), truncated: true });
}
