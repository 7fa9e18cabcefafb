/**
 * Packet-loss concealment for G.711 after ITU-T G.711 Appendix I (09/1999),
 * "A high quality low-complexity algorithm for packet loss concealment with
 * G.711": pitch-period waveform substitution from a 48.75 ms history buffer.
 *
 * This is the Appendix's delayed variant: all output, concealed or not, is
 * 3.75 ms (30 samples, a quarter of the longest pitch period) late, so that the
 * start of an erasure can be smoothed by overlap-adding into samples that have
 * not been played yet. `delaySamples` says so to callers. (The zero-delay
 * variant, as in spandsp, is not implemented.)
 *
 * The algorithm works in 10 ms units (80 samples), as the Appendix does; a
 * 20 ms frame is two units. Per erased unit (Appendix I clause I.2):
 * - first unit: find the pitch period P (5–15 ms) by normalised
 *   cross-correlation of the last 20 ms of history, coarse (every 2nd lag and
 *   sample) then fine (±1); replace the last P/4 of history by an overlap-add
 *   with the P/4 before the last period, and repeat the last period;
 * - second and third units: grow the repeated buffer to 2, then 3 periods,
 *   cross-fading P/4 samples from the old buffer into the new;
 * - from the second unit on, attenuate linearly by 20 % per 10 ms, so the
 *   signal reaches silence 60 ms into the erasure and stays silent.
 * At the first good unit the synthetic continuation is overlap-added with the
 * real signal over P/4 + 4 ms per extra erased 10 ms (at most 10 ms).
 *
 * Floating point (the Appendix's reference code is floating point too), so
 * output is not bit-exact with it: same method, numbers, windows and timing.
 */
import { clamp16, FRAME_SAMPLES, SAMPLE_RATE } from '../pcm.js';

const UNIT = 80; // 10 ms, the Appendix's frame
const PITCH_MIN = 40; // 5 ms (200 Hz)
const PITCH_MAX = 120; // 15 ms (66.7 Hz)
const DELAY = PITCH_MAX >> 2; // 30 samples, 3.75 ms: POVERLAPMAX
const HISTORY = 3 * PITCH_MAX + DELAY; // 390 samples, 48.75 ms
const CORR_LEN = 160; // 20 ms correlation window
const CORR_MIN_POWER = 250; // per correlated sample: floor on the energy normaliser
const END_OVERLAP_INCREMENT = 32; // 4 ms more end overlap per extra erased unit
const ATTENUATION_PER_UNIT = 0.2; // 20 % per 10 ms
const MUTE_AFTER_UNITS = 6; // silent from 60 ms on

export interface G711PlcOptions {
  sampleRate?: 8000;
  /** Samples per frame given to `good` and returned by both methods: a multiple of 80 (10 ms). Default 160. */
  frameSamples?: number;
}

export class G711Plc {
  /** Output lags input by this many samples (3.75 ms), concealed or not. */
  readonly delaySamples = DELAY;
  readonly frameSamples: number;

  /** The signal as played, before the output delay: real frames and concealment alike. */
  private readonly history = new Int16Array(HISTORY);
  /** The history as it was when the erasure began, in floating point, with its tail overlap-added. */
  private readonly pitchBuf = new Float64Array(HISTORY);
  /** The original last quarter period of history at the start of the erasure. */
  private readonly lastQuarter = new Float64Array(DELAY);
  private readonly unitIn = new Int16Array(UNIT);
  private readonly synth = new Float64Array(UNIT);
  private readonly fade = new Float64Array(UNIT);
  private erasedUnits = 0;
  private pitch = PITCH_MAX;
  private quarter = DELAY;
  /** Length of the repeated part of pitchBuf (1, 2 or 3 periods), which ends at HISTORY. */
  private repeatLen = PITCH_MAX;
  /** Read position within the repeated part. */
  private offset = 0;

  constructor(opts: G711PlcOptions = {}) {
    const rate: number = opts.sampleRate ?? SAMPLE_RATE;
    if (rate !== SAMPLE_RATE) throw new RangeError(`G711Plc: only ${SAMPLE_RATE} Hz is supported, not ${rate}`);
    const n = opts.frameSamples ?? FRAME_SAMPLES;
    if (!Number.isInteger(n) || n <= 0 || n % UNIT !== 0) {
      throw new RangeError(`G711Plc: frameSamples must be a positive multiple of ${UNIT}, not ${n}`);
    }
    this.frameSamples = n;
  }

  /** Feeds a received frame; returns the frame to play (delayed 3.75 ms, overlap-added after an erasure). */
  good(frame: Int16Array): Int16Array {
    if (frame.length !== this.frameSamples) {
      throw new RangeError(`G711Plc.good: frame has ${frame.length} samples, expected ${this.frameSamples}`);
    }
    const out = new Int16Array(this.frameSamples);
    for (let u = 0; u < this.frameSamples; u += UNIT) {
      this.unitIn.set(frame.subarray(u, u + UNIT));
      this.goodUnit(this.unitIn, out.subarray(u, u + UNIT));
    }
    return out;
  }

  /** Returns a concealment frame for a frame that did not arrive. */
  lost(): Int16Array {
    const out = new Int16Array(this.frameSamples);
    for (let u = 0; u < this.frameSamples; u += UNIT) this.lostUnit(out.subarray(u, u + UNIT));
    return out;
  }

  /** Milliseconds of the current erasure so far (0 when the last frame was good). */
  get erasedMs(): number {
    return (this.erasedUnits * UNIT * 1000) / SAMPLE_RATE;
  }

  private goodUnit(s: Int16Array, out: Int16Array): void {
    if (this.erasedUnits > 0) {
      // End of the erasure: overlap-add the synthetic continuation into the start of the real signal.
      const overlap = Math.min(this.quarter + (this.erasedUnits - 1) * END_OVERLAP_INCREMENT, UNIT);
      const gain = Math.max(0, 1 - (this.erasedUnits - 1) * ATTENUATION_PER_UNIT);
      this.readSynthetic(this.fade, overlap);
      for (let i = 0; i < overlap; i++) {
        const w = (i + 1) / (overlap + 1); // weight of the real signal, rising
        s[i] = clamp16((1 - w) * gain * this.fade[i]! + w * s[i]!);
      }
      this.erasedUnits = 0;
    }
    this.save(s, out);
  }

  private lostUnit(out: Int16Array): void {
    const synth = this.synth;
    if (this.erasedUnits === 0) {
      this.startErasure();
      this.readSynthetic(synth, UNIT);
    } else if (this.erasedUnits === 1 || this.erasedUnits === 2) {
      // 10 and 20 ms into the erasure, repeat one more period (2, then 3).
      const q = this.quarter;
      const saved = this.offset;
      this.readSynthetic(this.fade, q); // where the old buffer would have gone
      this.offset = saved;
      while (this.offset >= this.pitch) this.offset -= this.pitch;
      this.repeatLen += this.pitch;
      this.blendTail();
      this.readSynthetic(synth, UNIT);
      for (let i = 0; i < q; i++) {
        const w = (i + 1) / (q + 1);
        synth[i] = (1 - w) * this.fade[i]! + w * synth[i]!;
      }
      this.attenuate(synth);
    } else if (this.erasedUnits >= MUTE_AFTER_UNITS) {
      synth.fill(0);
    } else {
      this.readSynthetic(synth, UNIT);
      this.attenuate(synth);
    }
    this.erasedUnits++;
    const unit = this.unitIn;
    for (let i = 0; i < UNIT; i++) unit[i] = clamp16(synth[i]!);
    this.save(unit, out);
  }

  /** First erased unit (I.2.4, synthetic signal for the first 10 ms): pitch estimate and the smoothed tail. */
  private startErasure(): void {
    const pb = this.pitchBuf;
    for (let i = 0; i < HISTORY; i++) pb[i] = this.history[i]!;
    this.pitch = this.findPitch();
    this.quarter = this.pitch >> 2;
    for (let i = 0; i < this.quarter; i++) this.lastQuarter[i] = pb[HISTORY - this.quarter + i]!;
    this.repeatLen = this.pitch;
    this.offset = 0;
    this.blendTail();
    // The last 3.75 ms of history has not been played yet: play the smoothed version.
    for (let i = HISTORY - DELAY; i < HISTORY; i++) this.history[i] = clamp16(pb[i]!);
  }

  /**
   * Replaces the last quarter period of the pitch buffer by a triangular
   * overlap-add of the original tail (fading out) and the quarter period just
   * before the repeated part (fading in), so wrapping around is smooth.
   */
  private blendTail(): void {
    const pb = this.pitchBuf;
    const q = this.quarter;
    const tail = HISTORY - q;
    const before = HISTORY - this.repeatLen - q;
    for (let i = 0; i < q; i++) {
      const w = (i + 1) / (q + 1);
      pb[tail + i] = (1 - w) * this.lastQuarter[i]! + w * pb[before + i]!;
    }
  }

  /** Reads `n` samples of the repeated part of the pitch buffer, wrapping around. */
  private readSynthetic(into: Float64Array, n: number): void {
    const pb = this.pitchBuf;
    const start = HISTORY - this.repeatLen;
    let off = this.offset;
    for (let i = 0; i < n; i++) {
      into[i] = pb[start + off]!;
      if (++off === this.repeatLen) off = 0;
    }
    this.offset = off;
  }

  /** Linear attenuation, 20 % per 10 ms from the second erased unit on. */
  private attenuate(x: Float64Array): void {
    let g = 1 - (this.erasedUnits - 1) * ATTENUATION_PER_UNIT;
    const step = ATTENUATION_PER_UNIT / UNIT;
    for (let i = 0; i < UNIT; i++) {
      x[i] = x[i]! * Math.max(0, g);
      g -= step;
    }
  }

  /** Pitch estimate: the lag in [5 ms, 15 ms] maximising the normalised correlation with the last 20 ms. */
  private findPitch(): number {
    const coarse = this.bestLag(PITCH_MIN, PITCH_MAX, 2);
    return this.bestLag(Math.max(PITCH_MIN, coarse - 1), Math.min(PITCH_MAX, coarse + 1), 1);
  }

  private bestLag(lo: number, hi: number, step: number): number {
    const pb = this.pitchBuf;
    const ref = HISTORY - CORR_LEN;
    const floor = (CORR_MIN_POWER * CORR_LEN) / step;
    let best = hi;
    let bestScore = -Infinity;
    for (let lag = hi; lag >= lo; lag -= step) {
      const cand = ref - lag;
      let corr = 0;
      let energy = 0;
      for (let i = 0; i < CORR_LEN; i += step) {
        const c = pb[cand + i]!;
        corr += c * pb[ref + i]!;
        energy += c * c;
      }
      const score = corr / Math.sqrt(Math.max(energy, floor));
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    return best;
  }

  /** Appends a unit to the history and writes the unit that is now 3.75 ms old to `out`. */
  private save(unit: Int16Array, out: Int16Array): void {
    const h = this.history;
    h.copyWithin(0, UNIT);
    h.set(unit, HISTORY - UNIT);
    out.set(h.subarray(HISTORY - UNIT - DELAY, HISTORY - DELAY));
  }
}
