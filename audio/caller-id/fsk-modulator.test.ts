import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goertzelPower, goertzelFilter } from '../goertzel.js';
import { dbm0Of } from '../levels.js';
import { FSK_TONES, fskBits, fskModulate, fskModulateBits, type FskStandard } from './fsk-modulator.js';
import { encodeCallerIdMessage } from './message.js';

const STANDARDS: FskStandard[] = ['bell202', 'v23'];
const MESSAGE = encodeCallerIdMessage({ time: { month: 3, day: 24, hour: 9, minute: 30 }, number: '6095551212', name: 'JOHN DOE' });

/** Reads the bits back by comparing Goertzel power at mark and space over each bit's own samples. */
function bitsByGoertzel(samples: Int16Array, standard: FskStandard, count: number): number[] {
  const { markHz, spaceHz, baud } = FSK_TONES[standard];
  const spb = 8000 / baud;
  const mark = goertzelFilter(markHz, 8000);
  const space = goertzelFilter(spaceHz, 8000);
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const a = Math.round(k * spb);
    const b = Math.round((k + 1) * spb);
    out.push(goertzelPower(mark, samples, a, b) > goertzelPower(space, samples, a, b) ? 1 : 0);
  }
  return out;
}

/** Frequency of a steady tone from its zero crossings (interpolated), in Hz. */
function zeroCrossingHz(samples: Int16Array, start: number, end: number): number {
  const crossings: number[] = [];
  for (let i = start + 1; i < end; i++) {
    const a = samples[i - 1] ?? 0;
    const b = samples[i] ?? 0;
    if (a < 0 && b >= 0) crossings.push(i - 1 + a / (a - b));
  }
  const first = crossings[0] ?? 0;
  const last = crossings.at(-1) ?? 0;
  return ((crossings.length - 1) * 8000) / (last - first);
}

test('framing: seizure alternates from 0, then marks, then start bit, 8 data bits LSB first, stop bit', () => {
  const bits = fskBits([0x80, 0x35], 4, 3, 2);
  assert.deepEqual([...bits], [0, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 1, 1, 1]);
});

for (const standard of STANDARDS) {
  const { markHz, spaceHz } = FSK_TONES[standard];

  test(`${standard}: every bit of a whole transmission reads back by Goertzel at its nominal time`, () => {
    const fsk = fskModulate(MESSAGE, { standard });
    const want = fskBits(MESSAGE, 300, 180);
    assert.equal(fsk.length, Math.ceil((want.length * 8000) / 1200), '1200 baud: 6⅔ samples a bit');
    assert.deepEqual(bitsByGoertzel(fsk, standard, want.length), [...want]);
    // Counts: 300 alternating seizure bits from 0, exactly 180 marks, then the first start bit.
    const got = bitsByGoertzel(fsk, standard, 481);
    assert.ok(got.slice(0, 300).every((b, i) => b === (i & 1)));
    assert.ok(got.slice(300, 480).every((b) => b === 1));
    assert.equal(got[480], 0);
  });

  test(`${standard}: mark is ${markHz} Hz and space ${spaceHz} Hz (±1 Hz)`, () => {
    const marks = fskModulateBits(new Uint8Array(240).fill(1), FSK_TONES[standard]);
    const spaces = fskModulateBits(new Uint8Array(240).fill(0), FSK_TONES[standard]);
    assert.ok(Math.abs(zeroCrossingHz(marks, 0, marks.length) - markHz) < 1);
    assert.ok(Math.abs(zeroCrossingHz(spaces, 0, spaces.length) - spaceHz) < 1);
    // The on-hook mark signal inside a real transmission, too.
    const fsk = fskModulate(MESSAGE, { standard });
    assert.ok(Math.abs(zeroCrossingHz(fsk, 2050, 3150) - markHz) < 1);
  });

  test(`${standard}: level −13.5 dBm0 by default (±0.5 dB), or as asked`, () => {
    const fsk = fskModulate(MESSAGE, { standard });
    assert.ok(Math.abs(dbm0Of(fsk) + 13.5) < 0.5, `${dbm0Of(fsk)}`);
    assert.ok(Math.abs(dbm0Of(fskModulate(MESSAGE, { standard, levelDbm0: -20 })) + 20) < 0.5);
  });

  test(`${standard}: the phase is continuous (no sample step larger than the space tone allows)`, () => {
    const fsk = fskModulate(MESSAGE, { standard });
    const peak = Math.max(...fsk.map(Math.abs));
    const maxStep = 2 * peak * Math.sin((Math.PI * spaceHz) / 8000) + 2;
    for (let i = 1; i < fsk.length; i++) assert.ok(Math.abs((fsk[i] ?? 0) - (fsk[i - 1] ?? 0)) <= maxStep, `step at ${i}`);
  });
}

test('off-hook framing: no seizure, 80 marks', () => {
  const fsk = fskModulate(MESSAGE, { standard: 'bell202', seizureBits: 0, markBits: 80 });
  const got = bitsByGoertzel(fsk, 'bell202', 81);
  assert.ok(got.slice(0, 80).every((b) => b === 1));
  assert.equal(got[80], 0);
  assert.equal(fsk.length, Math.ceil(((80 + MESSAGE.length * 10) * 8000) / 1200));
});
