/**
 * Tone analyzer for tests and the simulated board: what sines a recording is
 * made of (frequency, level in dBm0) and its on/off cadence.
 *
 * Method (noise-free or quiet signals; accuracy as measured by tone tests):
 * 1. Bursts: the mean square over 10 ms windows, every 2 ms, against −30 dB of
 *    its maximum (wide and low enough to ride over the beat of two close
 *    tones and the troughs of a 90 % AM tone).
 * 2. Frequencies: the Hann-windowed spectra of the bursts' interiors (10 ms in
 *    from each rough edge), power-averaged, zero-padded ×2; its peaks within
 *    28 dB of the strongest are candidates. Each is refined from the phase
 *    drift between the two halves of every interior, using a joint
 *    least-squares fit of all candidates (sine-fit.ts), so components closer
 *    than a burst's resolution stay apart. Precision ≪ 0.1 Hz on a clean tone.
 * 3. Levels: the least-squares amplitude of each sine in each interior,
 *    power-averaged over bursts (accurate to ~0.01 dB on a clean tone);
 *    components more than 25 dB below the strongest are dropped.
 * 4. Cadence: near each rough edge, the gain g = x/s sample by sample, s being
 *    the burst's fitted steady signal; the edge is where g crosses 0.5 — the
 *    half-amplitude point, as the plans and the generator define durations.
 *    Accurate to well under a millisecond.
 *
 * A burst cut by the start or end of the recording is "censored": it is
 * listed in `bursts` but its partial durations are left out of `cadence`.
 */
import { SAMPLE_RATE } from '../pcm.js';
import { dbm0OfRms, sinePeakForDbm0 } from '../levels.js';
import { hannAmplitudeSpectrum, nextPowerOfTwo } from './spectrum.js';
import { fitAmplitude, fitPhase, fitSines, fitValue, type SineFit } from './sine-fit.js';

export interface MeasuredComponent {
  readonly frequency: number;
  readonly levelDbm0: number;
}

export interface MeasuredBurst {
  readonly startMs: number;
  readonly endMs: number;
  readonly startCensored: boolean;
  readonly endCensored: boolean;
}

export interface ToneMeasurement {
  /** Sines found, by frequency. */
  readonly frequencies: MeasuredComponent[];
  /** ms on, off, on… from the first uncensored burst; [] for a steady tone. */
  readonly cadence: number[];
  readonly bursts: MeasuredBurst[];
}

interface Span {
  start: number;
  end: number;
}

const PEAK_WINDOW_DB = 28;
const KEEP_WINDOW_DB = 25;
const MAX_COMPONENTS = 8;

/** Level in dBm0 of a sine of amplitude `amp`. */
export function dbm0OfAmplitude(amp: number): number {
  return dbm0OfRms(amp / Math.SQRT2);
}

export function measureTone(samples: ArrayLike<number>, sampleRate = SAMPLE_RATE): ToneMeasurement {
  const rough = roughBursts(samples, sampleRate);
  if (rough.length === 0) return { frequencies: [], cadence: [], bursts: [] };
  const trim = Math.round(sampleRate * 0.01);
  const minInterior = Math.round(sampleRate * 0.008);
  const interiors: (Span | undefined)[] = rough.map((r) =>
    r.end - r.start - 2 * trim >= minInterior ? { start: r.start + trim, end: r.end - trim } : undefined,
  );
  // Frequencies and levels come from the interiors, each at most 2 s (its middle): plenty, and bounded work.
  const cap = sampleRate * 2;
  const usable = interiors
    .filter((s): s is Span => s !== undefined)
    .map((s) => (s.end - s.start <= cap ? s : { start: Math.floor((s.start + s.end - cap) / 2), end: Math.floor((s.start + s.end + cap) / 2) }));
  if (usable.length === 0) usable.push(...rough);

  let omegas = discover(samples, usable, sampleRate);
  omegas = refine(samples, usable, omegas);
  let fits = usable.map((s) => fitSines(samples, s.start, s.end, omegas));
  const levels = averageLevels(fits, usable, omegas.length);
  const strongest = Math.max(...levels);
  const keep = omegas.map((_, k) => (levels[k] ?? -Infinity) >= strongest - KEEP_WINDOW_DB);
  if (keep.includes(false)) {
    omegas = omegas.filter((_, k) => keep[k]);
    omegas = refine(samples, usable, omegas);
    fits = usable.map((s) => fitSines(samples, s.start, s.end, omegas));
  }
  const finalLevels = averageLevels(fits, usable, omegas.length);
  const frequencies = omegas
    .map((w, k) => ({ frequency: (w * sampleRate) / (2 * Math.PI), levelDbm0: finalLevels[k] ?? -Infinity }))
    .sort((a, b) => a.frequency - b.frequency);

  const bursts: MeasuredBurst[] = rough.map((r, i) => {
    // A burst too short for an interior is fitted whole (ramps included: slightly less exact).
    const interior = interiors[i];
    const body = interior ?? r;
    const fit = fitSines(samples, body.start, body.end, omegas);
    const edge = (from: number, to: number, rising: boolean): number | undefined => halfGainCrossing(samples, fit, omegas, from, to, rising);
    // Search from/to the middle of the neighbouring gaps (at most 20 ms out).
    const search = Math.round(sampleRate * 0.02);
    const prev = rough[i - 1];
    const next = rough[i + 1];
    const lo = Math.max(0, r.start - search, prev === undefined ? 0 : Math.ceil((prev.end + r.start) / 2));
    const hi = Math.min(samples.length, r.end + search, next === undefined ? samples.length : Math.floor((r.end + next.start) / 2));
    const start = edge(lo, interior?.start ?? r.start, true);
    const end = edge(interior?.end ?? r.end, hi, false);
    return {
      startMs: ((start ?? r.start) * 1000) / sampleRate,
      endMs: ((end ?? r.end) * 1000) / sampleRate,
      startCensored: start === undefined,
      endCensored: end === undefined,
    };
  });
  return { frequencies, cadence: cadenceOf(bursts), bursts };
}

/** Runs of audible signal: 10 ms mean square every 2 ms, ≥ −30 dB of the maximum. */
function roughBursts(x: ArrayLike<number>, fs: number): Span[] {
  const n = x.length;
  const hop = Math.max(1, Math.round(fs * 0.002));
  const half = Math.max(1, Math.round(fs * 0.005));
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] ?? 0) + (x[i] ?? 0) ** 2;
  const blocks = Math.ceil(n / hop);
  const ms = new Float64Array(blocks);
  let max = 0;
  for (let b = 0; b < blocks; b++) {
    const c = b * hop + hop / 2;
    const lo = Math.max(0, Math.floor(c - half));
    const hi = Math.min(n, Math.ceil(c + half));
    const v = hi > lo ? ((prefix[hi] ?? 0) - (prefix[lo] ?? 0)) / (hi - lo) : 0;
    ms[b] = v;
    if (v > max) max = v;
  }
  const floor = sinePeakForDbm0(-70) ** 2 / 2;
  if (max < floor) return [];
  const threshold = max * 0.001;
  const spans: Span[] = [];
  let runStart = -1;
  for (let b = 0; b <= blocks; b++) {
    const on = b < blocks && (ms[b] ?? 0) >= threshold;
    if (on && runStart < 0) runStart = b;
    if (!on && runStart >= 0) {
      spans.push({ start: runStart * hop, end: Math.min(n, b * hop) });
      runStart = -1;
    }
  }
  return spans;
}

/** Power-averaged Hann spectrum of the spans (each capped to 4 s), zero-padded ×2. */
function averagedSpectrum(blocks: readonly ArrayLike<number>[]): { power: Float64Array; size: number } {
  const cap = 32768;
  const longest = Math.min(cap, Math.max(...blocks.map((b) => b.length)));
  const size = nextPowerOfTwo(2 * longest);
  const power = new Float64Array(size / 2 + 1);
  for (const b of blocks) {
    const end = Math.min(b.length, cap);
    const amp = hannAmplitudeSpectrum(b, 0, end, size);
    for (let k = 0; k < power.length; k++) power[k] = (power[k] ?? 0) + end * (amp[k] ?? 0) ** 2;
  }
  return { power, size };
}

/**
 * Peaks of a spectrum at or above `threshold`, strongest first, as angular
 * frequencies (parabolic interpolation of the log power), skipping any within
 * 1.5 bins of `known`.
 */
function spectrumPeaks(power: Float64Array, size: number, fs: number, threshold: number, known: readonly number[]): number[] {
  const lo = Math.max(1, Math.ceil((60 * size) / fs));
  const hi = Math.min(power.length - 2, Math.floor(((fs / 2 - 60) * size) / fs));
  const peaks: { w: number; p: number }[] = [];
  for (let k = lo; k <= hi; k++) {
    const p = power[k] ?? 0;
    if (!(p >= threshold && p > (power[k - 1] ?? 0) && p >= (power[k + 1] ?? 0))) continue;
    const a = Math.log(power[k - 1] || 1e-300);
    const b = Math.log(p || 1e-300);
    const c = Math.log(power[k + 1] || 1e-300);
    const d = a - 2 * b + c;
    const delta = d < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / d)) : 0;
    const w = (2 * Math.PI * (k + delta)) / size;
    if (known.some((kw) => Math.abs(kw - w) < (3 * 2 * Math.PI) / size)) continue;
    peaks.push({ w, p });
  }
  return peaks.sort((x, y) => y.p - x.p).map((q) => q.w);
}

/**
 * Candidate angular frequencies: peaks of the spans' averaged spectrum within
 * PEAK_WINDOW_DB of the strongest; then, twice, peaks of the spectrum of what
 * a least-squares fit of the candidates so far leaves over (this separates
 * e.g. the sidebands of a 400×25 Hz tone in 0.1 s bursts, whose spectral lobes
 * merge with the carrier's).
 */
function discover(x: ArrayLike<number>, spans: readonly Span[], fs: number): number[] {
  const blocks = spans.map((s) => Float64Array.from({ length: s.end - s.start }, (_, i) => x[s.start + i] ?? 0));
  const { power, size } = averagedSpectrum(blocks);
  const threshold = Math.max(...power) * 10 ** (-PEAK_WINDOW_DB / 10);
  let omegas = spectrumPeaks(power, size, fs, threshold, []).slice(0, MAX_COMPONENTS);
  for (let round = 0; round < 2 && omegas.length > 0 && omegas.length < MAX_COMPONENTS; round++) {
    omegas = refine(x, spans, omegas);
    const residuals = spans.map((s) => {
      const fit = fitSines(x, s.start, s.end, omegas);
      const r = new Float64Array(s.end - s.start);
      for (let n = s.start; n < s.end; n++) r[n - s.start] = (x[n] ?? 0) - fitValue(fit, omegas, n);
      return r;
    });
    const res = averagedSpectrum(residuals);
    const extra = spectrumPeaks(res.power, res.size, fs, threshold, omegas);
    if (extra.length === 0) break;
    omegas = [...omegas, ...extra].slice(0, MAX_COMPONENTS);
  }
  return omegas;
}

/** Frequency refinement from the phase drift between the halves of each span. */
function refine(x: ArrayLike<number>, spans: readonly Span[], start: readonly number[]): number[] {
  const omegas = [...start];
  for (let iter = 0; iter < 4; iter++) {
    const num = new Float64Array(omegas.length);
    const den = new Float64Array(omegas.length);
    for (const s of spans) {
      const mid = Math.floor((s.start + s.end) / 2);
      if (mid - s.start < 16) continue;
      const f1 = fitSines(x, s.start, mid, omegas);
      const f2 = fitSines(x, mid, s.end, omegas);
      const span = (s.end - s.start) / 2;
      for (let k = 0; k < omegas.length; k++) {
        let dth = fitPhase(f2, k) - fitPhase(f1, k);
        dth -= 2 * Math.PI * Math.round(dth / (2 * Math.PI));
        const amp = Math.min(fitAmplitude(f1, k), fitAmplitude(f2, k));
        const w = amp * amp * span * span;
        num[k] = (num[k] ?? 0) - w * (dth / span);
        den[k] = (den[k] ?? 0) + w;
      }
    }
    for (let k = 0; k < omegas.length; k++) if ((den[k] ?? 0) > 0) omegas[k] = (omegas[k] ?? 0) + (num[k] ?? 0) / (den[k] ?? 1);
  }
  return omegas;
}

function averageLevels(fits: readonly SineFit[], spans: readonly Span[], k: number): number[] {
  const out: number[] = [];
  let total = 0;
  for (const s of spans) total += s.end - s.start;
  for (let i = 0; i < k; i++) {
    let p = 0;
    fits.forEach((f, j) => {
      const s = spans[j];
      if (s !== undefined) p += (s.end - s.start) * fitAmplitude(f, i) ** 2;
    });
    out.push(dbm0OfAmplitude(Math.sqrt(p / total)));
  }
  return out;
}

/**
 * Where the gain g = x/s against the fitted steady signal s crosses 0.5 inside
 * [from, to): the first upward crossing (rising) or the last downward one.
 * g is read sample by sample where it is well conditioned (|s| at least half
 * its analytic envelope, the envelope not in a beat trough) and interpolated
 * between neighbouring readings. Undefined when the signal is already on
 * (rising) / still on (falling) at the end of the range: the recording cuts
 * the burst.
 */
function halfGainCrossing(
  x: ArrayLike<number>,
  fit: SineFit,
  omegas: readonly number[],
  from: number,
  to: number,
  rising: boolean,
): number | undefined {
  let peak = 0;
  for (let k = 0; k < omegas.length; k++) peak += fitAmplitude(fit, k);
  const at: number[] = [];
  const gains: number[] = [];
  for (let n = from; n < to; n++) {
    let s = 0;
    let q = 0;
    for (let k = 0; k < omegas.length; k++) {
      const w = (omegas[k] ?? 0) * n;
      const c = Math.cos(w);
      const si = Math.sin(w);
      s += (fit.a[k] ?? 0) * c + (fit.b[k] ?? 0) * si;
      q += (fit.a[k] ?? 0) * si - (fit.b[k] ?? 0) * c;
    }
    const env = Math.hypot(s, q);
    if (env < 0.05 * peak || Math.abs(s) < 0.5 * env) continue;
    at.push(n);
    gains.push((x[n] ?? 0) / s);
  }
  const cross = (j: number): number => {
    const g0 = gains[j - 1] ?? 0;
    const g1 = gains[j] ?? 0;
    const n0 = at[j - 1] ?? 0;
    const n1 = at[j] ?? 0;
    return n0 + ((0.5 - g0) / (g1 - g0)) * (n1 - n0);
  };
  if (gains.length === 0) return undefined;
  if (rising) {
    if ((gains[0] ?? 1) >= 0.5) return undefined;
    for (let j = 1; j < gains.length; j++) if ((gains[j] ?? 0) >= 0.5) return cross(j);
  } else {
    if ((gains[gains.length - 1] ?? 1) >= 0.5) return undefined;
    for (let j = gains.length - 1; j >= 1; j--) if ((gains[j - 1] ?? 0) >= 0.5) return cross(j);
  }
  return undefined;
}

function cadenceOf(bursts: readonly MeasuredBurst[]): number[] {
  const out: number[] = [];
  const first = bursts.findIndex((b) => !b.startCensored);
  if (first < 0) return out;
  for (let i = first; i < bursts.length; i++) {
    const b = bursts[i];
    if (b === undefined || b.endCensored) break;
    out.push(b.endMs - b.startMs);
    const next = bursts[i + 1];
    if (next === undefined || next.startCensored) break;
    out.push(next.startMs - b.endMs);
  }
  return out;
}
