/**
 * The call router end to end on the simulated board: virtual phones and a virtual
 * landline, the FXS/FXO port runtimes built from a real ConfigStore (temp dir) the
 * way lines-service.ts builds them, a fake clock, and no SIP. Everything is driven
 * and observed through the virtual devices, the router's `active()` and the CDRs.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Line } from '../config/provisioning-schema.js';
import { routerRig, shareAt, sine, type RouterRig, type RouterRigOptions } from './test-support/router-rig.js';

const LINES: Line[] = [
  { port: 1, kind: 'fxs', extension: '101', name: 'Kitchen' },
  { port: 2, kind: 'fxs', extension: '102' },
  { port: 3, kind: 'fxo', prefix: '9' },
];
const FXO = 3;
const ALICE = { number: '5551234', name: 'ALICE' };
/** Long enough for the hook decoder to take an on-hook as a hang-up (US flash window up to 1.1 s). */
const HANG_UP_MS = 1500;
const MIC_HZ = 700;
const FAR_HZ = 1000;

const rigs: RouterRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

function rig(opts: Partial<RouterRigOptions> = {}): RouterRig {
  const r = routerRig({ lines: LINES, ...opts });
  rigs.push(r);
  return r;
}

/** Lifts the handset, waits for dial tone, dials by DTMF. */
async function call(r: RouterRig, port: number, digits: string): Promise<void> {
  r.phone(port).hook('off');
  assert.equal(r.until(port, 'dial', 1500), 'dial', `phone ${port} hears dial tone`);
  await r.dial(port, digits);
}

function hangUp(r: RouterRig, port: number): void {
  r.phone(port).hook('on');
  r.run(HANG_UP_MS);
}

/** A tone into phone `from`'s microphone is heard by phone `to`, as speech. */
function assertPhoneToPhone(r: RouterRig, from: number, to: number, hz: number): void {
  assert.equal(r.until(to, 'silence', 2000), 'silence', `phone ${to} hears nothing before phone ${from} speaks`);
  void r.phone(from).play(sine(hz, 1500));
  r.run(1000);
  assert.equal(r.phone(to).state().hearing, 'voice', `phone ${to} hears phone ${from}`);
  const share = shareAt(r.phone(to).recording(0.5), hz);
  assert.ok(share > 0.5, `phone ${to} hears ${hz} Hz (${share.toFixed(2)} of the power)`);
  r.run(1000);
}

/** The far end on the landline speaks into phone `to`, and phone `to` into the landline. */
function assertLandlineBothWays(r: RouterRig, port: number): void {
  const landline = r.landline(FXO);
  const phone = r.phone(port);
  assert.equal(r.until(port, 'silence', 3000), 'silence');
  void landline.play(sine(FAR_HZ, 1500));
  r.run(1000);
  assert.equal(phone.state().hearing, 'voice', `phone ${port} hears the landline`);
  assert.ok(shareAt(phone.recording(0.5), FAR_HZ) > 0.5, `phone ${port} hears the far end's ${FAR_HZ} Hz`);
  r.run(1000);
  void phone.play(sine(MIC_HZ, 1500));
  r.run(1000);
  assert.equal(landline.state().hearing, 'voice', `the landline hears phone ${port}`);
  assert.ok(shareAt(landline.recording(0.5), MIC_HZ) > 0.5, `the landline hears phone ${port}'s ${MIC_HZ} Hz`);
  r.run(1000);
}

/** Rings the landline (unless it already rings) and waits until phones ring with its caller ID (or `maxMs`). */
function landlineRings(r: RouterRig, ports: readonly number[], maxMs = 12_000): void {
  if (!r.landline(FXO).state().ringing) r.landline(FXO).ring(ALICE);
  const ok = r.runUntil(() => ports.every((p) => r.phone(p).state().callerId !== null), maxMs);
  assert.ok(ok, `phones ${ports.join(', ')} got the caller ID: ${JSON.stringify(ports.map((p) => r.phone(p).state()))}`);
}

test('intercom: 102 rings phone 2 with caller ID, answering joins the audio, hanging up gives the disconnect tone and a CDR', async () => {
  const r = rig();
  const p2 = r.phone(2);
  await call(r, 1, '102#');
  assert.ok(r.runUntil(() => p2.state().ringing, 1000), 'phone 2 rings');
  assert.equal(r.until(1, 'ringback', 3000), 'ringback', 'phone 1 hears ringback');
  assert.ok(r.runUntil(() => p2.state().callerId !== null, 6000), 'caller ID arrives');
  assert.deepEqual({ ...p2.state().callerId, time: undefined }, { number: '101', name: 'Kitchen', time: undefined });
  const ringing = r.router.active();
  assert.equal(ringing.length, 1);
  assert.deepEqual(
    { direction: ringing[0]?.direction, state: ringing[0]?.state, from: ringing[0]?.from, to: ringing[0]?.to, port: ringing[0]?.port, ringing: ringing[0]?.ringing, phones: ringing[0]?.phones, via: ringing[0]?.via },
    { direction: 'internal', state: 'ringing', from: '101', to: '102', port: 1, ringing: [2], phones: [1], via: 'intercom' },
  );

  p2.hook('off');
  r.run(300);
  assert.equal(p2.state().ringing, false);
  const up = r.router.active();
  assert.equal(up[0]?.state, 'connected');
  assert.notEqual(up[0]?.answeredAt, null);
  assert.deepEqual(up[0]?.phones, [1, 2], 'both phones are in the call, the caller first');
  assert.equal(r.until(1, 'silence', 2000), 'silence', 'ringback stops on answer');

  assertPhoneToPhone(r, 1, 2, MIC_HZ);
  assertPhoneToPhone(r, 2, 1, FAR_HZ);

  hangUp(r, 2);
  assert.equal(r.until(1, 'reorder', 4000), 'reorder', 'phone 1 hears the US disconnect tone (reorder)');
  assert.deepEqual(r.router.active(), []);
  const cdrs = r.store.cdrs.list();
  assert.equal(cdrs.length, 1);
  const cdr = cdrs[0];
  assert.deepEqual(
    { direction: cdr?.direction, disposition: cdr?.disposition, port: cdr?.port, from: cdr?.from, to: cdr?.to, account: cdr?.account },
    { direction: 'internal', disposition: 'answered', port: 1, from: '101', to: '102', account: null },
  );
  assert.ok(cdr !== undefined && cdr.answeredAt !== null && cdr.answeredAt >= cdr.startedAt && cdr.endedAt > cdr.answeredAt);
  hangUp(r, 1);
  assert.deepEqual(r.problems(), []);
});

test('intercom to a phone that is off hook: busy tone, a busy CDR, no call left', async () => {
  const r = rig();
  r.phone(2).hook('off');
  r.run(500);
  await call(r, 1, '102#');
  assert.equal(r.until(1, 'busy', 4000), 'busy');
  assert.equal(r.phone(2).state().rings, 0);
  assert.deepEqual(r.router.active(), []);
  assert.deepEqual(r.store.cdrs.list().map((c) => [c.direction, c.disposition, c.port]), [['internal', 'busy', 1]]);
});

test('intercom to a phone already in a call, without call waiting: busy tone', async () => {
  const r = rig({ lines: [LINES[0] as Line, { port: 2, kind: 'fxs', extension: '102', features: { callWaiting: false } }, { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [2] }] });
  landlineRings(r, [2]);
  r.phone(2).hook('off');
  r.run(1500);
  assert.equal(r.landline(FXO).state().offHook, true);
  await call(r, 1, '102#');
  assert.equal(r.until(1, 'busy', 4000), 'busy');
  assert.equal(r.router.active().length, 1, 'the landline call goes on');
});

test('intercom to a phone on do-not-disturb: busy tone', async () => {
  const r = rig({ lines: [LINES[0] as Line, { port: 2, kind: 'fxs', extension: '102', features: { dnd: true } }, LINES[2] as Line] });
  await call(r, 1, '102#');
  assert.equal(r.until(1, 'busy', 4000), 'busy');
  r.run(6000);
  assert.equal(r.phone(2).state().rings, 0);
});

test('the caller hangs up before the answer: phone 2 stops ringing, the CDR says cancelled', async () => {
  const r = rig();
  await call(r, 1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 1000));
  r.run(1000);
  hangUp(r, 1);
  assert.equal(r.phone(2).state().ringing, false);
  const rings = r.phone(2).state().rings;
  r.run(10_000);
  assert.equal(r.phone(2).state().rings, rings, 'no more rings');
  assert.deepEqual(r.router.active(), []);
  const cdr = r.store.cdrs.list()[0];
  assert.deepEqual([cdr?.direction, cdr?.disposition, cdr?.port, cdr?.answeredAt], ['internal', 'cancelled', 1, null]);
  // Phone 2 is free again: lifting it gives dial tone, not a call.
  r.phone(2).hook('off');
  assert.equal(r.until(2, 'dial', 1500), 'dial');
});

test('landline in: every phone rings with its caller ID, the first to answer seizes the line, audio both ways, the far end hangs up', () => {
  const r = rig();
  const landline = r.landline(FXO);
  landline.ring(ALICE);
  r.run(2500);
  const early = r.router.active();
  assert.equal(early.length, 1, 'the call exists from the first ring');
  assert.deepEqual([early[0]?.direction, early[0]?.via, early[0]?.ringing], ['inbound', 'landline', []], 'phones wait for the caller ID');
  landlineRings(r, [1, 2]);
  for (const p of [1, 2]) {
    const cid = r.phone(p).state().callerId;
    assert.deepEqual([cid?.number, cid?.name], ['5551234', 'ALICE'], `phone ${p}'s caller ID`);
  }
  const ringing = r.router.active()[0];
  assert.deepEqual([ringing?.from, ringing?.ringing], ['5551234', [1, 2]]);

  r.phone(2).hook('off');
  r.run(300);
  assert.equal(landline.state().offHook, true, 'the landline is seized');
  assert.equal(r.phone(1).state().ringing, false);
  const rings1 = r.phone(1).state().rings;
  r.run(1000);
  const up = r.router.active()[0];
  assert.deepEqual([up?.state, up?.port, up?.ringing], ['connected', 2, []]);

  assertLandlineBothWays(r, 2);
  assert.equal(r.phone(1).state().rings, rings1, 'phone 1 rang no more');

  landline.hangup();
  assert.equal(r.until(2, 'reorder', 5000), 'reorder', 'phone 2 hears the disconnect tone');
  assert.equal(landline.state().offHook, false, 'the landline is released');
  assert.deepEqual(r.router.active(), []);
  const cdr = r.store.cdrs.list()[0];
  assert.deepEqual(
    { direction: cdr?.direction, disposition: cdr?.disposition, port: cdr?.port, from: cdr?.from },
    { direction: 'inbound', disposition: 'answered', port: 2, from: '5551234' },
  );
  hangUp(r, 2);
  assert.deepEqual(r.problems(), []);
});

test('landline in, answered, the phone hangs up: the landline is released', () => {
  const r = rig();
  landlineRings(r, [1, 2]);
  r.phone(1).hook('off');
  r.run(1500);
  assert.equal(r.landline(FXO).state().offHook, true);
  hangUp(r, 1);
  assert.equal(r.landline(FXO).state().offHook, false);
  assert.deepEqual(r.router.active(), []);
  assert.deepEqual(r.store.cdrs.list().map((c) => [c.direction, c.disposition, c.port]), [['inbound', 'answered', 1]]);
});

test('landline in, the caller gives up: the phones stop ringing, CDR no_answer', () => {
  const r = rig();
  landlineRings(r, [1, 2]);
  r.landline(FXO).hangup();
  assert.ok(r.runUntil(() => r.router.active().length === 0, 10_000), 'the call ends once the ringing has stopped');
  assert.equal(r.phone(1).state().ringing, false);
  assert.equal(r.phone(2).state().ringing, false);
  const rings = [r.phone(1).state().rings, r.phone(2).state().rings];
  r.run(8000);
  assert.deepEqual([r.phone(1).state().rings, r.phone(2).state().rings], rings);
  assert.deepEqual(r.store.cdrs.list().map((c) => [c.direction, c.disposition]), [['inbound', 'no_answer']]);
});

test('ringsOnFxs: [2]: only phone 2 rings for the landline', () => {
  const r = rig({ lines: [...LINES.slice(0, 2), { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [2] }] });
  landlineRings(r, [2]);
  r.run(8000);
  assert.equal(r.phone(1).state().rings, 0);
  assert.equal(r.phone(1).state().callerId, null);
  assert.ok(r.phone(2).state().rings >= 2);
  assert.deepEqual(r.router.active()[0]?.ringing, [2]);
});

test('a phone off hook when the landline rings is left out', () => {
  const r = rig();
  r.phone(1).hook('off');
  r.run(500);
  landlineRings(r, [2]);
  r.run(4000);
  assert.equal(r.phone(1).state().rings, 0);
  assert.deepEqual(r.router.active()[0]?.ringing, [2]);
});

for (const how of ['#', 'the short timer'] as const) {
  test(`landline out: 9 5551234 (completed by ${how}) seizes the landline and dials 5551234, then audio both ways`, async () => {
    const r = rig();
    const landline = r.landline(FXO);
    await call(r, 1, how === '#' ? '95551234#' : '95551234');
    if (how === 'the short timer') {
      r.run(1000);
      assert.equal(landline.state().offHook, false, 'not before the interdigit timer');
      r.run(2500);
    }
    assert.ok(r.runUntil(() => landline.state().offHook, 500), 'the landline is seized');
    assert.ok(r.runUntil(() => landline.state().digitsDialed.length >= 7, 4000), `digits sent: ${landline.state().digitsDialed}`);
    r.run(1000);
    assert.equal(landline.state().digitsDialed, '5551234', 'the prefix is not sent down the line');
    const up = r.router.active()[0];
    assert.deepEqual([up?.direction, up?.via, up?.to, up?.port, up?.state], ['outbound', 'landline', '5551234', 1, 'connected']);
    assertLandlineBothWays(r, 1);
    hangUp(r, 1);
    assert.equal(landline.state().offHook, false, 'hanging up releases the landline');
    assert.deepEqual(r.router.active(), []);
    assert.deepEqual(r.store.cdrs.list().map((c) => [c.direction, c.disposition, c.port]), [['outbound', 'answered', 1]]);
  });
}

test('landline out: the landline prefix is not sent down the line', async () => {
  const r = rig();
  await call(r, 1, '95551234#');
  assert.ok(r.runUntil(() => r.landline(FXO).state().offHook, 500));
  r.run(4000);
  assert.equal(r.landline(FXO).state().digitsDialed, '5551234');
});

test('a dial-plan route to the landline with strip: the rewritten number goes out', async () => {
  const r = rig({ routes: [{ pattern: '8xxxxxxx', route: 'fxo', strip: 1 }] });
  await call(r, 1, '85551234');
  r.run(6000);
  assert.equal(r.landline(FXO).state().digitsDialed, '5551234');
});

test('dialling out while phone 2 talks on the landline: phone 1 hears busy, phone 2\'s call goes on', async () => {
  const r = rig({ lines: [...LINES.slice(0, 2), { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [2] }] });
  landlineRings(r, [2]);
  r.phone(2).hook('off');
  r.run(1500);
  assert.equal(r.router.active()[0]?.state, 'connected');
  await call(r, 1, '95550000#');
  r.run(3000);
  assert.deepEqual(r.router.active().map((c) => [c.direction, c.state, c.port]), [['inbound', 'connected', 2]], 'only phone 2\'s call is up');
  assert.equal(r.phone(2).state().hearing, 'silence', 'phone 2 is still in its call, not hearing reorder');
  assert.equal(r.phone(1).state().hearing, 'busy', 'phone 1 is told the landline is busy');
});

test('dialling out while the landline rings for phone 2: phone 1 hears busy, phone 2 keeps ringing', async () => {
  const r = rig({ lines: [...LINES.slice(0, 2), { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [2] }] });
  landlineRings(r, [2]);
  await call(r, 1, '95550000#');
  r.run(3000);
  assert.deepEqual(r.router.active().map((c) => [c.direction, c.state, c.ringing]), [['inbound', 'ringing', [2]]], 'only the landline call, ringing phone 2');
  assert.equal(r.phone(1).state().hearing, 'busy');
});

test('DND: *78 confirms and sets dnd; a landline call then rings only phone 2; *79 clears it', async () => {
  const r = rig();
  await call(r, 1, '*78');
  const port1 = r.fxs.get(1);
  assert.ok(r.runUntil(() => port1?.status().tone === 'confirmation', 1000), 'the confirmation tone plays');
  assert.notEqual(r.phone(1).state().hearing, 'silence');
  assert.ok(r.runUntil(() => port1?.status().tone !== 'confirmation', 3000), 'the confirmation tone ends');
  assert.equal(r.until(1, 'silence', 2000), 'silence', 'then silence');
  assert.equal(r.store.lines.get(1)?.features?.dnd, true);
  assert.deepEqual(r.router.active(), []);
  hangUp(r, 1);

  landlineRings(r, [2]);
  r.run(6000);
  assert.equal(r.phone(1).state().rings, 0, 'phone 1 is on do-not-disturb');
  assert.deepEqual(r.router.active()[0]?.ringing, [2]);
  r.landline(FXO).hangup();
  assert.ok(r.runUntil(() => r.router.active().length === 0, 10_000));
  r.run(9000); // a new call for the phones' displays

  await call(r, 1, '*79');
  assert.ok(r.runUntil(() => port1?.status().tone === 'confirmation', 1000));
  r.run(2000);
  assert.equal(r.store.lines.get(1)?.features?.dnd, false);
  hangUp(r, 1);
  landlineRings(r, [1, 2]);
  assert.deepEqual(r.router.active()[0]?.ringing, [1, 2]);
  // Setting the feature kept the rest of the line.
  assert.deepEqual({ ...r.store.lines.get(1), features: undefined }, { port: 1, kind: 'fxs', extension: '101', name: 'Kitchen', features: undefined });
});

test('*72 then a number sets forwardAll; *73 clears it', async () => {
  const r = rig();
  const port1 = r.fxs.get(1);
  await call(r, 1, '*72');
  assert.ok(r.runUntil(() => port1?.status().tone === 'confirmation', 1000), 'confirmation tone');
  assert.equal(r.until(1, 'dial', 3000), 'dial', 'dial tone again for the target');
  assert.equal(r.store.lines.get(1)?.features?.forwardAll, undefined, 'nothing set yet');
  await r.dial(1, '5551234#');
  assert.ok(r.runUntil(() => port1?.status().tone === 'confirmation', 1000), 'confirmation tone again');
  r.run(2000);
  assert.equal(r.store.lines.get(1)?.features?.forwardAll, '5551234');
  assert.deepEqual(r.router.active(), []);
  assert.deepEqual(r.store.cdrs.list(), [], 'a feature code is not a call');
  hangUp(r, 1);

  await call(r, 1, '*73');
  r.run(2000);
  assert.equal(r.store.lines.get(1)?.features?.forwardAll, undefined);
  hangUp(r, 1);
  assert.deepEqual(r.problems(), []);
});

test('*72, then hanging up: the next number is an ordinary call again', async () => {
  const r = rig();
  await call(r, 1, '*72');
  r.run(1500);
  hangUp(r, 1);
  await call(r, 1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 1000), 'phone 2 rings');
  assert.equal(r.store.lines.get(1)?.features?.forwardAll, undefined);
});

test('an unroutable number: reorder, no call left, no CDR', async () => {
  const r = rig();
  await call(r, 1, '5551234#');
  assert.equal(r.until(1, 'reorder', 4000), 'reorder');
  assert.deepEqual(r.router.active(), []);
  assert.deepEqual(r.store.cdrs.list(), []);
  assert.equal(r.landline(FXO).state().offHook, false);
  assert.equal(r.phone(2).state().rings, 0);
  assert.ok(r.log.entries.some((e) => e.msg === 'number not routed' && e.fields.number === '5551234'));
});

test('dialling one\'s own extension: reorder', async () => {
  const r = rig();
  await call(r, 1, '101#');
  assert.equal(r.until(1, 'reorder', 4000), 'reorder');
  assert.deepEqual(r.router.active(), []);
});

test('*66 with nothing dialled yet: reorder; after a call it dials the last number again', async () => {
  const r = rig();
  await call(r, 1, '*66');
  assert.equal(r.until(1, 'reorder', 4000), 'reorder');
  hangUp(r, 1);
  await call(r, 1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 1000));
  hangUp(r, 1);
  r.run(9000);
  assert.equal(r.phone(2).state().ringing, false);
  await call(r, 1, '*66');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 1000), 'the redial rings phone 2');
  assert.equal(r.router.active()[0]?.to, '102');
});

test('hotline: lifting the handset calls the hotline number', () => {
  const r = rig({ lines: [{ port: 1, kind: 'fxs', extension: '101', features: { hotline: '102' } }, ...LINES.slice(1)] });
  r.phone(1).hook('off');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 1500), 'phone 2 rings');
  assert.equal(r.until(1, 'ringback', 3000), 'ringback');
});

test('the anonymous prefix alone (*67) confirms and gives dial tone again', async () => {
  const r = rig();
  const port1 = r.fxs.get(1);
  await call(r, 1, '*67');
  // *67 completes on the region's *xx (or, at the latest, on the short timer of *67xx.T).
  assert.ok(r.runUntil(() => port1?.status().tone === 'confirmation', 4000), 'confirmation tone');
  assert.equal(r.until(1, 'dial', 3000), 'dial');
  // No SIP: the withheld-number intercom call still rings phone 2.
  await r.dial(1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 1000));
});

test('intercom caller ID names are cleaned like SIP names (accents dropped, not "?")', async () => {
  const r = rig({ lines: [{ port: 1, kind: 'fxs', extension: '101', name: 'Küche' }, ...LINES.slice(1)] });
  await call(r, 1, '102#');
  assert.ok(r.runUntil(() => r.phone(2).state().callerId !== null, 7000));
  assert.equal(r.phone(2).state().callerId?.name, 'Kuche');
});

test('stop() ends every call: ringing phones stop, the landline is released', () => {
  const r = rig();
  landlineRings(r, [1, 2]);
  r.phone(1).hook('off');
  r.run(1500);
  assert.equal(r.landline(FXO).state().offHook, true);
  r.router.stop();
  assert.equal(r.landline(FXO).state().offHook, false);
  assert.deepEqual(r.router.active(), []);
  assert.deepEqual(r.store.cdrs.list().map((c) => c.disposition), ['answered']);
});

test('message waiting on a port: its phone gets stutter dial tone; cleared, plain dial tone again', async () => {
  const r = rig({
    accounts: [{ id: 'main', server: 'pbx.example', username: '101' }],
    lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }, { port: 2, kind: 'fxs', extension: '102' }],
  });
  r.router.showMessageWaiting(new Set([1]));
  r.run(3000);
  r.phone(1).hook('off');
  assert.equal(r.until(1, 'stutter', 3000), 'stutter');
  r.phone(2).hook('off');
  assert.equal(r.until(2, 'dial', 3000), 'dial', 'phone 2 has no account: no message waiting');
  hangUp(r, 1);
  r.router.showMessageWaiting(new Set());
  r.run(3000);
  r.phone(1).hook('off');
  assert.equal(r.until(1, 'dial', 3000), 'dial');
});
