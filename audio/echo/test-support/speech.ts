/**
 * A deterministic speech-like test signal, in the spirit of the composite
 * source signal of ITU-T G.168 / P.501 and the artificial voice of P.50:
 * talk spurts of 0.6–1.8 s separated by pauses of 0.15–0.6 s; each spurt a
 * run of 100–260 ms syllables, mostly voiced (a glottal pulse train at a
 * drifting, jittered pitch plus aspiration noise, through three formant
 * resonators chosen from a vowel table, and a lip-radiation first difference),
 * some unvoiced (noise through a broad high resonance). The active speech
 * level (over the talk spurts, roughly as P.56 would measure it) is set to
 * the requested dBm0. Two seeds give two independent "talkers".
 */
import { clamp16 } from '../../pcm.js';
import { rms, rmsForDbm0 } from '../../levels.js';

const FS = 8000;

/** F1, F2, F3 (Hz) of a few vowels. */
const VOWELS: readonly (readonly [number, number, number])[] = [
  [730, 1090, 2440],
  [270, 2290, 3010],
  [530, 1840, 2480],
  [570, 840, 2410],
  [300, 870, 2240],
  [660, 1720, 2410],
  [490, 1350, 1690],
];

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  /** Uniform on [0, 1) (mulberry32). */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) | 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
}

class Resonator {
  private y1 = 0;
  private y2 = 0;
  private readonly a1: number;
  private readonly a2: number;
  private readonly g: number;
  /** Two-pole resonance (Klatt's form); unity gain at DC, −12 dB/octave above `freq`. */
  constructor(freq: number, bandwidth: number) {
    const r = Math.exp((-Math.PI * bandwidth) / FS);
    this.a1 = 2 * r * Math.cos((2 * Math.PI * freq) / FS);
    this.a2 = -r * r;
    this.g = 1 - this.a1 - this.a2;
  }
  step(x: number): number {
    const y = this.g * x + this.a1 * this.y1 + this.a2 * this.y2;
    this.y2 = this.y1;
    this.y1 = y;
    return y;
  }
}

export interface SpeechOptions {
  seconds: number;
  /** Active speech level, dBm0. */
  levelDbm0: number;
  seed: number;
  /** Mean pitch, Hz (default 120). */
  pitchHz?: number;
}

/** Speech-like signal plus the per-sample activity mask (1 inside talk spurts). */
export function speechLike(opts: SpeechOptions): { samples: Int16Array; active: Uint8Array } {
  const rng = new Rng(opts.seed);
  const n = Math.round(opts.seconds * FS);
  const raw = new Float64Array(n);
  const active = new Uint8Array(n);
  const basePitch = opts.pitchHz ?? 120;
  let t = Math.round(rng.range(0.05, 0.2) * FS);
  let phase = 0;
  let jitter = 1;
  while (t < n) {
    const spurtEnd = Math.min(n, t + Math.round(rng.range(0.6, 1.8) * FS));
    while (t < spurtEnd) {
      const len = Math.min(spurtEnd - t, Math.round(rng.range(0.1, 0.26) * FS));
      const voiced = rng.next() < 0.8;
      const vowel = VOWELS[Math.floor(rng.next() * VOWELS.length)]!;
      const formants = voiced
        ? vowel.map((f, i) => new Resonator(f * rng.range(0.92, 1.08), 60 + 40 * i))
        : [new Resonator(rng.range(2400, 3400), 900)];
      const glottal = new Resonator(0, 400);
      const p0 = basePitch * rng.range(0.8, 1.25);
      const p1 = p0 * rng.range(0.85, 1.15);
      const attack = Math.round(0.015 * FS);
      // Each syllable at its own level: voiced 0…−6 dB, unvoiced 9…16 dB lower.
      const gain = voiced ? rng.range(0.5, 1) : rng.range(0.15, 0.35);
      const syllable = new Float64Array(len);
      let lip = 0;
      for (let i = 0; i < len; i++) {
        let src: number;
        if (voiced) {
          // Pulse train with 1.5 % period jitter, plus aspiration noise ~13 dB down.
          phase += ((p0 + ((p1 - p0) * i) / len) * jitter) / FS;
          src = 0.1 * (rng.next() - 0.5);
          if (phase >= 1) {
            phase -= 1;
            src += 1;
            jitter = 1 + 0.03 * (rng.next() - 0.5);
          }
          src = glottal.step(src);
        } else {
          src = rng.next() - 0.5;
        }
        let v = src;
        for (const f of formants) v = f.step(v);
        // Lip radiation: a first difference (+6 dB/octave).
        const out = v - 0.9 * lip;
        lip = v;
        syllable[i] = Math.min(1, i / attack, (len - i) / attack) * out;
      }
      const level = rms(syllable) || 1;
      for (let i = 0; i < len; i++) {
        raw[t + i] = (gain * syllable[i]!) / level;
        active[t + i] = 1;
      }
      t += len;
    }
    t += Math.round(rng.range(0.15, 0.6) * FS);
  }
  // Remove any DC left by the glottal filter, then set the active level.
  let mean = 0;
  for (let i = 0; i < n; i++) mean += raw[i]!;
  mean /= n || 1;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    raw[i] = raw[i]! - mean * active[i]!;
    if (active[i]) {
      sum += raw[i]! * raw[i]!;
      count++;
    }
  }
  const scale = rmsForDbm0(opts.levelDbm0) / Math.sqrt(sum / Math.max(1, count) || 1);
  const samples = new Int16Array(n);
  for (let i = 0; i < n; i++) samples[i] = clamp16(raw[i]! * scale);
  return { samples, active };
}

/** Active level in dBm0 of a recorded signal: frames within 30 dB of the loudest 20 ms frame. */
export function activeLevelRms(samples: ArrayLike<number>): number {
  const frame = 160;
  const levels: number[] = [];
  for (let i = 0; i + frame <= samples.length; i += frame) levels.push(rms(samples, i, i + frame));
  const max = Math.max(0, ...levels);
  let sum = 0;
  let count = 0;
  for (const l of levels) {
    if (l > max * 10 ** (-30 / 20)) {
      sum += l * l;
      count++;
    }
  }
  return Math.sqrt(sum / Math.max(1, count));
}
