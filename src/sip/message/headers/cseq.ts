/** CSeq = 1*DIGIT LWS Method (RFC 3261 §20.16; the number is below 2**31, §8.1.1.5). */
import { isToken, parseDigits } from '../text.js';

export interface CSeq {
  seq: number;
  method: string;
}

export const MAX_CSEQ = 2 ** 31 - 1;

export function parseCSeq(text: string): CSeq | string {
  const m = /^([0-9]+)[ \t]+(\S+)$/.exec(text.trim());
  if (!m) return 'expected "number method"';
  const seq = parseDigits(m[1] ?? '', MAX_CSEQ);
  if (seq === undefined) return 'sequence number out of range (must be < 2**31)';
  const method = m[2] ?? '';
  if (!isToken(method)) return 'bad method';
  return { seq, method };
}
