import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbm0Of, sinePeakForDbm0 } from './levels.js';
import { goertzelAmplitude } from './goertzel.js';

function sine(freq: number, peak: number, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = peak * Math.sin((2 * Math.PI * freq * i) / 8000);
  return out;
}

test('a 0 dBm0 sine has a peak of 32767 at +3.14 dBm0 scale, and measures back as 0 dBm0', () => {
  assert.ok(Math.abs(sinePeakForDbm0(0) - 22828) < 2);
  assert.ok(Math.abs(sinePeakForDbm0(3.14) - 32767) < 1e-9);
  assert.ok(Math.abs(dbm0Of(sine(1004, sinePeakForDbm0(-13), 8000)) + 13) < 0.01);
});

test('goertzelAmplitude measures a sine and ignores a far frequency', () => {
  const s = sine(1000, 10000, 800); // 1000 Hz sits on a bin of an 800-sample block
  assert.ok(Math.abs(goertzelAmplitude(1000, 8000, s) - 10000) < 1);
  assert.ok(goertzelAmplitude(1600, 8000, s) < 10);
});
