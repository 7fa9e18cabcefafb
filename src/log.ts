/**
 * Structured logging. Code takes a `Logger` (injected); the process makes one root
 * logger over pino that writes JSON lines to stdout (journald on the device). The
 * level can change at run time, and child loggers carry bindings such as the
 * supervision path or a transaction id.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFields = Record<string, unknown>;

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

export interface Logger {
  trace(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  fatal(msg: string, fields?: LogFields): void;
  /** A logger whose lines all carry `bindings`. */
  child(bindings: LogFields): Logger;
  /** Whether a line at `level` would be written (to skip building costly fields). */
  isEnabled(level: LogLevel): boolean;
}

/** The root logger also lets the level change while running. */
export interface RootLogger extends Logger {
  level(): LogLevel;
  setLevel(level: LogLevel): void;
}

class PinoAdapter implements Logger {
  constructor(protected readonly p: PinoLogger) {}
  trace(msg: string, fields?: LogFields): void { this.p.trace(fields ?? {}, msg); }
  debug(msg: string, fields?: LogFields): void { this.p.debug(fields ?? {}, msg); }
  info(msg: string, fields?: LogFields): void { this.p.info(fields ?? {}, msg); }
  warn(msg: string, fields?: LogFields): void { this.p.warn(fields ?? {}, msg); }
  error(msg: string, fields?: LogFields): void { this.p.error(fields ?? {}, msg); }
  fatal(msg: string, fields?: LogFields): void { this.p.fatal(fields ?? {}, msg); }
  child(bindings: LogFields): Logger { return new PinoAdapter(this.p.child(bindings)); }
  isEnabled(level: LogLevel): boolean { return level !== 'silent' && this.p.isLevelEnabled(level); }
}

class PinoRoot extends PinoAdapter implements RootLogger {
  level(): LogLevel {
    const l = this.p.level;
    return isLogLevel(l) ? l : 'info';
  }
  setLevel(level: LogLevel): void {
    // Children made by pino read the root's level unless set themselves.
    this.p.level = level;
  }
}

/** The process's logger: JSON lines on stdout (or on `destination` when given). */
export function createRootLogger(level: LogLevel, destination?: NodeJS.WritableStream): RootLogger {
  const p = pino(
    { level, base: { name: 'dialtone' }, timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) } },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
  return new PinoRoot(p);
}

/** One captured log line, for tests. */
export interface LogEntry {
  level: Exclude<LogLevel, 'silent'>;
  msg: string;
  fields: LogFields;
}

const ORDER: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

/** A logger that keeps lines in memory: tests assert on what was logged. */
export class MemoryLogger implements RootLogger {
  private current: LogLevel;
  constructor(
    readonly entries: LogEntry[] = [],
    private readonly bindings: LogFields = {},
    level: LogLevel = 'trace',
    private readonly root?: MemoryLogger,
  ) {
    this.current = level;
  }
  private write(level: LogEntry['level'], msg: string, fields?: LogFields): void {
    if (!this.isEnabled(level)) return;
    this.entries.push({ level, msg, fields: { ...this.bindings, ...fields } });
  }
  trace(msg: string, fields?: LogFields): void { this.write('trace', msg, fields); }
  debug(msg: string, fields?: LogFields): void { this.write('debug', msg, fields); }
  info(msg: string, fields?: LogFields): void { this.write('info', msg, fields); }
  warn(msg: string, fields?: LogFields): void { this.write('warn', msg, fields); }
  error(msg: string, fields?: LogFields): void { this.write('error', msg, fields); }
  fatal(msg: string, fields?: LogFields): void { this.write('fatal', msg, fields); }
  child(bindings: LogFields): Logger {
    return new MemoryLogger(this.entries, { ...this.bindings, ...bindings }, this.current, this.root ?? this);
  }
  isEnabled(level: LogLevel): boolean {
    return level !== 'silent' && ORDER[level] >= ORDER[(this.root ?? this).current];
  }
  level(): LogLevel { return (this.root ?? this).current; }
  setLevel(level: LogLevel): void { (this.root ?? this).current = level; }
}
