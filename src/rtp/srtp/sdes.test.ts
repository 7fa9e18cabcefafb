import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseCrypto, formatCryptoAttribute, newCryptoAttribute, parseCryptoAttribute, type CryptoParseResult, type ParsedCrypto } from './sdes.js';
import { SrtpContext } from './srtp-context.js';
import { DialtoneError } from '../../errors.js';

function expectParsed(result: CryptoParseResult): ParsedCrypto {
  if (!result.ok) assert.fail(`expected a parsed line, got ${result.reason}`);
  return result.crypto;
}

function reason(result: CryptoParseResult): string {
  return result.ok ? 'ok' : result.reason;
}

const KEY_SALT = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';
// RFC 4568 §4: the example crypto attribute, with a 2^20 lifetime and MKI 1 of length 32.
const RFC4568_EXAMPLE = `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|2^20|1:32`;

test('the RFC 4568 §4 example parses (MKI allowed for inspection) and formats back unchanged', () => {
  const crypto = expectParsed(parseCryptoAttribute(`a=crypto:${RFC4568_EXAMPLE}`, { allowMki: true }));
  assert.equal(crypto.tag, 1);
  assert.equal(crypto.suite, 'AES_CM_128_HMAC_SHA1_80');
  assert.equal(crypto.keyParams.length, 1);
  const [key] = crypto.keyParams;
  assert.equal(key!.method, 'inline');
  assert.deepEqual(Buffer.concat([key!.key, key!.salt]), Buffer.from(KEY_SALT, 'base64'));
  assert.equal(key!.key.length, 16);
  assert.equal(key!.salt.length, 14);
  assert.equal(key!.lifetime, 2 ** 20);
  assert.deepEqual(key!.mki, { value: 1, length: 32 });
  assert.deepEqual(crypto.sessionParams, []);
  assert.equal(formatCryptoAttribute(crypto), RFC4568_EXAMPLE);
});

test('by default a line with an MKI is refused clearly', () => {
  assert.equal(reason(parseCryptoAttribute(RFC4568_EXAMPLE)), 'mki_unsupported');
  assert.equal(reason(parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_32 inline:${KEY_SALT}|1:4`)), 'mki_unsupported');
});

test('lines without an MKI round-trip, with and without lifetime and session parameters', () => {
  for (const line of [
    `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}`,
    `2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_SALT}|2^31`,
    `3 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|1000 WSH=128`,
    `42 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT} UNENCRYPTED_SRTCP KDR=3`,
  ]) {
    assert.equal(formatCryptoAttribute(expectParsed(parseCryptoAttribute(line))), line);
  }
});

test('lifetimes parse in decimal and 2^n form', () => {
  const lifetime = (text: string): number | undefined =>
    expectParsed(parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|${text}`)).keyParams[0]!.lifetime;
  assert.equal(lifetime('2^20'), 1_048_576);
  assert.equal(lifetime('2^48'), 2 ** 48);
  assert.equal(lifetime('1048576'), 1_048_576);
  assert.equal(lifetime('123'), 123);
  for (const bad of ['2^49', '0', '2^', '2^x', 'abc', '-5', '1e6']) {
    assert.equal(reason(parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|${bad}`)), 'bad_lifetime', bad);
  }
  // A decimal lifetime that is a power of two comes back in the 2^n form.
  const parsed = expectParsed(parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|1048576`));
  assert.equal(formatCryptoAttribute(parsed), `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|2^20`);
});

test('unknown suites, wrong key lengths and malformed lines are refused with a reason', () => {
  const cases: [string, string][] = [
    [`1 AES_256_CM_HMAC_SHA1_80 inline:${KEY_SALT}`, 'unsupported_suite'],
    [`1 F8_128_HMAC_SHA1_80 inline:${KEY_SALT}`, 'unsupported_suite'],
    [`1 AEAD_AES_128_GCM inline:${KEY_SALT}`, 'unsupported_suite'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', 'bad_key_length'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:AAAAAAAAAAAAAAAAAAAAAAAA', 'bad_key_length'],
    ['1 AES_CM_128_HMAC_SHA1_80 inline:not*base64!', 'bad_key_encoding'],
    [`1 AES_CM_128_HMAC_SHA1_80 uri:${KEY_SALT}`, 'unsupported_key_method'],
    [`1 AES_CM_128_HMAC_SHA1_80 ${KEY_SALT}`, 'syntax'],
    ['1 AES_CM_128_HMAC_SHA1_80', 'syntax'],
    ['', 'syntax'],
    [`x AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}`, 'bad_tag'],
    [`1234567890 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}`, 'bad_tag'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|2^20|1:200`, 'bad_mki'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|2^20|256:1`, 'bad_mki'],
    [`1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT}|2^20|1:4|x`, 'syntax'],
  ];
  for (const [line, expected] of cases) {
    assert.equal(reason(parseCryptoAttribute(line)), expected, line);
  }
});

test('newCryptoAttribute makes a random key that formats, parses back and keys an SrtpContext', () => {
  const a = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80');
  const b = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80');
  assert.notDeepEqual(a.keyParams[0]!.key, b.keyParams[0]!.key);
  const line = formatCryptoAttribute(a);
  assert.match(line, /^1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}$/);
  const parsed = expectParsed(parseCryptoAttribute(line));
  assert.deepEqual(Buffer.from(parsed.keyParams[0]!.key), Buffer.from(a.keyParams[0]!.key));
  assert.deepEqual(Buffer.from(parsed.keyParams[0]!.salt), Buffer.from(a.keyParams[0]!.salt));

  const sender = new SrtpContext({ suite: a.suite, masterKey: a.keyParams[0]!.key, masterSalt: a.keyParams[0]!.salt });
  const receiver = new SrtpContext({ suite: parsed.suite, masterKey: parsed.keyParams[0]!.key, masterSalt: parsed.keyParams[0]!.salt });
  const rtp = Buffer.concat([Buffer.from('80000001000000000000abcd', 'hex'), Buffer.alloc(160, 0xff)]);
  const result = receiver.unprotectRtp(sender.protectRtp(rtp));
  assert.ok(result.ok);
  assert.throws(() => newCryptoAttribute(-1, 'AES_CM_128_HMAC_SHA1_80'), DialtoneError);
});

test('chooseCrypto takes the first acceptable line in the offerer\'s order', () => {
  const lines = [
    `1 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT} UNENCRYPTED_SRTP`,
    `2 AES_CM_128_HMAC_SHA1_32 inline:${KEY_SALT}|2^20`,
    `3 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT} WSH=64`,
  ];
  const offered = lines.map((l) => expectParsed(parseCryptoAttribute(l)));
  assert.equal(chooseCrypto(offered)?.tag, 2);
  assert.equal(chooseCrypto(offered, ['AES_CM_128_HMAC_SHA1_80'])?.tag, 3);
  assert.equal(chooseCrypto(offered.slice(0, 1)), undefined);
  assert.equal(chooseCrypto([]), undefined);

  const withMki = expectParsed(parseCryptoAttribute(RFC4568_EXAMPLE, { allowMki: true }));
  assert.equal(chooseCrypto([withMki]), undefined, 'MKI lines are never chosen');
  const twoKeys = expectParsed(parseCryptoAttribute(`4 AES_CM_128_HMAC_SHA1_80 inline:${KEY_SALT};inline:${KEY_SALT}`));
  assert.equal(twoKeys.keyParams.length, 2);
  assert.equal(chooseCrypto([twoKeys]), undefined, 'one master key per line only');
});

test('formatCryptoAttribute refuses keys of the wrong length', () => {
  const crypto = newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_32');
  crypto.keyParams[0]!.key = new Uint8Array(32);
  assert.throws(() => formatCryptoAttribute(crypto), (e: unknown) => e instanceof DialtoneError && e.code === 'sdes_bad_key');
});
