/**
 * G.711 A-law, bit-exact: ITU-T G.711 (11/1988) clause 3.2 and Tables 1a/1b
 * (the A-law encoding law), clause 3.6 (mapping to a 13-bit uniform PCM code).
 *
 * Our linear samples are 16-bit; the standard's 13-bit uniform code is the top
 * 13 bits of it (x >> 3), and decoded values are the standard's reconstruction
 * values (units of the 12-bit magnitude, largest 4032) times 8, so ±8 … ±32256.
 *
 * As in the ITU-T G.191 software tools (STL `alaw_compress`), a negative value
 * v is quantised by its one's complement magnitude ~v, so a value on a decision
 * boundary goes to the interval above it on the signed scale. A-law has no zero
 * output: the smallest reconstruction value is ±1 (±8 here).
 *
 * Transmitted character signals have the even bits inverted (Table 1, bits 2,
 * 4, 6 and 8 counting the sign as bit 1): XOR 0x55. +0 input sends 0xD5.
 */

/** 13-bit index (x16 >> 3, two's complement in 13 bits) → A-law character. */
const ENCODE = new Uint8Array(1 << 13);
/** A-law character → 16-bit linear value. */
const DECODE = new Int16Array(256);

/**
 * A-law magnitude index k = (segment << 4) | step (0..127) → reconstruction
 * value in units of the 12-bit magnitude. Segments 0 and 1 share the step 2
 * (the collinear first segment of Table 1); segment s ≥ 1 starts at 16·2^s
 * with step 2^s, and the output is the middle of the step.
 */
function magnitude12(k: number): number {
  const segment = k >> 4;
  const step = k & 0x0f;
  if (segment === 0) return 2 * step + 1;
  return (16 << segment) + (2 * step + 1) * (1 << (segment - 1));
}

for (let code = 0; code < 256; code++) {
  const a = code ^ 0x55; // undo the even-bit inversion
  const value = magnitude12(a & 0x7f) * 8;
  DECODE[code] = (a & 0x80) !== 0 ? value : -value;
}

for (let i = 0; i < 1 << 13; i++) {
  const v = (i << 19) >> 19; // sign-extend the 13-bit value
  const negative = v < 0;
  const magnitude = (negative ? ~v : v) >> 1; // the 12-bit magnitude in units of 2: 0..2047
  let k: number;
  if (magnitude < 32) {
    k = magnitude; // segments 0 and 1: step 2 from 0 to 64
  } else {
    const segment = 31 - Math.clz32(magnitude) - 3; // magnitude in [8·2^s, 16·2^s) → s = 2..7
    k = (segment << 4) | ((magnitude >> (segment - 1)) & 0x0f);
  }
  ENCODE[i] = (negative ? k : k | 0x80) ^ 0x55;
}

/** The A-law character for one 16-bit linear sample (out-of-range values are clipped). */
export function linearToALaw(sample: number): number {
  const s = sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample;
  return ENCODE[(s >> 3) & 0x1fff]!;
}

/** The 16-bit linear value of one A-law character (0..255). */
export function aLawToLinear(code: number): number {
  return DECODE[code & 0xff]!;
}

/** Encodes 16-bit linear PCM to A-law, into `out` when given (it must be at least as long). */
export function aLawEncode(pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length)): Uint8Array {
  if (out.length < pcm.length) throw new RangeError(`aLawEncode: out has ${out.length} bytes, need ${pcm.length}`);
  const table = ENCODE;
  for (let i = 0; i < pcm.length; i++) out[i] = table[(pcm[i]! >> 3) & 0x1fff]!;
  return out;
}

/** Decodes A-law to 16-bit linear PCM, into `out` when given (it must be at least as long). */
export function aLawDecode(bytes: Uint8Array, out: Int16Array = new Int16Array(bytes.length)): Int16Array {
  if (out.length < bytes.length) throw new RangeError(`aLawDecode: out has ${out.length} samples, need ${bytes.length}`);
  const table = DECODE;
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]!]!;
  return out;
}

/** The A-law character of silence (+0 input, even bits inverted). */
export const A_LAW_SILENCE = 0xd5;
