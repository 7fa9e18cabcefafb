/**
 * Feeds systemd's watchdog (WatchdogSec= in the unit) while the process is
 * healthy (DESIGN §2): every WATCHDOG_USEC/2 it sends WATCHDOG=1, but only if
 * its own timer fired on time (the event loop is responsive) and `healthy()`
 * says the supervision tree is fine. Otherwise it skips that tick, so a wedged
 * or sick process misses its deadline and systemd restarts it.
 *
 * Because ticks are half the watchdog period apart, one skipped tick is about
 * enough for systemd to act: in effect a stall longer than `maxLoopLagMs`
 * (default WATCHDOG_USEC/4, i.e. 5 s for WatchdogSec=20) or an unhealthy tree
 * at one tick gets the process restarted.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { Clock, Timer } from '../clock.js';
import type { Logger } from '../log.js';
import type { SystemdNotifier } from './notify.js';
import { LogRateLimiter } from './rate-limit.js';

export interface WatchdogOptions {
  notifier: SystemdNotifier;
  env?: NodeJS.ProcessEnv;
  clock: Clock;
  /** Whether the process deserves to live on; a throw counts as false. */
  healthy: () => boolean;
  log: Logger;
  /** A tick firing later than this is not fed; default WATCHDOG_USEC/4 (in ms). */
  maxLoopLagMs?: number;
  /** Compared with WATCHDOG_PID; defaults to process.pid. */
  pid?: number;
  /**
   * Also sample event-loop delay with perf_hooks.monitorEventLoopDelay, for the
   * stats and a warning about stalls shorter than a tick. Observability only: the
   * feed decision rests on the tick's own lateness. Default true.
   */
  monitorEventLoop?: boolean;
}

export interface WatchdogStats {
  enabled: boolean;
  /** Time between ticks (WATCHDOG_USEC/2), ms. */
  intervalMs: number | undefined;
  fed: number;
  skippedLate: number;
  skippedUnhealthy: number;
  /** clock.now() of the last WATCHDOG=1. */
  lastFedAt: number | undefined;
  /** How late the last tick fired, ms. */
  lastLagMs: number | undefined;
  /** Longest event-loop delay seen by perf_hooks in the last tick's interval, ms. */
  lastMaxLoopDelayMs: number | undefined;
}

export interface Watchdog {
  readonly enabled: boolean;
  readonly intervalMs: number | undefined;
  readonly lastFedAt: number | undefined;
  stats(): WatchdogStats;
  /** Stops feeding (call on shutdown, after notifier.stopping()); idempotent. */
  stop(): void;
}

/** The watchdog period from the environment systemd gives the main process, or why there is none. */
export function watchdogUsecFromEnv(env: NodeJS.ProcessEnv, pid: number): { usec: number } | { none: string } {
  const raw = env.WATCHDOG_USEC;
  if (raw === undefined || raw === '') return { none: 'WATCHDOG_USEC is not set' };
  if (!/^\d+$/.test(raw)) return { none: `WATCHDOG_USEC is not a number: ${raw}` };
  const usec = Number(raw);
  if (!Number.isSafeInteger(usec) || usec <= 0) return { none: `WATCHDOG_USEC is out of range: ${raw}` };
  const forPid = env.WATCHDOG_PID;
  if (forPid !== undefined && forPid !== '' && forPid !== String(pid)) {
    return { none: `WATCHDOG_PID is ${forPid}, not this process (${pid})` };
  }
  return { usec };
}

export function startWatchdog(opts: WatchdogOptions): Watchdog {
  const { notifier, log } = opts;
  const pid = opts.pid ?? process.pid;
  const configured = watchdogUsecFromEnv(opts.env ?? process.env, pid);
  if ('none' in configured) {
    log.debug('no systemd watchdog', { reason: configured.none });
    return disabled();
  }
  if (!notifier.enabled) {
    log.warn('WATCHDOG_USEC is set but systemd cannot be notified; not feeding the watchdog');
    return disabled();
  }
  return new Feeder(opts, configured.usec);
}

function disabled(): Watchdog {
  return {
    enabled: false,
    intervalMs: undefined,
    lastFedAt: undefined,
    stats: () => ({ enabled: false, intervalMs: undefined, fed: 0, skippedLate: 0, skippedUnhealthy: 0,
      lastFedAt: undefined, lastLagMs: undefined, lastMaxLoopDelayMs: undefined }),
    stop: () => {},
  };
}

class Feeder implements Watchdog {
  readonly enabled = true;
  readonly intervalMs: number;
  private readonly maxLagMs: number;
  private readonly limiter: LogRateLimiter;
  private readonly histogram: IntervalHistogram | undefined;
  private timer: Timer | undefined;
  private expectedAt = 0;
  private stopped = false;
  private wasHealthy = true;
  private fed = 0;
  private skippedLate = 0;
  private skippedUnhealthy = 0;
  private lastFed: number | undefined;
  private lastLagMs: number | undefined;
  private lastMaxLoopDelayMs: number | undefined;

  constructor(private readonly opts: WatchdogOptions, usec: number) {
    this.intervalMs = usec / 2000;
    this.maxLagMs = opts.maxLoopLagMs ?? usec / 4000;
    this.limiter = new LogRateLimiter(() => opts.clock.now());
    if (opts.monitorEventLoop ?? true) {
      this.histogram = monitorEventLoopDelay({ resolution: 10 });
      this.histogram.enable();
    }
    opts.log.info('feeding the systemd watchdog', { intervalMs: this.intervalMs, maxLoopLagMs: this.maxLagMs });
    // Feed at once: start-up has used some of the first period already.
    if (this.checkHealthy()) this.feed();
    this.schedule();
  }

  get lastFedAt(): number | undefined {
    return this.lastFed;
  }

  stats(): WatchdogStats {
    return {
      enabled: true,
      intervalMs: this.intervalMs,
      fed: this.fed,
      skippedLate: this.skippedLate,
      skippedUnhealthy: this.skippedUnhealthy,
      lastFedAt: this.lastFed,
      lastLagMs: this.lastLagMs,
      lastMaxLoopDelayMs: this.lastMaxLoopDelayMs,
    };
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== undefined) this.opts.clock.cancelTimer(this.timer);
    this.timer = undefined;
    this.histogram?.disable();
  }

  private schedule(): void {
    this.expectedAt = this.opts.clock.now() + this.intervalMs;
    this.timer = this.opts.clock.setTimer(this.intervalMs, () => this.tick());
  }

  private tick(): void {
    this.timer = undefined;
    if (this.stopped) return;
    const { log } = this.opts;
    const lagMs = this.opts.clock.now() - this.expectedAt;
    this.lastLagMs = lagMs;
    const loopDelayMs = this.readLoopDelay();
    if (lagMs > this.maxLagMs) {
      this.skippedLate++;
      const v = this.limiter.take('late');
      if (v.log) {
        log.warn('the event loop was blocked: not feeding the systemd watchdog this tick', {
          lagMs: Math.round(lagMs), maxLoopLagMs: this.maxLagMs, ...(v.suppressed > 0 ? { suppressed: v.suppressed } : {}),
        });
      }
    } else if (!this.checkHealthy()) {
      this.skippedUnhealthy++;
    } else {
      if (loopDelayMs !== undefined && loopDelayMs > this.maxLagMs) {
        const v = this.limiter.take('stall');
        if (v.log) log.warn('the event loop stalled between watchdog ticks', { maxDelayMs: Math.round(loopDelayMs) });
      }
      this.feed();
    }
    // Scheduled after sending, so ticks are never closer than intervalMs.
    if (!this.stopped) this.schedule();
  }

  private feed(): void {
    this.opts.notifier.watchdog();
    this.fed++;
    this.lastFed = this.opts.clock.now();
  }

  private checkHealthy(): boolean {
    let ok: boolean;
    let error: string | undefined;
    try {
      ok = this.opts.healthy();
    } catch (err) {
      ok = false;
      error = err instanceof Error ? err.message : String(err);
    }
    if (ok) {
      if (!this.wasHealthy) {
        this.opts.log.info('healthy again: feeding the systemd watchdog');
        this.limiter.reset('unhealthy');
      }
      this.wasHealthy = true;
      return true;
    }
    this.wasHealthy = false;
    const v = this.limiter.take('unhealthy');
    if (v.log) {
      this.opts.log.warn('unhealthy: not feeding the systemd watchdog', {
        ...(error !== undefined ? { err: error } : {}), ...(v.suppressed > 0 ? { suppressed: v.suppressed } : {}),
      });
    }
    return false;
  }

  private readLoopDelay(): number | undefined {
    const h = this.histogram;
    if (h === undefined) return undefined;
    // Nanoseconds; max is 0 before the first sample.
    const max = h.count > 0 ? h.max / 1e6 : undefined;
    h.reset();
    this.lastMaxLoopDelayMs = max;
    return max;
  }
}
