/**
 * Test signals for the DTMF tests: a seeded random source, white noise at a
 * level, two-tone bursts with any levels and frequency error, and helpers to
 * join, mix and scale them. Float64Array until `toPcm`, which rounds and clips.
 */
import { clamp16 } from '../../pcm.js';
import { dbm0Of, rmsForDbm0, sinePeakForDbm0 } from '../../levels.js';
import { dtmfFrequencies, type DtmfDigit } from '../digits.js';

import { seededRandom } from '../../seeded-random.js';

export { seededRandom };

/** Gaussian white noise of `n` samples at `dbm0` (RMS). */
export function whiteNoise(n: number, dbm0: number, seed: number): Float64Array {
  const rnd = seededRandom(seed);
  const out = new Float64Array(n);
  const sigma = rmsForDbm0(dbm0);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - rnd()));
    const th = 2 * Math.PI * rnd();
    out[i] = sigma * r * Math.cos(th);
    if (i + 1 < n) out[i + 1] = sigma * r * Math.sin(th);
  }
  return out;
}

export interface BurstSpec {
  digit: DtmfDigit;
  lowDbm0: number;
  highDbm0: number;
  durationMs: number;
  /** Relative frequency errors of the low and high tone (default 0). */
  lowError?: number;
  highError?: number;
}

/** One two-tone burst, phase 0 at its first sample. */
export function burst(spec: BurstSpec, sampleRate = 8000): Float64Array {
  const { low, high } = dtmfFrequencies(spec.digit);
  const n = Math.round((spec.durationMs * sampleRate) / 1000);
  const wl = (2 * Math.PI * low * (1 + (spec.lowError ?? 0))) / sampleRate;
  const wh = (2 * Math.PI * high * (1 + (spec.highError ?? 0))) / sampleRate;
  const al = sinePeakForDbm0(spec.lowDbm0), ah = sinePeakForDbm0(spec.highDbm0);
  return Float64Array.from({ length: n }, (_, i) => al * Math.sin(wl * i) + ah * Math.sin(wh * i));
}

export function silence(ms: number, sampleRate = 8000): Float64Array {
  return new Float64Array(Math.round((ms * sampleRate) / 1000));
}

export function concat(...parts: ArrayLike<number>[]): Float64Array {
  const out = new Float64Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** a + b, sample by sample, over the longer of the two. */
export function mix(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  return Float64Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
}

/** Scales a signal so that its RMS is `dbm0` (silence stays silence). */
export function atLevel(x: ArrayLike<number>, dbm0: number): Float64Array {
  const now = dbm0Of(x);
  const g = Number.isFinite(now) ? 10 ** ((dbm0 - now) / 20) : 0;
  return Float64Array.from(x, (v) => v * g);
}

export function toPcm(x: ArrayLike<number>): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = clamp16(x[i] ?? 0);
  return out;
}
