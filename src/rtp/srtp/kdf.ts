/**
 * SRTP key derivation (RFC 3711 §4.3.1 and the AES-CM PRF of §4.3.3), with
 * key_derivation_rate 0 (the default, §4.3.1): the session keys are derived once
 * per master key, so r = index DIV kdr is taken as zero.
 *
 *   key_id = label || r         (label 8 bits, r 48 bits = 0)
 *   x      = key_id XOR master_salt   (right-aligned: the label lands on salt byte 7)
 *   k      = PRF_n(k_master, x) = first n bits of AES-CM(k_master, IV = x * 2^16)
 *
 * Labels (§4.3.1, §4.3.2): 0x00 SRTP encryption, 0x01 SRTP authentication,
 * 0x02 SRTP salt, 0x03 SRTCP encryption, 0x04 SRTCP authentication, 0x05 SRTCP salt.
 */

import { DialtoneError } from '../../errors.js';
import { aesCmKeystream } from './aes-cm.js';

export const KDF_LABEL = {
  srtpEncryption: 0x00,
  srtpAuthentication: 0x01,
  srtpSalt: 0x02,
  srtcpEncryption: 0x03,
  srtcpAuthentication: 0x04,
  srtcpSalt: 0x05,
} as const;

const MASTER_KEY_LENGTH = 16;
const MASTER_SALT_LENGTH = 14;
const SESSION_KEY_LENGTH = 16;
const SESSION_AUTH_KEY_LENGTH = 20;
const SESSION_SALT_LENGTH = 14;

/** One direction-independent set of session keys (for SRTP or for SRTCP). */
export interface SessionKeys {
  /** 128-bit session encryption key. */
  readonly encryptionKey: Buffer;
  /** 160-bit session authentication key for HMAC-SHA1. */
  readonly authKey: Buffer;
  /** 112-bit session salt. */
  readonly salt: Buffer;
}

/** The AES-CM PRF of §4.3.3 applied to one label: `length` bytes of session key material. */
export function deriveKey(masterKey: Uint8Array, masterSalt: Uint8Array, label: number, length: number): Buffer {
  checkMaster(masterKey, masterSalt);
  if (!Number.isInteger(label) || label < 0 || label > 0xff) {
    throw new DialtoneError('srtp_bad_label', 'key derivation label must be one byte', { label });
  }
  const iv = Buffer.alloc(16);
  iv.set(masterSalt, 0);
  // key_id is 56 bits (label || 48-bit r = 0), right-aligned with the 112-bit salt.
  iv[7]! ^= label;
  return aesCmKeystream(masterKey, iv, length);
}

/** Session keys for SRTP (labels 0x00..0x02). */
export function deriveSrtpKeys(masterKey: Uint8Array, masterSalt: Uint8Array): SessionKeys {
  return {
    encryptionKey: deriveKey(masterKey, masterSalt, KDF_LABEL.srtpEncryption, SESSION_KEY_LENGTH),
    authKey: deriveKey(masterKey, masterSalt, KDF_LABEL.srtpAuthentication, SESSION_AUTH_KEY_LENGTH),
    salt: deriveKey(masterKey, masterSalt, KDF_LABEL.srtpSalt, SESSION_SALT_LENGTH),
  };
}

/** Session keys for SRTCP (labels 0x03..0x05). */
export function deriveSrtcpKeys(masterKey: Uint8Array, masterSalt: Uint8Array): SessionKeys {
  return {
    encryptionKey: deriveKey(masterKey, masterSalt, KDF_LABEL.srtcpEncryption, SESSION_KEY_LENGTH),
    authKey: deriveKey(masterKey, masterSalt, KDF_LABEL.srtcpAuthentication, SESSION_AUTH_KEY_LENGTH),
    salt: deriveKey(masterKey, masterSalt, KDF_LABEL.srtcpSalt, SESSION_SALT_LENGTH),
  };
}

function checkMaster(masterKey: Uint8Array, masterSalt: Uint8Array): void {
  if (masterKey.length !== MASTER_KEY_LENGTH) {
    throw new DialtoneError('srtp_bad_key', `SRTP master key must be ${MASTER_KEY_LENGTH} bytes`, { length: masterKey.length });
  }
  if (masterSalt.length !== MASTER_SALT_LENGTH) {
    throw new DialtoneError('srtp_bad_salt', `SRTP master salt must be ${MASTER_SALT_LENGTH} bytes`, { length: masterSalt.length });
  }
}
