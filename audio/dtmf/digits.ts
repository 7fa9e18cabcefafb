/**
 * The DTMF signalling alphabet: sixteen digits, each one low-group and one
 * high-group frequency (ITU-T Q.23, "Technical features of push-button
 * telephone sets"; the same grid in Telcordia GR-506-CORE, LSSGR signalling).
 *
 *            1209  1336  1477  1633 Hz
 *     697      1     2     3     A
 *     770      4     5     6     B
 *     852      7     8     9     C
 *     941      *     0     #     D
 */

export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** Low-group (row) frequencies in Hz, Q.23. */
export const DTMF_LOW: readonly number[] = Object.freeze([697, 770, 852, 941]);
/** High-group (column) frequencies in Hz, Q.23. */
export const DTMF_HIGH: readonly number[] = Object.freeze([1209, 1336, 1477, 1633]);

/** The keypad laid out by [row][column], matching DTMF_LOW × DTMF_HIGH. */
export const DTMF_KEYPAD: readonly (readonly DtmfDigit[])[] = Object.freeze([
  Object.freeze(['1', '2', '3', 'A'] as const),
  Object.freeze(['4', '5', '6', 'B'] as const),
  Object.freeze(['7', '8', '9', 'C'] as const),
  Object.freeze(['*', '0', '#', 'D'] as const),
]);

export const DTMF_DIGITS: readonly DtmfDigit[] = Object.freeze(DTMF_KEYPAD.flat());

const POSITION = new Map<string, { row: number; col: number }>();
DTMF_KEYPAD.forEach((keys, row) => keys.forEach((d, col) => POSITION.set(d, { row, col })));

export function isDtmfDigit(c: string): c is DtmfDigit {
  return POSITION.has(c);
}

/** Row (low group) and column (high group) indices of a digit. */
export function dtmfPosition(d: DtmfDigit): { row: number; col: number } {
  const p = POSITION.get(d);
  if (p === undefined) throw new RangeError(`not a DTMF digit: ${JSON.stringify(d)}`);
  return p;
}

export function dtmfFrequencies(d: DtmfDigit): { low: number; high: number } {
  const { row, col } = dtmfPosition(d);
  return { low: DTMF_LOW[row] ?? NaN, high: DTMF_HIGH[col] ?? NaN };
}

/** The digit at a row and column, or undefined outside the 4×4 grid. */
export function dtmfDigitAt(row: number, col: number): DtmfDigit | undefined {
  return DTMF_KEYPAD[row]?.[col];
}

/** Checks that every character of `digits` is a DTMF digit; throws RangeError naming the first that is not. */
export function assertDtmfDigits(digits: string): DtmfDigit[] {
  const out: DtmfDigit[] = [];
  for (const c of digits) {
    if (!isDtmfDigit(c)) throw new RangeError(`not a DTMF digit: ${JSON.stringify(c)} in ${JSON.stringify(digits)}`);
    out.push(c);
  }
  return out;
}
