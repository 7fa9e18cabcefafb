import { test } from 'node:test';
import assert from 'node:assert/strict';
import { measureTone } from './measure.js';
import { sinePeakForDbm0 } from '../levels.js';

const FS = 8000;

/** Hand-made test signals, independent of ToneGenerator: hard-keyed, phase restarting per burst. */
function keyed(components: { f: number; dbm0: number }[], cadenceMs: number[], totalMs: number, noiseDbm0?: number): Int16Array {
  const out = new Int16Array((totalMs * FS) / 1000);
  let seed = 12345;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  let t = 0;
  let i = 0;
  let burstStart = 0;
  for (let n = 0; n < out.length; n++) {
    const ms = (n * 1000) / FS;
    while (cadenceMs.length > 0 && ms >= t + (cadenceMs[i % cadenceMs.length] ?? 0)) {
      t += cadenceMs[i % cadenceMs.length] ?? 0;
      i++;
      if (i % 2 === 0) burstStart = n;
    }
    let v = 0;
    if (i % 2 === 0) for (const c of components) v += sinePeakForDbm0(c.dbm0) * Math.sin((2 * Math.PI * c.f * (n - burstStart)) / FS + 0.3);
    if (noiseDbm0 !== undefined) v += rand() * sinePeakForDbm0(noiseDbm0) * Math.sqrt(3 / 2);
    out[n] = Math.round(v);
  }
  return out;
}

test('resolves two tones 25 Hz apart in 0.1 s bursts, at their own levels', () => {
  const m = measureTone(keyed([{ f: 413, dbm0: -14 }, { f: 438, dbm0: -20 }], [100, 40], 2000), FS);
  assert.equal(m.frequencies.length, 2);
  const [a, b] = m.frequencies;
  assert.ok(Math.abs((a?.frequency ?? 0) - 413) < 0.05 && Math.abs((b?.frequency ?? 0) - 438) < 0.05, JSON.stringify(m.frequencies));
  assert.ok(Math.abs((a?.levelDbm0 ?? 0) + 14) < 0.05 && Math.abs((b?.levelDbm0 ?? 0) + 20) < 0.05, JSON.stringify(m.frequencies));
  assert.ok(m.cadence.length >= 20);
  m.cadence.forEach((d, i) => assert.ok(Math.abs(d - (i % 2 === 0 ? 100 : 40)) < 0.2, `segment ${i}: ${d}`));
});

test('measures an off-nominal frequency to a few hundredths of a hertz', () => {
  const m = measureTone(keyed([{ f: 431.7, dbm0: -16 }], [], 1000), FS);
  assert.equal(m.frequencies.length, 1);
  assert.ok(Math.abs((m.frequencies[0]?.frequency ?? 0) - 431.7) < 0.02);
  assert.deepEqual(m.cadence, []);
  assert.equal(m.bursts.length, 1);
  assert.equal(m.bursts[0]?.startCensored, true); // on from the first sample
  assert.equal(m.bursts[0]?.endCensored, true);
});

test('an AM tone shows carrier and sidebands; a dual tone under noise still measures', () => {
  const am = new Int16Array(FS * 2);
  const a = sinePeakForDbm0(-16);
  for (let n = 0; n < am.length; n++) am[n] = Math.round(a * (1 + 0.9 * Math.sin((2 * Math.PI * 25 * n) / FS)) * Math.sin((2 * Math.PI * 425 * n) / FS));
  const m = measureTone(am, FS);
  assert.deepEqual(
    m.frequencies.map((c) => [Math.round(c.frequency * 10) / 10, Math.round(c.levelDbm0 * 10) / 10]),
    [
      [400, -22.9],
      [425, -16],
      [450, -22.9],
    ],
  );

  const noisy = measureTone(keyed([{ f: 480, dbm0: -24 }, { f: 620, dbm0: -24 }], [500, 500], 3000, -60), FS);
  assert.equal(noisy.frequencies.length, 2, JSON.stringify(noisy.frequencies));
  noisy.frequencies.forEach((c, i) => {
    assert.ok(Math.abs(c.frequency - (i === 0 ? 480 : 620)) < 0.2);
    assert.ok(Math.abs(c.levelDbm0 + 24) < 0.3);
  });
  noisy.cadence.forEach((d) => assert.ok(Math.abs(d - 500) < 1, `${d}`));
});

test('silence measures as nothing', () => {
  assert.deepEqual(measureTone(new Int16Array(4000), FS), { frequencies: [], cadence: [], bursts: [] });
});
