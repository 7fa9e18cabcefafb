/**
 * Test helpers: a seeded random source, line impairments (gain, white noise,
 * silence, a ring-like burst) and random caller-ID contents. Test-only code.
 */
import { clamp16 } from '../../pcm.js';
import type { CallerIdInfo } from '../message.js';
import { seededRandom } from '../../seeded-random.js';

export type Random = () => number;

/** mulberry32 (see audio/seeded-random.ts). */
export const seeded: (seed: number) => Random = seededRandom;

export function gaussian(rand: Random): number {
  const u = Math.max(rand(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function randomInt(rand: Random, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

export function concat(...parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

export function silence(ms: number, sampleRate = 8000): Int16Array {
  return new Int16Array(Math.round((ms * sampleRate) / 1000));
}

export function gain(samples: Int16Array, db: number): Int16Array {
  const g = 10 ** (db / 20);
  return samples.map((v) => clamp16(v * g));
}

export function meanSquare(samples: Int16Array): number {
  let s = 0;
  for (const v of samples) s += v * v;
  return samples.length === 0 ? 0 : s / samples.length;
}

/** Adds white Gaussian noise whose power is `snrDb` below `signalPower`, over the whole buffer. */
export function addNoise(samples: Int16Array, signalPower: number, snrDb: number, rand: Random): Int16Array {
  const sigma = Math.sqrt(signalPower / 10 ** (snrDb / 10));
  return samples.map((v) => clamp16(v + sigma * gaussian(rand)));
}

/**
 * Something like ringing leaking into the audio path: a 25 Hz sine, clipped so
 * it carries odd harmonics across the voice band, at a high level.
 */
export function ringBurst(ms: number, sampleRate = 8000): Int16Array {
  const n = Math.round((ms * sampleRate) / 1000);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const v = 20000 * Math.sin((2 * Math.PI * 25 * i) / sampleRate);
    out[i] = clamp16(Math.max(-12000, Math.min(12000, v)));
  }
  return out;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz.-&';

function digits(rand: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(randomInt(rand, 0, 9));
  return s;
}

/** A random call: time, a number or a reason for its absence, and (MDMF) a name or its absence. */
export function randomInfo(rand: Random, format: 'sdmf' | 'mdmf'): CallerIdInfo {
  const info: CallerIdInfo = {
    time: { month: randomInt(rand, 1, 12), day: randomInt(rand, 1, 28), hour: randomInt(rand, 0, 23), minute: randomInt(rand, 0, 59) },
  };
  if (rand() < 0.85) info.number = digits(rand, randomInt(rand, 3, 10));
  else info.numberAbsence = rand() < 0.5 ? 'private' : 'unavailable';
  if (format === 'mdmf') {
    if (rand() < 0.8) {
      let name = '';
      const len = randomInt(rand, 1, 15);
      for (let i = 0; i < len; i++) name += LETTERS[randomInt(rand, 0, LETTERS.length - 1)];
      info.name = name.trim() === '' ? 'X' : name;
    } else {
      info.nameAbsence = rand() < 0.5 ? 'private' : 'unavailable';
    }
  }
  return info;
}
