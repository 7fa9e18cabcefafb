import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksum, decodeCallerIdMessage, encodeCallerIdMessage, type CallerIdInfo, type DecodeResult } from './message.js';
import { randomInfo, seeded } from './test-support/channel.js';

/** Bytes from a readable mix of hex numbers and ASCII strings. */
function bytes(...parts: (number | string)[]): Uint8Array {
  const out: number[] = [];
  for (const p of parts) {
    if (typeof p === 'number') out.push(p);
    else for (const c of p) out.push(c.charCodeAt(0));
  }
  return Uint8Array.from(out);
}

function decoded(b: Uint8Array): CallerIdInfo {
  const r = decodeCallerIdMessage(b);
  assert.ok(r.ok, r.ok ? '' : r.error.detail);
  return r.message.info;
}

function errorKind(r: DecodeResult): string {
  return r.ok ? 'ok' : r.error.kind;
}

// The classic GR-30 SDMF example: September 30, 12:24, 609-555-1212; checksum 0x51.
const SDMF_CLASSIC = bytes(0x04, 0x12, '09301224', '6095551212', 0x51);
const SDMF_CLASSIC_INFO: CallerIdInfo = { time: { month: 9, day: 30, hour: 12, minute: 24 }, number: '6095551212' };

test('SDMF: the classic GR-30 example encodes and decodes byte for byte', () => {
  assert.deepEqual(encodeCallerIdMessage(SDMF_CLASSIC_INFO, { format: 'sdmf' }), SDMF_CLASSIC);
  assert.deepEqual(decoded(SDMF_CLASSIC), SDMF_CLASSIC_INFO);
});

test('SDMF: body "0130123455551234" (Jan 30 12:34, 5555-1234) and a private call', () => {
  const info: CallerIdInfo = { time: { month: 1, day: 30, hour: 12, minute: 34 }, number: '55551234' };
  const wire = bytes(0x04, 0x10, '0130123455551234', 0xc0);
  assert.deepEqual(encodeCallerIdMessage(info, { format: 'sdmf' }), wire);
  assert.deepEqual(decoded(wire), info);
  const priv: CallerIdInfo = { time: { month: 1, day: 30, hour: 12, minute: 34 }, numberAbsence: 'private' };
  const privWire = bytes(0x04, 0x09, '01301234', 'P', 0x15);
  assert.deepEqual(encodeCallerIdMessage(priv, { format: 'sdmf' }), privWire);
  assert.deepEqual(decoded(privWire), priv);
  assert.deepEqual(decoded(bytes(0x04, 0x09, '01301234', 'O', 0x16)), { ...priv, numberAbsence: 'unavailable' });
});

test('MDMF (GR-30 layout): date/time, number, name', () => {
  const info: CallerIdInfo = { time: { month: 3, day: 24, hour: 9, minute: 30 }, number: '6095551212', name: 'JOHN DOE' };
  const wire = bytes(0x80, 0x20, 0x01, 0x08, '03240930', 0x02, 0x0a, '6095551212', 0x07, 0x08, 'JOHN DOE', 0x7c);
  assert.deepEqual(encodeCallerIdMessage(info), wire);
  assert.deepEqual(decoded(wire), info);
});

test('MDMF: reasons for absence of number (0x04) and name (0x08)', () => {
  const info: CallerIdInfo = { numberAbsence: 'private', nameAbsence: 'unavailable' };
  const wire = bytes(0x80, 0x06, 0x04, 0x01, 'P', 0x08, 0x01, 'O', 0xcd);
  assert.deepEqual(encodeCallerIdMessage(info), wire);
  assert.deepEqual(decoded(wire), info);
});

test('ETSI EN 300 659-3 call set-up: 12-digit CLI, unknown call-type parameter skipped', () => {
  const wire = bytes(0x80, 0x29, 0x01, 0x08, '12251830', 0x02, 0x0c, '441234567890', 0x11, 0x01, 0x01, 0x07, 0x0c, 'Fred Bloggs.', 0xe2);
  const r = decodeCallerIdMessage(wire);
  assert.ok(r.ok);
  assert.deepEqual(r.message.info, { time: { month: 12, day: 25, hour: 18, minute: 30 }, number: '441234567890', name: 'Fred Bloggs.' });
  assert.deepEqual(r.message.otherParameters, [{ type: 0x11, value: Uint8Array.of(0x01) }]);
});

test('message waiting: SDMF 0x06 and MDMF 0x82 visual indicator', () => {
  assert.deepEqual(encodeCallerIdMessage({ messageWaiting: true }, { format: 'sdmf' }), bytes(0x06, 0x03, 0x42, 0x42, 0x42, 0x31));
  assert.deepEqual(encodeCallerIdMessage({ messageWaiting: false }, { format: 'sdmf' }), bytes(0x06, 0x03, 0x6f, 0x6f, 0x6f, 0xaa));
  assert.deepEqual(encodeCallerIdMessage({ messageWaiting: true }), bytes(0x82, 0x03, 0x0b, 0x01, 0xff, 0x70));
  assert.deepEqual(encodeCallerIdMessage({ messageWaiting: false }), bytes(0x82, 0x03, 0x0b, 0x01, 0x00, 0x6f));
  assert.deepEqual(decoded(bytes(0x06, 0x03, 0x42, 0x42, 0x42, 0x31)), { messageWaiting: true });
  assert.deepEqual(decoded(bytes(0x82, 0x03, 0x0b, 0x01, 0x00, 0x6f)), { messageWaiting: false });
});

test('the checksum makes the byte sum 0 mod 256', () => {
  assert.equal(checksum(SDMF_CLASSIC, SDMF_CLASSIC.length - 1), 0x51);
  assert.equal(SDMF_CLASSIC.reduce((s, b) => s + b, 0) % 256, 0);
});

test('decoding rejects bad checksum, wrong length, short input, unknown type, malformed body', () => {
  const bad = SDMF_CLASSIC.slice();
  bad[10] = 0x39; // one digit changed, checksum left alone
  assert.equal(errorKind(decodeCallerIdMessage(bad)), 'checksum');
  const badSum = SDMF_CLASSIC.slice();
  badSum[badSum.length - 1] = 0x52;
  assert.equal(errorKind(decodeCallerIdMessage(badSum)), 'checksum');
  assert.equal(errorKind(decodeCallerIdMessage(SDMF_CLASSIC.subarray(0, 15))), 'length');
  assert.equal(errorKind(decodeCallerIdMessage(bytes(0x04, 0x00))), 'too-short');
  const withType = (type: number, body: Uint8Array): Uint8Array => {
    const b = Uint8Array.from([type, body.length, ...body, 0]);
    b[b.length - 1] = checksum(b, b.length - 1);
    return b;
  };
  assert.equal(errorKind(decodeCallerIdMessage(withType(0x81, bytes('x')))), 'unsupported-type');
  assert.equal(errorKind(decodeCallerIdMessage(withType(0x04, bytes('13301234', '5551212')))), 'format'); // month 13
  assert.equal(errorKind(decodeCallerIdMessage(withType(0x80, bytes(0x02, 0x09, '555')))), 'format'); // overruns
  assert.equal(errorKind(decodeCallerIdMessage(withType(0x80, bytes(0x04, 0x01, 'X')))), 'format');
});

test('encoder limits: Bell names cut to 15, ETSI to 50; bad numbers and SDMF without time throw', () => {
  const long = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  assert.equal(decoded(encodeCallerIdMessage({ name: long })).name, long.slice(0, 15));
  assert.equal(decoded(encodeCallerIdMessage({ name: long }, { profile: 'etsi' })).name, long);
  assert.equal(decoded(encodeCallerIdMessage({ name: 'Zoë' })).name, 'Zo?');
  assert.throws(() => encodeCallerIdMessage({ number: '12345678901' }, { format: 'sdmf', profile: 'bell' }), RangeError);
  assert.throws(() => encodeCallerIdMessage({ number: '5551212' }, { format: 'sdmf' }), RangeError);
  assert.throws(() => encodeCallerIdMessage({ number: '1'.repeat(21) }, { profile: 'etsi' }), RangeError);
  assert.throws(() => encodeCallerIdMessage({}), RangeError);
  assert.throws(() => encodeCallerIdMessage({ number: '1', messageWaiting: true }), RangeError);
  assert.throws(() => encodeCallerIdMessage({ time: { month: 2, day: 30, hour: 24, minute: 0 } }), RangeError);
});

test('random calls survive an encode/decode round trip in both formats', () => {
  const rand = seeded(7);
  for (let i = 0; i < 200; i++) {
    const format = i % 2 === 0 ? 'sdmf' : 'mdmf';
    const info = randomInfo(rand, format);
    assert.deepEqual(decoded(encodeCallerIdMessage(info, { format })), info);
  }
});
