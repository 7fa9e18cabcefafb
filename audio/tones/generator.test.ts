import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToneGenerator, RAMP_MS } from './generator.js';
import { measureTone } from './measure.js';
import { tonePlan } from './plans/index.js';
import { cadenceTotalMs, TONE_KINDS, toneComponents, type ToneSpec } from './types.js';
import { goertzelAmplitude } from '../goertzel.js';
import { sinePeakForDbm0 } from '../levels.js';
import { fitSines, fitValue } from './sine-fit.js';

const FS = 8000;

function render(spec: ToneSpec, ms: number, frame = 160): Int16Array {
  const g = new ToneGenerator(spec);
  const out = new Int16Array(Math.round((ms * FS) / 1000));
  for (let i = 0; i < out.length; i += frame) g.next(out.subarray(i, Math.min(out.length, i + frame)));
  return out;
}

/** Enough audio to see every segment of the cadence at least once, complete. */
function lengthFor(spec: ToneSpec): number {
  if (spec.cadence.length === 0) return 3000;
  const total = cadenceTotalMs(spec.cadence);
  return spec.repeat ? Math.max(3000, 2 * total + 500) : total + 500;
}

// Tolerances: the brief's. measureTone itself resolves ~0.01 Hz, ~0.01 dB and
// ~0.05 ms on these clean signals (see measure.test.ts).
const FREQ_TOL_HZ = 0.5;
const LEVEL_TOL_DB = 0.5;
const CADENCE_TOL_MS = 2;

for (const region of ['US', 'GB', 'DE', 'FR', 'JP', 'AU', 'IN', 'ZA', 'SE']) {
  test(`${region}: every generated tone measures at the plan's frequencies, levels and cadence`, () => {
    const plan = tonePlan(region);
    for (const kind of TONE_KINDS) {
      const spec = plan[kind];
      const m = measureTone(render(spec, lengthFor(spec)), FS);
      const want = toneComponents(spec).sort((a, b) => a.frequency - b.frequency);
      assert.equal(m.frequencies.length, want.length, `${region} ${kind}: components ${JSON.stringify(m.frequencies)}`);
      want.forEach((c, i) => {
        const got = m.frequencies[i];
        assert.ok(got !== undefined);
        assert.ok(Math.abs(got.frequency - c.frequency) <= FREQ_TOL_HZ, `${region} ${kind}: ${got.frequency} Hz vs ${c.frequency}`);
        assert.ok(Math.abs(got.levelDbm0 - c.levelDbm0) <= LEVEL_TOL_DB, `${region} ${kind}: ${got.levelDbm0} dBm0 vs ${c.levelDbm0}`);
      });
      if (spec.cadence.length === 0) {
        assert.deepEqual(m.cadence, [], `${region} ${kind} is continuous`);
        continue;
      }
      const expected = spec.repeat ? spec.cadence.length + 1 : spec.cadence.length;
      assert.ok(m.cadence.length >= expected, `${region} ${kind}: measured ${JSON.stringify(m.cadence)}`);
      m.cadence.forEach((d, i) => {
        const nominal = spec.cadence[i % spec.cadence.length] ?? NaN;
        assert.ok(Math.abs(d - nominal) <= CADENCE_TOL_MS, `${region} ${kind} segment ${i}: ${d} ms vs ${nominal}`);
      });
      // The first burst's half-amplitude point is RAMP_MS/2 after the start.
      assert.ok(Math.abs((m.bursts[0]?.startMs ?? NaN) - RAMP_MS / 2) <= 0.5, `${region} ${kind} start`);
    }
  });
}

test('a continuous tone measured with the shared Goertzel helper has the plan level per component', () => {
  for (const region of ['US', 'GB', 'AU']) {
    const spec = tonePlan(region).dial;
    const x = render(spec, 1100).subarray(800); // 1 s from 100 ms in: 1 Hz bins, integer frequencies centred
    for (const f of spec.frequencies) {
      const db = 20 * Math.log10(goertzelAmplitude(f, FS, x) / sinePeakForDbm0(spec.levelDbm0));
      assert.ok(Math.abs(db) < 0.05, `${region} ${f} Hz off by ${db} dB`);
      // Half a hertz away the same Goertzel sees a much weaker line: the tone is on frequency.
      assert.ok(goertzelAmplitude(f + 0.5, FS, x) < 0.7 * goertzelAmplitude(f, FS, x));
    }
  }
});

function maxStep(x: Int16Array, from: number, to: number): number {
  let m = 0;
  for (let i = Math.max(1, from); i < Math.min(x.length, to); i++) m = Math.max(m, Math.abs((x[i] ?? 0) - (x[i - 1] ?? 0)));
  return m;
}

/** Sample indices of the cadence edges (half-amplitude points) within `ms`. */
function edges(spec: ToneSpec, ms: number): number[] {
  const out: number[] = [];
  for (let t = RAMP_MS / 2, i = 0; t < ms; i++) {
    out.push(Math.round((t * FS) / 1000));
    t += spec.cadence[i % spec.cadence.length] ?? Infinity;
  }
  return out;
}

test('no clicks: the steepest step at a cadence edge is no steeper than inside the steady tone', () => {
  for (const region of ['US', 'GB', 'DE', 'AU', 'IN']) {
    const plan = tonePlan(region);
    for (const kind of TONE_KINDS) {
      const spec = plan[kind];
      if (spec.cadence.length === 0) continue;
      const x = render(spec, 3000);
      const steady = maxStep(x, Math.round((spec.cadence[0] ?? 0) * 2), Math.round((spec.cadence[0] ?? 0) * 6)); // inside the first burst
      const ramp = Math.round((RAMP_MS * FS) / 1000);
      for (const e of edges(spec, 3000)) {
        const step = maxStep(x, e - ramp, e + ramp);
        assert.ok(step <= steady * 1.05 + 2, `${region} ${kind}: step ${step} at edge ${e} vs ${steady} steady`);
      }
    }
  }
  // The same check catches a hard-keyed tone: gating the steady tone without a ramp clicks.
  const steadyTone = render(tonePlan('US').dial, 1000);
  const keyed = steadyTone.map((v, i) => (Math.floor(i / 333) % 2 === 0 ? v : 0));
  const steady = maxStep(steadyTone, 100, 4000);
  const cuts = Array.from({ length: 20 }, (_, j) => 333 * (j + 1));
  const worst = Math.max(...cuts.map((e) => maxStep(keyed, e - 40, e + 40)));
  assert.ok(worst > steady * 1.05 + 2, `hard keying should click (${worst} vs ${steady})`);
});

test('phase-continuous: a later burst continues the very sine of the first one', () => {
  // Most plan cadences hold a whole number of cycles (480 Hz × 0.5 s), where a phase reset
  // would not show; these do not.
  const odd: ToneSpec = { frequencies: [437.3, 611.9], levelDbm0: -16, cadence: [137, 91], repeat: true };
  const am: ToneSpec = { ...tonePlan('IN').ringback, cadence: [413, 177, 391, 1987] };
  for (const [name, spec] of [
    ['AU stutter', tonePlan('AU').stutter],
    ['437.3+611.9 Hz 137/91 ms', odd],
    ['400×25 Hz 413/177/391/1987 ms', am],
  ] as const) {
    const x = render(spec, 3000);
    const comps = toneComponents(spec);
    const omegas = comps.map((c) => (2 * Math.PI * c.frequency) / FS);
    // Fit the steady part of the first burst, then predict the next bursts from it.
    const on0 = spec.cadence[0] ?? 0;
    const fit = fitSines(x, Math.round(((RAMP_MS + 5) * FS) / 1000), Math.round(((on0 - 5) * FS) / 1000), omegas);
    for (const e of edges(spec, 2500).filter((_, i) => i % 2 === 0 && i > 0)) {
      const from = e + Math.round(((RAMP_MS + 5) * FS) / 1000);
      let err = 0;
      let sig = 0;
      for (let n = from; n < from + 600; n++) {
        err += ((x[n] ?? 0) - fitValue(fit, omegas, n)) ** 2;
        sig += (x[n] ?? 0) ** 2;
      }
      assert.ok(err / sig < 1e-4, `${name}: burst at sample ${e} is off the first burst's sine (${err / sig})`);
    }
  }
});

test('output does not depend on the frame size (160 vs 37 samples, and a 1-sample trickle)', () => {
  for (const [region, kind] of [
    ['US', 'ringback'],
    ['GB', 'reorder'],
    ['JP', 'ringback'],
    ['IN', 'dial'],
    ['US', 'confirmation'],
  ] as const) {
    const spec = tonePlan(region)[kind];
    const a = render(spec, 7000, 160);
    assert.deepEqual(render(spec, 7000, 37), a, `${region} ${kind} 37`);
    assert.deepEqual(render(spec, 7000, 1).subarray(0, 8000), a.subarray(0, 8000), `${region} ${kind} 1`);
  }
});

test('a one-shot cadence plays once, then silence and done; reset() starts it again', () => {
  const spec = tonePlan('US').confirmation; // 3 × 0.1 s bursts, 0.1 s apart
  const g = new ToneGenerator(spec);
  // 0.5 s of cadence; the pattern starts RAMP_MS/2 late, so the last burst's
  // half-amplitude point is at 502 ms and its ramp ends at 504 ms.
  const first = g.next(new Int16Array(Math.round(0.5 * FS)));
  assert.equal(g.done, false);
  g.next(new Int16Array(Math.round((RAMP_MS * FS) / 1000)));
  assert.equal(g.done, true);
  assert.ok(g.next(new Int16Array(FS)).every((v) => v === 0));
  assert.ok(first.some((v) => v !== 0));
  g.reset();
  assert.equal(g.done, false);
  assert.deepEqual(g.next(new Int16Array(first.length)), first);
});

test('repeating and continuous tones never finish', () => {
  for (const spec of [tonePlan('US').dial, tonePlan('US').busy]) {
    const g = new ToneGenerator(spec);
    g.next(new Int16Array(5 * FS));
    assert.equal(g.done, false);
  }
});

test('other sample rates keep frequency and cadence', () => {
  const spec = tonePlan('GB').ringback;
  const g = new ToneGenerator(spec, { sampleRate: 16000 });
  const x = g.next(new Int16Array(16000 * 4));
  const m = measureTone(x, 16000);
  assert.deepEqual(
    m.frequencies.map((c) => Math.round(c.frequency * 100) / 100),
    [400, 450],
  );
  m.cadence.forEach((d, i) => assert.ok(Math.abs(d - (spec.cadence[i % 4] ?? 0)) < 0.5));
});

test('invalid tones are refused', () => {
  const ok = tonePlan('US').busy;
  assert.throws(() => new ToneGenerator({ ...ok, cadence: [500] }), RangeError); // repeating, odd
  assert.throws(() => new ToneGenerator({ ...ok, cadence: [2, 100] }), RangeError); // shorter than the ramp
  assert.throws(() => new ToneGenerator({ ...ok, frequencies: [] }), RangeError);
  assert.throws(() => new ToneGenerator({ ...ok, modulation: { carrier: 999, modulator: 25, depth: 0.9 } }), RangeError);
  assert.throws(() => new ToneGenerator(ok, { sampleRate: 0 }), RangeError);
});
