/**
 * Serial-number arithmetic for RTP's wrapping counters (RFC 3550 §A.1): the 16-bit
 * sequence number and the 32-bit timestamp. The difference of two values is taken
 * modulo the counter size and read as signed, so 0 follows 65535 and 0 follows 2^32 - 1.
 */

/** a - b for 16-bit sequence numbers, in [-32768, 32767]. */
export function int16Diff(a: number, b: number): number {
  const d = (a - b) & 0xffff;
  return d >= 0x8000 ? d - 0x10000 : d;
}

/** a - b for 32-bit timestamps, in [-2^31, 2^31 - 1]. */
export function int32Diff(a: number, b: number): number {
  return (a - b) | 0;
}
