import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyGain, dbToGain, GainStage } from './gain.js';

const f = (...v: number[]): Int16Array => Int16Array.from(v);
const SIX_DB = 20 * Math.log10(2);

test('dbToGain: 0 dB is 1, 20 dB is 10, −Infinity mutes', () => {
  assert.equal(dbToGain(0), 1);
  assert.ok(Math.abs(dbToGain(20) - 10) < 1e-12);
  assert.ok(Math.abs(dbToGain(-SIX_DB) - 0.5) < 1e-15);
  assert.equal(dbToGain(-Infinity), 0);
});

test('applyGain scales and rounds', () => {
  assert.deepEqual(applyGain(f(1000, -1000, 3, -7, 0), SIX_DB), f(2000, -2000, 6, -14, 0));
  assert.deepEqual(applyGain(f(1000, -1000, 3, -7), -SIX_DB), f(500, -500, 2, -3)); // 1.5 → 2, −3.5 → −3 (Math.round)
  assert.deepEqual(applyGain(f(12345, -4321), 0), f(12345, -4321));
  assert.deepEqual(applyGain(f(12345, -4321), -Infinity), f(0, 0));
  assert.deepEqual(applyGain(f(1234), -20), f(123)); // 123.4
});

test('applyGain saturates instead of wrapping', () => {
  assert.deepEqual(applyGain(f(5000, -5000, 3276, -3277), 20), f(32767, -32768, 32760, -32768));
});

test('applyGain writes into out, in place too', () => {
  const frame = f(10, 20);
  const out = new Int16Array(2);
  assert.equal(applyGain(frame, SIX_DB, out), out);
  assert.deepEqual(out, f(20, 40));
  applyGain(frame, SIX_DB, frame);
  assert.deepEqual(frame, f(20, 40));
  assert.throws(() => applyGain(frame, 0, new Int16Array(3)), RangeError);
});

test('GainStage ramps linearly in amplitude over rampMs, then holds', () => {
  const stage = new GainStage({ rampMs: 1, sampleRate: 8000 }); // 8-sample ramp
  assert.equal(stage.rampSamples, 8);
  assert.deepEqual(stage.process(new Int16Array(4).fill(8000)), f(8000, 8000, 8000, 8000));
  stage.setGain(-Infinity);
  assert.ok(stage.ramping);
  assert.deepEqual(stage.process(new Int16Array(10).fill(8000)), f(7000, 6000, 5000, 4000, 3000, 2000, 1000, 0, 0, 0));
  assert.ok(!stage.ramping);
  assert.equal(stage.currentDb, -Infinity);
  stage.setGain(0);
  assert.deepEqual(stage.process(new Int16Array(10).fill(-8000)), f(-1000, -2000, -3000, -4000, -5000, -6000, -7000, -8000, -8000, -8000));
});

test('GainStage: a ramp spans frames and the result does not depend on the frame size', () => {
  const input = new Int16Array(400);
  for (let i = 0; i < input.length; i++) input[i] = Math.round(20000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
  const whole = new GainStage();
  whole.setGain(-12);
  const expected = whole.process(input);
  const chunked = new GainStage();
  chunked.setGain(-12);
  const parts: number[] = [];
  for (let i = 0; i < input.length; i += 7) parts.push(...chunked.process(input.subarray(i, i + 7)));
  assert.deepEqual(Int16Array.from(parts), expected);
  assert.equal(expected[399], Math.round((input[399] ?? 0) * dbToGain(-12)));
});

test('GainStage changes gain without a click: the envelope moves at most Δg/rampSamples per sample', () => {
  const stage = new GainStage({ rampMs: 10, sampleRate: 8000 }); // 80 samples
  const dc = new Int16Array(200).fill(20000);
  stage.process(dc);
  stage.setGain(-20);
  const out = stage.process(dc);
  const bound = (20000 * (1 - dbToGain(-20))) / 80 + 1;
  let maxStep = 20000 - (out[0] ?? 0);
  for (let i = 1; i < out.length; i++) maxStep = Math.max(maxStep, Math.abs((out[i] ?? 0) - (out[i - 1] ?? 0)));
  assert.ok(maxStep <= bound, `max step ${maxStep} > ${bound}`);
  assert.equal(out[79], 2000);
  assert.equal(out[199], 2000);
  // Whereas applyGain alone jumps by the whole difference.
  assert.equal(20000 - (applyGain(dc, -20)[0] ?? 0), 18000);
});

test('GainStage: a new setting mid-ramp starts from the present gain', () => {
  const stage = new GainStage({ rampMs: 1, sampleRate: 8000 });
  stage.setGain(-Infinity);
  stage.process(new Int16Array(4).fill(8000)); // now at 0.5
  stage.setGain(0);
  assert.deepEqual(stage.process(new Int16Array(9).fill(8000)), f(4500, 5000, 5500, 6000, 6500, 7000, 7500, 8000, 8000));
  assert.equal(stage.gainDb, 0);
  stage.setGainImmediately(-SIX_DB);
  assert.deepEqual(stage.process(f(8000)), f(4000));
  assert.ok(!stage.ramping);
});
