import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import { events, fakePlanner, Harness, only, profile, tones } from './test-support/fxs-harness.js';
import type { FxsConfig } from './fxs-types.js';

const INFO: CallerIdInfo = { number: '5559876543', name: 'BOB' };
// Type II run: alert 80 + ACK window 160 + ACK 65 + FSK delay 60 + FSK 400 + margin 40 = 805 ms.
const PLANNER = fakePlanner({ method: 'after-first-ring', dataMs: 1000, offHookMs: { alertMs: 80, fskMs: 400 } });

function connectedLine(config: Partial<FxsConfig> = {}): Harness {
  const h = new Harness({ callerIdPlanner: PLANNER, ...config });
  h.send({ type: 'ring' });
  h.advance(1000);
  h.send({ type: 'off-hook' });
  return h;
}

test('call waiting: speech muted, one burst, type II caller ID, speech back, a second burst 10 s later', () => {
  const h = connectedLine();
  const t0 = h.now;
  const a = h.send({ type: 'call-waiting', callerId: INFO });
  assert.deepEqual(a, [
    { type: 'media', on: false },
    { type: 'tone', tone: 'callWaiting' },
    { type: 'timer', name: 'cw', atMs: t0 + 300 },
  ]);
  const burstEnd = h.advance(t0 + 300).map((l) => l.action);
  assert.deepEqual(burstEnd, [
    { type: 'tone', tone: null },
    { type: 'caller-id', mode: 'off-hook', info: INFO },
    { type: 'timer', name: 'cw', atMs: t0 + 300 + 805 },
  ]);
  // The CPE's ACK is not a digit for the far end.
  assert.deepEqual(h.send({ type: 'dtmf', digit: 'D' }), []);
  const back = h.advance(t0 + 1105).map((l) => l.action);
  assert.deepEqual(back, [
    { type: 'media', on: true },
    { type: 'timer', name: 'cw', atMs: t0 + 10_000 },
  ]);
  assert.deepEqual(events(h.send({ type: 'dtmf', digit: '5' })), ['digit']);
  const second = h.advance(t0 + 10_300).map((l) => l.action);
  assert.deepEqual(second, [
    { type: 'media', on: false },
    { type: 'tone', tone: 'callWaiting' },
    { type: 'timer', name: 'cw', atMs: t0 + 10_300 },
    { type: 'tone', tone: null },
    { type: 'media', on: true },
  ]);
  assert.deepEqual(h.advance(t0 + 60_000), []);
  assert.deepEqual(h.state.phase, { name: 'connected', cw: { callerId: INFO, stage: 'done', bursts: 2, firstBurstMs: t0 } });
});

test('flash during call waiting: the call layer swaps; the tone and type II stop', () => {
  const h = connectedLine();
  h.send({ type: 'call-waiting', callerId: INFO });
  h.advance(h.now + 300);
  const a = h.send({ type: 'flash' });
  assert.deepEqual(a, [
    { type: 'caller-id-stop' },
    { type: 'cancel-timer', name: 'cw' },
    { type: 'media', on: true },
    { type: 'event', event: { type: 'flash' } },
  ]);
  assert.deepEqual(h.state.phase, { name: 'connected' });
});

test('the waiting caller gives up during the burst: tone off, speech back', () => {
  const h = connectedLine();
  h.send({ type: 'call-waiting' });
  h.advance(h.now + 100);
  const a = h.send({ type: 'call-waiting-end' });
  assert.deepEqual(a, [
    { type: 'tone', tone: null },
    { type: 'cancel-timer', name: 'cw' },
    { type: 'media', on: true },
  ]);
});

test('a ring marked call-waiting while off hook is call waiting; otherwise ignored', () => {
  const h = connectedLine();
  assert.deepEqual(h.send({ type: 'ring', callerId: INFO }), []);
  assert.deepEqual(tones(h.send({ type: 'ring', callerId: INFO, callWaiting: true })), ['callWaiting']);
  // A second waiting call while one waits: ignored.
  assert.deepEqual(h.send({ type: 'call-waiting' }), []);
});

test('no caller ID for the line or no FSK plan: the burst only', () => {
  const h = connectedLine({ callerId: false });
  h.send({ type: 'call-waiting', callerId: INFO });
  const end = h.advance(h.now + 300).map((l) => l.action);
  assert.deepEqual(only(end, 'caller-id'), []);
  assert.equal(h.state.media, true);
});

test('call waiting disabled: ignored', () => {
  const h = connectedLine({ callWaiting: false });
  assert.deepEqual(h.send({ type: 'call-waiting', callerId: INFO }), []);
});

test('hanging up during call waiting: hung-up, everything off', () => {
  const h = connectedLine();
  h.send({ type: 'call-waiting', callerId: INFO });
  const a = h.send({ type: 'on-hook' });
  assert.deepEqual(events(a), ['hung-up']);
  assert.equal(h.state.tone, null);
  assert.equal(h.state.media, false);
  assert.deepEqual(h.state.timers, {});
});

test('far-end hang-up during call waiting: the permanent signal, no stray burst later', () => {
  const h = connectedLine();
  h.send({ type: 'call-waiting', callerId: INFO });
  h.advance(h.now + 300);
  const a = h.send({ type: 'far-end-hangup' });
  assert.deepEqual(only(a, 'caller-id-stop').length, 1);
  assert.deepEqual(tones(a), ['reorder']);
  const later = h.advance(h.now + 15_000);
  assert.deepEqual(tones(later.map((l) => l.action)), []);
});

test('ETSI call-waiting tone (GB 100 ms, repeating every 3.1 s)', () => {
  const h = connectedLine({ profile: profile('GB'), callerIdPlanner: PLANNER });
  const t0 = h.now;
  h.send({ type: 'call-waiting' });
  assert.equal(h.armed('cw'), t0 + 100);
  h.advance(t0 + 100);
  assert.equal(h.armed('cw'), t0 + 3100);
});
