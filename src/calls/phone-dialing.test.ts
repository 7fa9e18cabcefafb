/**
 * Dialling features on the simulated board (router rig, fake clock): speed dial,
 * warmline, star codes changed in the settings, and screening of landline calls.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Line } from '../config/provisioning-schema.js';
import { routerRig, type RouterRig } from './test-support/router-rig.js';

const FXO = 3;
const rigs: RouterRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

function rig(phone1: Partial<Line> = {}): RouterRig {
  const r = routerRig({
    lines: [
      { port: 1, kind: 'fxs', extension: '101', ...phone1 },
      { port: 2, kind: 'fxs', extension: '102' },
      { port: FXO, kind: 'fxo', prefix: '9' },
    ],
  });
  rigs.push(r);
  return r;
}

function offHook(r: RouterRig, port: number): void {
  r.phone(port).hook('off');
  assert.equal(r.until(port, 'dial', 1500), 'dial', `phone ${port} hears dial tone`);
}

test('speed dial: the key and # calls its number; a key with no number is not routed', async () => {
  const r = rig({ features: { speedDial: { '2': '102' } } });
  offHook(r, 1);
  await r.dial(1, '2#');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 2000), 'phone 2 rings for speed dial 2');
  assert.equal(r.router.active()[0]?.to, '102');
  r.phone(1).hook('on');
  r.run(1500);
  offHook(r, 1);
  await r.dial(1, '3#');
  assert.equal(r.until(1, 'reorder', 3000), 'reorder', 'speed dial 3 is not set');
  assert.equal(r.phone(2).state().rings, 1, 'phone 2 rang only once');
});

test('warmline: dial tone first; nothing dialled in warmlineSeconds calls the hotline; a digit cancels it', async () => {
  const r = rig({ features: { hotline: '102', warmlineSeconds: 4 } });
  offHook(r, 1);
  r.run(3000);
  assert.equal(r.phone(2).state().ringing, false, 'not before the warmline delay');
  assert.equal(r.phone(1).state().hearing, 'dial', 'phone 1 still hears dial tone');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 3000), 'phone 2 rings after the delay');
  r.phone(1).hook('on');
  r.run(1500);
  assert.equal(r.phone(2).state().ringing, false);

  offHook(r, 1);
  await r.dial(1, '1');
  r.run(8000);
  assert.equal(r.phone(2).state().rings, 1, 'a digit within the delay keeps the hotline from dialling');
});

test('hotline without a delay calls at once', () => {
  const r = rig({ features: { hotline: '102' } });
  r.phone(1).hook('off');
  assert.ok(r.runUntil(() => r.phone(2).state().ringing, 2000), 'phone 2 rings');
});

test('star codes set in the settings replace the defaults', async () => {
  const r = rig();
  r.store.settings.setStarCodes({ dndOn: '*11', dndOff: '*12' });
  offHook(r, 1);
  await r.dial(1, '*11');
  r.run(3000);
  assert.equal(r.store.lines.get(1)?.features?.dnd, true, '*11 turns do-not-disturb on');
  r.phone(1).hook('on');
  r.run(1500);
  offHook(r, 1);
  await r.dial(1, '*12');
  r.run(3000);
  assert.equal(r.store.lines.get(1)?.features?.dnd, false, '*12 turns it off');
  r.phone(1).hook('on');
  r.run(1500);
  offHook(r, 1);
  await r.dial(1, '*78');
  assert.equal(r.until(1, 'reorder', 3000), 'reorder', 'the default *78 is now an ordinary (unroutable) number');
  assert.equal(r.store.lines.get(1)?.features?.dnd, false);
});

test('star codes that clash are refused with the field named', () => {
  const r = rig();
  assert.throws(() => r.store.settings.setStarCodes({ dndOn: '*79' }), (err: Error & { fields?: Record<string, string> }) =>
    /same as dndOff/.test(err.fields?.dndOn ?? ''));
  assert.throws(() => r.store.settings.setStarCodes({ forwardAllOn: '*7' }), (err: Error & { fields?: Record<string, string> }) =>
    /clashes with/.test(err.fields?.forwardAllOn ?? ''));
  assert.equal(r.store.settings.starCodes(), undefined, 'nothing was stored');
});

const ALICE = { number: '5551234567', name: 'ALICE' };

test('a blocked landline caller rings no phone; the box answers and hangs up after a second; the history says screened', () => {
  const r = rig();
  r.store.settings.setCallScreening({ blocked: ['+15551234567'] });
  const landline = r.landline(FXO);
  landline.ring(ALICE);
  assert.ok(r.runUntil(() => landline.state().offHook, 14_000), 'the box answers the blocked caller');
  const answeredAt = r.h.clock.now();
  assert.ok(r.runUntil(() => !landline.state().offHook, 3000), 'and hangs up');
  const held = r.h.clock.now() - answeredAt;
  assert.ok(held >= 900 && held <= 1500, `held for about a second (${held} ms)`);
  assert.equal(r.phone(1).state().rings + r.phone(2).state().rings, 0, 'no phone rang');
  assert.ok(r.runUntil(() => r.store.cdrs.list().length === 1, 2000), 'the call is recorded');
  const cdr = r.store.cdrs.list()[0];
  assert.deepEqual({ disposition: cdr?.disposition, cause: cdr?.hangupCause, from: cdr?.from }, { disposition: 'screened', cause: 'screened: blocked number, answered and hung up', from: '5551234567' });
  assert.deepEqual(r.router.active(), []);
});

test('an unknown landline caller is answered with the announcement and hung up on; a known one rings the phones', () => {
  const r = rig();
  r.store.settings.setCallScreening({ allowed: ['2125550000'], unknownCallers: 'announce' });
  const landline = r.landline(FXO);
  landline.ring(ALICE);
  assert.ok(r.runUntil(() => landline.state().offHook, 14_000), 'the box answers the landline');
  assert.ok(r.runUntil(() => landline.state().hearing === 'voice', 2000), 'the caller hears the announcement');
  assert.ok(r.runUntil(() => !landline.state().offHook, 10_000), 'and the box hangs up');
  assert.equal(r.phone(1).state().rings + r.phone(2).state().rings, 0, 'no phone rang');
  const cdr = r.store.cdrs.list()[0];
  assert.deepEqual({ disposition: cdr?.disposition, cause: cdr?.hangupCause }, { disposition: 'screened', cause: 'screened: unknown caller, announcement played' });

  r.run(3000);
  landline.ring({ number: '2125550000', name: 'BOB' });
  assert.ok(r.runUntil(() => r.phone(1).state().ringing, 14_000), 'a known caller rings the phones');
});

test('a landline call sent to SIP while SIP is down is one failed call, not one per ring', () => {
  const r = routerRig({
    lines: [{ port: 1, kind: 'fxs', extension: '101' }, { port: FXO, kind: 'fxo', account: 'main', sipTarget: '2125550000' }],
    accounts: [{ id: 'main', server: '127.0.0.1:5060', username: '2000', register: false }],
  });
  rigs.push(r);
  r.landline(FXO).ring(ALICE);
  r.run(25_000); // four or five rings
  r.landline(FXO).hangup();
  r.run(10_000);
  const cdrs = r.store.cdrs.list();
  assert.equal(cdrs.length, 1, JSON.stringify(cdrs.map((c) => [c.disposition, c.hangupCause])));
  assert.equal(cdrs[0]?.disposition, 'failed');
  assert.equal(r.phone(1).state().rings, 0);
});
