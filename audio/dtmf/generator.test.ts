import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goertzelAmplitude } from '../goertzel.js';
import { dbm0OfRms, sinePeakForDbm0 } from '../levels.js';
import { DtmfGenerator, dtmfSamples } from './generator.js';
import { DTMF_DIGITS, dtmfFrequencies } from './digits.js';

/** Level in dBm0 of the `freq` component of a block (the block is long enough for the ±0.02 dB the checks need). */
function toneDbm0(x: ArrayLike<number>, freq: number, start: number, end: number): number {
  return dbm0OfRms(goertzelAmplitude(freq, 8000, x, start, end) / Math.SQRT2);
}

/** The f in [from, to] (step `step`) where the Goertzel amplitude of x[0, n) peaks. */
function scan(x: ArrayLike<number>, n: number, from: number, to: number, step: number): number {
  let best = from, bestAmp = -1;
  for (let f = from; f <= to; f += step) {
    const a = goertzelAmplitude(f, 8000, x, 0, n);
    if (a > bestAmp) {
      bestAmp = a;
      best = f;
    }
  }
  return best;
}

/** Frequency of the strongest component within ±6 % of `nominal`: 1 Hz steps over 0.5 s, then 0.05 Hz steps over 1 s. */
function peakFrequency(x: ArrayLike<number>, nominal: number): number {
  const coarse = scan(x, 4000, nominal * 0.94, nominal * 1.06, 1);
  return scan(x, 8000, coarse - 1.5, coarse + 1.5, 0.05);
}

test('each digit is its two Q.23 tones at the default levels (−7 / −5 dBm0: +2 dB twist), ±0.2 dB, nothing else', () => {
  for (const d of DTMF_DIGITS) {
    const x = dtmfSamples(d, { durationMs: 1000, pauseMs: 0 });
    const { low, high } = dtmfFrequencies(d);
    const lowDb = toneDbm0(x, low, 0, 8000), highDb = toneDbm0(x, high, 0, 8000);
    assert.ok(Math.abs(lowDb + 7) <= 0.2, `${d} low ${lowDb.toFixed(2)} dBm0`);
    assert.ok(Math.abs(highDb + 5) <= 0.2, `${d} high ${highDb.toFixed(2)} dBm0`);
    assert.ok(Math.abs(highDb - lowDb - 2) <= 0.2, `${d} twist`);
    assert.ok(Math.abs(peakFrequency(x, low) - low) < 0.3, `${d} low frequency`);
    assert.ok(Math.abs(peakFrequency(x, high) - high) < 0.3, `${d} high frequency`);
    // The two tones are the whole signal: their power matches the total to within 0.05 dB.
    let sum = 0;
    for (const v of x) sum += v * v;
    const totalDb = dbm0OfRms(Math.sqrt(sum / x.length));
    const tonesDb = 10 * Math.log10(10 ** (lowDb / 10) + 10 ** (highDb / 10));
    assert.ok(Math.abs(totalDb - tonesDb) < 0.05, `${d} total ${totalDb.toFixed(2)} vs tones ${tonesDb.toFixed(2)}`);
  }
});

test('levels, twist and frequency error are applied as asked', () => {
  for (const [lowLevelDbm0, highLevelDbm0] of [[-3, -3], [-25, -21], [-12, -20], [-30, -30]] as const) {
    const x = dtmfSamples('8', { lowLevelDbm0, highLevelDbm0, durationMs: 1000, pauseMs: 0 });
    assert.ok(Math.abs(toneDbm0(x, 852, 0, 8000) - lowLevelDbm0) <= 0.2);
    assert.ok(Math.abs(toneDbm0(x, 1336, 0, 8000) - highLevelDbm0) <= 0.2);
  }
  for (const err of [0.015, -0.035]) {
    const x = dtmfSamples('D', { frequencyError: err, durationMs: 1000, pauseMs: 0 });
    assert.ok(Math.abs(peakFrequency(x, 941) - 941 * (1 + err)) < 0.3, `low at ${err}`);
    assert.ok(Math.abs(peakFrequency(x, 1633) - 1633 * (1 + err)) < 0.3, `high at ${err}`);
  }
  // A −3 dBm0 + −3 dBm0 pair peaks at 2 × 16 160 < 32 767: no clipping.
  const loud = dtmfSamples('5', { lowLevelDbm0: -3, highLevelDbm0: -3, durationMs: 1000, pauseMs: 0 });
  assert.ok(Math.max(...loud) < 32767 && Math.max(...loud) > 0.99 * 2 * sinePeakForDbm0(-3));
});

test('durations are exact in samples: tone then pause for each digit', () => {
  const x = dtmfSamples('12', { durationMs: 45, pauseMs: 55 });
  assert.equal(x.length, 2 * (360 + 440));
  const nonzero = (from: number, to: number): number => x.subarray(from, to).reduce((n, v) => n + (v !== 0 ? 1 : 0), 0);
  assert.equal(x[0], 0); // sin(0): the tone starts at phase 0
  assert.ok(x[1] !== 0 && x[359] !== 0 && x[800 + 359] !== 0);
  assert.equal(nonzero(360, 800), 0);
  assert.equal(nonzero(800 + 360, 1600), 0);
  assert.ok(nonzero(0, 360) > 350);
  assert.equal(dtmfSamples('', {}).length, 0);
  assert.equal(dtmfSamples('9', { durationMs: 40, pauseMs: 0, sampleRate: 16000 }).length, 640);
  // Defaults: 100 ms + 100 ms.
  assert.equal(dtmfSamples('0').length, 1600);
});

test('DtmfGenerator streams the same samples frame by frame, silence when idle', () => {
  const opts = { durationMs: 70, pauseMs: 30, lowLevelDbm0: -10, highLevelDbm0: -9 };
  const whole = dtmfSamples('159#', opts);
  const gen = new DtmfGenerator(opts);
  assert.equal(gen.busy, false);
  const idle = gen.next(new Int16Array(160).fill(7));
  assert.ok(idle.every((v) => v === 0));
  gen.queue('15');
  assert.equal(gen.busy, true);
  const out: number[] = [];
  let frames = 0;
  while (gen.busy) {
    if (frames === 3) gen.queue('9#'); // queued while playing: appended
    out.push(...gen.next(new Int16Array(frames % 2 === 0 ? 160 : 37)));
    frames++;
  }
  assert.deepEqual(out.slice(0, whole.length), [...whole]);
  assert.ok(out.slice(whole.length).every((v) => v === 0));
  assert.throws(() => gen.queue('1x'), RangeError);
  assert.equal(gen.busy, false, 'a rejected queue() adds nothing');
});

test('bad options and digits are rejected', () => {
  assert.throws(() => dtmfSamples('1', { durationMs: -1 }), RangeError);
  assert.throws(() => dtmfSamples('1', { sampleRate: 0 }), RangeError);
  assert.throws(() => dtmfSamples('1,2'), RangeError);
});
