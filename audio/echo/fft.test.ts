import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealFft } from './fft.js';

function naiveDft(x: Float64Array): { re: Float64Array; im: Float64Array } {
  const m = x.length;
  const re = new Float64Array(m / 2 + 1);
  const im = new Float64Array(m / 2 + 1);
  for (let k = 0; k <= m / 2; k++) {
    let sr = 0;
    let si = 0;
    for (let n = 0; n < m; n++) {
      sr += x[n]! * Math.cos((2 * Math.PI * k * n) / m);
      si -= x[n]! * Math.sin((2 * Math.PI * k * n) / m);
    }
    re[k] = sr;
    im[k] = si;
  }
  return { re, im };
}

for (const size of [4, 8, 64, 128, 256]) {
  test(`RealFft(${size}) matches a naive DFT and inverts exactly`, () => {
    const fft = new RealFft(size);
    const x = new Float64Array(size);
    for (let i = 0; i < size; i++) x[i] = Math.sin(i * 1.7) * 1000 + ((i * 7919) % 13) - 6;
    const re = new Float64Array(fft.bins);
    const im = new Float64Array(fft.bins);
    fft.forward(x, re, im);
    const ref = naiveDft(x);
    for (let k = 0; k < fft.bins; k++) {
      assert.ok(Math.abs(re[k]! - ref.re[k]!) < 1e-6 * size * 1000, `re[${k}]`);
      assert.ok(Math.abs(im[k]! - ref.im[k]!) < 1e-6 * size * 1000, `im[${k}]`);
    }
    const back = new Float64Array(size);
    fft.inverse(re, im, back);
    for (let i = 0; i < size; i++) assert.ok(Math.abs(back[i]! - x[i]!) < 1e-9 * 1000, `x[${i}]`);
  });
}

test('RealFft rejects sizes that are not powers of two', () => {
  assert.throws(() => new RealFft(96), RangeError);
  assert.throws(() => new RealFft(2), RangeError);
});
