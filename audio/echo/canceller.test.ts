import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EchoCanceller } from './canceller.js';
import { DcBlocker } from './dc-blocker.js';
import { SimulatedHybrid } from './test-support/hybrid.js';
import { speechLike } from './test-support/speech.js';

function hybridPair(seconds: number): { far: Int16Array; sin: Int16Array } {
  const far = speechLike({ seconds, levelDbm0: -15, seed: 1 }).samples;
  const { sin } = new SimulatedHybrid({ model: 'd2', delayMs: 8, erlDb: 10, noiseDbm0: -70 }).run(far);
  return { far, sin };
}

function runBlocks(ec: EchoCanceller, far: Int16Array, sin: Int16Array, sizes: number[]): Int16Array {
  const out = new Int16Array(sin.length);
  let i = 0;
  let k = 0;
  while (i < sin.length) {
    const n = Math.min(sizes[k++ % sizes.length]!, sin.length - i);
    out.set(ec.process(far.subarray(i, i + n), sin.subarray(i, i + n)), i);
    i += n;
  }
  return out;
}

test('options: tail rounded up to 8 ms blocks, 128 ms by default, bounds enforced', () => {
  assert.deepEqual([new EchoCanceller().stats().tailMs, new EchoCanceller().stats().taps], [128, 1024]);
  const ec = new EchoCanceller({ tailMs: 100 });
  assert.deepEqual([ec.tailMs, ec.taps], [104, 832]);
  assert.equal(new EchoCanceller({ tailMs: 64 }).taps, 512);
  assert.throws(() => new EchoCanceller({ tailMs: 32 }), RangeError);
  assert.throws(() => new EchoCanceller({ tailMs: Number.NaN }), RangeError);
  assert.throws(() => new EchoCanceller({ sampleRate: 16000 as 8000 }), RangeError);
});

test('process rejects blocks of different lengths', () => {
  assert.throws(() => new EchoCanceller().process(new Int16Array(160), new Int16Array(80)), RangeError);
});

test('the output does not depend on how the signal is cut into blocks (no added latency)', () => {
  const { far, sin } = hybridPair(3);
  const a = runBlocks(new EchoCanceller(), far, sin, [160]);
  const b = runBlocks(new EchoCanceller(), far, sin, [1, 37, 64, 159, 320, 7, 80]);
  assert.deepEqual(b, a);
});

test('without far-end signal, Sin passes unchanged but for the DC blocker, with no delay', () => {
  const near = speechLike({ seconds: 2, levelDbm0: -20, seed: 5 }).samples;
  const out = runBlocks(new EchoCanceller(), new Int16Array(near.length), near, [160]);
  const dc = new DcBlocker();
  let sig = 0;
  let err = 0;
  for (let i = 0; i < near.length; i++) {
    const ref = dc.step(near[i]!);
    sig += ref * ref;
    err += (out[i]! - ref) ** 2;
  }
  assert.ok(10 * Math.log10(sig / err) > 40, 'near-end speech altered');
  assert.equal(new EchoCanceller().stats().doubleTalk, false);
});

test('silence in, silence out (comfort noise only where the NLP suppresses)', () => {
  const z = new Int16Array(8000);
  const out = runBlocks(new EchoCanceller({ comfortNoise: true }), z, z, [160]);
  assert.ok(out.every((v) => v === 0));
});

test('reset() returns to the initial state', () => {
  const { far, sin } = hybridPair(3);
  const ec = new EchoCanceller();
  const first = runBlocks(ec, far, sin, [160]);
  assert.equal(ec.stats().converged, true);
  ec.reset();
  const s = ec.stats();
  assert.deepEqual([s.converged, s.foregroundUpdates, s.erleDb], [false, 0, 0]);
  assert.deepEqual(runBlocks(ec, far, sin, [160]), first);
});

test('stats report convergence and the ERLE the canceller achieves', () => {
  const { far, sin } = hybridPair(4);
  const ec = new EchoCanceller({ nlp: false });
  const out = runBlocks(ec, far, sin, [160]);
  let ps = 0;
  let po = 0;
  for (let i = 16000; i < sin.length; i++) {
    ps += sin[i]! * sin[i]!;
    po += out[i]! * out[i]!;
  }
  const measured = 10 * Math.log10(ps / po);
  const s = ec.stats();
  assert.equal(s.converged, true);
  assert.ok(s.foregroundUpdates > 0);
  assert.ok(s.erleDb > 20 && Math.abs(s.erleDb - measured) < 10, `estimate ${s.erleDb.toFixed(1)} vs measured ${measured.toFixed(1)} dB`);
});
