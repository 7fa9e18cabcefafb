import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SUPPORTED_REGIONS } from '../../src/config/regions.js';
import { ringCadenceProblem, TONE_KINDS, toneComponents, toneSpecProblem, type ToneSpec } from './types.js';
import { TONE_PLAN_REGIONS, tonePlan, UnknownRegionError } from './plans/index.js';
import { sinePeakForDbm0 } from '../levels.js';

test('every supported region has a tone plan, and every plan is a supported region', () => {
  const supported = SUPPORTED_REGIONS.map((r) => r.code);
  for (const code of supported) assert.equal(tonePlan(code).region, code);
  assert.deepEqual([...TONE_PLAN_REGIONS].sort(), [...supported].sort());
  for (const r of SUPPORTED_REGIONS) assert.equal(tonePlan(r.code).name, r.name, r.code);
});

test('an unknown region throws UnknownRegionError', () => {
  assert.throws(() => tonePlan('XX'), (e: unknown) => e instanceof UnknownRegionError && e.region === 'XX');
  assert.throws(() => tonePlan('us'), UnknownRegionError);
});

test('every tone of every plan is well formed and cannot clip the 16-bit codec range', () => {
  for (const region of TONE_PLAN_REGIONS) {
    const plan = tonePlan(region);
    assert.equal(ringCadenceProblem(plan.ring), undefined, `${region} ring`);
    for (const kind of TONE_KINDS) {
      const spec = plan[kind];
      assert.equal(toneSpecProblem(spec), undefined, `${region} ${kind}`);
      const peak = toneComponents(spec).reduce((sum, c) => sum + sinePeakForDbm0(c.levelDbm0), 0);
      assert.ok(peak <= 32767, `${region} ${kind} peaks at ${peak.toFixed(0)}`);
      assert.ok(spec.levelDbm0 <= -9 && spec.levelDbm0 >= -30, `${region} ${kind} level ${spec.levelDbm0}`);
      for (const c of toneComponents(spec)) assert.ok(c.frequency > 300 && c.frequency < 3400, `${region} ${kind} ${c.frequency} Hz`);
    }
  }
});

function expectTone(spec: ToneSpec, frequencies: number[], cadenceMs: number[], levelDbm0?: number): void {
  assert.deepEqual([...spec.frequencies], frequencies);
  assert.deepEqual([...spec.cadence], cadenceMs);
  if (cadenceMs.length > 0) assert.equal(spec.repeat, true);
  if (levelDbm0 !== undefined) assert.equal(spec.levelDbm0, levelDbm0);
}

test('plan values match ITU-T E.180 Supp. 2 / national specifications (spot checks)', () => {
  // North America, E.300 Supp. 3 precise tone plan: levels per frequency.
  const us = tonePlan('US');
  expectTone(us.dial, [350, 440], [], -13);
  expectTone(us.ringback, [440, 480], [2000, 4000], -19);
  expectTone(us.busy, [480, 620], [500, 500], -24);
  expectTone(us.reorder, [480, 620], [250, 250], -24);
  assert.deepEqual([...us.ring.cadence], [2000, 4000]);
  assert.deepEqual(tonePlan('CA').dial, us.dial);
  // United Kingdom, BT SIN 350. (The brief said 350+450 Hz for GB dial tone;
  // SIN 350 and E.180 Supp. 2 give 350+440 Hz, which is what the plan uses.)
  const gb = tonePlan('GB');
  expectTone(gb.dial, [350, 440], []);
  expectTone(gb.ringback, [400, 450], [400, 200, 400, 2000]);
  expectTone(gb.busy, [400], [375, 375]);
  assert.deepEqual([...gb.ring.cadence], [400, 200, 400, 2000]);
  // Germany.
  const de = tonePlan('DE');
  expectTone(de.dial, [425], []);
  expectTone(de.busy, [425], [480, 480]);
  expectTone(de.reorder, [425], [240, 240]);
  expectTone(de.ringback, [425], [1000, 4000]);
  expectTone(de.stutter, [425, 400], []);
  assert.deepEqual([...de.ring.cadence], [1000, 4000]);
  // France: 440 Hz throughout.
  const fr = tonePlan('FR');
  for (const kind of ['dial', 'ringback', 'busy', 'reorder', 'callWaiting'] as const) assert.deepEqual([...fr[kind].frequencies], [440]);
  expectTone(fr.ringback, [440], [1500, 3500]);
  // Japan: 400 Hz dial tone; ringback 400 Hz modulated by 16 Hz, 1 s on / 2 s off.
  const jp = tonePlan('JP');
  expectTone(jp.dial, [400], []);
  assert.deepEqual(jp.ringback.modulation, { carrier: 400, modulator: 16, depth: 0.9 });
  assert.deepEqual([...jp.ringback.cadence], [1000, 2000]);
  // Australia: 413+438 Hz dial tone. India: 400×25 Hz dial tone, 400 Hz busy 0.75/0.75.
  expectTone(tonePlan('AU').dial, [413, 438], []);
  assert.equal(tonePlan('IN').dial.modulation?.modulator, 25);
  expectTone(tonePlan('IN').busy, [400], [750, 750]);
});

test('toneComponents lists an AM tone as carrier and two sidebands', () => {
  const comps = toneComponents(tonePlan('IN').dial);
  assert.deepEqual(
    comps.map((c) => c.frequency),
    [375, 400, 425],
  );
  assert.ok(Math.abs((comps[0]?.levelDbm0 ?? 0) - (-16 + 20 * Math.log10(0.45))) < 1e-9);
});
