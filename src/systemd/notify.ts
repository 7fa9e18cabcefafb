/**
 * systemd's notification protocol (sd_notify(3)): with `Type=notify` the unit
 * tells systemd when it is ready, what it is doing (STATUS=, shown by
 * `systemctl status`), that it is alive (WATCHDOG=1, see watchdog.ts) and that
 * it is stopping. Messages are newline-separated VAR=value lines sent as one
 * datagram to the unix socket named by $NOTIFY_SOCKET.
 *
 * Transport: the sd_notify N-API addon (native.ts) by default. When
 * NOTIFY_SOCKET is set but the addon cannot be loaded, an error is logged once
 * and messages go through `systemd-notify --pid=<our pid>` (if installed)
 * instead. That fallback runs in a child process, so systemd accepts its
 * messages only with `NotifyAccess=all`; the shipped unit says
 * `NotifyAccess=main` because the image always builds the addon (see
 * systemd/dialtone.service for the drop-in that enables the fallback).
 *
 * Nothing here throws: without NOTIFY_SOCKET (tests, a shell) the notifier is a
 * no-op, and send failures are logged, rate-limited, and otherwise ignored.
 */
import { execFile as nodeExecFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SystemClock, type Clock } from '../clock.js';
import type { Logger } from '../log.js';
import { loadNativeSender, type NotifySender } from './native.js';
import { LogRateLimiter } from './rate-limit.js';

export type { NotifySender } from './native.js';

/** How messages reach systemd: the addon, an injected sender, the systemd-notify fallback, or not at all. */
export type NotifyTransport = 'native' | 'injected' | 'systemd-notify' | 'none';

export interface SystemdNotifier {
  /** Whether messages go anywhere (NOTIFY_SOCKET is set and a transport works). */
  readonly enabled: boolean;
  readonly transport: NotifyTransport;
  /** READY=1 (with MAINPID=): start-up is complete. */
  ready(): void;
  /** STATUS=text, made a single line. */
  status(text: string): void;
  /** WATCHDOG=1: keep-alive; call it only through watchdog.ts's health checks. */
  watchdog(): void;
  /** STOPPING=1: shutdown has begun. */
  stopping(): void;
  /** RELOADING=1 with MONOTONIC_USEC= (for Type=notify-reload); follow with ready(). */
  reloading?(): void;
  /** Any fields, e.g. { STATUS: 'x', ERRNO: '5' }; keys must be [A-Z][A-Z0-9_]*, values are made single-line. */
  send(fields: Record<string, string>): void;
}

/** The subset of child_process.execFile the fallback uses (injectable for tests). */
export type ExecFileFn = (
  file: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; timeout: number },
  callback: (err: Error | null) => void,
) => void;

export interface SystemdNotifierOptions {
  env?: NodeJS.ProcessEnv;
  log: Logger;
  /** Sends one datagram; defaults to the native addon. */
  sender?: NotifySender;
  /** Used to rate-limit failure logs; defaults to the system clock. */
  clock?: Clock;
  /** Reported as MAINPID= and to systemd-notify --pid; defaults to process.pid. */
  pid?: number;
  /** Loads the native sender (throws when it cannot); injectable to test the fallback. */
  loadNative?: () => NotifySender;
  /** The systemd-notify binary for the fallback: a path, or false for none; default: searched on PATH. */
  systemdNotify?: string | false;
  execFile?: ExecFileFn;
}

/** Longest STATUS= text sent; systemd's buffer takes 4096 bytes for the whole datagram. */
export const STATUS_MAX_CHARS = 1000;
/** How many systemd-notify runs may wait in the fallback's queue before messages are dropped. */
const FALLBACK_QUEUE_MAX = 16;
const FALLBACK_TIMEOUT_MS = 5_000;

const KEY = /^[A-Z][A-Z0-9_]*$/;

/** `text` as one line: line breaks and other control characters become spaces, runs collapse, length is capped. */
export function singleLine(text: string, maxChars = STATUS_MAX_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/ {2,}/g, ' ').trim();
  return flat.length <= maxChars ? flat : `${flat.slice(0, maxChars - 1)}…`;
}

/** Delivers one message and reports the outcome (now or later) through `done`; never throws. */
type Deliver = (message: string, done: (err: unknown) => void) => void;

const NOOP: SystemdNotifier = Object.freeze({
  enabled: false,
  transport: 'none' as const,
  ready(): void {},
  status(): void {},
  watchdog(): void {},
  stopping(): void {},
  reloading(): void {},
  send(): void {},
});

export function createSystemdNotifier(opts: SystemdNotifierOptions): SystemdNotifier {
  const env = opts.env ?? process.env;
  const log = opts.log;
  const socketPath = env.NOTIFY_SOCKET;
  if (socketPath === undefined || socketPath === '') return NOOP;
  if (!socketPath.startsWith('/') && !socketPath.startsWith('@')) {
    // systemd also knows vsock: addresses (for VMs); an appliance never gets one.
    log.warn('NOTIFY_SOCKET is not a unix socket path; not notifying systemd', { socket: socketPath });
    return NOOP;
  }
  const pid = opts.pid ?? process.pid;
  const limiter = new LogRateLimiter(() => (opts.clock ?? defaultClock()).now());

  if (opts.sender !== undefined) {
    return new SocketNotifier('injected', directDeliver(opts.sender, socketPath), pid, log, limiter);
  }
  let native: NotifySender;
  try {
    native = (opts.loadNative ?? loadNativeSender)();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    const cmd = opts.systemdNotify === undefined ? findExecutable('systemd-notify', env) : opts.systemdNotify || undefined;
    if (cmd === undefined) {
      log.error('the sd_notify addon is not loadable and systemd-notify is not installed: systemd will not be told we are ready', { reason, socket: socketPath });
      return NOOP;
    }
    log.error('the sd_notify addon is not loadable; notifying through systemd-notify (needs NotifyAccess=all in the unit)', { reason, socket: socketPath, command: cmd });
    const deliver = fallbackDeliver(cmd, socketPath, pid, env, opts.execFile ?? defaultExecFile);
    return new SocketNotifier('systemd-notify', deliver, pid, log, limiter);
  }
  log.debug('notifying systemd', { socket: socketPath, transport: 'native' });
  return new SocketNotifier('native', directDeliver(native, socketPath), pid, log, limiter);
}

class SocketNotifier implements SystemdNotifier {
  readonly enabled = true;
  private failing = false;

  constructor(
    readonly transport: NotifyTransport,
    private readonly deliver: Deliver,
    private readonly pid: number,
    private readonly log: Logger,
    private readonly limiter: LogRateLimiter,
  ) {}

  ready(): void {
    this.sendRaw(`READY=1\nMAINPID=${this.pid}`);
  }

  status(text: string): void {
    this.sendRaw(`STATUS=${singleLine(text)}`);
  }

  watchdog(): void {
    this.sendRaw('WATCHDOG=1');
  }

  stopping(): void {
    this.sendRaw('STOPPING=1');
  }

  reloading(): void {
    // CLOCK_MONOTONIC, which is what libuv's hrtime reads on Linux.
    this.sendRaw(`RELOADING=1\nMONOTONIC_USEC=${process.hrtime.bigint() / 1000n}`);
  }

  send(fields: Record<string, string>): void {
    const lines: string[] = [];
    for (const [key, value] of Object.entries(fields)) {
      if (!KEY.test(key)) {
        this.log.error('refusing a systemd notification field with an invalid name', { key });
        continue;
      }
      lines.push(`${key}=${singleLine(value)}`);
    }
    if (lines.length > 0) this.sendRaw(lines.join('\n'));
  }

  private sendRaw(message: string): void {
    this.deliver(message, (err) => (err === null ? this.succeeded() : this.failed(message, err)));
  }

  private succeeded(): void {
    if (!this.failing) return;
    this.failing = false;
    this.limiter.reset('send');
    this.log.info('systemd notifications work again');
  }

  private failed(message: string, err: unknown): void {
    this.failing = true;
    const verdict = this.limiter.take('send');
    if (!verdict.log) return;
    this.log.error('systemd notification failed', {
      message: message.split('\n', 1)[0],
      err: err instanceof Error ? err.message : String(err),
      ...(verdict.suppressed > 0 ? { suppressed: verdict.suppressed } : {}),
    });
  }
}

function directDeliver(sender: NotifySender, socketPath: string): Deliver {
  return (message, done) => {
    try {
      sender(socketPath, message);
    } catch (err) {
      done(err ?? new Error('the sender threw'));
      return;
    }
    done(null);
  };
}

/**
 * Runs `systemd-notify --pid=<pid> VAR=value...` per message, one at a time so
 * they arrive in order. systemd-notify (v246+) waits until systemd has read the
 * message, so it cannot be lost to the sender having exited.
 */
function fallbackDeliver(cmd: string, socketPath: string, pid: number, env: NodeJS.ProcessEnv, execFile: ExecFileFn): Deliver {
  const queue: { message: string; done: (err: unknown) => void }[] = [];
  let running = false;
  const pump = (): void => {
    const next = queue.shift();
    if (next === undefined) {
      running = false;
      return;
    }
    running = true;
    // --pid already sends MAINPID=.
    const args = [`--pid=${pid}`, ...next.message.split('\n').filter((l) => !l.startsWith('MAINPID='))];
    execFile(cmd, args, { env: { ...env, NOTIFY_SOCKET: socketPath }, timeout: FALLBACK_TIMEOUT_MS }, (err) => {
      next.done(err);
      pump();
    });
  };
  return (message, done) => {
    if (queue.length >= FALLBACK_QUEUE_MAX) {
      done(new Error('too many systemd-notify runs pending; message dropped'));
      return;
    }
    queue.push({ message, done });
    if (!running) pump();
  };
}

const defaultExecFile: ExecFileFn = (file, args, options, callback) => {
  nodeExecFile(file, args, options, (err) => callback(err));
};

let systemClock: SystemClock | undefined;
function defaultClock(): Clock {
  return (systemClock ??= new SystemClock());
}

/** The first executable `name` on env.PATH (then /usr/bin, /bin), or undefined. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/bin', '/bin'].filter((d) => d.startsWith('/'));
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}
