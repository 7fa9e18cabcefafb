import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DriftBridge } from './drift-bridge.js';
import { rms } from '../levels.js';

const FP = 8000;
const AMP = 10000;
const TONE = 1000;

interface Run {
  bridge: DriftBridge;
  /** Output after `settleS` seconds of consumer time. */
  settled: Int16Array;
  /** Per pull after settling: the fill averaged over the pull, and the extremes seen. */
  meanFills: number[];
  minFill: number;
  maxFill: number;
  ratios: number[];
}

/**
 * Producer: a 1 kHz tone in blocks of `pBlock` at exactly 8000 Hz. Consumer: pulls of `cBlock`
 * at `fc` Hz. Events are ordered by exact integer comparison of their times
 * (k·pBlock/FP against j·cBlock/fc), so the sample counts are exact and no real time passes.
 */
function run(fc: number, seconds: number, pBlock: number, cBlock: number, settleS = 60): Run {
  const bridge = new DriftBridge();
  const settled = new Int16Array(Math.ceil(seconds * fc) + 2 * cBlock);
  let settledLength = 0;
  const meanFills: number[] = [];
  const ratios: number[] = [];
  let minFill = Infinity;
  let maxFill = -Infinity;
  let k = 0;
  let j = 0;
  let n = 0;
  const blocks = (seconds * FP) / pBlock;
  while (k < blocks) {
    if (k * pBlock * fc <= j * cBlock * FP) {
      const frame = new Int16Array(pBlock);
      for (let i = 0; i < pBlock; i++, n++) frame[i] = Math.round(AMP * Math.sin((2 * Math.PI * TONE * n) / FP));
      bridge.push(frame);
      k++;
    } else {
      const before = bridge.stats().fillSamples;
      const out = bridge.pull(cBlock);
      const after = bridge.stats().fillSamples;
      if ((j * cBlock) / fc >= settleS) {
        settled.set(out, settledLength);
        settledLength += out.length;
        meanFills.push((before + after) / 2);
        minFill = Math.min(minFill, after);
        maxFill = Math.max(maxFill, before);
        ratios.push(bridge.stats().ratio);
      }
      j++;
    }
  }
  return { bridge, settled: settled.slice(0, settledLength), meanFills, minFill, maxFill, ratios };
}

/** Cycles per sample from the positive-going zero crossings (linearly interpolated). */
function measuredFrequency(x: Int16Array): number {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i] ?? 0;
    const b = x[i + 1] ?? 0;
    if (a < 0 && b >= 0) {
      const t = i + -a / (b - a);
      if (first < 0) first = t;
      last = t;
      count++;
    }
  }
  return (count - 1) / (last - first);
}

function checkRun(r: Run, fc: number, label: string, diag: (msg: string) => void): void {
  const s = r.bridge.stats();
  const target = s.targetSamples;
  assert.equal(s.underruns, 0, `${label}: underruns`);
  assert.equal(s.overruns, 0, `${label}: overruns`);

  // Fill bounded within target ± 20 ms (160 samples) after settling; never near empty.
  const lo = Math.min(...r.meanFills);
  const hi = Math.max(...r.meanFills);
  const mean = r.meanFills.reduce((a, b) => a + b, 0) / r.meanFills.length;
  assert.ok(lo >= target - 160 && hi <= target + 160, `${label}: mean fill per pull ${lo.toFixed(0)}..${hi.toFixed(0)}`);
  assert.ok(r.minFill > 20, `${label}: fill fell to ${r.minFill.toFixed(1)}`);

  // The ratio settles on consumer/producer, smoothly.
  const want = fc / FP;
  const late = r.ratios.slice(-Math.floor((300 * fc) / (r.settled.length / r.ratios.length)));
  const wobble = Math.max(...late.map((x) => Math.abs(x - want)));
  assert.ok(Math.abs(s.ratio - want) < 2e-4, `${label}: ratio ${s.ratio} vs ${want}`);
  assert.ok(wobble < 3e-4, `${label}: ratio wobble ${(wobble * 1e6).toFixed(0)} ppm over the last 5 minutes (or all after settling)`);

  // The tone keeps its real frequency: 1000 Hz of producer time is 1000·FP/fc per consumer sample period.
  const f = measuredFrequency(r.settled) * FP;
  const expected = (TONE * FP) / fc;
  assert.ok(Math.abs(f / expected - 1) < 1e-5, `${label}: ${f} Hz, expected ${expected}`);
  assert.ok(Math.abs(f / TONE - 1) <= Math.abs(fc / FP - 1) + 1e-5, `${label}: off by more than the drift`);

  // No discontinuity: the first and second differences stay within a clean sine's.
  const w = (2 * Math.PI * f) / FP;
  let d1 = 0;
  let d2 = 0;
  for (let i = 2; i < r.settled.length; i++) {
    const a = r.settled[i - 2] ?? 0;
    const b = r.settled[i - 1] ?? 0;
    const c = r.settled[i] ?? 0;
    d1 = Math.max(d1, Math.abs(c - b));
    d2 = Math.max(d2, Math.abs(c - 2 * b + a));
  }
  assert.ok(d1 <= 2 * AMP * Math.sin(w / 2) * 1.001 + 2, `${label}: max step ${d1}`);
  assert.ok(d2 <= 4 * AMP * Math.sin(w / 2) ** 2 * 1.001 + 4, `${label}: max second difference ${d2}`);
  // And it is the tone at full level.
  assert.ok(Math.abs(20 * Math.log10((rms(r.settled) * Math.SQRT2) / AMP)) < 0.01, `${label}: level`);

  diag(
    `${label}: latency (mean fill) ${((mean / FP) * 1000).toFixed(1)} ms, per-pull mean fill ${lo.toFixed(0)}..${hi.toFixed(0)} ` +
      `(target ${target}), instantaneous ${r.minFill.toFixed(0)}..${r.maxFill.toFixed(0)}, ratio ${s.ratio.toFixed(6)} ` +
      `(wobble ±${(wobble * 1e6).toFixed(0)} ppm), tone ${f.toFixed(3)} Hz, max step ${d1}`,
  );
}

// Same 20 ms frames on both sides (the hard case: the fill is only seen in whole-frame steps),
// then a device with a shorter period on either side.
for (const [fc, pBlock, cBlock, minutes] of [
  [8024, 160, 160, 10],
  [7976, 160, 160, 10],
  [8024, 160, 48, 4],
  [7976, 48, 160, 4],
] as const) {
  test(`consumer at ${fc} Hz (${fc > FP ? '+' : '−'}0.3 %), blocks ${pBlock}/${cBlock}, ${minutes} simulated minutes`, (t) => {
    checkRun(run(fc, minutes * 60, pBlock, cBlock), fc, `${fc} Hz ${pBlock}/${cBlock}`, (m) => t.diagnostic(m));
  });
}

test('primes silently to the target, then plays what was pushed, delayed by the fill', () => {
  const b = new DriftBridge({ targetMs: 40 });
  const ramp = Int16Array.from({ length: 160 }, (_, i) => 100 * (i + 1));
  b.push(ramp);
  assert.ok(b.pull(160).every((v) => v === 0));
  b.push(ramp);
  assert.ok(b.pull(160).every((v) => v === 0)); // 320 < target + half a pull
  b.push(ramp);
  assert.ok(!b.stats().running);
  const out = b.pull(160);
  assert.ok(b.stats().running);
  // At ratio 1 and integer positions the interpolator is exact: the first frame comes out as pushed.
  assert.deepEqual(out, ramp);
  assert.equal(b.stats().underruns, 0);
  assert.equal(b.stats().fillSamples, 320);
});

test('an emptied FIFO counts one underrun, plays silence, and primes again', () => {
  const b = new DriftBridge();
  const tone = Int16Array.from({ length: 160 }, (_, i) => Math.round(AMP * Math.sin((2 * Math.PI * i) / 8)));
  for (let i = 0; i < 3; i++) b.push(tone);
  b.pull(160);
  b.pull(160);
  const dry = b.pull(160); // the producer stopped
  assert.equal(b.stats().underruns, 1);
  assert.ok(!b.stats().running);
  assert.ok(dry.subarray(150).every((v) => v === 0));
  assert.ok(b.pull(160).every((v) => v === 0));
  assert.equal(b.stats().underruns, 1); // priming is not an underrun
  for (let i = 0; i < 3; i++) b.push(tone);
  assert.ok(b.pull(160).some((v) => v !== 0));
  assert.ok(b.stats().running);
});

test('pushing past the capacity counts an overrun and drops back to the target', () => {
  const b = new DriftBridge({ targetMs: 40, capacityMs: 100 });
  for (let i = 0; i < 5; i++) b.push(new Int16Array(160)); // 800 samples = 100 ms
  assert.equal(b.stats().overruns, 0);
  b.push(new Int16Array(160));
  assert.equal(b.stats().overruns, 1);
  assert.equal(b.stats().fillSamples, 320);
  assert.throws(() => new DriftBridge({ targetMs: 40, capacityMs: 40 }), RangeError);
  assert.throws(() => b.pull(-1), RangeError);
});

test('reset returns to priming at ratio 1', () => {
  const r = run(8024, 30, 160, 160, 0);
  assert.notEqual(r.bridge.stats().ratio, 1);
  r.bridge.reset();
  const s = r.bridge.stats();
  assert.equal(s.ratio, 1);
  assert.equal(s.running, false);
  assert.equal(s.fillSamples, 0);
});
