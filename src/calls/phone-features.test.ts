/**
 * Call waiting, 3-way calling and transfer on the simulated board, through the call
 * router with a fake clock: a landline call and an intercom call are the two calls
 * (no SIP needed), and who hears whom is measured on the virtual devices' audio.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Line } from '../config/provisioning-schema.js';
import { routerRig, shareAt, sine, type RouterRig } from './test-support/router-rig.js';

const FXO = 3;
const HANG_UP_MS = 1500;
/** What each party says: a tone of its own. */
const HZ = { phone1: 700, phone2: 1300, landline: 1000 } as const;
type Party = keyof typeof HZ;

const rigs: RouterRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

function rig(port2: Partial<Line> = {}): RouterRig {
  const r = routerRig({
    lines: [
      { port: 1, kind: 'fxs', extension: '101', name: 'Kitchen' },
      { port: 2, kind: 'fxs', extension: '102', name: 'Den', ...port2 },
      { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [1] },
    ],
  });
  rigs.push(r);
  return r;
}

function device(r: RouterRig, p: Party): { play(pcm: Int16Array): Promise<void>; recording(s: number): Int16Array } {
  return p === 'landline' ? r.landline(FXO) : r.phone(p === 'phone1' ? 1 : 2);
}

/** `speaker` talks for a second: returns the share of its tone in what each listener heard. */
function talk(r: RouterRig, speaker: Party, listeners: readonly Party[]): Record<string, number> {
  void device(r, speaker).play(sine(HZ[speaker], 1200));
  r.run(1000);
  const heard = Object.fromEntries(listeners.map((l) => [l, shareAt(device(r, l).recording(0.5), HZ[speaker])]));
  r.run(600);
  return heard;
}

function assertHears(r: RouterRig, speaker: Party, yes: readonly Party[], no: readonly Party[]): void {
  const heard = talk(r, speaker, [...yes, ...no]);
  for (const l of yes) assert.ok((heard[l] ?? 0) > 0.3, `${l} hears ${speaker} (${JSON.stringify(heard)})`);
  for (const l of no) assert.ok((heard[l] ?? 0) < 0.05, `${l} does not hear ${speaker} (${JSON.stringify(heard)})`);
}

/** The landline rings phone 1 with caller ID and phone 1 answers. */
function landlineCallOnPhone1(r: RouterRig): void {
  r.landline(FXO).ring({ number: '5551234', name: 'ALICE' });
  assert.ok(r.runUntil(() => r.phone(1).state().callerId !== null, 12_000), 'phone 1 rings with the caller ID');
  r.phone(1).hook('off');
  assert.ok(r.runUntil(() => r.router.active()[0]?.state === 'connected', 3000), 'the landline call is up');
  r.run(500);
}

async function flash(r: RouterRig, port: number): Promise<void> {
  const done = r.phone(port).flash();
  r.run(1200);
  await done;
}

async function dial(r: RouterRig, port: number, digits: string): Promise<void> {
  await r.dial(port, digits);
}

test('call waiting: phone 1 on the landline hears the waiting tone for phone 2\'s call; flash answers it, flash swaps back', async () => {
  const r = rig();
  landlineCallOnPhone1(r);
  r.phone(2).hook('off');
  r.run(500);
  await dial(r, 2, '101#');
  // The call-waiting burst (NANP 440 Hz, 300 ms) came and went while phone 2 dialled.
  const cwShare = shareAt(r.phone(1).recording(1.5), 440);
  // The type II alert (CAS, 2130 + 2750 Hz) follows the burst in the same window and is louder; without a burst the share is ~0.
  assert.ok(cwShare > 0.05, `phone 1 heard the call-waiting tone (${cwShare.toFixed(2)} of the power at 440 Hz)`);
  assert.equal(r.until(1, 'callwaiting', 12_000), 'callwaiting', 'the second burst, 10 s after the first');
  assert.equal(r.until(2, 'ringback', 3000), 'ringback', 'phone 2 hears ringback');
  assert.equal(r.phone(1).state().ringing, false, 'a phone in a call is never rung');

  await flash(r, 1);
  assert.ok(r.runUntil(() => r.router.active().filter((c) => c.state === 'connected').length === 2, 2000), 'both calls are up');
  assertHears(r, 'phone2', ['phone1'], ['landline']);
  assertHears(r, 'phone1', ['phone2'], ['landline']);

  await flash(r, 1);
  assertHears(r, 'phone1', ['landline'], ['phone2']);
  assertHears(r, 'landline', ['phone1'], ['phone2']);
  assert.deepEqual(r.problems(), []);
});

test('call waiting off: a second call finds the phone busy', async () => {
  const r = routerRig({
    lines: [
      { port: 1, kind: 'fxs', extension: '101', features: { callWaiting: false } },
      { port: 2, kind: 'fxs', extension: '102' },
      { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [1] },
    ],
  });
  rigs.push(r);
  landlineCallOnPhone1(r);
  r.phone(2).hook('off');
  r.run(500);
  await dial(r, 2, '101#');
  assert.equal(r.until(2, 'busy', 3000), 'busy');
  assert.notEqual(r.phone(1).state().hearing, 'callwaiting');
});

test('hanging up with a call on hold rings the phone back for it; answering takes it back', async () => {
  const r = rig();
  landlineCallOnPhone1(r);
  r.phone(2).hook('off');
  r.run(500);
  await dial(r, 2, '101#');
  await flash(r, 1);
  r.run(500);
  r.phone(1).hook('on');
  r.run(HANG_UP_MS);
  assert.equal(r.until(2, 'reorder', 3000), 'reorder', 'the intercom call ended: phone 2 hears the disconnect tone');
  assert.ok(r.runUntil(() => r.phone(1).state().ringing, 3000), 'phone 1 rings again for the held landline call');
  assert.equal(r.landline(FXO).state().offHook, true, 'the landline stays held');
  r.phone(1).hook('off');
  r.run(500);
  assertHears(r, 'landline', ['phone1'], []);
});

test('3-way: flash, dial phone 2, it answers, flash joins all three; flash again drops phone 2', async () => {
  const r = rig();
  landlineCallOnPhone1(r);
  await flash(r, 1);
  assert.equal(r.until(1, 'dial', 2000), 'dial', 'dial tone with the landline on hold');
  await dial(r, 1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 2000), 'phone 2 rings');
  assertHears(r, 'landline', [], ['phone1']);
  r.phone(2).hook('off');
  r.run(800);
  assertHears(r, 'phone2', ['phone1'], ['landline']);

  await flash(r, 1);
  assertHears(r, 'landline', ['phone1', 'phone2'], []);
  assertHears(r, 'phone2', ['phone1', 'landline'], []);
  assertHears(r, 'phone1', ['phone2', 'landline'], []);

  await flash(r, 1);
  assert.equal(r.until(2, 'reorder', 3000), 'reorder', 'phone 2 was dropped');
  assertHears(r, 'phone1', ['landline'], []);
  assert.equal(r.router.active().length, 1);
  assert.deepEqual(r.problems(), []);
});

test('3-way: flash while the second call rings drops it and goes back to the first', async () => {
  const r = rig();
  landlineCallOnPhone1(r);
  await flash(r, 1);
  await dial(r, 1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 2000));
  await flash(r, 1);
  assert.ok(r.runUntil(() => !r.phone(2).state().ringing, 7000), 'phone 2 stops ringing');
  assertHears(r, 'landline', ['phone1'], []);
  assert.equal(r.router.active().length, 1);
});

test('attended transfer: phone 1 calls phone 2 with the landline held and hangs up: the landline and phone 2 talk', async () => {
  const r = rig();
  landlineCallOnPhone1(r);
  await flash(r, 1);
  await dial(r, 1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 2000));
  r.phone(2).hook('off');
  r.run(800);
  r.phone(1).hook('on');
  r.run(HANG_UP_MS);
  assertHears(r, 'landline', ['phone2'], ['phone1']);
  assertHears(r, 'phone2', ['landline'], []);
  assert.equal(r.phone(1).state().ringing, false, 'phone 1 is out of it');

  // Phone 1 is free for a new call meanwhile.
  r.phone(1).hook('off');
  assert.equal(r.until(1, 'dial', 2000), 'dial');
  r.phone(1).hook('on');
  r.run(HANG_UP_MS);

  r.phone(2).hook('on');
  r.run(HANG_UP_MS);
  assert.ok(r.runUntil(() => !r.landline(FXO).state().offHook, 2000), 'the landline is released when phone 2 hangs up');
  assert.equal(r.router.active().length, 0);
  assert.deepEqual(r.problems(), []);
});

test('blind transfer: phone 1 hangs up while phone 2 still rings; phone 2 answers and talks to the landline', async () => {
  const r = rig();
  landlineCallOnPhone1(r);
  await flash(r, 1);
  await dial(r, 1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 2000));
  r.phone(1).hook('on');
  r.run(HANG_UP_MS);
  assert.ok(r.phone(2).state().ringing || r.router.active().some((c) => c.ringing.includes(2)), 'phone 2 keeps ringing');
  r.phone(2).hook('off');
  r.run(800);
  assertHears(r, 'landline', ['phone2'], []);
  assertHears(r, 'phone2', ['landline'], []);
  r.landline(FXO).hangup();
  assert.equal(r.until(2, 'reorder', 4000), 'reorder', 'the landline hung up: phone 2 hears the disconnect tone');
});
