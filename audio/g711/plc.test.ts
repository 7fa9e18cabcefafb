/**
 * G.711 Appendix I concealment: delay, waveform substitution quality,
 * continuity at the erasure boundaries, the attenuation envelope (20 % per
 * 10 ms after the first 10 ms, silence from 60 ms) and recovery.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { G711Plc } from './plc.js';

const FRAME = 160;
const DELAY = 30;

/** A voiced-like steady signal: harmonics 1..8 of f0 with falling amplitudes, peak about 12 000. */
function voiced(f0: number, seconds: number): Int16Array {
  const out = new Int16Array(8000 * seconds);
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let k = 1; k <= 8; k++) v += Math.sin((2 * Math.PI * f0 * k * i) / 8000 + k * 0.7) / k;
    out[i] = Math.round(4500 * v);
  }
  return out;
}

/** Runs `signal` frame by frame through a fresh concealer, losing the frames in `lost`. */
function play(signal: Int16Array, lost: ReadonlySet<number>): Int16Array {
  const plc = new G711Plc();
  const out = new Int16Array(signal.length);
  for (let f = 0; f * FRAME < signal.length; f++) {
    const frame = signal.subarray(f * FRAME, (f + 1) * FRAME);
    out.set(lost.has(f) ? plc.lost() : plc.good(frame), f * FRAME);
  }
  return out;
}

function range(from: number, count: number): Set<number> {
  return new Set(Array.from({ length: count }, (_, i) => from + i));
}

function snrDb(ref: ArrayLike<number>, got: ArrayLike<number>, start: number, end: number, gain: (t: number) => number = () => 1): number {
  let signal = 0;
  let noise = 0;
  for (let t = start; t < end; t++) {
    const r = ref[t]! * gain(t);
    signal += r * r;
    noise += (got[t]! - r) ** 2;
  }
  return 10 * Math.log10(signal / Math.max(noise, 1e-9));
}

function maxStep(x: ArrayLike<number>, start = 1, end = x.length): number {
  let m = 0;
  for (let t = Math.max(1, start); t < end; t++) m = Math.max(m, Math.abs(x[t]! - x[t - 1]!));
  return m;
}

/** The Appendix's gain τ samples into the concealment: 1 for 10 ms, then −20 % per 10 ms, 0 from 60 ms. */
function expectedGain(tau: number): number {
  if (tau < 80) return 1;
  return Math.max(0, 1 - (0.2 * (tau - 80)) / 80);
}

const FIRST_LOST = 20; // frame index: 400 ms into the signal, after the history has filled

test('without losses the output is the input delayed by 3.75 ms (30 samples)', () => {
  const signal = voiced(200, 0.5);
  const out = play(signal, new Set());
  assert.equal(new G711Plc().delaySamples, DELAY);
  for (let t = 0; t < DELAY; t++) assert.equal(out[t], 0);
  for (let t = DELAY; t < signal.length; t++) assert.equal(out[t], signal[t - DELAY], `sample ${t}`);
});

test('1, 2 and 3 lost frames of a steady 200 Hz voiced signal are concealed far better than muting', (ctx) => {
  const signal = voiced(200, 1);
  const ref = play(signal, new Set());
  const report: string[] = [];
  for (const n of [1, 2, 3]) {
    const out = play(signal, range(FIRST_LOST, n));
    const start = FIRST_LOST * FRAME;
    const end = (FIRST_LOST + n) * FRAME + DELAY + 80; // include the overlap-add into the first good frame
    const snr = snrDb(ref, out, start, end);
    // Over the erased span only, against the original scaled by the specified attenuation
    // envelope: this measures the substituted waveform itself.
    const erasedEnd = (FIRST_LOST + n) * FRAME + DELAY;
    const shaped = snrDb(ref, out, start, erasedEnd, (t) => expectedGain(t - start - DELAY));
    report.push(`${n} lost: SNR ${snr.toFixed(1)} dB, envelope-compensated ${shaped.toFixed(1)} dB`);
    // Muting scores 0 dB. With the specified fade the raw SNR is bounded (≈ 5.6 dB over 60 ms).
    const floor = n === 1 ? 20 : n === 2 ? 9 : 5;
    assert.ok(snr > floor, `${n} lost: SNR ${snr.toFixed(1)} dB`);
    assert.ok(shaped > 30, `${n} lost: envelope-compensated SNR ${shaped.toFixed(1)} dB`);
  }
  ctx.diagnostic(`plc 200 Hz: ${report.join('; ')}`);
});

test('a pitch that is not a whole number of samples (130 Hz, 61.5 samples) is still tracked', (ctx) => {
  const signal = voiced(130, 1);
  const ref = play(signal, new Set());
  const out = play(signal, range(FIRST_LOST, 1));
  const start = FIRST_LOST * FRAME;
  const snr = snrDb(ref, out, start, start + FRAME + 80);
  ctx.diagnostic(`plc 130 Hz, 1 lost: SNR ${snr.toFixed(1)} dB`);
  assert.ok(snr > 10, `SNR ${snr.toFixed(1)} dB`);
});

/** Two harmonics of f0 under a slow 3 Hz amplitude swing: smooth, so a click shows in the second difference. */
function swinging(f0: number): Int16Array {
  const out = new Int16Array(8000);
  for (let i = 0; i < out.length; i++) {
    const a = 8000 * (1 + 0.4 * Math.sin((2 * Math.PI * 3 * i) / 8000));
    out[i] = Math.round(a * (Math.sin((2 * Math.PI * f0 * i) / 8000) + 0.4 * Math.sin((2 * Math.PI * 2 * f0 * i) / 8000 + 1)));
  }
  return out;
}

function maxSecondDifference(x: ArrayLike<number>, start: number, end: number): number {
  let m = 0;
  for (let t = Math.max(2, start); t < end; t++) m = Math.max(m, Math.abs(x[t]! - 2 * x[t - 1]! + x[t - 2]!));
  return m;
}

test('no discontinuity at the start or the end of an erasure', (ctx) => {
  const worst: string[] = [];
  for (const f0 of [210, 170, 123, 97]) {
    const signal = swinging(f0);
    const stepLimit = maxStep(signal) * 1.1;
    const curveLimit = maxSecondDifference(signal, 2, signal.length) * 1.6;
    let worstCurve = 0;
    for (const n of [1, 2, 3, 5]) {
      for (const first of [FIRST_LOST, FIRST_LOST + 3, FIRST_LOST + 7]) {
        const out = play(signal, range(first, n));
        const from = (first - 1) * FRAME;
        const to = (first + n + 1) * FRAME;
        const step = maxStep(out, from, to);
        const curve = maxSecondDifference(out, from, to);
        worstCurve = Math.max(worstCurve, curve / (curveLimit / 1.6));
        assert.ok(step <= stepLimit, `${f0} Hz, ${n} lost at ${first}: step ${step} > ${stepLimit.toFixed(0)}`);
        assert.ok(curve <= curveLimit, `${f0} Hz, ${n} lost at ${first}: second difference ${curve} > ${curveLimit.toFixed(0)}`);
      }
    }
    worst.push(`${f0} Hz ${worstCurve.toFixed(2)}`);
  }
  ctx.diagnostic(`plc worst second difference vs the original's: ${worst.join(', ')}`);
});

test('long losses fade by 20 % per 10 ms after the first 10 ms, and are silent from 60 ms on', (ctx) => {
  const signal = voiced(200, 1);
  const ref = play(signal, new Set());
  const lostFrames = 10; // 200 ms
  const out = play(signal, range(FIRST_LOST, lostFrames));
  const begin = FIRST_LOST * FRAME + DELAY; // first concealed sample at the output
  const energy = (x: ArrayLike<number>, s: number, g: (t: number) => number = () => 1) => {
    let e = 0;
    for (let t = s; t < s + 80; t++) e += (x[t]! * g(t)) ** 2;
    return e;
  };
  // Per 10 ms, the level ratio to the original is 1, then g falls linearly 1→0.8 (about 0.90 in RMS), 0.8→0.6, … 0.2→0.
  const ratios: number[] = [];
  for (let unit = 0; unit < 6; unit++) {
    const s = begin + unit * 80;
    const ratio = Math.sqrt(energy(out, s) / energy(ref, s));
    const want = Math.sqrt(energy(ref, s, (t) => expectedGain(t - begin)) / energy(ref, s));
    ratios.push(ratio);
    assert.ok(Math.abs(ratio - want) < 0.01, `10 ms unit ${unit}: level ratio ${ratio.toFixed(3)}, want ${want.toFixed(3)}`);
    if (unit > 0) assert.ok(ratio < ratios[unit - 1]! - 0.1, 'energy decreases every 10 ms');
  }
  const silentFrom = begin + 6 * 80;
  const silentTo = (FIRST_LOST + lostFrames) * FRAME + DELAY; // the first good frame starts here at the output
  for (let t = silentFrom; t < silentTo; t++) assert.equal(out[t], 0, `silent at ${t}`);
  ctx.diagnostic(`plc envelope per 10 ms: ${ratios.map((r) => r.toFixed(3)).join(', ')}, then 0`);
});

test('after the erasure the output returns to the delayed input once the overlap-add is over', () => {
  const signal = voiced(160, 1);
  const ref = play(signal, new Set());
  for (const n of [1, 3, 8]) {
    const out = play(signal, range(FIRST_LOST, n));
    const firstGood = (FIRST_LOST + n) * FRAME + DELAY;
    const overlapEnd = firstGood + 80; // the end overlap is at most 10 ms
    for (let t = overlapEnd; t < signal.length; t++) assert.equal(out[t], ref[t], `${n} lost: sample ${t}`);
    // After a muted erasure the real signal fades back in from silence.
    if (n === 8) {
      assert.equal(out[firstGood - 1], 0);
      assert.ok(Math.abs(out[firstGood]!) < Math.abs(ref[firstGood]!) / 10 + 50);
    }
  }
});

test('concealment before any audio is silence; options and frame sizes are checked', () => {
  const plc = new G711Plc();
  assert.deepEqual([...plc.lost()].filter((v) => v !== 0), []);
  assert.equal(plc.erasedMs, 20);
  assert.equal(new G711Plc({ frameSamples: 80 }).lost().length, 80);
  assert.throws(() => new G711Plc({ frameSamples: 100 }), RangeError);
  assert.throws(() => new G711Plc().good(new Int16Array(80)), RangeError);
});
