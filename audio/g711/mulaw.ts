/**
 * G.711 µ-law, bit-exact: ITU-T G.711 (11/1988) clause 3.2 and Tables 2a/2b
 * (the µ-law encoding law), clause 3.6 (mapping to a 14-bit uniform PCM code).
 *
 * Our linear samples are 16-bit; the standard's 14-bit uniform code is the top
 * 14 bits of it (x >> 2), and decoded values are the standard's 14-bit
 * reconstruction values times 4 (so the largest is ±8031 · 4 = ±32124).
 *
 * Values on a decision boundary, and negative inputs, are handled as in the
 * ITU-T G.191 software tools (STL `ulaw_compress`): a negative 14-bit value v is
 * quantised by its one's complement magnitude ~v, so +30..+1 and −31..−2 code
 * alike and −1 is the negative-zero code 0x7F. Inputs beyond the last decision
 * value (8159) code as the largest magnitude (overload). (spandsp 0.0.6 takes
 * the two's complement instead, and so differs on the 127 negative 16-bit
 * inputs that sit exactly on a decision value; G.711 itself leaves them open.)
 *
 * Transmitted character signals have all 8 bits inverted (Table 2): +0 is
 * 0xFF, −0 is 0x7F, the largest positive value 0x80. The optional all-zero
 * character suppression of clause 3.2 (0x00 sent as 0x02) is not applied.
 */

/** 14-bit index (x16 >> 2, two's complement in 14 bits) → µ-law character. */
const ENCODE = new Uint8Array(1 << 14);
/** µ-law character → 16-bit linear value. */
const DECODE = new Int16Array(256);

/** µ-law magnitude index k = (segment << 4) | step (0..127) → 14-bit reconstruction value. */
function magnitude14(k: number): number {
  const segment = k >> 4;
  const step = k & 0x0f;
  // Segment s spans biased values [32·2^(s+1), 32·2^(s+2)) in 16 steps of 2^(s+1);
  // the output is the middle of the step, less the bias of 33 (clause 3.6).
  return ((2 * step + 33) << segment) - 33;
}

for (let code = 0; code < 256; code++) {
  const u = ~code & 0xff; // undo the inversion of all 8 bits
  const value = magnitude14(u & 0x7f) * 4;
  DECODE[code] = (u & 0x80) !== 0 ? -value : value;
}

for (let i = 0; i < 1 << 14; i++) {
  const v = (i << 18) >> 18; // sign-extend the 14-bit value
  const negative = v < 0;
  const magnitude = negative ? ~v : v;
  const biased = Math.min(magnitude + 33, 0x1fff);
  const segment = 31 - Math.clz32(biased) - 5; // biased is in [33, 8191] → 0..7
  const step = (biased >> (segment + 1)) & 0x0f;
  const k = (segment << 4) | step;
  ENCODE[i] = negative ? 0x7f - k : 0xff - k;
}

/** The µ-law character for one 16-bit linear sample (out-of-range values are clipped). */
export function linearToMuLaw(sample: number): number {
  const s = sample > 32767 ? 32767 : sample < -32768 ? -32768 : sample;
  return ENCODE[(s >> 2) & 0x3fff]!;
}

/** The 16-bit linear value of one µ-law character (0..255). */
export function muLawToLinear(code: number): number {
  return DECODE[code & 0xff]!;
}

/** Encodes 16-bit linear PCM to µ-law, into `out` when given (it must be at least as long). */
export function muLawEncode(pcm: Int16Array, out: Uint8Array = new Uint8Array(pcm.length)): Uint8Array {
  if (out.length < pcm.length) throw new RangeError(`muLawEncode: out has ${out.length} bytes, need ${pcm.length}`);
  const table = ENCODE;
  for (let i = 0; i < pcm.length; i++) out[i] = table[(pcm[i]! >> 2) & 0x3fff]!;
  return out;
}

/** Decodes µ-law to 16-bit linear PCM, into `out` when given (it must be at least as long). */
export function muLawDecode(bytes: Uint8Array, out: Int16Array = new Int16Array(bytes.length)): Int16Array {
  if (out.length < bytes.length) throw new RangeError(`muLawDecode: out has ${out.length} samples, need ${bytes.length}`);
  const table = DECODE;
  for (let i = 0; i < bytes.length; i++) out[i] = table[bytes[i]!]!;
  return out;
}

/** The µ-law character of silence (+0). */
export const MU_LAW_SILENCE = 0xff;
