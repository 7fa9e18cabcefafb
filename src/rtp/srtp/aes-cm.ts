/**
 * AES in counter mode as SRTP uses it (RFC 3711 §4.1.1).
 *
 * The 128-bit counter block starts at
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16)
 * where k_s is the 112-bit session salt, SSRC the 32-bit source and i the 48-bit
 * SRTP packet index (or the 31-bit SRTCP index, §3.4). The low 16 bits count
 * blocks, so one packet may use at most 2^16 blocks of keystream; node's
 * 'aes-128-ctr' increments the whole block, which is the same for that range.
 * The same construction with SSRC = 0 and i = 0 is the key derivation PRF (§4.3.3).
 */

import { createCipheriv } from 'node:crypto';
import { DialtoneError } from '../../errors.js';

const BLOCK = 16;
const SALT_LENGTH = 14;
/** 2^16 blocks of 16 bytes: the most keystream one IV may produce (§4.1.1). */
export const MAX_KEYSTREAM_BYTES = 2 ** 16 * BLOCK;

/** Builds the counter-mode IV for one packet (RFC 3711 §4.1.1). */
export function aesCmIv(sessionSalt: Uint8Array, ssrc: number, index: number): Buffer {
  if (sessionSalt.length !== SALT_LENGTH) {
    throw new DialtoneError('srtp_bad_salt', `AES-CM session salt must be ${SALT_LENGTH} bytes`, { length: sessionSalt.length });
  }
  if (!Number.isInteger(index) || index < 0 || index >= 2 ** 48) {
    throw new DialtoneError('srtp_bad_index', 'AES-CM packet index must be a 48-bit unsigned integer', { index });
  }
  const iv = Buffer.alloc(BLOCK);
  iv.set(sessionSalt, 0);
  // SSRC * 2^64 occupies bytes 4..7.
  iv[4]! ^= (ssrc >>> 24) & 0xff;
  iv[5]! ^= (ssrc >>> 16) & 0xff;
  iv[6]! ^= (ssrc >>> 8) & 0xff;
  iv[7]! ^= ssrc & 0xff;
  // index * 2^16 occupies bytes 8..13.
  const high = Math.floor(index / 2 ** 32);
  const low = index >>> 0;
  iv[8]! ^= (high >>> 8) & 0xff;
  iv[9]! ^= high & 0xff;
  iv[10]! ^= (low >>> 24) & 0xff;
  iv[11]! ^= (low >>> 16) & 0xff;
  iv[12]! ^= (low >>> 8) & 0xff;
  iv[13]! ^= low & 0xff;
  return iv;
}

/** XORs `data` with the AES-CM keystream that starts at `iv`; encryption and decryption are the same. */
export function aesCmXor(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  if (key.length !== 16) {
    throw new DialtoneError('srtp_bad_key', 'AES-CM key must be 16 bytes', { length: key.length });
  }
  if (data.length > MAX_KEYSTREAM_BYTES) {
    throw new DialtoneError('srtp_too_long', 'AES-CM input exceeds 2^16 blocks', { length: data.length });
  }
  const cipher = createCipheriv('aes-128-ctr', key, iv);
  const out = cipher.update(data);
  cipher.final();
  return out;
}

/** The first `length` bytes of AES-CM keystream starting at `iv`. */
export function aesCmKeystream(key: Uint8Array, iv: Uint8Array, length: number): Buffer {
  return aesCmXor(key, iv, Buffer.alloc(length));
}
