import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SimulatedHybrid, echoPathResponse } from './test-support/hybrid.js';
import { dbm0Of } from '../levels.js';

test('hybrid: G.168 model scaled to the requested ERL behind the bulk delay', () => {
  for (const [model, taps] of [['d2', 64], ['d4', 96], ['d5', 128]] as const) {
    const h = echoPathResponse({ model, delayMs: 10, erlDb: 12 });
    assert.equal(h.length, 80 + taps);
    assert.ok(h.subarray(0, 80).every((v) => v === 0));
    let e = 0;
    for (const v of h) e += v * v;
    assert.ok(Math.abs(10 * Math.log10(1 / e) - 12) < 1e-9);
  }
});

test('hybrid: an impulse comes back as the impulse response; noise at its level', () => {
  const hyb = new SimulatedHybrid({ model: 'd2', delayMs: 5, erlDb: 6 });
  const rin = new Int16Array(400);
  rin[0] = 10000;
  const { echo } = hyb.run(rin);
  const h = hyb.impulseResponse;
  for (let i = 0; i < h.length; i++) assert.ok(Math.abs(echo[i]! - 10000 * h[i]!) < 1e-6);
  const quiet = new SimulatedHybrid({ model: 'd2', noiseDbm0: -50 }).run(new Int16Array(16000)).sin;
  assert.ok(Math.abs(dbm0Of(quiet) + 50) < 0.5);
});

test('hybrid: an echo path change keeps the Rin history', () => {
  const hyb = new SimulatedHybrid({ model: 'd2', delayMs: 5 });
  const rin = new Int16Array(40);
  rin[39] = 10000;
  hyb.run(rin);
  hyb.setPath({ model: 'd4', delayMs: 2, erlDb: 10 });
  const { echo } = hyb.run(new Int16Array(200));
  const h = hyb.impulseResponse;
  assert.ok(Math.abs(echo[20]! - 10000 * h[21]!) < 1e-6);
});
