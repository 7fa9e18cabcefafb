/**
 * Band-limited interpolation of a sampled signal at an arbitrary fractional
 * position, for resampling by a ratio that changes continuously (the drift
 * bridge in audio/port/drift-bridge.ts).
 *
 * The kernel is a Kaiser-windowed sinc spanning `halfTaps` samples on each side
 * of the position. It is tabulated at `phases` fractional offsets per sample;
 * the value between two table rows is interpolated linearly, which keeps the
 * table small while the timing error stays far below the kernel's own error.
 * Each row is normalised to unit DC gain. With the defaults (20 taps a side,
 * β = 9, 256 phases) the error against ideal fractional delay is below −80 dB
 * from 0 to 3400 Hz at 8 kHz (see interpolator.test.ts); 16 taps a side would
 * only reach about −57 dB at 3400 Hz.
 *
 * Sources: J. O. Smith, P. Gossett, "A flexible sampling-rate conversion method",
 * Proc. IEEE ICASSP 1984 (table-driven windowed-sinc with linear
 * interpolation between table entries); J. O. Smith, "Digital Audio Resampling
 * Home Page", https://ccrma.stanford.edu/~jos/resample/ ; Kaiser window: kaiser.ts.
 */
import { besselI0, sinc } from './kaiser.js';

export interface InterpolatorOptions {
  /** Samples used on each side of the position (default 20). */
  readonly halfTaps?: number;
  /** Table rows per sample (default 256). */
  readonly phases?: number;
  /** Kaiser window β (default 9). */
  readonly beta?: number;
}

const tables = new Map<string, Float64Array>();

/** rows × taps, row r for the fractional offset r / phases; phases + 1 rows so that r + 1 always exists. */
function kernelTable(halfTaps: number, phases: number, beta: number): Float64Array {
  const key = `${halfTaps}/${phases}/${beta}`;
  const cached = tables.get(key);
  if (cached !== undefined) return cached;
  const taps = 2 * halfTaps;
  const table = new Float64Array((phases + 1) * taps);
  const i0beta = besselI0(beta);
  for (let r = 0; r <= phases; r++) {
    const frac = r / phases;
    let sum = 0;
    for (let j = 0; j < taps; j++) {
      const t = j - (halfTaps - 1) - frac; // distance from the position to sample index + (j − halfTaps + 1)
      const x = t / halfTaps;
      const w = Math.abs(x) >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0beta;
      const v = sinc(t) * w;
      table[r * taps + j] = v;
      sum += v;
    }
    for (let j = 0; j < taps; j++) table[r * taps + j] = (table[r * taps + j] ?? 0) / sum;
  }
  tables.set(key, table);
  return table;
}

export class SincInterpolator {
  readonly halfTaps: number;
  readonly phases: number;
  private readonly taps: number;
  private readonly table: Float64Array;

  constructor(opts: InterpolatorOptions = {}) {
    this.halfTaps = opts.halfTaps ?? 20;
    this.phases = opts.phases ?? 256;
    if (!Number.isInteger(this.halfTaps) || this.halfTaps < 1) throw new RangeError(`halfTaps must be a positive integer`);
    if (!Number.isInteger(this.phases) || this.phases < 1) throw new RangeError(`phases must be a positive integer`);
    this.taps = 2 * this.halfTaps;
    this.table = kernelTable(this.halfTaps, this.phases, opts.beta ?? 9);
  }

  /**
   * The signal at `index + frac` (0 ≤ frac < 1), from
   * samples[index − halfTaps + 1 … index + halfTaps], which must all exist.
   */
  at(samples: Float64Array, index: number, frac: number): number {
    const p = frac * this.phases;
    const r = Math.floor(p);
    const mu = p - r;
    const taps = this.taps;
    const table = this.table;
    const row0 = r * taps;
    const row1 = row0 + taps;
    const first = index - this.halfTaps + 1;
    let a0 = 0;
    let a1 = 0;
    for (let j = 0; j < taps; j++) {
      const x = samples[first + j] ?? 0;
      a0 += (table[row0 + j] ?? 0) * x;
      a1 += (table[row1 + j] ?? 0) * x;
    }
    return a0 + mu * (a1 - a0);
  }
}
