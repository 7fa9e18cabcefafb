/**
 * Diagnostic tests on a phone port (router rig, fake clock): ring, tone, loopback and
 * call-me, heard and felt by the virtual phone, and the port busy for calls meanwhile.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { DiagnosticRefused } from './diagnostic-calls.js';
import { routerRig, shareAt, sine, type RouterRig } from './test-support/router-rig.js';

const rigs: RouterRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

function rig(): RouterRig {
  const r = routerRig({ lines: [{ port: 1, kind: 'fxs', extension: '101' }, { port: 2, kind: 'fxs', extension: '102' }] });
  rigs.push(r);
  return r;
}

function offHook(r: RouterRig, port: number): void {
  r.phone(port).hook('off');
  assert.equal(r.until(port, 'dial', 1500), 'dial', `phone ${port} hears dial tone`);
}

function refusal(fn: () => void): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof DiagnosticRefused) return err.status;
    throw err;
  }
  return undefined;
}

test('ring: the phone rings with the test caller ID; picked up, it gets dial tone and the test ends', () => {
  const r = rig();
  r.router.diagnostics.ring(1, 10);
  assert.ok(r.runUntil(() => r.phone(1).state().callerId?.name === 'Dialtone test', 8000), 'caller ID shows the test');
  assert.deepEqual(r.router.diagnostics.active(), [{ port: 1, kind: 'ring' }]);
  r.phone(1).hook('off');
  assert.equal(r.until(1, 'dial', 2000), 'dial');
  assert.deepEqual(r.router.diagnostics.active(), []);
  assert.deepEqual(r.problems(), []);
});

test('ring: unanswered, it stops after its seconds; the port is busy for an intercom call meanwhile', async () => {
  const r = rig();
  r.router.diagnostics.ring(1, 10);
  offHook(r, 2);
  await r.dial(2, '101');
  assert.equal(r.until(2, 'busy', 3000), 'busy', 'the port under test is busy');
  r.run(10_500);
  assert.equal(r.phone(1).state().ringing, false);
  assert.deepEqual(r.router.diagnostics.active(), []);
});

test('tone: the 1004 Hz test tone at dial tone, then dial tone again; refused on hook and on an unknown port', () => {
  const r = rig();
  assert.equal(refusal(() => r.router.diagnostics.tone(1, 'test', 5)), 409, 'on hook');
  assert.equal(refusal(() => r.router.diagnostics.tone(9, 'test', 5)), 404, 'no such port');
  offHook(r, 1);
  r.router.diagnostics.tone(1, 'test', 2);
  r.run(1000);
  const heard = r.phone(1).recording(0.5);
  assert.ok(shareAt(heard, 1004) > 0.8, `1004 Hz dominates (${shareAt(heard, 1004).toFixed(2)})`);
  assert.equal(refusal(() => r.router.diagnostics.tone(1, 'busy', 5)), 409, 'one test at a time');
  assert.equal(r.until(1, 'dial', 3000), 'dial', 'dial tone after the test');
  r.router.diagnostics.tone(1, 'busy', 3);
  assert.equal(r.until(1, 'busy', 2500), 'busy', "the region's busy tone");
});

test('loopback: the phone hears its own microphone; hanging up ends it', () => {
  const r = rig();
  offHook(r, 1);
  r.router.diagnostics.loopback(1);
  void r.phone(1).play(sine(700, 1000));
  r.run(600);
  const heard = r.phone(1).recording(0.3);
  assert.ok(shareAt(heard, 700) > 0.8, `its own 700 Hz comes back (${shareAt(heard, 700).toFixed(2)})`);
  r.phone(1).hook('on');
  r.run(1500);
  assert.deepEqual(r.router.diagnostics.active(), []);
});

test('call me: rings, plays the announcement when answered, then echoes, then hangs up', () => {
  const r = rig();
  r.router.diagnostics.callMe(1);
  assert.ok(r.runUntil(() => r.phone(1).state().ringing, 3000));
  r.phone(1).hook('off');
  r.run(2000);
  assert.equal(r.phone(1).state().hearing, 'voice', 'the announcement plays');
  r.run(9000);
  void r.phone(1).play(sine(700, 2000));
  r.run(1000);
  assert.ok(shareAt(r.phone(1).recording(0.3), 700) > 0.8, 'the echo part returns the voice');
  r.run(12_000);
  assert.deepEqual(r.router.diagnostics.active(), [], 'the box hung up');
  assert.notEqual(r.phone(1).state().hearing, 'voice');
});
