import { test } from 'node:test';
import assert from 'node:assert/strict';
import { regionProfile } from '../line/region-profile.js';
import { DEFAULT_STAR_CODES, starCode, type StarCodeContext } from './star-codes.js';

const US = regionProfile('US');
const GB = regionProfile('GB');
const DE = regionProfile('DE');

function ctx(lastDialled?: string, profile = US): StarCodeContext {
  return { profile, lastDialled };
}

test('*78 turns do-not-disturb on, *79 off', () => {
  assert.deepEqual(starCode('*78', ctx()), { kind: 'set-feature', feature: 'dnd', on: true });
  assert.deepEqual(starCode('*79', ctx()), { kind: 'set-feature', feature: 'dnd', on: false });
});

test('*72 alone waits for the forwarding target', () => {
  assert.deepEqual(starCode('*72', ctx()), { kind: 'awaiting', next: 'forwardAll' });
});

test('*72<number> forwards every call to the number (a trailing # send key dropped)', () => {
  assert.deepEqual(starCode('*725551234', ctx()), { kind: 'set-feature', feature: 'forwardAll', on: true, target: '5551234' });
  assert.deepEqual(starCode('*725551234#', ctx()), { kind: 'set-feature', feature: 'forwardAll', on: true, target: '5551234' });
  assert.deepEqual(starCode('*72+4930123', ctx()), { kind: 'set-feature', feature: 'forwardAll', on: true, target: '+4930123' });
});

test('*73 cancels forwarding, with no target', () => {
  const r = starCode('*73', ctx());
  assert.deepEqual(r, { kind: 'set-feature', feature: 'forwardAll', on: false });
  assert.ok(!('target' in r));
});

test('*66 redials the last number, or says there is none', () => {
  assert.deepEqual(starCode('*66', ctx('5551234')), { kind: 'number', number: '5551234', anonymous: false });
  assert.deepEqual(starCode('*66', ctx()), { kind: 'redial-empty' });
});

test('the region\'s anonymous-call prefix: alone it waits for the number, with a number it withholds caller ID', () => {
  for (const [profile, prefix] of [[US, '*67'], [GB, '141'], [DE, '*31#']] as const) {
    assert.equal(profile.anonymousCallPrefix, prefix);
    assert.deepEqual(starCode(prefix, ctx(undefined, profile)), { kind: 'awaiting', next: 'anonymous-call' }, prefix);
    assert.deepEqual(starCode(`${prefix}5551234`, ctx(undefined, profile)), { kind: 'number', number: '5551234', anonymous: true }, prefix);
  }
});

test('another region\'s anonymous prefix is an ordinary number', () => {
  assert.deepEqual(starCode('1415551234', ctx()), { kind: 'number', number: '1415551234', anonymous: false });
  assert.deepEqual(starCode('*675551234', ctx(undefined, GB)), { kind: 'number', number: '*675551234', anonymous: false });
});

test('an empty anonymous prefix turns the feature off', () => {
  const none = { profile: { anonymousCallPrefix: '' }, lastDialled: undefined };
  assert.deepEqual(starCode('5551234', none), { kind: 'number', number: '5551234', anonymous: false });
  assert.deepEqual(starCode('*67', none), { kind: 'number', number: '*67', anonymous: false });
});

test('ordinary numbers pass through untouched', () => {
  for (const n of ['5551234', '911', '102', '*', '*7', '*99', '+4930123456', '0044207946']) {
    assert.deepEqual(starCode(n, ctx('2125550000')), { kind: 'number', number: n, anonymous: false }, n);
  }
});

test('custom codes replace the defaults', () => {
  const codes = { ...DEFAULT_STAR_CODES, dndOn: '*90', redial: '##' };
  assert.deepEqual(starCode('*90', { ...ctx('123'), codes }), { kind: 'set-feature', feature: 'dnd', on: true });
  assert.deepEqual(starCode('##', { ...ctx('123'), codes }), { kind: 'number', number: '123', anonymous: false });
  assert.deepEqual(starCode('*78', { ...ctx('123'), codes }), { kind: 'number', number: '*78', anonymous: false });
});

test('*90/*91 and *92/*93 set and cancel forwarding on busy and on no answer', () => {
  assert.deepEqual(starCode('*905551234', ctx()), { kind: 'set-feature', feature: 'forwardBusy', on: true, target: '5551234' });
  assert.deepEqual(starCode('*91', ctx()), { kind: 'set-feature', feature: 'forwardBusy', on: false });
  assert.deepEqual(starCode('*92', ctx()), { kind: 'awaiting', next: 'forwardNoAnswer' });
  assert.deepEqual(starCode('*92200#', ctx()), { kind: 'set-feature', feature: 'forwardNoAnswer', on: true, target: '200' });
  assert.deepEqual(starCode('*93', ctx()), { kind: 'set-feature', feature: 'forwardNoAnswer', on: false });
});
