/**
 * Frame clocks: what tells an audio port that one 20 ms frame period has passed.
 * On hardware that is the sound device itself (a period interrupt surfacing as a
 * read completing); on the simulated board it is `VirtualFrameClock`, driven by
 * the injected Clock (DESIGN §3: audio is clocked one frame at a time, never by
 * setInterval); in unit tests it is `ManualFrameClock`.
 *
 * `VirtualFrameClock` schedules tick n at start + n·frameMs on the Clock, each
 * time computing the delay from that absolute deadline rather than from "now",
 * so timer lateness does not accumulate into drift. If the process stalls and
 * several ticks are overdue, it catches up by running them back to back, up to
 * `maxCatchUpFrames`; beyond that it skips ahead (counting the skipped ticks)
 * rather than firing a burst that would only overflow every queue downstream.
 *
 * Sources: DESIGN.md §3 (Clock injection, device-clocked audio), src/clock.ts;
 * the absolute-deadline scheduling is the usual fix for drifting periodic
 * timers (cf. POSIX clock_nanosleep with TIMER_ABSTIME).
 */
import type { Clock, Timer } from '../../src/clock.js';

/** A source of frame ticks. */
export interface FrameClock {
  /** Calls `cb` once per frame period; returns a function that unsubscribes it. */
  onTick(cb: () => void): () => void;
}

/** Subscribers of a frame clock, each called in turn, a throwing one not stopping the others. */
class Subscribers {
  private list: (() => void)[] = [];
  errors = 0;

  constructor(private readonly onError: ((err: unknown) => void) | undefined) {}

  add(cb: () => void): () => void {
    const entry = (): void => cb();
    this.list = [...this.list, entry];
    return () => {
      this.list = this.list.filter((e) => e !== entry);
    };
  }

  get size(): number {
    return this.list.length;
  }

  fire(): void {
    // The array is replaced (never mutated) on (un)subscribe, so this iteration is a snapshot.
    for (const cb of this.list) {
      try {
        cb();
      } catch (err) {
        this.errors++;
        this.onError?.(err);
      }
    }
  }
}

export interface FrameClockOptions {
  /** Frame period in milliseconds (default 20). */
  readonly frameMs?: number;
  /** Called with anything a subscriber throws (the tick goes on to the others). */
  readonly onError?: (err: unknown) => void;
}

export interface VirtualFrameClockOptions extends FrameClockOptions {
  /** Most overdue ticks run back to back after a stall before skipping ahead (default 5). */
  readonly maxCatchUpFrames?: number;
}

/** A frame clock driven by a Clock's timers, drift-free against the Clock's time. */
export class VirtualFrameClock implements FrameClock {
  readonly frameMs: number;
  private readonly maxCatchUp: number;
  private readonly subscribers: Subscribers;
  private startedAt = 0;
  /** Index of the next tick to fire (tick n is due at startedAt + n·frameMs). */
  private next = 1;
  private timer: Timer | undefined;
  private fired = 0;
  private skipped = 0;

  constructor(
    private readonly clock: Clock,
    opts: VirtualFrameClockOptions = {},
  ) {
    this.frameMs = opts.frameMs ?? 20;
    if (!(this.frameMs > 0)) throw new RangeError(`frameMs must be positive, got ${this.frameMs}`);
    this.maxCatchUp = opts.maxCatchUpFrames ?? 5;
    this.subscribers = new Subscribers(opts.onError);
  }

  onTick(cb: () => void): () => void {
    return this.subscribers.add(cb);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts ticking: the first tick one frame period from now. Starting a running clock does nothing. */
  start(): void {
    if (this.timer !== undefined) return;
    this.startedAt = this.clock.now();
    this.next = 1;
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }

  stats(): { ticks: number; skippedTicks: number; subscriberErrors: number; subscribers: number } {
    return { ticks: this.fired, skippedTicks: this.skipped, subscriberErrors: this.subscribers.errors, subscribers: this.subscribers.size };
  }

  private due(n: number): number {
    return this.startedAt + n * this.frameMs;
  }

  private schedule(): void {
    this.timer = this.clock.setTimer(Math.max(0, this.due(this.next) - this.clock.now()), () => this.onTimer());
  }

  private onTimer(): void {
    const now = this.clock.now();
    const overdue = Math.floor((now - this.due(this.next)) / this.frameMs) + 1; // ticks due by now, ≥ 1
    let run = overdue;
    if (overdue > this.maxCatchUp) {
      run = this.maxCatchUp;
      this.skipped += overdue - run;
      this.next += overdue - run;
    }
    this.next += run;
    // Scheduled before the subscribers run, so nothing they do can stop the clock.
    this.schedule();
    for (let i = 0; i < run && this.timer !== undefined; i++) {
      this.fired++;
      this.subscribers.fire();
    }
  }
}

/** A frame clock that ticks only when told to: for tests. */
export class ManualFrameClock implements FrameClock {
  private readonly subscribers: Subscribers;
  private fired = 0;

  constructor(opts: Pick<FrameClockOptions, 'onError'> = {}) {
    this.subscribers = new Subscribers(opts.onError);
  }

  onTick(cb: () => void): () => void {
    return this.subscribers.add(cb);
  }

  /** Fires `n` ticks, one after the other. */
  tick(n = 1): void {
    for (let i = 0; i < n; i++) {
      this.fired++;
      this.subscribers.fire();
    }
  }

  get ticks(): number {
    return this.fired;
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  get subscriberErrors(): number {
    return this.subscribers.errors;
  }
}
