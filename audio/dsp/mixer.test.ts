import { test } from 'node:test';
import assert from 'node:assert/strict';
import { conferenceMix, mix } from './mixer.js';

const f = (...v: number[]): Int16Array => Int16Array.from(v);

test('mix sums sample by sample', () => {
  assert.deepEqual(mix([f(1, 2, 3, -4), f(10, -20, 30, 40), f(100, 200, -300, 0)]), f(111, 182, -267, 36));
  assert.deepEqual(mix([f(5, -5)]), f(5, -5));
  assert.deepEqual(mix([]), f());
});

test('mix saturates at the 16-bit limits instead of wrapping', () => {
  assert.deepEqual(mix([f(30000, -30000, 32767, -32768, 20000), f(5000, -5000, 1, -1, -20000)]), f(32767, -32768, 32767, -32768, 0));
  // The clip is applied to the whole sum, not pairwise: 30000 + 30000 − 30000 = 30000.
  assert.deepEqual(mix([f(30000), f(30000), f(-30000)]), f(30000));
});

test('mix writes into out, which may be one of the inputs', () => {
  const a = f(1, 2, 3);
  const b = f(4, 5, 6);
  const out = new Int16Array(3);
  assert.equal(mix([a, b], out), out);
  assert.deepEqual(out, f(5, 7, 9));
  mix([a, b], a);
  assert.deepEqual(a, f(5, 7, 9));
  assert.deepEqual(mix([], new Int16Array(2).fill(7)), f(0, 0));
});

test('mix refuses frames of different lengths', () => {
  assert.throws(() => mix([f(1, 2), f(1)]), RangeError);
  assert.throws(() => mix([f(1, 2)], new Int16Array(3)), RangeError);
});

test('conferenceMix: each of three parties hears the other two, not itself', () => {
  const alice = f(100, -200, 300, 0);
  const bob = f(10, 20, -30, 0);
  const carol = f(1, 2, 3, 7);
  const [toAlice, toBob, toCarol] = conferenceMix([alice, bob, carol]);
  assert.deepEqual(toAlice, f(11, 22, -27, 7));
  assert.deepEqual(toBob, f(101, -198, 303, 7));
  assert.deepEqual(toCarol, f(110, -180, 270, 0));
});

test('conferenceMix: two parties hear each other unchanged; one alone hears silence', () => {
  const a = f(1000, -32768, 32767);
  const b = f(-5, 6, -7);
  const [toA, toB] = conferenceMix([a, b]);
  assert.deepEqual(toA, b);
  assert.deepEqual(toB, a);
  assert.deepEqual(conferenceMix([a]), [f(0, 0, 0)]);
  assert.deepEqual(conferenceMix([]), []);
});

test('conferenceMix saturates each party’s mix separately, like mix of the others', () => {
  const loud1 = f(30000, -30000, 20000);
  const loud2 = f(30000, -30000, 20000);
  const quiet = f(-1000, 1000, -32768);
  const outs = conferenceMix([loud1, loud2, quiet]);
  assert.deepEqual(outs[0], f(29000, -29000, -12768));
  assert.deepEqual(outs[1], f(29000, -29000, -12768));
  // Quiet hears 60000 / −60000 / 40000, clipped: and the full sum overflowing Int16 did not wrap anything.
  assert.deepEqual(outs[2], f(32767, -32768, 32767));
  for (const [k, out] of outs.entries()) {
    assert.deepEqual(out, mix([loud1, loud2, quiet].filter((_, i) => i !== k)));
  }
});
