/**
 * `TimerGroup`: timers on the injected Clock (DESIGN §3) owned by one simulated
 * device, so that a hang-up, a release or `close()` can cancel all of its
 * pending work at once. Deadlines may be given as absolute times on the clock
 * (`at`), so chained steps (dial pulses, ring cycles) do not accumulate the
 * lateness of each timer into drift.
 */
import type { Clock, Timer } from '../../src/clock.js';

export class TimerGroup {
  private readonly timers = new Set<Timer>();

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` after `ms`. */
  after(ms: number, fn: () => void): void {
    const t = this.clock.setTimer(Math.max(0, ms), () => {
      this.timers.delete(t);
      fn();
    });
    this.timers.add(t);
  }

  /** Runs `fn` at clock time `atMs` (at once, on the next timer turn, if that is past). */
  at(atMs: number, fn: () => void): void {
    this.after(atMs - this.clock.now(), fn);
  }

  /** How many timers are pending. */
  get pending(): number {
    return this.timers.size;
  }

  cancelAll(): void {
    for (const t of this.timers) this.clock.cancelTimer(t);
    this.timers.clear();
  }
}
