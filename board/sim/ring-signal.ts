/**
 * `RingSignal`: the ring voltage a central office puts on a line, as the FXO
 * port's ring detector sees it (board/board.ts 'ring-detect': raw, active once
 * per cycle of the 20/25 Hz ring voltage). Bursts follow the region's ring
 * cadence (audio/tones plans, `ring.cadence`: on, off, on, off… ms, repeating);
 * within a burst the detector output is active for the first half of each
 * cycle of `frequencyHz` and inactive for the second (an opto-coupler ring
 * detector conducts on one polarity of the ring voltage), so a 2 s burst at
 * 20 Hz makes 40 on/off pairs, 25 ms apart. A burst that does not hold a whole
 * number of half cycles ends with the detector going inactive at its end.
 *
 * Every edge is scheduled at an absolute time on the injected Clock (start +
 * k·half period), so timer lateness never accumulates into drift.
 */
import type { Clock } from '../../src/clock.js';
import { TimerGroup } from './timer-group.js';

export interface RingSignalOptions {
  readonly clock: Clock;
  /** ms ringing, silent, ringing, silent…; even length (RingCadence.cadence). */
  readonly cadence: readonly number[];
  readonly frequencyHz: number;
  /** The ring detector's output changed. */
  readonly onDetect: (active: boolean) => void;
  /** Burst `index` (0 = the first ring) has just ended. */
  readonly onBurstEnd?: (index: number) => void;
}

export class RingSignal {
  private readonly timers: TimerGroup;
  private active = false;
  private running = false;

  constructor(private readonly opts: RingSignalOptions) {
    if (opts.cadence.length === 0 || opts.cadence.length % 2 !== 0 || opts.cadence.some((d) => !(d > 0))) {
      throw new RangeError(`a ring cadence is on/off pairs of positive durations, got [${opts.cadence.join(', ')}]`);
    }
    if (!(opts.frequencyHz > 0)) throw new RangeError(`bad ring frequency ${opts.frequencyHz}`);
    this.timers = new TimerGroup(opts.clock);
  }

  get ringing(): boolean {
    return this.running;
  }

  /** Starts ringing now, from the first burst. Starting while ringing does nothing. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.burst(0, this.opts.clock.now());
  }

  /** Stops at once (the detector goes inactive if it was active). */
  stop(): void {
    if (!this.running) return;
    this.running = false;
    this.timers.cancelAll();
    this.set(false);
  }

  private burst(index: number, startAt: number): void {
    const c = this.opts.cadence;
    const pair = (2 * index) % c.length;
    const onMs = c[pair] ?? 0;
    const offMs = c[pair + 1] ?? 0;
    const half = 500 / this.opts.frequencyHz;
    const edges = Math.ceil(onMs / half - 1e-9);
    for (let k = 0; k < edges; k++) this.timers.at(startAt + k * half, () => this.set(k % 2 === 0));
    this.timers.at(startAt + onMs, () => {
      this.set(false);
      this.opts.onBurstEnd?.(index);
    });
    this.timers.at(startAt + onMs + offMs, () => this.burst(index + 1, startAt + onMs + offMs));
  }

  private set(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    this.opts.onDetect(active);
  }
}
