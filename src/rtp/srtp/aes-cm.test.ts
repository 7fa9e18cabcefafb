import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aesCmIv, aesCmKeystream, aesCmXor } from './aes-cm.js';
import { DialtoneError } from '../../errors.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');

// RFC 3711 Appendix B.2, AES-CM test vectors.
test('AES-CM keystream matches RFC 3711 Appendix B.2', () => {
  const sessionKey = hex('2B7E151628AED2A6ABF7158809CF4F3C');
  const sessionSalt = hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD');
  const iv = aesCmIv(sessionSalt, 0, 0); // ROC 0, SEQ 0, SSRC 0
  assert.equal(iv.toString('hex').toUpperCase(), 'F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000');
  const keystream = aesCmKeystream(sessionKey, iv, 0xff02 * 16);
  const block = (n: number): string => keystream.subarray(n * 16, (n + 1) * 16).toString('hex').toUpperCase();
  assert.equal(block(0x0000), 'E03EAD0935C95E80E166B16DD92B4EB4');
  assert.equal(block(0x0001), 'D23513162B02D0F72A43A2FE4A5F97AB');
  assert.equal(block(0x0002), '41E95B3BB0A2E8DD477901E4FCA894C0');
  assert.equal(block(0xfeff), 'EC8CDF7398607CB0F2D21675EA9EA1E4');
  assert.equal(block(0xff00), '362B7C3C6773516318A077D7FC5073AE');
  assert.equal(block(0xff01), '6A2CC3787889374FBEB4C81B17BA6C44');
});

test('the IV places SSRC at bits 64..95 and the 48-bit index at bits 16..63', () => {
  const iv = aesCmIv(Buffer.alloc(14), 0xcafebabe, 0x123456789abc);
  assert.equal(iv.toString('hex'), '00000000cafebabe123456789abc0000');
  const salted = aesCmIv(Buffer.alloc(14, 0xff), 0xcafebabe, 0x123456789abc);
  assert.equal(salted.toString('hex'), 'ffffffff35014541edcba9876543' + '0000');
});

test('AES-CM is its own inverse and handles partial blocks', () => {
  const key = hex('000102030405060708090a0b0c0d0e0f');
  const iv = aesCmIv(hex('0102030405060708090a0b0c0d0e'), 7, 65536);
  const plain = Buffer.from('a payload that is not a multiple of sixteen bytes');
  const encrypted = aesCmXor(key, iv, plain);
  assert.notDeepEqual(encrypted, plain);
  assert.deepEqual(aesCmXor(key, iv, encrypted), plain);
});

test('bad keys, salts and indices are programming errors', () => {
  assert.throws(() => aesCmIv(Buffer.alloc(16), 0, 0), DialtoneError);
  assert.throws(() => aesCmIv(Buffer.alloc(14), 0, 2 ** 48), DialtoneError);
  assert.throws(() => aesCmIv(Buffer.alloc(14), 0, -1), DialtoneError);
  assert.throws(() => aesCmXor(Buffer.alloc(32), Buffer.alloc(16), Buffer.alloc(1)), DialtoneError);
});
