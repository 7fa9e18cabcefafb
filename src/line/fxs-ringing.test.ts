import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import { samplesMs } from './fxs-config.js';
import { profileCallerIdPlanner } from './fxs-line.js';
import { events, fakePlanner, Harness, only, profile, ringTimeline, type Logged } from './test-support/fxs-harness.js';
import type { FxsAction } from './fxs-types.js';

const INFO: CallerIdInfo = { number: '5551234567', name: 'ALICE', time: { month: 11, day: 21, hour: 9, minute: 30 } };

function cid(log: readonly Logged[]): [number, string][] {
  return log.flatMap((l): [number, string][] => {
    const a: FxsAction = l.action;
    if (a.type === 'caller-id') return [[l.atMs, a.mode === 'on-hook' ? a.part : 'off-hook']];
    if (a.type === 'caller-id-stop') return [[l.atMs, 'stop']];
    if (a.type === 'polarity') return [[l.atMs, a.reversed ? 'reversed' : 'normal']];
    return [];
  });
}

test('ringing without caller ID follows the region cadence at the region frequency', () => {
  const h = new Harness();
  const a = h.send({ type: 'ring' });
  assert.deepEqual(only(a, 'ring'), [{ type: 'ring', on: true, frequencyHz: 20 }]);
  h.advance(13_000);
  assert.deepEqual(ringTimeline(h.log), [
    [0, true],
    [2000, false],
    [6000, true],
    [8000, false],
    [12000, true],
  ]);
});

test('UK cadence 0.4/0.2/0.4/2.0 s at 25 Hz', () => {
  const h = new Harness({ profile: profile('GB'), callerId: false });
  h.send({ type: 'ring' });
  h.advance(3100);
  assert.deepEqual(ringTimeline(h.log), [
    [0, true],
    [400, false],
    [600, true],
    [1000, false],
    [3000, true],
  ]);
  assert.equal(only(h.log.map((l) => l.action), 'ring')[0]?.frequencyHz, 25);
});

test('off hook during ringing: ring trip at once, answered, media on; the ring timer is cancelled', () => {
  const h = new Harness();
  h.send({ type: 'ring' });
  h.advance(7000); // inside the second ring
  const a = h.send({ type: 'off-hook' });
  assert.deepEqual(a, [
    { type: 'ring', on: false, frequencyHz: 20 },
    { type: 'cancel-timer', name: 'ring' },
    { type: 'event', event: { type: 'answered' } },
    { type: 'media', on: true },
  ]);
  assert.deepEqual(h.apply({ type: 'timer', name: 'ring', atMs: 8000 }), []);
  assert.equal(h.state.phase.name, 'connected');
});

test('off hook in the silent part of the cadence answers too', () => {
  const h = new Harness();
  h.send({ type: 'ring' });
  h.advance(3000);
  const a = h.send({ type: 'off-hook' });
  assert.deepEqual(events(a), ['answered']);
  assert.deepEqual(only(a, 'ring'), []);
});

test('after-first-ring caller ID (GR-30): data waitMs after the first ring, second ring on cadence', () => {
  const h = new Harness({ callerIdPlanner: fakePlanner({ method: 'after-first-ring', dataMs: 1000 }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(12_500);
  assert.deepEqual(cid(h.log), [[2500, 'data']]);
  assert.deepEqual(ringTimeline(h.log), [
    [0, true],
    [2000, false],
    [6000, true],
    [8000, false],
    [12000, true],
  ]);
  const data = only(h.log.map((l) => l.action), 'caller-id')[0];
  assert.deepEqual(data, { type: 'caller-id', mode: 'on-hook', part: 'data', info: INFO });
});

test('after-first-ring: long data stretches the first silence to keep ringAfterMs', () => {
  const h = new Harness({ callerIdPlanner: fakePlanner({ method: 'after-first-ring', dataMs: 3500 }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(20_000);
  // data 2500–6000, +200 ms: the second ring at 6200, then the cadence from there.
  assert.deepEqual(ringTimeline(h.log), [
    [0, true],
    [2000, false],
    [6200, true],
    [8200, false],
    [12200, true],
    [14200, false],
    [18200, true],
  ]);
});

test('UK-style multi-burst cadence: the data goes in the first long silence', () => {
  const h = new Harness({ profile: profile('GB'), callerIdPlanner: fakePlanner({ method: 'after-first-ring', dataMs: 1000 }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(3100);
  assert.deepEqual(cid(h.log), [[1500, 'data']]);
  // 1500 + 1000 + 200 = 2700 ≤ 3000: the cadence is kept.
  assert.deepEqual(ringTimeline(h.log).at(-1), [3000, true]);
});

test('off hook during the caller-ID data stops it', () => {
  const h = new Harness({ callerIdPlanner: fakePlanner({ method: 'after-first-ring', dataMs: 1000 }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(3000);
  const a = h.send({ type: 'off-hook' });
  assert.deepEqual(only(a, 'caller-id-stop').length, 1);
  assert.deepEqual(events(a), ['answered']);
  assert.deepEqual(only(a, 'cancel-timer').map((c) => c.name).sort(), ['ring']);
  // After the data: nothing to stop.
  const g = new Harness({ callerIdPlanner: fakePlanner({ method: 'after-first-ring', dataMs: 1000 }) });
  g.send({ type: 'ring', callerId: INFO });
  g.advance(4000);
  assert.deepEqual(only(g.send({ type: 'off-hook' }), 'caller-id-stop'), []);
});

test('DT-AS with line reversal (EN 300 659-1, SIN 227): reversal, alert, data, then the first ring', () => {
  const h = new Harness({ profile: profile('GB'), polarityReversal: true, callerIdPlanner: fakePlanner({ method: 'dt-as', dataMs: 1000, lineReversal: true }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(2000);
  // reversal at 0, lead 100, DT-AS 100 ms, wait 60, data 1000 ms, ring after 200.
  assert.deepEqual(cid(h.log), [
    [0, 'reversed'],
    [100, 'alerting'],
    [260, 'data'],
    [1460, 'normal'],
  ]);
  assert.deepEqual(ringTimeline(h.log)[0], [1460, true]);
});

test('DT-AS off hook during the alerting signal stops it and restores polarity', () => {
  const h = new Harness({ profile: profile('GB'), polarityReversal: true, callerIdPlanner: fakePlanner({ method: 'dt-as', dataMs: 1000, lineReversal: true }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(150);
  const a = h.send({ type: 'off-hook' });
  assert.deepEqual(a, [
    { type: 'caller-id-stop' },
    { type: 'polarity', reversed: false },
    { type: 'cancel-timer', name: 'cid' },
    { type: 'event', event: { type: 'answered' } },
    { type: 'media', on: true },
  ]);
});

test('line reversal not supported by the board: no reversal and no lead time', () => {
  const h = new Harness({ profile: profile('DE'), callerIdPlanner: fakePlanner({ method: 'line-reversal', dataMs: 500, lineReversal: true }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(1000);
  assert.deepEqual(cid(h.log), [[150, 'data']]);
  assert.deepEqual(ringTimeline(h.log)[0], [850, true]);
});

test('RP-AS: a ring pulse, the data 500 ms after it, then ringing', () => {
  const h = new Harness({ profile: profile('DE'), callerIdPlanner: fakePlanner({ method: 'rp-as', dataMs: 1000 }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(2000);
  assert.deepEqual(cid(h.log), [[750, 'data']]);
  assert.deepEqual(ringTimeline(h.log).slice(0, 3), [
    [0, true],
    [250, false],
    [1950, true],
  ]);
});

test('the region planner: data length from the real FSK samples', () => {
  const p = profile('US');
  const plan = profileCallerIdPlanner(p).onHook(INFO);
  assert.ok(plan !== undefined && 'fsk' in plan);
  const dataMs = samplesMs(plan.fsk);
  assert.ok(dataMs > 300 && dataMs < 1500, `data ${dataMs} ms`);
  const h = new Harness({ profile: p });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(6500);
  assert.deepEqual(cid(h.log), [[2500, 'data']]);
  assert.deepEqual(ringTimeline(h.log).at(-1), [6000, true]);
});

test('caller ID off for the line: no data, plain ringing', () => {
  const h = new Harness({ callerId: false });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(7000);
  assert.deepEqual(cid(h.log), []);
});

test('stop-ring: ringer off, timers cancelled, caller-ID data cut, idle', () => {
  const h = new Harness({ callerIdPlanner: fakePlanner({ method: 'after-first-ring', dataMs: 1000 }) });
  h.send({ type: 'ring', callerId: INFO });
  h.advance(1000);
  const a = h.send({ type: 'stop-ring' });
  assert.deepEqual(a, [
    { type: 'ring', on: false, frequencyHz: 20 },
    { type: 'cancel-timer', name: 'ring' },
    { type: 'cancel-timer', name: 'cid' },
  ]);
  assert.equal(h.state.phase.name, 'idle');
  assert.deepEqual(h.advance(10_000), []);
});

test('MWI during ringing waits for idle; ringing waits for an MWI message on the air', () => {
  const h = new Harness();
  h.send({ type: 'ring' });
  assert.deepEqual(only(h.send({ type: 'mwi', waiting: true }), 'mwi-indication'), []);
  h.advance(1000);
  const stop = h.send({ type: 'stop-ring' });
  assert.deepEqual(only(stop, 'mwi-indication'), [{ type: 'mwi-indication', waiting: true }]);
  h.advance(1500);
  const ring = h.send({ type: 'ring' });
  assert.deepEqual(only(ring, 'ring'), []);
  assert.equal(h.armed('cid'), 3000); // 1000 + mwiIndicationMs
  h.advance(3000);
  assert.deepEqual(ringTimeline(h.log).at(-1), [3000, true]);
});

test('a second ring command while ringing is ignored', () => {
  const h = new Harness();
  h.send({ type: 'ring' });
  h.advance(500);
  assert.deepEqual(h.send({ type: 'ring', callerId: INFO }), []);
});

test('caller ID the region cannot encode (a bad date) rings without it, never throws', () => {
  const h = new Harness();
  h.send({ type: 'ring', callerId: { number: '555', time: { month: 13, day: 1, hour: 0, minute: 0 } } });
  h.advance(7000);
  assert.deepEqual(cid(h.log), []);
  assert.deepEqual(ringTimeline(h.log).at(-1), [6000, true]);
});

test('an input stamped earlier than the last one (clock step) does not break the cadence', () => {
  const h = new Harness();
  h.now = 10_000;
  h.send({ type: 'ring' });
  const a = h.apply({ type: 'timer', name: 'ring', atMs: 5000 }); // stale: before its due time
  assert.deepEqual(a, []);
  h.now = 4000;
  assert.doesNotThrow(() => h.send({ type: 'mwi', waiting: true }));
  h.advance(12_000);
  assert.deepEqual(ringTimeline(h.log).at(-1), [12_000, false]);
});
