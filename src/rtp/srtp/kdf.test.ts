import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KDF_LABEL, deriveKey, deriveSrtcpKeys, deriveSrtpKeys } from './kdf.js';
import { DialtoneError } from '../../errors.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const masterKey = hex('E1F97A0D3E018BE0D64FA32C06DE4139');
const masterSalt = hex('0EC675AD498AFEEBB6960B3AABE6');

// RFC 3711 Appendix B.3, key derivation test vectors.
test('SRTP session keys match RFC 3711 Appendix B.3', () => {
  const keys = deriveSrtpKeys(masterKey, masterSalt);
  assert.equal(keys.encryptionKey.toString('hex').toUpperCase(), 'C61E7A93744F39EE10734AFE3FF7A087');
  assert.equal(keys.salt.toString('hex').toUpperCase(), '30CBBC08863D8C85D49DB34A9AE1');
  assert.equal(keys.authKey.toString('hex').toUpperCase(), 'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
});

test('B.3 also lists the longer auth-key keystream, of which the 160-bit key is the prefix', () => {
  // RFC 3711 B.3 prints the auth key keystream beyond 160 bits; the PRF is a plain keystream prefix.
  const long = deriveKey(masterKey, masterSalt, KDF_LABEL.srtpAuthentication, 32);
  assert.equal(long.subarray(0, 20).toString('hex').toUpperCase(), 'CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4');
});

test('SRTCP keys use labels 0x03..0x05 and differ from the SRTP keys', () => {
  const rtp = deriveSrtpKeys(masterKey, masterSalt);
  const rtcp = deriveSrtcpKeys(masterKey, masterSalt);
  assert.equal(rtcp.encryptionKey.length, 16);
  assert.equal(rtcp.authKey.length, 20);
  assert.equal(rtcp.salt.length, 14);
  assert.notDeepEqual(rtcp.encryptionKey, rtp.encryptionKey);
  assert.notDeepEqual(rtcp.authKey, rtp.authKey);
  assert.notDeepEqual(rtcp.salt, rtp.salt);
  assert.deepEqual(rtcp.encryptionKey, deriveKey(masterKey, masterSalt, 0x03, 16));
  assert.deepEqual(rtcp.authKey, deriveKey(masterKey, masterSalt, 0x04, 20));
  assert.deepEqual(rtcp.salt, deriveKey(masterKey, masterSalt, 0x05, 14));
});

test('wrong master key or salt lengths are programming errors', () => {
  assert.throws(() => deriveSrtpKeys(Buffer.alloc(32), masterSalt), (e: unknown) => e instanceof DialtoneError && e.code === 'srtp_bad_key');
  assert.throws(() => deriveSrtpKeys(masterKey, Buffer.alloc(12)), (e: unknown) => e instanceof DialtoneError && e.code === 'srtp_bad_salt');
  assert.throws(() => deriveKey(masterKey, masterSalt, 256, 16), DialtoneError);
});
