/**
 * Does a stretch of audio consist of a given tone? For each candidate tone
 * (its component sines, from types.ts `toneComponents`), a least-squares fit
 * of exactly those sines to short chunks of the audible part: the share of the
 * chunk's energy the fit explains ("purity") and the level of each component.
 *
 * - Chunks are ≤ 64 ms: short enough that a frequency off by up to 0.25 %
 *   (half the search step below) loses < 0.3 dB, long enough that a
 *   least-squares fit tells 425 Hz from 413+438 Hz (12.5 Hz apart) or a plain
 *   400 Hz from 400×16 Hz AM — which a DFT of the same length cannot.
 * - Frequency tolerance ±1.5 % (FREQUENCY_TOLERANCE): every component is
 *   scaled by a common factor 1 + δ, δ ∈ {−1.5 %, −1 %, …, +1.5 %}; the best δ
 *   per chunk counts. The search starts at δ = 0 and follows the better side
 *   while the fit improves (within ±1.5 % the fit is unimodal in δ: a 64 ms
 *   chunk's main lobe is ±15 Hz wide).
 * - Cheap: per chunk, the projections Σx·cos / Σx·sin for each distinct
 *   frequency × δ are computed once by a rotating phasor; the Gram matrices
 *   come in closed form (Dirichlet kernel sums), so each tone costs one small
 *   linear solve per δ tried. The search stops once 99 % of the energy is
 *   explained; projections are made only when needed; a tone whose
 *   component is plainly absent (`minAmplitudes`) is not fitted.
 */
import { solveLinear } from './sine-fit.js';

export const FREQUENCY_TOLERANCE = 0.015;
const DELTA_STEPS = 3; // δ = k · 0.5 %, k = −3…3

export interface Chunk {
  readonly start: number;
  readonly end: number;
}

export interface ToneModel {
  /** Component frequencies in Hz. */
  readonly frequencies: readonly number[];
  /**
   * Optional floor per component (linear amplitude): a chunk in which a
   * single-frequency projection at the nominal frequency finds less than half
   * of it for some component skips the fit (the tone cannot be there). Saves
   * work; does not change the outcome when set below the level the caller
   * will accept.
   */
  readonly minAmplitudes?: readonly number[];
}

export interface ToneFit {
  /** Share of the chunks' energy explained by the tone's sines (0…1). */
  readonly purity: number;
  /** RMS-averaged amplitude of each component, in linear sample units. */
  readonly amplitudes: number[];
}

/** Σ_{n=0}^{N−1} cos(a·n) and Σ sin(a·n). */
function dirichlet(a: number, n: number): [number, number] {
  const half = Math.sin(a / 2);
  if (Math.abs(half) < 1e-12) return [n, 0];
  const d = Math.sin((a * n) / 2) / half;
  const mid = (a * (n - 1)) / 2;
  return [Math.cos(mid) * d, Math.sin(mid) * d];
}

/** Fits every model to every chunk; returns one ToneFit per model. */
export function fitTones(x: ArrayLike<number>, chunks: readonly Chunk[], models: readonly ToneModel[], sampleRate: number): ToneFit[] {
  const distinct = [...new Set(models.flatMap((m) => m.frequencies))];
  const index = new Map(distinct.map((f, i) => [f, i]));
  // deltas[k + DELTA_STEPS] = k · 0.5 %.
  const deltas: number[] = [];
  for (let k = -DELTA_STEPS; k <= DELTA_STEPS; k++) deltas.push((k * FREQUENCY_TOLERANCE) / DELTA_STEPS);

  const explained = new Float64Array(models.length);
  const power = models.map((m) => new Float64Array(m.frequencies.length));
  let energy = 0;
  let samples = 0;
  const grams = new Map<number, Float64Array>();
  for (const ch of chunks) {
    const n = ch.end - ch.start;
    if (n <= 0) continue;
    const v = new Float64Array(n);
    let e = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[ch.start + i] ?? 0;
      v[i] = xi;
      e += xi * xi;
    }
    energy += e;
    samples += n;
    // [Σ x cos, Σ x sin] at distinct[fi]·(1 + δ_di), computed when first needed.
    const cache = new Map<number, readonly [number, number]>();
    const project = (di: number, fi: number): readonly [number, number] => {
      const key = di * distinct.length + fi;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const w = (2 * Math.PI * (distinct[fi] ?? 0) * (1 + (deltas[di] ?? 0))) / sampleRate;
      const cw = Math.cos(w);
      const sw = Math.sin(w);
      let c = 1;
      let s = 0;
      let pc = 0;
      let ps = 0;
      for (let i = 0; i < n; i++) {
        const xi = v[i] ?? 0;
        pc += xi * c;
        ps += xi * s;
        const nc = c * cw - s * sw;
        s = c * sw + s * cw;
        c = nc;
      }
      const out = [pc, ps] as const;
      cache.set(key, out);
      return out;
    };
    models.forEach((m, mi) => {
      let best = -1;
      let bestAmps: number[] = [];
      const absent = m.minAmplitudes?.some((floor, k) => {
        const p = project(DELTA_STEPS, index.get(m.frequencies[k] ?? 0) ?? 0);
        // A component up to 1.5 % off its nominal frequency still shows ≥ half its amplitude here.
        return (2 * Math.hypot(p[0], p[1])) / n < floor / 2;
      });
      if (absent === true) return;
      const tryDelta = (step: number): number => {
        const di = step + DELTA_STEPS;
        const d = deltas[di] ?? 0;
        const omegas = m.frequencies.map((f) => (2 * Math.PI * f * (1 + d)) / sampleRate);
        const rhs = new Float64Array(2 * omegas.length);
        m.frequencies.forEach((f, k) => {
          const p = project(di, index.get(f) ?? 0);
          rhs[2 * k] = p[0];
          rhs[2 * k + 1] = p[1];
        });
        // Chunks of a window mostly share one length: reuse the Gram matrix (solveLinear works on a copy).
        const gkey = (mi * deltas.length + di) * 1e6 + n;
        let g = grams.get(gkey);
        if (g === undefined) {
          g = gram(omegas, n);
          grams.set(gkey, g);
        }
        const sol = solveLinear(Float64Array.from(g), Float64Array.from(rhs), 2 * omegas.length);
        let ex = 0;
        for (let r = 0; r < rhs.length; r++) ex += (sol[r] ?? 0) * (rhs[r] ?? 0);
        if (ex > best) {
          best = ex;
          bestAmps = omegas.map((_, k) => Math.hypot(sol[2 * k] ?? 0, sol[2 * k + 1] ?? 0));
        }
        return ex;
      };
      // From δ = 0 outward, following the better side while the fit improves.
      const centre = tryDelta(0);
      if (best < 0.99 * e) {
        const up = tryDelta(1);
        const down = tryDelta(-1);
        if (Math.max(up, down) > centre) {
          const dir = up >= down ? 1 : -1;
          let prev = Math.max(up, down);
          for (let step = 2 * dir; Math.abs(step) <= DELTA_STEPS; step += dir) {
            const ex = tryDelta(step);
            if (ex <= prev) break;
            prev = ex;
          }
        }
      }
      explained[mi] = (explained[mi] ?? 0) + Math.max(0, best);
      const pw = power[mi];
      if (pw !== undefined) bestAmps.forEach((a, k) => (pw[k] = (pw[k] ?? 0) + a * a * n));
    });
  }
  return models.map((m, mi) => ({
    purity: energy > 0 ? Math.min(1, (explained[mi] ?? 0) / energy) : 0,
    amplitudes: m.frequencies.map((_, k) => (samples > 0 ? Math.sqrt((power[mi]?.[k] ?? 0) / samples) : 0)),
  }));
}

/** Gram matrix of the basis cos(ω_k n), sin(ω_k n), n = 0…N−1. */
function gram(omegas: readonly number[], n: number): Float64Array {
  const m = 2 * omegas.length;
  const g = new Float64Array(m * m);
  for (let i = 0; i < omegas.length; i++) {
    for (let j = i; j < omegas.length; j++) {
      const wi = omegas[i] ?? 0;
      const wj = omegas[j] ?? 0;
      const [cd, sd] = dirichlet(wi - wj, n);
      const [cs, ss] = dirichlet(wi + wj, n);
      const cc = (cd + cs) / 2; // Σ cos_i cos_j
      const sn = (cd - cs) / 2; // Σ sin_i sin_j
      const cisj = (ss - sd) / 2; // Σ cos_i sin_j
      const sicj = (ss + sd) / 2; // Σ sin_i cos_j
      set(g, m, 2 * i, 2 * j, cc);
      set(g, m, 2 * i + 1, 2 * j + 1, sn);
      set(g, m, 2 * i, 2 * j + 1, cisj);
      set(g, m, 2 * i + 1, 2 * j, sicj);
    }
  }
  return g;
}

function set(g: Float64Array, m: number, r: number, c: number, v: number): void {
  g[r * m + c] = v;
  g[c * m + r] = v;
}
