/**
 * µ-law against ITU-T G.711 (11/1988) Table 2a/2b: the decision values and
 * quantized values are written out here from the Table's segment structure
 * (number of intervals × interval size, in 14-bit uniform PCM units), not
 * taken from the implementation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { linearToMuLaw, muLawDecode, muLawEncode, muLawToLinear, MU_LAW_SILENCE } from './mulaw.js';

// Table 2, one row per segment: [number of intervals, interval size].
const SEGMENTS: ReadonlyArray<readonly [number, number]> = [
  [1, 1], [15, 2], [16, 4], [16, 8], [16, 16], [16, 32], [16, 64], [16, 128], [16, 256],
];
// Table 2, "value at segment end points".
const SEGMENT_END_POINTS = [0, 1, 31, 95, 223, 479, 991, 2015, 4063, 8159];

/** Decision values x_0 … x_128 (x_128 = 8159 is the virtual end of the last interval). */
const DECISION: number[] = [0];
for (const [count, size] of SEGMENTS) for (let i = 0; i < count; i++) DECISION.push(DECISION[DECISION.length - 1]! + size);
/** Quantized value (decoder output) of interval n = [x_n, x_n+1): its middle, except y_0 = 0. */
const OUTPUT = DECISION.slice(0, 128).map((x, n) => (n === 0 ? 0 : (x + DECISION[n + 1]!) / 2));

/** The character before inversion is sign (1 = negative) then the interval number; all 8 bits are inverted for transmission. */
function character(negative: boolean, n: number): number {
  return ((negative ? 0x80 : 0x00) | n) ^ 0xff;
}

/**
 * The interval containing a 16-bit input, per the decision values (14-bit = 16-bit / 4).
 * A value on a decision value goes to the interval above it on the signed scale
 * (G.191 STL convention); beyond x_128 is overload: the last interval.
 */
function expectedCode(x16: number): number {
  const v = x16 / 4;
  let n = 0;
  if (v >= 0) {
    while (n < 127 && DECISION[n + 1]! <= v) n++;
  } else {
    while (n < 127 && DECISION[n + 1]! < -v) n++;
  }
  return character(v < 0, n);
}

test('the Table 2 structure gives the standard segment end points and 128 intervals up to 8159', () => {
  assert.equal(DECISION.length, 129);
  assert.deepEqual(
    SEGMENT_END_POINTS.map((x) => DECISION.includes(x)),
    SEGMENT_END_POINTS.map(() => true),
  );
  assert.equal(DECISION[128], 8159);
  assert.equal(OUTPUT[127], 8031);
  assert.equal(OUTPUT[16], 33);
});

test('µ-law code words for inputs at each segment boundary (14-bit input → character)', () => {
  const cases: Array<[number, number]> = [
    [0, 0xff], [1, 0xfe], [30, 0xf0], [31, 0xef], [94, 0xe0], [95, 0xdf], [222, 0xd0], [223, 0xcf],
    [478, 0xc0], [479, 0xbf], [990, 0xb0], [991, 0xaf], [2014, 0xa0], [2015, 0x9f], [4062, 0x90], [4063, 0x8f],
    [8158, 0x80], [8159, 0x80], [8191, 0x80],
    [-1, 0x7f], [-2, 0x7e], [-31, 0x70], [-32, 0x6f], [-95, 0x60], [-96, 0x5f], [-223, 0x50], [-224, 0x4f],
    [-479, 0x40], [-480, 0x3f], [-991, 0x30], [-992, 0x2f], [-2015, 0x20], [-2016, 0x1f], [-4063, 0x10], [-4064, 0x0f],
    [-8159, 0x00], [-8192, 0x00],
  ];
  for (const [v14, code] of cases) {
    // Every 16-bit value with these top 14 bits codes the same.
    for (let low = 0; low < 4; low++) {
      const x16 = v14 * 4 + low;
      assert.equal(linearToMuLaw(x16), code, `input ${x16} (14-bit ${v14}) → 0x${code.toString(16)}`);
    }
  }
});

test('reconstruction value of every 16th code and of the last code of each segment (Table 2, ×4)', () => {
  const every16th: Array<[number, number]> = [
    [0x00, -8031], [0x10, -3999], [0x20, -1983], [0x30, -975], [0x40, -471], [0x50, -219], [0x60, -93], [0x70, -30],
    [0x80, 8031], [0x90, 3999], [0xa0, 1983], [0xb0, 975], [0xc0, 471], [0xd0, 219], [0xe0, 93], [0xf0, 30],
  ];
  const segmentStarts: Array<[number, number]> = [
    [0x8f, 4191], [0x9f, 2079], [0xaf, 1023], [0xbf, 495], [0xcf, 231], [0xdf, 99], [0xef, 33], [0xff, 0],
    [0x0f, -4191], [0x1f, -2079], [0x2f, -1023], [0x3f, -495], [0x4f, -231], [0x5f, -99], [0x6f, -33], [0x7f, 0],
  ];
  for (const [code, y14] of [...every16th, ...segmentStarts]) {
    assert.equal(muLawToLinear(code), y14 * 4, `0x${code.toString(16)} → ${y14}·4`);
  }
});

test('the whole decode table matches Table 2 and the formula ((mantissa<<3)+0x84)<<exponent − 0x84', () => {
  const all = new Uint8Array(256).map((_, i) => i);
  const decoded = muLawDecode(all);
  for (let code = 0; code < 256; code++) {
    const u = ~code & 0xff;
    const exponent = (u >> 4) & 7;
    const mantissa = u & 0x0f;
    const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    const formula = (u & 0x80) !== 0 ? 0 - magnitude : magnitude; // 0 − 0 is +0, like the Int16Array
    const negative = code < 0x80;
    const n = (code ^ 0xff) & 0x7f; // interval number, from the inversion of all bits
    const table = (negative ? -1 : 1) * OUTPUT[n]! * 4 + 0;
    assert.equal(decoded[code], formula, `formula 0x${code.toString(16)}`);
    assert.equal(decoded[code], table, `table 0x${code.toString(16)}`);
    assert.equal(muLawToLinear(code), formula);
  }
});

test('encode of every 16-bit input gives the code whose decision interval contains it', () => {
  const pcm = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) pcm[i] = i - 32768;
  const codes = muLawEncode(pcm);
  for (let i = 0; i < 65536; i++) {
    const x = i - 32768;
    const want = expectedCode(x);
    if (codes[i] !== want) assert.fail(`input ${x}: got 0x${codes[i]!.toString(16)}, want 0x${want.toString(16)}`);
    if (linearToMuLaw(x) !== want) assert.fail(`linearToMuLaw(${x})`);
  }
});

test('each quantized value lies in its own decision interval, so decode then encode gives the code back', () => {
  for (let code = 0; code < 256; code++) {
    // 0x7F (−0) decodes to 0, which codes as +0 (0xFF): the one code without its own value.
    const want = code === 0x7f ? 0xff : code;
    assert.equal(linearToMuLaw(muLawToLinear(code)), want, `0x${code.toString(16)}`);
  }
});

test('µ-law transmits all 8 bits inverted: +0 is 0xFF (silence), −0 is 0x7F, the largest positive 0x80', () => {
  assert.equal(MU_LAW_SILENCE, 0xff);
  assert.equal(linearToMuLaw(0), 0xff);
  assert.equal(linearToMuLaw(-1), 0x7f);
  assert.equal(linearToMuLaw(32767), 0x80);
  assert.equal(linearToMuLaw(-32768), 0x00);
  assert.deepEqual([...muLawEncode(new Int16Array(4))], [0xff, 0xff, 0xff, 0xff]);
  assert.equal(character(false, 127), 0x80);
});

test('encode and decode write into a caller buffer and refuse a short one', () => {
  const out = new Uint8Array(8);
  assert.equal(muLawEncode(new Int16Array([0, 1000]), out), out);
  assert.equal(out[1], linearToMuLaw(1000));
  assert.throws(() => muLawEncode(new Int16Array(4), new Uint8Array(3)), RangeError);
  assert.throws(() => muLawDecode(new Uint8Array(4), new Int16Array(3)), RangeError);
  assert.equal(linearToMuLaw(40000), 0x80); // clipped
});
