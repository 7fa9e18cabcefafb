import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTMF_DIGITS, DTMF_HIGH, DTMF_LOW, assertDtmfDigits, dtmfDigitAt, dtmfFrequencies, isDtmfDigit } from './digits.js';

test('Q.23 frequency grid: rows 697/770/852/941, columns 1209/1336/1477/1633', () => {
  assert.deepEqual([...DTMF_LOW], [697, 770, 852, 941]);
  assert.deepEqual([...DTMF_HIGH], [1209, 1336, 1477, 1633]);
  const expected: Record<string, [number, number]> = {
    '1': [697, 1209], '2': [697, 1336], '3': [697, 1477], A: [697, 1633],
    '4': [770, 1209], '5': [770, 1336], '6': [770, 1477], B: [770, 1633],
    '7': [852, 1209], '8': [852, 1336], '9': [852, 1477], C: [852, 1633],
    '*': [941, 1209], '0': [941, 1336], '#': [941, 1477], D: [941, 1633],
  };
  assert.equal(DTMF_DIGITS.length, 16);
  for (const d of DTMF_DIGITS) assert.deepEqual(dtmfFrequencies(d), { low: expected[d]?.[0], high: expected[d]?.[1] }, d);
  assert.equal(dtmfDigitAt(3, 2), '#');
  assert.equal(dtmfDigitAt(4, 0), undefined);
});

test('isDtmfDigit accepts exactly the sixteen symbols (upper-case A–D)', () => {
  for (const c of '0123456789*#ABCD') assert.equal(isDtmfDigit(c), true, c);
  for (const c of ['a', 'd', 'E', ' ', ',', '', '12', '+']) assert.equal(isDtmfDigit(c), false, JSON.stringify(c));
  assert.deepEqual(assertDtmfDigits('1A#'), ['1', 'A', '#']);
  assert.throws(() => assertDtmfDigits('12x'), /not a DTMF digit: "x"/);
});

test('the exported tables cannot be modified', () => {
  assert.throws(() => (DTMF_LOW as number[]).push(1));
});
