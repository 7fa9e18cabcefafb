/**
 * Rate conversion between a sound card's native rate and the line's 8 kHz, for
 * board/alsa/alsa-audio-port.ts. Streaming (state carries across calls), pure.
 *
 * `createRateConverter(from, to)` picks:
 * - 'passthrough' when the rates are equal;
 * - 'polyphase' for integer and small rational ratios (48000 ↔ 8000 is M = 6 /
 *   L = 6, 16000 ↔ 8000 is 2, 44100 → 8000 is 80/441): the polyphase Kaiser
 *   windowed-sinc FIR of audio/dsp/resampler.ts, which computes only the outputs
 *   kept (a decimator with L = 1, an interpolator with M = 1). Its low-pass sits
 *   below 4 kHz (passband 3400 Hz, stopband from 4000 Hz, 75 dB), so it is the
 *   anti-aliasing filter going down and the anti-imaging filter going up;
 * - 'arbitrary' for anything else (a device granting an odd rate, ratios that
 *   would need more than MAX_PHASES sub-filters): `ArbitraryResampler` below, a
 *   windowed-sinc evaluated at each output's exact position in the input (the
 *   kernel tabulated finely and interpolated linearly), with the same band edges.
 *
 * Sources: R. E. Crochiere, L. R. Rabiner, "Multirate Digital Signal Processing",
 * Prentice-Hall 1983, ch. 2–3; J. O. Smith, "Digital Audio Resampling Home Page",
 * https://ccrma.stanford.edu/~jos/resample/ (bandlimited interpolation at an
 * arbitrary position, the kernel scaled by min(1, to/from) when decimating);
 * Kaiser design formulas: audio/dsp/kaiser.ts.
 */
import { besselI0, kaiserBeta, kaiserLength, sinc } from '../../audio/dsp/kaiser.js';
import { Resampler } from '../../audio/dsp/resampler.js';
import { clamp16 } from '../../audio/pcm.js';

export type RateConverterKind = 'passthrough' | 'polyphase' | 'arbitrary';

/** A streaming converter from `fromRate` to `toRate`. */
export interface RateConverter {
  readonly fromRate: number;
  readonly toRate: number;
  readonly kind: RateConverterKind;
  /** Delay of the output behind the input, in output samples. */
  readonly latencySamples: number;
  /** Converts the next block of the stream (any length, even 0). */
  process(input: Int16Array): Int16Array;
  /** Forgets the stream (history becomes silence). */
  reset(): void;
}

/** The largest number of polyphase sub-filters before the arbitrary-ratio path is used. */
export const MAX_PHASES = 1024;

/** Band edges of every converter here, as fractions of the lower rate's Nyquist frequency. */
const PASSBAND = 0.85;
const STOPBAND = 1.0;
const ATTENUATION_DB = 75;

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function checkRate(name: string, r: number): void {
  if (!Number.isInteger(r) || r < 1000 || r > 384000) throw new RangeError(`${name} must be an integer rate in Hz (1000..384000), got ${r}`);
}

class Passthrough implements RateConverter {
  readonly kind = 'passthrough';
  readonly latencySamples = 0;
  constructor(readonly fromRate: number, readonly toRate: number) {}
  process(input: Int16Array): Int16Array {
    return input.slice();
  }
  reset(): void {}
}

class Polyphase implements RateConverter {
  readonly kind = 'polyphase';
  readonly latencySamples: number;
  private readonly r: Resampler;
  constructor(readonly fromRate: number, readonly toRate: number) {
    this.r = new Resampler(fromRate, toRate, { quality: 'good' });
    this.latencySamples = this.r.latencySamples;
  }
  process(input: Int16Array): Int16Array {
    return this.r.process(input);
  }
  reset(): void {
    this.r.reset();
  }
}

/** The converter for `fromRate` → `toRate` (see the header for which one). */
export function createRateConverter(fromRate: number, toRate: number): RateConverter {
  checkRate('fromRate', fromRate);
  checkRate('toRate', toRate);
  if (fromRate === toRate) return new Passthrough(fromRate, toRate);
  const L = toRate / gcd(fromRate, toRate);
  if (L <= MAX_PHASES) return new Polyphase(fromRate, toRate);
  return new ArbitraryResampler(fromRate, toRate);
}

/** Kernel table resolution: points per input sample. */
const TABLE_RES = 512;

/**
 * The general fallback: y(t_k) = Σ x[n]·h(t_k − n) / Σ h(t_k − n), t_k = k·from/to
 * in input samples, h a Kaiser-windowed sinc with its cut-off at the middle of the
 * transition band of the lower rate (so it low-passes when decimating), spanning
 * ±half input samples. Dividing by Σh gives every output unit DC gain. Positions
 * are computed from the output count, never accumulated, so the result does not
 * depend on how the input is chunked. The output trails the input by `half`
 * input samples (the kernel's centre must be reachable).
 */
export class ArbitraryResampler implements RateConverter {
  readonly kind = 'arbitrary';
  readonly latencySamples: number;
  /** Half the kernel width, in input samples. */
  readonly halfWidth: number;
  private readonly step: number;
  private readonly table: Float64Array;
  /** Input history; buf[0] is the absolute input index `bufStart`. */
  private buf = new Float64Array(4096);
  private bufLen = 0;
  private bufStart = 0;
  private received = 0;
  private produced = 0;

  constructor(readonly fromRate: number, readonly toRate: number) {
    checkRate('fromRate', fromRate);
    checkRate('toRate', toRate);
    const nyquist = Math.min(fromRate, toRate) / 2;
    const pass = PASSBAND * nyquist;
    const stop = STOPBAND * nyquist;
    const cutoff = (pass + stop) / 2 / fromRate; // cycles per input sample
    const length = kaiserLength(ATTENUATION_DB, (stop - pass) / fromRate);
    this.halfWidth = Math.ceil(length / 2);
    this.step = fromRate / toRate;
    this.latencySamples = this.halfWidth / this.step;
    const beta = kaiserBeta(ATTENUATION_DB);
    const i0 = besselI0(beta);
    this.table = new Float64Array(this.halfWidth * TABLE_RES + 2);
    for (let i = 0; i < this.table.length; i++) {
      const t = i / TABLE_RES;
      const x = t / this.halfWidth;
      const w = x >= 1 ? 0 : besselI0(beta * Math.sqrt(1 - x * x)) / i0;
      this.table[i] = 2 * cutoff * sinc(2 * cutoff * t) * w;
    }
  }

  process(input: Int16Array): Int16Array {
    this.append(input);
    const out: number[] = [];
    const h = this.halfWidth;
    const end = this.received; // absolute index one past the newest sample
    for (;;) {
      const t = (this.produced * this.fromRate) / this.toRate; // exact for any hour-long stream
      if (Math.floor(t) + h >= end) break;
      out.push(this.at(t));
      this.produced++;
    }
    this.trim();
    return Int16Array.from(out);
  }

  reset(): void {
    this.bufLen = 0;
    this.bufStart = 0;
    this.received = 0;
    this.produced = 0;
  }

  /** The output at absolute input position t (samples before the stream count as silence). */
  private at(t: number): number {
    const h = this.halfWidth;
    const first = Math.max(Math.floor(t) - h + 1, this.bufStart);
    const last = Math.floor(t) + h;
    let acc = 0;
    let norm = 0;
    const table = this.table;
    for (let n = first; n <= last; n++) {
      const p = Math.abs(t - n) * TABLE_RES;
      const i = Math.floor(p);
      const mu = p - i;
      const a = table[i] ?? 0;
      const k = a + mu * ((table[i + 1] ?? 0) - a);
      acc += k * (this.buf[n - this.bufStart] ?? 0);
      norm += k;
    }
    // Before the stream started the missing taps are silence; normalise by the full kernel's sum.
    if (first > Math.floor(t) - h + 1) norm = this.kernelSum(t);
    return clamp16(norm === 0 ? 0 : acc / norm);
  }

  private kernelSum(t: number): number {
    let s = 0;
    for (let n = Math.floor(t) - this.halfWidth + 1; n <= Math.floor(t) + this.halfWidth; n++) {
      const p = Math.abs(t - n) * TABLE_RES;
      const i = Math.floor(p);
      const a = this.table[i] ?? 0;
      s += a + (p - i) * ((this.table[i + 1] ?? 0) - a);
    }
    return s;
  }

  private append(input: Int16Array): void {
    if (this.bufLen + input.length > this.buf.length) {
      const bigger = new Float64Array(2 * (this.bufLen + input.length));
      bigger.set(this.buf.subarray(0, this.bufLen));
      this.buf = bigger;
    }
    for (let i = 0; i < input.length; i++) this.buf[this.bufLen + i] = input[i] ?? 0;
    this.bufLen += input.length;
    this.received += input.length;
  }

  /** Drops history no future output can reach. */
  private trim(): void {
    const next = (this.produced * this.fromRate) / this.toRate;
    const keepFrom = Math.max(this.bufStart, Math.floor(next) - this.halfWidth + 1);
    const drop = keepFrom - this.bufStart;
    if (drop <= 0) return;
    this.buf.copyWithin(0, drop, this.bufLen);
    this.bufLen -= drop;
    this.bufStart = keepFrom;
  }
}
