import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SincInterpolator } from './interpolator.js';

function sine(freq: number, amplitude: number, n: number, phase = 0.3): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = amplitude * Math.sin((2 * Math.PI * freq * i) / 8000 + phase);
  return out;
}

test('at an integer position the interpolator returns the sample itself', () => {
  const it = new SincInterpolator();
  const x = sine(1234, 10000, 200);
  for (let i = 20; i < 180; i++) assert.ok(Math.abs(it.at(x, i, 0) - (x[i] ?? 0)) < 1e-9);
});

test('fractional positions: error below −80 dB of the amplitude from 100 to 3400 Hz', () => {
  const it = new SincInterpolator();
  const amp = 10000;
  let worst = 0;
  for (let f = 100; f <= 3400; f += 100) {
    const x = sine(f, amp, 400);
    for (let i = 100; i < 300; i += 7) {
      for (const frac of [0.1, 0.25, 0.5, 0.7031, 0.999]) {
        const exact = amp * Math.sin((2 * Math.PI * f * (i + frac)) / 8000 + 0.3);
        worst = Math.max(worst, Math.abs(it.at(x, i, frac) - exact));
      }
    }
  }
  const db = 20 * Math.log10(worst / amp);
  assert.ok(db < -80, `worst error ${db.toFixed(1)} dB`);
});

test('a constant stays constant at every fraction (rows normalised to unit DC gain)', () => {
  const it = new SincInterpolator({ halfTaps: 4, phases: 16 });
  const x = new Float64Array(20).fill(1000);
  for (let k = 0; k < 100; k++) assert.ok(Math.abs(it.at(x, 10, k / 100) - 1000) < 1e-9);
  assert.throws(() => new SincInterpolator({ halfTaps: 0 }), RangeError);
});
