/**
 * A level meter for 16-bit audio: RMS and peak over a sliding window, and a
 * smoothed "VU-style" reading with separate attack and decay, all in dBm0
 * (levels.ts). Used for line diagnostics (what a phone or the landline is
 * sending, how loud) and by anything that needs a steadier level than one frame.
 *
 * - RMS: the mean square over the last `windowMs`, kept as an exact integer
 *   running sum (squares of 16-bit samples are integers, and the sum stays far
 *   below 2^53), so it never drifts.
 * - Peak: the largest |sample| in the same window (a monotonic deque, O(1) per
 *   sample), expressed as the level of the sine that has that peak — so a sine
 *   reads the same on both, and a square wave's peak reads 3.01 dB under its RMS.
 * - VU reading: the windowed mean square smoothed by a one-pole filter whose
 *   time constant is `attackMs` while the level rises and `releaseMs` while it
 *   falls (1/e times: after one attack time constant a step reads
 *   10·log10(1 − 1/e) = −1.99 dB under its final level). Smoothing the windowed
 *   power, not x², keeps an asymmetric pair of time constants from biasing the
 *   reading of a steady tone.
 * Every reading is updated per sample, so it does not depend on how the stream
 * is cut into frames.
 *
 * Sources: ITU-T G.711 / G.100 for dBm0 (see levels.ts); IEC 60268-17 (VU
 * meters) and IEC 60268-10 (peak programme meters) for the idea of integration
 * and return times; the sliding-window maximum by a monotonic deque, e.g.
 * D. Lemire, "Streaming maximum-minimum filter using no more than three
 * comparisons per element", Nordic J. of Computing 13(4), 2006.
 */
import { dbm0OfRms } from '../levels.js';

export interface LevelMeterOptions {
  readonly sampleRate?: number;
  /** The window of the RMS and peak readings (default 100 ms). */
  readonly windowMs?: number;
  /** Time constant of the VU reading while the level rises (default 20 ms). */
  readonly attackMs?: number;
  /** Time constant of the VU reading while the level falls (default 300 ms). */
  readonly releaseMs?: number;
}

export class LevelMeter {
  readonly windowSamples: number;
  private readonly history: Int16Array;
  private head = 0;
  private filled = 0;
  private sumSquares = 0;
  private readonly dqPos: Float64Array;
  private readonly dqAbs: Int32Array;
  private dqHead = 0;
  private dqLen = 0;
  private position = 0;
  private envelope = 0;
  private readonly attackCoef: number;
  private readonly releaseCoef: number;

  constructor(opts: LevelMeterOptions = {}) {
    const rate = opts.sampleRate ?? 8000;
    this.windowSamples = Math.max(1, Math.round(((opts.windowMs ?? 100) * rate) / 1000));
    this.history = new Int16Array(this.windowSamples);
    this.dqPos = new Float64Array(this.windowSamples);
    this.dqAbs = new Int32Array(this.windowSamples);
    const coef = (ms: number): number => (ms <= 0 ? 1 : 1 - Math.exp(-1000 / (ms * rate)));
    this.attackCoef = coef(opts.attackMs ?? 20);
    this.releaseCoef = coef(opts.releaseMs ?? 300);
  }

  /** Feeds the next block of the stream. */
  push(samples: Int16Array): void {
    const w = this.windowSamples;
    const cap = this.dqPos.length;
    for (let i = 0; i < samples.length; i++) {
      const x = samples[i] ?? 0;
      const old = this.history[this.head] ?? 0;
      this.history[this.head] = x;
      this.head = this.head + 1 === w ? 0 : this.head + 1;
      if (this.filled < w) this.filled++;
      else this.sumSquares -= old * old;
      this.sumSquares += x * x;

      // Sliding maximum of |x|: drop smaller entries from the back, expired ones from the front.
      const pos = this.position++;
      const a = x < 0 ? -x : x;
      while (this.dqLen > 0 && (this.dqPos[this.dqHead] ?? 0) <= pos - w) {
        this.dqHead = this.dqHead + 1 === cap ? 0 : this.dqHead + 1;
        this.dqLen--;
      }
      while (this.dqLen > 0 && (this.dqAbs[(this.dqHead + this.dqLen - 1) % cap] ?? 0) <= a) this.dqLen--;
      const slot = (this.dqHead + this.dqLen) % cap;
      this.dqPos[slot] = pos;
      this.dqAbs[slot] = a;
      this.dqLen++;

      const ms = this.sumSquares / this.filled;
      this.envelope += (ms > this.envelope ? this.attackCoef : this.releaseCoef) * (ms - this.envelope);
    }
  }

  /** RMS over the window (or what has been pushed, if less). */
  get rms(): number {
    return this.filled === 0 ? 0 : Math.sqrt(this.sumSquares / this.filled);
  }

  /** Largest |sample| in the window. */
  get peak(): number {
    return this.dqLen === 0 ? 0 : (this.dqAbs[this.dqHead] ?? 0);
  }

  get rmsDbm0(): number {
    return dbm0OfRms(this.rms);
  }

  /** The peak as the level of the sine with that peak. */
  get peakDbm0(): number {
    return dbm0OfRms(this.peak / Math.SQRT2);
  }

  /** The smoothed (attack/decay) level. */
  get vuDbm0(): number {
    return dbm0OfRms(Math.sqrt(this.envelope));
  }

  /** Back to silence with an empty window. */
  reset(): void {
    this.history.fill(0);
    this.head = 0;
    this.filled = 0;
    this.sumSquares = 0;
    this.dqHead = 0;
    this.dqLen = 0;
    this.envelope = 0;
  }
}
