import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LevelMeter } from './meter.js';
import { dbm0OfRms, sinePeakForDbm0 } from '../levels.js';

function sine(freq: number, peak: number, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(peak * Math.sin((2 * Math.PI * freq * i) / 8000));
  return out;
}

function square(amplitude: number, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = i % 2 === 0 ? amplitude : -amplitude;
  return out;
}

const near = (actual: number, expected: number, tol: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ${actual} vs ${expected}`);

test('a steady −10 dBm0 sine reads −10 dBm0 on RMS, peak and VU', () => {
  const m = new LevelMeter();
  for (let i = 0; i < 100; i++) m.push(sine(1000, sinePeakForDbm0(-10), 160));
  near(m.rmsDbm0, -10, 0.01, 'rms');
  near(m.peakDbm0, -10, 0.01, 'peak');
  near(m.vuDbm0, -10, 0.05, 'vu');
  assert.equal(m.peak, Math.round(sinePeakForDbm0(-10)));
});

test('a square wave’s peak reads 3.01 dB under its RMS (sine-referenced peak)', () => {
  const m = new LevelMeter();
  m.push(square(10000, 2000));
  assert.equal(m.rms, 10000);
  near(m.rmsDbm0, dbm0OfRms(10000), 1e-9, 'rms');
  near(m.peakDbm0, dbm0OfRms(10000) - 10 * Math.log10(2), 1e-9, 'peak');
});

test('RMS and peak cover exactly the last windowMs', () => {
  const m = new LevelMeter({ windowMs: 100 }); // 800 samples
  assert.equal(m.windowSamples, 800);
  assert.equal(m.rmsDbm0, -Infinity);
  m.push(square(10000, 800));
  m.push(new Int16Array(400));
  near(m.rms, 10000 / Math.SQRT2, 1e-9, 'half window loud');
  assert.equal(m.peak, 10000);
  m.push(new Int16Array(399));
  assert.equal(m.peak, 10000); // the last loud sample is 799 samples old
  m.push(new Int16Array(1));
  assert.equal(m.peak, 0);
  assert.equal(m.rms, 0);
  assert.equal(m.peakDbm0, -Infinity);

  m.push(Int16Array.of(-32768));
  m.push(new Int16Array(799));
  assert.equal(m.peak, 32768);
  m.push(new Int16Array(1));
  assert.equal(m.peak, 0);
});

test('the sliding peak matches a brute-force maximum, whatever the chunking', () => {
  const w = 37;
  const m = new LevelMeter({ windowMs: (w * 1000) / 8000 });
  let s = 99;
  const all: number[] = [];
  for (let chunk = 1; all.length < 5000; chunk = (chunk * 7 + 3) % 50) {
    const block = new Int16Array(chunk);
    for (let i = 0; i < chunk; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      block[i] = ((s >> 8) % 65536) - 32768;
    }
    m.push(block);
    all.push(...block);
    let max = 0;
    for (let i = Math.max(0, all.length - w); i < all.length; i++) max = Math.max(max, Math.abs(all[i] ?? 0));
    assert.equal(m.peak, max);
    let sum = 0;
    const from = Math.max(0, all.length - w);
    for (let i = from; i < all.length; i++) sum += (all[i] ?? 0) ** 2;
    near(m.rms, Math.sqrt(sum / (all.length - from)), 1e-9, 'rms');
  }
});

test('VU ballistics: one attack time constant reads −1.99 dB, one release time constant −4.34 dB', () => {
  // A one-sample window makes the smoother's input an exact step.
  const m = new LevelMeter({ windowMs: 1000 / 8000, attackMs: 10, releaseMs: 100 });
  const full = dbm0OfRms(8000);
  m.push(square(8000, 80)); // 10 ms
  near(m.vuDbm0, full + 10 * Math.log10(1 - Math.exp(-1)), 1e-6, 'after attack');
  m.push(square(8000, 4000)); // settled
  near(m.vuDbm0, full, 1e-6, 'settled');
  m.push(new Int16Array(800)); // 100 ms of silence
  near(m.vuDbm0, full + 10 * Math.log10(Math.exp(-1)), 1e-6, 'after release');
  assert.equal(m.rmsDbm0, -Infinity); // the window reading drops at once
});

test('readings do not depend on the frame size, and reset forgets everything', () => {
  const input = sine(440, 12000, 4000);
  const a = new LevelMeter();
  a.push(input);
  const b = new LevelMeter();
  for (let i = 0; i < input.length; i += 13) b.push(input.subarray(i, i + 13));
  assert.equal(a.rms, b.rms);
  assert.equal(a.peak, b.peak);
  assert.equal(a.vuDbm0, b.vuDbm0);
  a.reset();
  assert.equal(a.rms, 0);
  assert.equal(a.peak, 0);
  assert.equal(a.vuDbm0, -Infinity);
  a.push(input);
  assert.equal(a.vuDbm0, b.vuDbm0);
});
