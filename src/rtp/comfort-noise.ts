/**
 * Comfort noise (RFC 3389): the CN payload and a noise generator to play it.
 *
 * - §3 payload: byte 0 is the noise level as a positive number of −dBov in its
 *   low 7 bits (0..127, the top bit reserved as 0), followed by zero or more
 *   quantised reflection coefficients, one byte each (§3.2, the model order
 *   being the number of bytes). `parseComfortNoise`, `serializeComfortNoise`.
 * - §3.1 level reference: dBov is the level relative to the overload point of
 *   the system, 0 dBov being a full-scale square wave (for µ-law ±8031, which is
 *   +6.18 dBm0). For our 16-bit linear samples the square wave is ±32767, so
 *   0 dBov is an RMS of 32767 and L dBov = 20·log10(RMS / 32767). With the
 *   audio/levels.ts calibration (0 dBm0 sine = RMS ≈ 16 142) that puts 0 dBov at
 *   about +6.15 dBm0, in line with the RFC. `levelDbovOf`, `DBM0_AT_0_DBOV`.
 *
 * Sign convention here: every `levelDbov` is the level in dBov, so 0 or
 * negative (−60 means 60 dB below overload); the payload byte holds its
 * negation.
 *
 * `ComfortNoiseGenerator` makes spectrally flat (white) noise at the level only:
 * reflection coefficients are parsed and kept but NOT used to shape the
 * spectrum. Every payload is played as if it carried only the level (model
 * order 0: the level byte alone), so the noise is white rather than matched to
 * the far end's background.
 */
import { FRAME_SAMPLES, clamp16 } from '../../audio/pcm.js';
import { rmsForDbm0 } from '../../audio/levels.js';
import { seededRandom } from '../../audio/seeded-random.js';

export interface ComfortNoise {
  /** Noise level in dBov, −127..0. */
  levelDbov: number;
  /** Quantised reflection coefficients as sent (one byte each); empty when none. */
  coefficients: Uint8Array;
}

export type ParseComfortNoiseResult = { ok: true; value: ComfortNoise } | { ok: false; reason: string };

/** Lowest level the payload can express (byte value 127). */
export const MIN_LEVEL_DBOV = -127;

/** RMS of a 0 dBov signal: a full-scale 16-bit square wave. */
export const RMS_AT_0_DBOV = 32767;

/** The dBm0 level of 0 dBov under audio/levels.ts (≈ +6.15). */
export const DBM0_AT_0_DBOV = 20 * Math.log10(RMS_AT_0_DBOV / rmsForDbm0(0));

/** Parses a CN payload. Never throws; the reserved top bit of the level byte is ignored. */
export function parseComfortNoise(payload: Uint8Array): ParseComfortNoiseResult {
  if (payload.length < 1) return { ok: false, reason: 'comfort noise payload is empty' };
  const level = (payload[0] ?? 0) & 0x7f;
  return { ok: true, value: { levelDbov: level === 0 ? 0 : -level, coefficients: Uint8Array.from(payload.subarray(1)) } };
}

/** Builds a CN payload; the level is rounded and clamped to −127..0 dBov. */
export function serializeComfortNoise(cn: { levelDbov: number; coefficients?: Uint8Array }): Buffer {
  const coefficients = cn.coefficients ?? new Uint8Array(0);
  const out = Buffer.alloc(1 + coefficients.length);
  out[0] = levelByte(cn.levelDbov);
  out.set(coefficients, 1);
  return out;
}

/** dBov to dBm0 (for the audio/levels.ts helpers). */
export function dbovToDbm0(levelDbov: number): number {
  return levelDbov + DBM0_AT_0_DBOV;
}

/** dBm0 to dBov. */
export function dbm0ToDbov(dbm0: number): number {
  return dbm0 - DBM0_AT_0_DBOV;
}

/**
 * The level of a block in dBov, clamped to −127..0 (silence gives −127), ready
 * for `serializeComfortNoise`.
 */
export function levelDbovOf(frame: Int16Array): number {
  if (frame.length === 0) return MIN_LEVEL_DBOV;
  let sum = 0;
  for (const v of frame) sum += v * v;
  const rms = Math.sqrt(sum / frame.length);
  if (rms <= 0) return MIN_LEVEL_DBOV;
  return Math.min(0, Math.max(MIN_LEVEL_DBOV, 20 * Math.log10(rms / RMS_AT_0_DBOV)));
}

/**
 * White noise at a set level, from a seeded PRNG (mulberry32) so output is
 * reproducible. Each frame is scaled to the exact target RMS before rounding,
 * so every frame's level matches the setting closely. Near 0 dBov, peaks clip
 * to the 16-bit range and the level comes out lower; at very low levels (below
 * about −90 dBov) rounding to integers dominates and the output is mostly zero.
 */
export class ComfortNoiseGenerator {
  private readonly next: () => number;
  private targetRms = 0;

  constructor(seed = 0x2545f491) {
    this.next = seededRandom(seed);
    this.setLevel(MIN_LEVEL_DBOV);
  }

  /** Level in dBov (≤ 0); −127 or below gives silence. */
  setLevel(levelDbov: number): void {
    const l = Math.min(0, levelDbov);
    this.targetRms = l <= MIN_LEVEL_DBOV || Number.isNaN(l) ? 0 : RMS_AT_0_DBOV * 10 ** (l / 20);
  }

  /** The next `samples` samples of noise (default one 20 ms frame at 8 kHz). */
  frame(samples: number = FRAME_SAMPLES): Int16Array {
    const out = new Int16Array(samples);
    if (samples <= 0) return out;
    const raw = new Float64Array(samples);
    let sum = 0;
    for (let i = 0; i < samples; i++) {
      const v = this.next() * 2 - 1; // uniform in [−1, 1)
      raw[i] = v;
      sum += v * v;
    }
    if (this.targetRms === 0 || sum === 0) return out;
    const gain = this.targetRms / Math.sqrt(sum / samples);
    for (let i = 0; i < samples; i++) out[i] = clamp16((raw[i] ?? 0) * gain);
    return out;
  }

}

function levelByte(levelDbov: number): number {
  if (Number.isNaN(levelDbov)) return 127;
  return Math.min(127, Math.max(0, Math.round(-levelDbov)));
}
