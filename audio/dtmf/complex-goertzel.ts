/**
 * The Goertzel recurrence with its phase kept: the complex DFT term
 * X(ω) = Σ x[start + m]·e^(−jωm) of a segment, referenced to the segment's
 * first sample. audio/goertzel.ts gives |X|² only; the DTMF receiver also
 * needs arg X to measure frequency offsets (block-analysis.ts).
 *
 * With s[n] = x[n] + 2cos(ω)·s[n−1] − s[n−2] run over L samples,
 * y = s[L−1] − e^(−jω)·s[L−2] = e^(jω(L−1))·X, so X = e^(−jω(L−1))·s1 − e^(−jωL)·s2.
 */
import { goertzelFilter, type GoertzelFilter } from '../goertzel.js';

export interface Complex {
  re: number;
  im: number;
}

/** A Goertzel filter for segments of one length, with the rotations that turn its state into X. */
export interface ComplexGoertzel {
  readonly filter: GoertzelFilter;
  readonly length: number;
  /** cos/sin of ω(L−1) and of ωL. */
  readonly ca: number;
  readonly sa: number;
  readonly cb: number;
  readonly sb: number;
}

export function complexGoertzel(frequency: number, sampleRate: number, length: number): ComplexGoertzel {
  const w = (2 * Math.PI * frequency) / sampleRate;
  return {
    filter: goertzelFilter(frequency, sampleRate),
    length,
    ca: Math.cos(w * (length - 1)),
    sa: Math.sin(w * (length - 1)),
    cb: Math.cos(w * length),
    sb: Math.sin(w * length),
  };
}

/** Writes X(ω) of samples[start, start + g.length) into `out` and returns it. */
export function goertzelComplex(g: ComplexGoertzel, samples: ArrayLike<number>, start: number, out: Complex): Complex {
  const c = g.filter.coefficient;
  let s1 = 0;
  let s2 = 0;
  for (let i = start, end = start + g.length; i < end; i++) {
    const s0 = (samples[i] ?? 0) + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  out.re = g.ca * s1 - g.cb * s2;
  out.im = -g.sa * s1 + g.sb * s2;
  return out;
}
