import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SUPPORTED_REGIONS } from '../config/regions.js';
import { ValidationError } from '../errors.js';
import { tonePlan } from '../../audio/tones/index.js';
import { DigitMap } from './digit-map.js';
import { REGION_ROWS } from './region-data.js';
import { RegionNotSupportedError, regionProfile } from './region-profile.js';

test('every supported region has a profile, and the table has no others', () => {
  assert.deepEqual(Object.keys(REGION_ROWS).sort(), SUPPORTED_REGIONS.map((r) => r.code).sort());
  for (const { code } of SUPPORTED_REGIONS) {
    const p = regionProfile(code);
    assert.equal(p.region, code);
    assert.deepEqual(p.tones, tonePlan(code), `${code} tones`);
    assert.ok([16, 20, 25].includes(p.ringFrequencyHz), `${code} ring ${p.ringFrequencyHz}`);
    assert.ok(p.flash.minMs >= 40 && p.flash.maxMs <= 1100 && p.flash.minMs < p.flash.maxMs, `${code} flash`);
    // Pulse dialling at 10 pulses/s, 67 % break (67 ms) must not read as a flash.
    assert.ok(p.flash.minMs > 74, `${code} flash window starts inside pulse breaks`);
    assert.match(p.anonymousCallPrefix, /^[0-9*#]+$/);
    assert.equal(p.callerId.profile, p.callerId.standard === 'bell202' ? 'bell' : 'etsi');
  }
});

test('each default digit map parses; emergency numbers complete at once; national numbers are accepted', () => {
  const national: Record<string, string[]> = {
    US: ['2125551234', '12125551234', '011442071234567', '411'],
    GB: ['02079460000', '01632960000', '0044123456', '141', '118118'],
    DE: ['030123456', '0049301234', '115'],
    FR: ['0145678901', '0033145678901'],
    NL: ['0201234567'],
    AU: ['0298765432', '131313', '1800123456', '001161298765432'],
    JP: ['0312345678', '09012345678'],
    SE: ['08123456'],
  };
  for (const { code } of SUPPORTED_REGIONS) {
    const row = REGION_ROWS[code];
    assert.ok(row !== undefined);
    const map = DigitMap.parse(regionProfile(code).digitMap);
    for (const n of row.emergency) assert.equal(map.match(n).kind, 'complete', `${code} ${n}`);
    for (const n of national[code] ?? []) assert.notEqual(map.match(n).kind, 'invalid', `${code} ${n}`);
    for (const n of national[code] ?? []) assert.notEqual(map.match(n).kind, 'more', `${code} ${n}`);
    assert.equal(map.match(`${row.anonymous}${row.emergency[0] ?? ''}`).kind, 'complete-on-timeout', `${code} withheld call`);
    assert.equal(map.match('*72').kind, 'complete', `${code} star code`);
  }
});

test('country facts: ring frequency and caller-ID signalling', () => {
  const us = regionProfile('US');
  assert.equal(us.ringFrequencyHz, 20);
  assert.deepEqual(us.callerId, { standard: 'bell202', method: 'after-first-ring', format: 'mdmf', profile: 'bell', dtmfVariant: 'a-c' });
  assert.equal(us.anonymousCallPrefix, '*67');
  assert.deepEqual(us.flash, { minMs: 300, maxMs: 1100 });
  const gb = regionProfile('GB');
  assert.equal(gb.ringFrequencyHz, 25);
  assert.equal(gb.callerId.standard, 'v23');
  assert.equal(gb.callerId.method, 'dt-as');
  assert.equal(gb.anonymousCallPrefix, '141');
  assert.ok(gb.flash.minMs <= 100 && gb.flash.maxMs >= 100, 'GB timed break recall is 100 ms');
  assert.equal(regionProfile('DE').anonymousCallPrefix, '*31#');
  assert.equal(regionProfile('DK').callerId.dtmfVariant, 'a-hash');
  assert.equal(regionProfile('IN').callerId.dtmfVariant, 'd-c');
  for (const c of ['DK', 'NL', 'FI', 'SE', 'IN', 'BR']) assert.equal(regionProfile(c).callerId.standard, 'dtmf', c);
  assert.equal(regionProfile('JP').ringFrequencyHz, 16);
  assert.equal(regionProfile('CA').ringFrequencyHz, 20);
});

test('overrides merge field by field', () => {
  const p = regionProfile('GB', {
    callerId: { method: 'after-first-ring' },
    flash: { maxMs: 900 },
    tones: { dial: tonePlan('US').dial },
    ringFrequencyHz: 20,
    anonymousCallPrefix: '*67',
  });
  assert.deepEqual(p.callerId, { ...regionProfile('GB').callerId, method: 'after-first-ring' });
  assert.deepEqual(p.flash, { minMs: regionProfile('GB').flash.minMs, maxMs: 900 });
  assert.equal(p.tones.dial, tonePlan('US').dial);
  assert.equal(p.tones.busy, tonePlan('GB').busy);
  assert.equal(p.tones.region, 'GB');
  assert.equal(p.ringFrequencyHz, 20);
  assert.equal(p.anonymousCallPrefix, '*67');
  assert.equal(p.digitMap, regionProfile('GB').digitMap);
  assert.equal(regionProfile('US', { digitMap: 'xxx' }).digitMap, 'xxx');
  // An undefined field overrides nothing.
  assert.deepEqual(regionProfile('GB', { callerId: { method: undefined }, flash: { minMs: undefined } }), regionProfile('GB'));
  // The table is not changed by an override.
  assert.deepEqual(regionProfile('GB').callerId.method, 'dt-as');
});

test('bad overrides are refused, naming the field', () => {
  assert.throws(() => regionProfile('US', { digitMap: '[2-9' }), (err: unknown) => err instanceof ValidationError && err.fields.digitMap === 'unclosed [ at position 1');
  assert.throws(() => regionProfile('US', { flash: { minMs: 2000 } }), (err: unknown) => err instanceof ValidationError && 'flash' in err.fields);
  assert.throws(() => regionProfile('US', { ringFrequencyHz: 0 }), (err: unknown) => err instanceof ValidationError && 'ringFrequencyHz' in err.fields);
  assert.throws(() => regionProfile('US', { anonymousCallPrefix: 'x' }), (err: unknown) => err instanceof ValidationError && 'anonymousCallPrefix' in err.fields);
});

test('an unknown region code throws a typed error naming the code', () => {
  for (const bad of ['XX', 'gb', '', 'toString', '__proto__']) {
    assert.throws(() => regionProfile(bad), (err: unknown) => {
      assert.ok(err instanceof RegionNotSupportedError);
      assert.ok(err instanceof ValidationError);
      assert.equal(err.region, bad);
      assert.equal(err.code, 'invalid');
      assert.match(err.message, new RegExp(`'${bad}'`));
      return true;
    }, bad);
  }
});
