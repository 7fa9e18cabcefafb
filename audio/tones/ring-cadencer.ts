/**
 * Ring cadence as a pure function of elapsed time, so the line state machine
 * can drive the ringer from its own injected Clock: ask `stateAt(elapsed)`,
 * switch the ringer, and schedule the next look `untilChangeMs` later.
 * Cadences come from the region's plan (plans/*.ts; e.g. North America
 * 2 s on / 4 s off, UK 0.4/0.2/0.4/2.0 s).
 */
import { ringCadenceProblem, type RingCadence } from './types.js';

export interface RingState {
  /** The bell rings now. */
  readonly ringing: boolean;
  /** Which repetition of the cadence this is, from 0. */
  readonly cycle: number;
  /** ms until `ringing` next changes (> 0). */
  readonly untilChangeMs: number;
}

export class RingCadencer {
  readonly ring: RingCadence;
  private readonly ends: number[];
  private readonly period: number;

  constructor(ring: RingCadence) {
    const problem = ringCadenceProblem(ring);
    if (problem !== undefined) throw new RangeError(`invalid ring cadence: ${problem}`);
    this.ring = ring;
    let t = 0;
    this.ends = ring.cadence.map((d) => (t += d));
    this.period = t;
  }

  /** The ringer state `elapsedMs` after ringing started (elapsed ≥ 0). */
  stateAt(elapsedMs: number): RingState {
    if (!(elapsedMs >= 0) || !Number.isFinite(elapsedMs)) throw new RangeError(`bad elapsed time ${elapsedMs}`);
    const cycle = Math.floor(elapsedMs / this.period);
    const tau = elapsedMs - cycle * this.period;
    let i = 0;
    while (i < this.ends.length - 1 && tau >= (this.ends[i] ?? 0)) i++;
    return { ringing: i % 2 === 0, cycle, untilChangeMs: (this.ends[i] ?? this.period) - tau };
  }
}
