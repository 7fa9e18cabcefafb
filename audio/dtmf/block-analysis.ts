/**
 * Block measurements for the DTMF receiver: a complex Goertzel DFT at each of
 * the eight Q.23 frequencies over every block and its two halves, the block's
 * power, and its samples (kept for the distortion-product checks).
 *
 * At 8 kHz a block is 106 samples (13.25 ms), the classic choice for a Q.24
 * receiver (Asterisk and spandsp use 102): two consecutive blocks fit inside
 * the shortest tone that must be accepted (40 ms = 320 samples ≥ 3·106 − 1 at
 * any alignment) but never inside a 20 ms tone (160 < 2·106).
 *
 * A 106-sample Goertzel alone cannot tell 697 Hz from 697 Hz + 3.5 % (the
 * window's main lobe is ±75 Hz wide), so each tone's frequency is measured
 * instead from the phase advance between the two 53-sample halves:
 *   X_h = Σ w[m]·x[n₀ + m]·e^(−jω₀(n₀ + m)) over half h starting at n₀;
 *   for a tone at ω₀ + Δ, arg(X₂·X₁*) = Δ·53, unambiguous for |Δf| < 75 Hz.
 * The halves are Hann-windowed (w) for this, so that the digit's other tone
 * leaks in at −25 dB or less (rectangular halves: −19 dB, i.e. errors of up
 * to ±7 Hz; Hann: ±3 Hz at 941/1209 Hz, up to ±10 Hz on a tone 8 dB weaker
 * than its partner 236 Hz away). This coarse estimate is per block; the
 * receiver refines it over two consecutive blocks (classify.ts, `confirm`)
 * from the full-block Hann DFTs `re`/`im`, whose phase advances by
 * (ω₀ + Δ)·106 from one block to the next: ±0.3 Hz, once the coarse value has
 * picked the right multiple of 75.5 Hz.
 *
 * Two full-block amplitudes per tone:
 *   - `raw`, the plain (rectangular) 106-sample DFT, whose nulls fall near the
 *     neighbouring tones of a group: it picks the strongest row and column;
 *   - `level`, a Hann-windowed 106-sample DFT corrected for the window's loss
 *     at the measured offset. The rectangular window lets a tone leak −31 dB
 *     into the other group (±1.2 dB of level error at 8 dB of twist); Hann
 *     brings that under −40 dB, so level, twist and purity are good to
 *     ±0.3 dB whatever the twist and however far off-frequency a tone is.
 * Rectangular half-block amplitudes, proportional to how much of a half a tone
 * fills, help locate onsets and offsets (detector.ts).
 */
import { complexGoertzel, goertzelComplex, type Complex, type ComplexGoertzel } from './complex-goertzel.js';
import { DTMF_HIGH, DTMF_LOW } from './digits.js';

/** The eight fundamentals in the order measured: DTMF_LOW then DTMF_HIGH. */
export const DTMF_FREQUENCIES: readonly number[] = Object.freeze([...DTMF_LOW, ...DTMF_HIGH]);

/** Block length for a sample rate: 106 at 8 kHz, always even (two halves). */
export function dtmfBlockSize(sampleRate: number): number {
  return 2 * Math.round((53 * sampleRate) / 8000);
}

/** One frequency in one block. Amplitudes are sine peak amplitudes in sample units. */
export interface ToneMeasure {
  /** Amplitude over the whole block, rectangular window (what a plain Goertzel gives). */
  raw: number;
  /** Amplitudes over the first and second half-block, rectangular window. */
  half1: number;
  half2: number;
  /** Coarse offset of the strongest component near this frequency, Hz (meaningful only when one is present). */
  offsetHz: number;
  /** The full-block Hann DFT, referenced to the block's first sample. */
  re: number;
  im: number;
  /** Amplitude over the whole block, Hann window, corrected for the window's loss at `offsetHz` (at most ×2). */
  level: number;
}

export interface BlockMeasure {
  /** Index of the block's first sample since the analyser started. */
  start: number;
  readonly tones: readonly ToneMeasure[];
  /** Mean of x² over the block. */
  meanSquare: number;
  /**
   * Hann-weighted mean of x²: the power the `level`s are comparable with. A
   * plain mean of a two-tone block swings ±9 % with the tones' relative phase
   * (941 + 1209 Hz); the window's sidelobes at the beat frequency are −40 dB.
   */
  hannMeanSquare: number;
  /** Σx² over each quarter of the block ([0, N/4), … rounded; the halves split at N/2 exactly). */
  readonly quarterEnergy: Float64Array;
  /** Sample counts of the quarters. */
  readonly quarterLength: readonly number[];
  /** The block's samples, valid until the next block completes. */
  readonly samples: Float64Array;
  /** The same, Hann-windowed, and the factor turning |X| of it into a sine amplitude. */
  readonly hannSamples: Float64Array;
  readonly hannScale: number;
}

/** Hann window of length n (periodic-symmetric: no zero end points). */
function hannWindow(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, m) => Math.sin((Math.PI * (m + 0.5)) / n) ** 2);
}

/** |Σ w[n]·e^(jΔn)| / Σ w[n]: a window's gain for a tone Δ rad/sample off the analysis frequency. */
export function windowGain(window: ArrayLike<number>, delta: number): number {
  let re = 0, im = 0, sum = 0;
  for (let n = 0; n < window.length; n++) {
    const w = window[n] ?? 0;
    re += w * Math.cos(delta * n);
    im += w * Math.sin(delta * n);
    sum += w;
  }
  return sum === 0 ? 0 : Math.hypot(re, im) / sum;
}

const SILENT: Readonly<ToneMeasure> = Object.freeze({ raw: 0, half1: 0, half2: 0, offsetHz: 0, re: 0, im: 0, level: 0 });

/** Largest loss corrected (×2, +6 dB): beyond it the offset is far outside the accepted band anyway. */
const MIN_GAIN = 0.5;
/** The correction table's step and span, Hz. */
const GAIN_STEP_HZ = 0.25;
const GAIN_SPAN_HZ = 160;

/**
 * Collects samples into blocks of `blockSize` and measures each completed
 * block. The measure object is reused: read it before feeding the next block.
 * Blocks whose mean square is below `silenceMeanSquare` are measured as
 * silence (every tone amplitude 0) without running the filters: an idle line
 * costs next to nothing.
 */
export class DtmfBlockAnalyzer {
  readonly blockSize: number;
  readonly sampleRate: number;
  private readonly half: number;
  /** Per tone: filters over a half and over the whole block, and cos/sin of ω·H (moves a DFT's reference by H samples). */
  private readonly halfFilters: readonly ComplexGoertzel[];
  private readonly blockFilters: readonly ComplexGoertzel[];
  private readonly shift: readonly { c: number; s: number }[];
  /** Hann window over one half-block (coarse frequency) and the half-windowed block. */
  private readonly hann: Float64Array;
  private readonly windowed: Float64Array;
  /** Hann window over the whole block, its amplitude scale (2 / Σw) and its gain by frequency offset. */
  private readonly hannFull: Float64Array;
  private readonly hannFullScale: number;
  private readonly gainTable: Float64Array;
  private readonly quarterBounds: readonly number[];
  private readonly measure: BlockMeasure;
  private readonly x1: Complex = { re: 0, im: 0 };
  private readonly x2: Complex = { re: 0, im: 0 };
  private readonly silenceMeanSquare: number;
  private fill = 0;
  private blockStart = 0;

  constructor(sampleRate: number, silenceMeanSquare = 0) {
    this.sampleRate = sampleRate;
    this.silenceMeanSquare = silenceMeanSquare;
    this.blockSize = dtmfBlockSize(sampleRate);
    const h = (this.half = this.blockSize / 2);
    this.halfFilters = DTMF_FREQUENCIES.map((f) => complexGoertzel(f, sampleRate, h));
    this.blockFilters = DTMF_FREQUENCIES.map((f) => complexGoertzel(f, sampleRate, this.blockSize));
    this.shift = DTMF_FREQUENCIES.map((f) => ({ c: Math.cos((2 * Math.PI * f * h) / sampleRate), s: Math.sin((2 * Math.PI * f * h) / sampleRate) }));
    this.hann = hannWindow(h);
    this.windowed = new Float64Array(this.blockSize);
    this.hannFull = hannWindow(this.blockSize);
    this.hannFullScale = 2 / this.hannFull.reduce((a, b) => a + b, 0);
    this.gainTable = Float64Array.from({ length: GAIN_SPAN_HZ / GAIN_STEP_HZ + 1 }, (_, i) =>
      Math.max(MIN_GAIN, windowGain(this.hannFull, (2 * Math.PI * i * GAIN_STEP_HZ) / sampleRate)),
    );
    this.quarterBounds = [0, Math.floor(h / 2), h, h + Math.floor(h / 2), this.blockSize];
    this.measure = {
      start: 0,
      tones: DTMF_FREQUENCIES.map(() => ({ ...SILENT })),
      meanSquare: 0,
      hannMeanSquare: 0,
      quarterEnergy: new Float64Array(4),
      quarterLength: this.quarterBounds.slice(1).map((b, q) => b - (this.quarterBounds[q] ?? 0)),
      samples: new Float64Array(this.blockSize),
      hannSamples: new Float64Array(this.blockSize),
      hannScale: this.hannFullScale,
    };
  }

  reset(): void {
    this.fill = 0;
    this.blockStart = 0;
  }

  /**
   * Consumes samples from `src[from]` until a block completes or `src` runs
   * out. Returns the index after the last sample consumed and the completed
   * block (or undefined).
   */
  feed(src: Int16Array, from: number): { next: number; block: BlockMeasure | undefined } {
    const buf = this.measure.samples;
    const stop = Math.min(src.length, from + this.blockSize - this.fill);
    let fill = this.fill;
    for (let i = from; i < stop; i++) buf[fill++] = src[i] ?? 0;
    this.fill = fill;
    return { next: stop, block: fill === this.blockSize ? this.endBlock() : undefined };
  }

  /** The full-block Hann window's gain at an offset (interpolated; floored at MIN_GAIN). */
  private gainAt(offsetHz: number): number {
    const x = Math.min(offsetHz, GAIN_SPAN_HZ) / GAIN_STEP_HZ;
    const i = Math.floor(x);
    const a = this.gainTable[i] ?? MIN_GAIN, b = this.gainTable[i + 1] ?? a;
    return a + (b - a) * (x - i);
  }

  private endBlock(): BlockMeasure {
    const n = this.blockSize, h = this.half, m = this.measure, buf = m.samples, wbuf = this.windowed;
    for (let q = 0; q < 4; q++) {
      let e = 0;
      for (let i = this.quarterBounds[q] ?? 0, end = this.quarterBounds[q + 1] ?? 0; i < end; i++) e += (buf[i] ?? 0) ** 2;
      m.quarterEnergy[q] = e;
    }
    m.meanSquare = m.quarterEnergy.reduce((a, b) => a + b, 0) / n;
    m.start = this.blockStart;
    this.blockStart += n;
    this.fill = 0;
    if (m.meanSquare < this.silenceMeanSquare) {
      m.hannMeanSquare = m.meanSquare;
      m.hannSamples.fill(0);
      for (const tone of m.tones) Object.assign(tone, SILENT);
      return m;
    }
    const wfull = m.hannSamples;
    let weighted = 0;
    for (let i = 0; i < n; i++) {
      const x = buf[i] ?? 0, w = this.hannFull[i] ?? 0;
      wbuf[i] = x * (this.hann[i % h] ?? 0);
      wfull[i] = x * w;
      weighted += w * x * x;
    }
    m.hannMeanSquare = (weighted * this.hannFullScale) / 2;
    const { x1, x2 } = this;
    for (let k = 0; k < 8; k++) {
      const half = this.halfFilters[k], block = this.blockFilters[k], shift = this.shift[k], tone = m.tones[k];
      if (half === undefined || block === undefined || shift === undefined || tone === undefined) continue;
      const cw = shift.c, sw = shift.s;
      // Hann halves, each referenced to its own start: arg(X₂·e^(−jωH)·X₁*) = Δ·H.
      goertzelComplex(half, wbuf, 0, x1);
      goertzelComplex(half, wbuf, h, x2);
      const pre = x2.re * x1.re + x2.im * x1.im, pim = x2.im * x1.re - x2.re * x1.im;
      const delta = Math.atan2(pim * cw - pre * sw, pre * cw + pim * sw) / h;
      tone.offsetHz = (delta * this.sampleRate) / (2 * Math.PI);
      // Rectangular halves and their sum (the second moved to the block's start), the full-block DFT.
      goertzelComplex(half, buf, 0, x1);
      goertzelComplex(half, buf, h, x2);
      tone.half1 = (2 * Math.hypot(x1.re, x1.im)) / h;
      tone.half2 = (2 * Math.hypot(x2.re, x2.im)) / h;
      tone.raw = (2 * Math.hypot(x1.re + x2.re * cw + x2.im * sw, x1.im + x2.im * cw - x2.re * sw)) / n;
      goertzelComplex(block, wfull, 0, x1);
      tone.re = x1.re;
      tone.im = x1.im;
      tone.level = (Math.hypot(x1.re, x1.im) * this.hannFullScale) / this.gainAt(Math.abs(tone.offsetHz));
    }
    return m;
  }
}
