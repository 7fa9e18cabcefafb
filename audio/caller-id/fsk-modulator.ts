/**
 * The caller-ID FSK transmitter: 1200 baud, binary FSK, asynchronous framing.
 *
 * Standards:
 * - Telcordia GR-30-CORE: Bell 202 tones, mark (1) 1200 Hz, space (0) 2200 Hz;
 *   on-hook: channel seizure of 300 alternating bits starting with 0 (30 bytes
 *   of 0x55 with their framing), then 180 mark bits; off-hook (SR-TSV-002476,
 *   type II): no seizure, 80 mark bits. Transmit level −13.5 dBm nominal.
 * - ITU-T V.23 (channel 1, 1200 bit/s): mark 1300 Hz, space 2100 Hz, as used by
 *   ETSI EN 300 659-1 (on-hook: 300 seizure bits, 180 ± 25 marks) and
 *   EN 300 659-2 (off-hook: no seizure, 80 ± 25 marks).
 * - Each byte: start bit (0), 8 data bits least significant first, stop bit (1).
 *
 * The phase is continuous across bit boundaries, and bit boundaries fall at
 * their exact (fractional) times: at 8 kHz a 1200-baud bit is 6⅔ samples.
 */
import { SAMPLE_RATE, clamp16 } from '../pcm.js';
import { sinePeakForDbm0 } from '../levels.js';

export type FskStandard = 'bell202' | 'v23';

export interface FskTones {
  markHz: number;
  spaceHz: number;
  baud: number;
}

export const FSK_TONES: Record<FskStandard, FskTones> = {
  bell202: { markHz: 1200, spaceHz: 2200, baud: 1200 },
  v23: { markHz: 1300, spaceHz: 2100, baud: 1200 },
};

export const DEFAULT_FSK_LEVEL_DBM0 = -13.5;
/** On-hook defaults (GR-30 and EN 300 659-1 agree); off-hook uses 0 and 80. */
export const ON_HOOK_SEIZURE_BITS = 300;
export const ON_HOOK_MARK_BITS = 180;
export const OFF_HOOK_MARK_BITS = 80;

export interface FskModulateOptions {
  standard: FskStandard;
  levelDbm0?: number;
  seizureBits?: number;
  markBits?: number;
  /** Mark bits after the last stop bit, so a receiver's filters drain before the carrier stops. */
  trailingMarkBits?: number;
  sampleRate?: number;
}

/** The bit sequence of a transmission: seizure, marks, framed bytes, trailing marks. */
export function fskBits(bytes: ArrayLike<number>, seizureBits: number, markBits: number, trailingMarkBits = 0): Uint8Array {
  const out = new Uint8Array(seizureBits + markBits + bytes.length * 10 + trailingMarkBits);
  let k = 0;
  for (let i = 0; i < seizureBits; i++) out[k++] = i & 1;
  for (let i = 0; i < markBits; i++) out[k++] = 1;
  for (let j = 0; j < bytes.length; j++) {
    const b = bytes[j] ?? 0;
    out[k++] = 0;
    for (let bit = 0; bit < 8; bit++) out[k++] = (b >> bit) & 1;
    out[k++] = 1;
  }
  for (let i = 0; i < trailingMarkBits; i++) out[k++] = 1;
  return out;
}

/**
 * Modulates a bit sequence with explicit tones and rate (tests use this to send
 * off-nominal frequencies and baud rates). Output length: ceil(bits · fs / baud).
 */
export function fskModulateBits(bits: ArrayLike<number>, tones: FskTones, levelDbm0 = DEFAULT_FSK_LEVEL_DBM0, sampleRate = SAMPLE_RATE): Int16Array {
  const samplesPerBit = sampleRate / tones.baud;
  const n = Math.ceil(bits.length * samplesPerBit - 1e-9);
  const out = new Int16Array(n);
  const peak = sinePeakForDbm0(levelDbm0);
  const w = (f: number): number => (2 * Math.PI * f) / sampleRate;
  const wMark = w(tones.markHz);
  const wSpace = w(tones.spaceHz);
  const omega = (bit: number): number => ((bits[bit] ?? 1) !== 0 ? wMark : wSpace);
  let phase = 0;
  for (let i = 0; i < n; i++) {
    out[i] = clamp16(peak * Math.sin(phase));
    // Advance over [i, i+1): split at a bit boundary when one falls inside.
    const bit = Math.floor(i / samplesPerBit);
    const boundary = (bit + 1) * samplesPerBit;
    if (boundary < i + 1) {
      const f = boundary - i;
      phase += omega(bit) * f + omega(bit + 1) * (1 - f);
    } else {
      phase += omega(bit);
    }
    if (phase > 2 * Math.PI) phase -= 2 * Math.PI;
  }
  return out;
}

/** Modulates caller-ID bytes with the standard's preamble (defaults: on-hook, −13.5 dBm0). */
export function fskModulate(bytes: ArrayLike<number>, opts: FskModulateOptions): Int16Array {
  const bits = fskBits(bytes, opts.seizureBits ?? ON_HOOK_SEIZURE_BITS, opts.markBits ?? ON_HOOK_MARK_BITS, opts.trailingMarkBits ?? 0);
  return fskModulateBits(bits, FSK_TONES[opts.standard], opts.levelDbm0 ?? DEFAULT_FSK_LEVEL_DBM0, opts.sampleRate ?? SAMPLE_RATE);
}
