import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberMatches, screenCaller, screeningCause } from './call-screening.js';
import type { CallScreening } from '../config/provisioning-schema.js';

test('a number matches itself, and with or without its country or trunk prefix', () => {
  assert.ok(numberMatches('5551234567', '5551234567'));
  assert.ok(numberMatches('5551234567', '+15551234567'));
  assert.ok(numberMatches('+15551234567', '15551234567'));
  assert.ok(numberMatches('+44 20 7946 0018', '02079460018'));
  assert.ok(!numberMatches('5551234567', '5551234568'));
  // Short numbers only match exactly: 1234 is not every number ending in 1234.
  assert.ok(numberMatches('1234', '1234'));
  assert.ok(!numberMatches('1234', '5551234'));
  assert.ok(!numberMatches('', '5551234567'));
});

test('an entry ending in * is a prefix', () => {
  assert.ok(numberMatches('1900*', '19005551234'));
  assert.ok(numberMatches('+1900*', '19005551234'));
  assert.ok(!numberMatches('1900*', '18005551234'));
  assert.ok(!numberMatches('*', '18005551234'), 'a bare * is not a wildcard for everything');
});

test('without screening settings every call rings', () => {
  assert.deepEqual(screenCaller({ number: '5551234567' }, undefined), { action: 'ring' });
  assert.deepEqual(screenCaller(undefined, undefined), { action: 'ring' });
});

test('blocked callers are refused, even when also allowed', () => {
  const rules = { blocked: ['5551234567', '1900*'], allowed: ['5551234567'] };
  assert.deepEqual(screenCaller({ number: '+15551234567' }, rules), { action: 'reject', why: 'blocked' });
  assert.deepEqual(screenCaller({ number: '19001112222' }, rules), { action: 'reject', why: 'blocked' });
  assert.deepEqual(screenCaller({ number: '2125550000' }, rules), { action: 'ring' });
});

test('withheld numbers are refused only with rejectAnonymous; otherwise they are unknown callers', () => {
  const withheld = { numberAbsence: 'private' } as const;
  assert.deepEqual(screenCaller(withheld, { rejectAnonymous: true }), { action: 'reject', why: 'anonymous' });
  assert.deepEqual(screenCaller({ number: '2125550000' }, { rejectAnonymous: true }), { action: 'ring' });
  assert.deepEqual(screenCaller(withheld, { rejectAnonymous: false, allowed: ['2125550000'], unknownCallers: 'announce' }), { action: 'announce' });
});

test('a caller whose number is unavailable, or who has none, is unknown, not anonymous', () => {
  assert.deepEqual(screenCaller({ numberAbsence: 'unavailable' }, { rejectAnonymous: true }), { action: 'ring' });
  assert.deepEqual(screenCaller(undefined, { rejectAnonymous: true }), { action: 'ring' });
  assert.deepEqual(screenCaller({}, { rejectAnonymous: true, allowed: ['2125550000'], unknownCallers: 'reject' }), { action: 'reject', why: 'unknown' });
});

test('unknown callers ring, get the announcement or are refused; allowed ones always ring', () => {
  const allowed = ['2125550000'];
  for (const [mode, verdict] of [['ring', { action: 'ring' }], ['announce', { action: 'announce' }], ['reject', { action: 'reject', why: 'unknown' }]] as const) {
    assert.deepEqual(screenCaller({ number: '3105550000' }, { allowed, unknownCallers: mode }), verdict, mode);
    assert.deepEqual(screenCaller({ number: '+12125550000' }, { allowed, unknownCallers: mode, rejectAnonymous: true }), { action: 'ring' }, mode);
  }
});

test('message: a landline call may leave one; a call that cannot (SIP) gets the announcement; the record says which', () => {
  const rules: CallScreening = { allowed: ['2125550000'], unknownCallers: 'message' };
  assert.deepEqual(screenCaller({ number: '3105550000' }, rules, { messages: true }), { action: 'message' });
  assert.deepEqual(screenCaller({ number: '3105550000' }, rules), { action: 'announce' });
  assert.deepEqual(screenCaller({ number: '2125550000' }, rules, { messages: true }), { action: 'ring' });
  assert.equal(screeningCause({ action: 'message' }), 'screened: unknown caller, message recorded');
});
