/**
 * The reference (Rin) side of the partitioned frequency-domain echo filter
 * (block-filter.ts): the spectra of the last K overlap-save windows,
 * X_k = FFT([x block k−1, x block k]), in a ring, and their per-bin energy
 * S(f) = Σ_p |X_(k−p)(f)|², the normaliser of the NLMS step (the frequency-
 * domain counterpart of xᵀx over the tail). One history serves both filters
 * of the two-path canceller.
 */
import type { RealFft } from './fft.js';

export class SpectralHistory {
  readonly partitions: number;
  readonly bins: number;
  /** Spectra, slot-major: slot s occupies [s·bins, (s+1)·bins). */
  readonly re: Float64Array;
  readonly im: Float64Array;
  /** S(f) = Σ over the K stored spectra of |X(f)|². */
  readonly power: Float64Array;
  private newest = 0;
  private pushes = 0;

  constructor(partitions: number, bins: number) {
    this.partitions = partitions;
    this.bins = bins;
    this.re = new Float64Array(partitions * bins);
    this.im = new Float64Array(partitions * bins);
    this.power = new Float64Array(bins);
  }

  /** Offset into re/im of the spectrum `age` blocks old (0 = newest). */
  offset(age: number): number {
    let s = this.newest - age;
    if (s < 0) s += this.partitions;
    return s * this.bins;
  }

  /** Adds the spectrum of the block just completed (its 2L-sample window in `time`). */
  push(fft: RealFft, time: Float64Array, scratchRe: Float64Array, scratchIm: Float64Array): void {
    fft.forward(time, scratchRe, scratchIm);
    this.newest = (this.newest + 1) % this.partitions;
    const o = this.newest * this.bins;
    const re = this.re;
    const im = this.im;
    const p = this.power;
    // The slot being overwritten is the oldest spectrum: take it out of S.
    for (let f = 0; f < this.bins; f++) {
      const or = re[o + f]!;
      const oi = im[o + f]!;
      const nr = scratchRe[f]!;
      const ni = scratchIm[f]!;
      const v = p[f]! + nr * nr + ni * ni - (or * or + oi * oi);
      p[f] = v > 0 ? v : 0;
      re[o + f] = nr;
      im[o + f] = ni;
    }
    // Recompute S now and then so that rounding in the running sum cannot drift.
    if (++this.pushes % 1024 === 0) this.recomputePower();
  }

  reset(): void {
    this.re.fill(0);
    this.im.fill(0);
    this.power.fill(0);
    this.newest = 0;
  }

  private recomputePower(): void {
    const p = this.power;
    p.fill(0);
    for (let i = 0; i < this.re.length; i++) {
      const f = i % this.bins;
      p[f] = p[f]! + this.re[i]! * this.re[i]! + this.im[i]! * this.im[i]!;
    }
  }
}
