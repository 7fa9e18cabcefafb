/**
 * Non-linear processor (NLP, as defined in ITU-T G.165 and G.168, whose
 * single-talk, double-talk and comfort-noise tests measure it): after the
 * linear canceller the residual echo is typically 30 dB below the echo; the
 * NLP removes what is left, but only when what is left is echo.
 *
 * Decision, per sample, from smoothed powers of the residual e and of the
 * canceller's echo estimate y (the far-end signal through the modelled echo
 * path, so "small relative to the far end" is judged with the path's own
 * loss): the NLP engages when the caller allows it (enabled, filter
 * converged, far end active, no double talk) and the residual is at least
 * `thresholdDb` (10 dB) below the echo estimate. Near-end speech raises the
 * residual above the echo estimate within a couple of milliseconds (fast
 * attack) and releases the NLP at once; residual echo never does.
 *
 * Action: a suppressor with soft switching — the output gain ramps to 0 in
 * about 4 ms when engaged and back to 1 in about 1 ms when released (so a
 * near-end onset is not clipped), and comfort noise at the background level
 * (comfort-noise.ts) fills in what the gain takes away (or silence, without
 * comfort noise).
 */
import { ComfortNoise } from './comfort-noise.js';

const ATTACK = 1 / 16; // ≈ 2 ms at 8 kHz
const RELEASE = 1 / 128; // ≈ 16 ms
const GAIN_DOWN = 1 / 32; // full suppression in 4 ms
const GAIN_UP = 1 / 8; // full release in 1 ms

export class NonLinearProcessor {
  readonly comfort = new ComfortNoise();
  private readonly ratio: number;
  private readonly comfortNoise: boolean;
  private pe = 0;
  private py = 0;
  private gain = 1;
  private engagedNow = false;

  constructor(opts: { thresholdDb?: number; comfortNoise?: boolean } = {}) {
    this.ratio = 10 ** (-(opts.thresholdDb ?? 10) / 10);
    this.comfortNoise = opts.comfortNoise ?? true;
  }

  /** One sample of residual `e` with echo estimate `y`; returns Sout. */
  step(e: number, y: number, allow: boolean): number {
    const e2 = e * e;
    this.pe += (e2 > this.pe ? ATTACK : RELEASE) * (e2 - this.pe);
    const y2 = y * y;
    this.py += (y2 > this.py ? ATTACK : RELEASE) * (y2 - this.py);
    const engaged = allow && this.pe < this.py * this.ratio;
    this.engagedNow = engaged;
    if (engaged) {
      if (this.gain > 0) this.gain = this.gain > GAIN_DOWN ? this.gain - GAIN_DOWN : 0;
    } else if (this.gain < 1) {
      this.gain = this.gain < 1 - GAIN_UP ? this.gain + GAIN_UP : 1;
    }
    if (this.gain === 1) return e;
    const fill = this.comfortNoise ? this.comfort.sample() : 0;
    return this.gain * e + (1 - this.gain) * fill;
  }

  /** Whether the NLP is suppressing (engaged at the last sample). */
  get engaged(): boolean {
    return this.engagedNow;
  }

  reset(): void {
    this.comfort.reset();
    this.pe = 0;
    this.py = 0;
    this.gain = 1;
    this.engagedNow = false;
  }
}
