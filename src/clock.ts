/**
 * Time, injected. Everything that schedules work takes a Clock so tests can drive
 * time by hand with FakeClock and stay fast and deterministic (DESIGN §3).
 */

/** An opaque handle for a scheduled callback. */
export interface Timer {
  readonly id: number;
}

export interface Clock {
  /** Monotonic milliseconds; only differences are meaningful. */
  now(): number;
  /** Wall-clock milliseconds since the Unix epoch (for timestamps shown to people). */
  wallTime(): number;
  /** Runs `fn` once after `ms` milliseconds. */
  setTimer(ms: number, fn: () => void): Timer;
  /** Cancels a timer; cancelling an expired or cancelled timer does nothing. */
  cancelTimer(timer: Timer): void;
}

/** The real clock: performance.now() and the event loop's timers. */
export class SystemClock implements Clock {
  private nextId = 1;
  private readonly handles = new Map<number, NodeJS.Timeout>();

  now(): number {
    return performance.now();
  }

  wallTime(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): Timer {
    const id = this.nextId++;
    const handle = setTimeout(() => {
      this.handles.delete(id);
      fn();
    }, Math.max(0, ms));
    this.handles.set(id, handle);
    return { id };
  }

  cancelTimer(timer: Timer): void {
    const handle = this.handles.get(timer.id);
    if (handle !== undefined) {
      clearTimeout(handle);
      this.handles.delete(timer.id);
    }
  }
}

interface PendingTimer {
  id: number;
  due: number;
  seq: number;
  fn: () => void;
}

/**
 * A clock that moves only when a test says so. Timers fire in due order (ties in
 * the order they were set); timers set while advancing fire within the same
 * advance if they fall due inside it.
 */
export class FakeClock implements Clock {
  private current: number;
  private readonly wallOffset: number;
  private nextId = 1;
  private seq = 0;
  private readonly pending = new Map<number, PendingTimer>();

  constructor(start = 0, wallStart = Date.UTC(2026, 0, 1)) {
    this.current = start;
    this.wallOffset = wallStart - start;
  }

  now(): number {
    return this.current;
  }

  wallTime(): number {
    return this.current + this.wallOffset;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const id = this.nextId++;
    this.pending.set(id, { id, due: this.current + Math.max(0, ms), seq: this.seq++, fn });
    return { id };
  }

  cancelTimer(timer: Timer): void {
    this.pending.delete(timer.id);
  }

  /** How many timers are scheduled and not yet fired. */
  pendingCount(): number {
    return this.pending.size;
  }

  /** Milliseconds until the next timer is due, or undefined when none is scheduled. */
  nextDueIn(): number | undefined {
    const next = this.earliest();
    return next === undefined ? undefined : next.due - this.current;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, synchronously. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (let t = this.earliestDueBy(target); t !== undefined; t = this.earliestDueBy(target)) {
      this.pending.delete(t.id);
      this.current = Math.max(this.current, t.due);
      t.fn();
    }
    this.current = target;
  }

  /**
   * Like advance, but lets promise callbacks and I/O callbacks run after each timer
   * fires, for code under test that mixes timers and async work.
   */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.current + ms;
    await flushAsync();
    for (let t = this.earliestDueBy(target); t !== undefined; t = this.earliestDueBy(target)) {
      this.pending.delete(t.id);
      this.current = Math.max(this.current, t.due);
      t.fn();
      await flushAsync();
    }
    this.current = target;
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.pending.values()) {
      if (best === undefined || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }

  private earliestDueBy(target: number): PendingTimer | undefined {
    const t = this.earliest();
    return t !== undefined && t.due <= target ? t : undefined;
  }
}

/** Lets pending promise reactions and immediates run. */
export function flushAsync(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
