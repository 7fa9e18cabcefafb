/**
 * Synthetic music-like material for talk-off tests (8 kHz):
 *   - chord progressions with a melody on top, played by "instruments" with
 *     harmonic spectra (3–10 partials, various roll-offs), envelopes and some
 *     vibrato: equal-tempered notes land within 0.2 % of several DTMF
 *     frequencies (F5 = 698.5 Hz, F♯6 = 1480 Hz, …), so this is the hard case;
 *   - gliding voices with vibrato sweeping 250–1800 Hz, alone and in pairs;
 *   - FM "bells" (inharmonic partials);
 *   - pure-sine chirps sweeping 300–3400 Hz, linear and exponential.
 * Real instruments have harmonics, which is what tells music from DTMF: a
 * pair of pure sines at two DTMF frequencies *is* a DTMF signal, and no
 * receiver should reject it, so the material has none.
 */
import { seededRandom } from './signals.js';

const RATE = 8000;

interface Voice {
  /** Fundamental in Hz at each sample offset from the note start (vibrato, glides). */
  freq: (t: number) => number;
  partials: number;
  /** Partial k has amplitude 1 / k^rolloff. */
  rolloff: number;
  start: number;
  seconds: number;
  gain: number;
  attack: number;
  release: number;
}

/** Adds one voice into `out`, with phase accumulation (so glides and vibrato stay smooth) and partials kept below 3.8 kHz. */
function play(out: Float64Array, v: Voice): void {
  const n0 = Math.round(v.start * RATE), len = Math.round(v.seconds * RATE);
  let phase = 0;
  for (let i = 0; i < len && n0 + i < out.length; i++) {
    const t = i / RATE;
    const f = v.freq(t);
    phase += (2 * Math.PI * f) / RATE;
    const env = Math.min(1, t / v.attack, (v.seconds - t) / v.release);
    let s = 0;
    for (let k = 1; k <= v.partials && k * f < 3800; k++) s += Math.sin(k * phase) / k ** v.rolloff;
    out[n0 + i] = (out[n0 + i] ?? 0) + v.gain * Math.max(0, env) * s;
  }
}

const midiHz = (m: number): number => 440 * 2 ** ((m - 69) / 12);
const CHORDS: readonly (readonly number[])[] = [[0, 4, 7], [0, 3, 7], [0, 4, 7, 10], [0, 3, 7, 10], [0, 5, 7], [0, 4, 7, 11], [0, 4, 8]];

/** Chords (0.4–1 s each) with a melody of eighth notes over them. */
export function chordsAndMelody(seconds: number, seed: number): Float64Array {
  const rnd = seededRandom(seed);
  const out = new Float64Array(Math.round(seconds * RATE));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  let t = 0;
  while (t < seconds) {
    const len = 0.4 + 0.6 * rnd();
    const root = 48 + Math.floor(rnd() * 24);
    const chord = pick(CHORDS);
    const instrument = { partials: 3 + Math.floor(rnd() * 8), rolloff: 0.7 + rnd() * 1.3 };
    for (const iv of chord) {
      const f = midiHz(root + iv + 12 * Math.floor(rnd() * 2));
      play(out, { ...instrument, freq: () => f, start: t, seconds: len, gain: 0.6, attack: 0.02, release: 0.08 });
    }
    // Melody in octave 5–6 (523–1976 Hz): right on top of both DTMF groups.
    const lead = { partials: 2 + Math.floor(rnd() * 6), rolloff: 0.8 + rnd(), depth: 0.006 * rnd() };
    for (let m = t; m < t + len - 0.05; m += 0.125) {
      const f = midiHz(72 + (chord[Math.floor(rnd() * chord.length)] ?? 0) + pick([0, 2, 5, 7, 12]) + (root % 12));
      play(out, { ...lead, freq: (x) => f * (1 + lead.depth * Math.sin(2 * Math.PI * 5.5 * x)), start: m, seconds: 0.12, gain: 0.8, attack: 0.01, release: 0.03 });
    }
    t += len;
  }
  return out;
}

/** Voices gliding over 250–1800 Hz with 5–7 Hz vibrato, one or two at a time (a third, fifth or tenth apart). */
export function vibratoSweeps(seconds: number, seed: number): Float64Array {
  const rnd = seededRandom(seed);
  const out = new Float64Array(Math.round(seconds * RATE));
  for (let t = 0; t < seconds; t += 1.5) {
    const from = 250 + 700 * rnd(), to = 400 + 1400 * rnd(), len = Math.min(1.5, seconds - t);
    const rate = 5 + 2 * rnd(), depth = 0.01 + 0.02 * rnd();
    const glide = (x: number): number => from * (to / from) ** (x / len) * (1 + depth * Math.sin(2 * Math.PI * rate * x));
    const voice = { partials: 2 + Math.floor(rnd() * 8), rolloff: 0.6 + rnd() * 1.4, start: t, seconds: len, attack: 0.05, release: 0.1 };
    play(out, { ...voice, freq: glide, gain: 1 });
    if (rnd() < 0.6) {
      const ratio = [1.26, 1.5, 2.52][Math.floor(rnd() * 3)] ?? 1.5;
      play(out, { ...voice, freq: (x) => ratio * glide(x), gain: 0.8 });
    }
  }
  return out;
}

/** FM bells (carrier:modulator 1:1.4, index decaying 4 → 1): inharmonic partials. */
export function fmBells(seconds: number, seed: number): Float64Array {
  const rnd = seededRandom(seed);
  const out = new Float64Array(Math.round(seconds * RATE));
  for (let t = 0; t < seconds; t += 0.3 + 0.4 * rnd()) {
    const fc = 300 + 1200 * rnd(), fm = 1.4 * fc, n0 = Math.round(t * RATE), len = Math.round(1.2 * RATE);
    for (let i = 0; i < len && n0 + i < out.length; i++) {
      const x = i / RATE, decay = Math.exp(-3 * x);
      // The index decays from 4 to 1, never to 0: a bell keeps its inharmonic partials to the end.
      out[n0 + i] = (out[n0 + i] ?? 0) + decay * Math.sin(2 * Math.PI * fc * x + (1 + 3 * decay) * Math.sin(2 * Math.PI * fm * x));
    }
  }
  return out;
}

/** One pure sine sweeping from f0 to f1 over `seconds`, linearly or exponentially. */
export function chirp(f0: number, f1: number, seconds: number, kind: 'linear' | 'exponential'): Float64Array {
  const n = Math.round(seconds * RATE);
  const out = new Float64Array(n);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const x = i / n;
    const f = kind === 'linear' ? f0 + (f1 - f0) * x : f0 * (f1 / f0) ** x;
    phase += (2 * Math.PI * f) / RATE;
    out[i] = Math.sin(phase);
  }
  return out;
}
