/**
 * A-law against ITU-T G.711 (11/1988) Table 1a/1b: the decision values and
 * quantized values are written out here from the Table's segment structure
 * (in units of the 12-bit magnitude, 4096 at full scale), not taken from the
 * implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { A_LAW_SILENCE, aLawDecode, aLawEncode, aLawToLinear, linearToALaw } from './alaw.js';

// Table 1, one row per segment: [number of intervals, interval size]; segment 1 is 32 intervals of 2.
const SEGMENTS: ReadonlyArray<readonly [number, number]> = [
  [32, 2], [16, 4], [16, 8], [16, 16], [16, 32], [16, 64], [16, 128],
];
// Table 1, "value at segment end points".
const SEGMENT_END_POINTS = [0, 64, 128, 256, 512, 1024, 2048, 4096];

const DECISION: number[] = [0];
for (const [count, size] of SEGMENTS) for (let i = 0; i < count; i++) DECISION.push(DECISION[DECISION.length - 1]! + size);
/** Quantized value of interval n = [x_n, x_n+1): its middle (A-law has no zero output). */
const OUTPUT = DECISION.slice(0, 128).map((x, n) => (x + DECISION[n + 1]!) / 2);

/** Character before inversion: 1 = positive, then the interval number; even bits (2, 4, 6, 8) are inverted: XOR 0x55. */
function character(negative: boolean, n: number): number {
  return ((negative ? 0x00 : 0x80) | n) ^ 0x55;
}

/** The interval containing a 16-bit input (12-bit magnitude scale = 16-bit / 8), G.191 STL boundary convention. */
function expectedCode(x16: number): number {
  const v = x16 / 8;
  let n = 0;
  if (v >= 0) {
    while (n < 127 && DECISION[n + 1]! <= v) n++;
  } else {
    while (n < 127 && DECISION[n + 1]! < -v) n++;
  }
  return character(v < 0, n);
}

test('the Table 1 structure gives the standard segment end points, 128 intervals up to 4096', () => {
  assert.equal(DECISION.length, 129);
  for (const x of SEGMENT_END_POINTS) assert.ok(DECISION.includes(x), `${x}`);
  assert.equal(OUTPUT[0], 1);
  assert.equal(OUTPUT[127], 4032);
});

test('A-law code words for inputs at each segment boundary (13-bit input → character before inversion)', () => {
  const cases: Array<[number, boolean, number]> = [
    [0, false, 0], [1, false, 0], [2, false, 1], [31, false, 15], [32, false, 16], [63, false, 31], [64, false, 32],
    [127, false, 47], [128, false, 48], [255, false, 63], [256, false, 64], [511, false, 79], [512, false, 80],
    [1023, false, 95], [1024, false, 96], [2047, false, 111], [2048, false, 112], [4095, false, 127],
    [-1, true, 0], [-2, true, 0], [-3, true, 1], [-64, true, 31], [-65, true, 32], [-128, true, 47], [-129, true, 48],
    [-2048, true, 111], [-2049, true, 112], [-4096, true, 127],
  ];
  for (const [v13, negative, n] of cases) {
    const code = character(negative, n);
    for (let low = 0; low < 8; low++) {
      const x16 = v13 * 8 + low;
      assert.equal(linearToALaw(x16), code, `input ${x16} (13-bit ${v13}) → interval ${n}`);
    }
  }
});

test('reconstruction values: every 16th transmitted code, and each segment start and end (Table 1, ×8)', () => {
  const every16th: Array<[number, number]> = [
    [0x00, -688], [0x10, -344], [0x20, -2752], [0x30, -1376], [0x40, -43], [0x50, -11], [0x60, -172], [0x70, -86],
    [0x80, 688], [0x90, 344], [0xa0, 2752], [0xb0, 1376], [0xc0, 43], [0xd0, 11], [0xe0, 172], [0xf0, 86],
  ];
  for (const [code, y] of every16th) assert.equal(aLawToLinear(code), y * 8, `0x${code.toString(16)}`);
  const starts = [1, 33, 66, 132, 264, 528, 1056, 2112];
  const ends = [31, 63, 126, 252, 504, 1008, 2016, 4032];
  for (let s = 0; s < 8; s++) {
    assert.equal(aLawToLinear(character(false, s * 16)), starts[s]! * 8);
    assert.equal(aLawToLinear(character(false, s * 16 + 15)), ends[s]! * 8);
    assert.equal(aLawToLinear(character(true, s * 16)), -starts[s]! * 8);
    assert.equal(aLawToLinear(character(true, s * 16 + 15)), -ends[s]! * 8);
  }
});

test('the whole decode table matches Table 1 and the segment formula', () => {
  const all = new Uint8Array(256).map((_, i) => i);
  const decoded = aLawDecode(all);
  for (let code = 0; code < 256; code++) {
    const natural = code ^ 0x55; // undo the even-bit inversion
    const n = natural & 0x7f;
    const table = ((natural & 0x80) !== 0 ? 1 : -1) * OUTPUT[n]! * 8;
    // The formula of the segment description: segment 0 → (2m+1), segment s → (2m+33) << (s−1).
    const seg = n >> 4;
    const m = n & 0x0f;
    const magnitude = seg === 0 ? 2 * m + 1 : (2 * m + 33) << (seg - 1);
    const formula = ((natural & 0x80) !== 0 ? 1 : -1) * magnitude * 8;
    assert.equal(decoded[code], table, `table 0x${code.toString(16)}`);
    assert.equal(decoded[code], formula, `formula 0x${code.toString(16)}`);
    assert.equal(aLawToLinear(code), table);
  }
});

test('encode of every 16-bit input gives the code whose decision interval contains it', () => {
  const pcm = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) pcm[i] = i - 32768;
  const codes = aLawEncode(pcm);
  for (let i = 0; i < 65536; i++) {
    const x = i - 32768;
    const want = expectedCode(x);
    if (codes[i] !== want) assert.fail(`input ${x}: got 0x${codes[i]!.toString(16)}, want 0x${want.toString(16)}`);
    if (linearToALaw(x) !== want) assert.fail(`linearToALaw(${x})`);
  }
});

test('each quantized value lies in its own decision interval, so decode then encode gives every code back', () => {
  for (let code = 0; code < 256; code++) assert.equal(linearToALaw(aLawToLinear(code)), code, `0x${code.toString(16)}`);
});

test('A-law inverts the even bits (XOR 0x55): +0 input sends 0xD5 (silence), the extremes 0xAA and 0x2A', () => {
  assert.equal(A_LAW_SILENCE, 0xd5);
  assert.equal(linearToALaw(0), 0xd5);
  assert.equal(linearToALaw(-1), 0x55);
  assert.equal(linearToALaw(32767), 0xaa);
  assert.equal(linearToALaw(-32768), 0x2a);
  assert.deepEqual([...aLawEncode(new Int16Array(3))], [0xd5, 0xd5, 0xd5]);
  assert.equal(aLawToLinear(0xd5), 8);
  assert.equal(aLawToLinear(0x55), -8);
});

test('encode and decode write into a caller buffer and refuse a short one', () => {
  const out = new Int16Array(4);
  assert.equal(aLawDecode(new Uint8Array([0xd5, 0xaa]), out), out);
  assert.deepEqual([...out], [8, 32256, 0, 0]);
  assert.throws(() => aLawEncode(new Int16Array(4), new Uint8Array(3)), RangeError);
  assert.throws(() => aLawDecode(new Uint8Array(4), new Int16Array(3)), RangeError);
  assert.equal(linearToALaw(-40000), 0x2a); // clipped
});
