/**
 * The SRTP crypto suites Dialtone supports and their parameters.
 *
 * RFC 4568 §6.2.1 (AES_CM_128_HMAC_SHA1_80) and §6.2.2 (AES_CM_128_HMAC_SHA1_32):
 * AES-128 counter mode (RFC 3711 §4.1.1), a 112-bit master salt, HMAC-SHA1 with a
 * 160-bit session authentication key (RFC 3711 §4.2.1), an 80- or 32-bit SRTP tag,
 * and a master key lifetime of at most 2^48 SRTP packets / 2^31 SRTCP packets.
 * The _32 suite shortens only the SRTP tag; SRTCP always carries the 80-bit tag
 * (RFC 3711 §5.2, RFC 4568 §6.2.2).
 *
 * The AES-192/256 suites of RFC 6188 are known names but not supported here.
 */

export type SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface SrtpSuite {
  readonly name: SrtpSuiteName;
  /** Master and session encryption key length in bytes. */
  readonly keyLength: number;
  /** Master and session salt length in bytes. */
  readonly saltLength: number;
  /** Session authentication key length in bytes (HMAC-SHA1, 160 bits). */
  readonly authKeyLength: number;
  /** SRTP authentication tag length in bytes. */
  readonly srtpTagLength: number;
  /** SRTCP authentication tag length in bytes. */
  readonly srtcpTagLength: number;
  /** Largest master key lifetime, in SRTP packets, the suite allows. */
  readonly maxSrtpLifetime: number;
}

export const SRTP_SUITES: Readonly<Record<SrtpSuiteName, SrtpSuite>> = {
  AES_CM_128_HMAC_SHA1_80: {
    name: 'AES_CM_128_HMAC_SHA1_80',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    srtpTagLength: 10,
    srtcpTagLength: 10,
    maxSrtpLifetime: 2 ** 48,
  },
  AES_CM_128_HMAC_SHA1_32: {
    name: 'AES_CM_128_HMAC_SHA1_32',
    keyLength: 16,
    saltLength: 14,
    authKeyLength: 20,
    srtpTagLength: 4,
    srtcpTagLength: 10,
    maxSrtpLifetime: 2 ** 48,
  },
};

export const SUPPORTED_SUITES: readonly SrtpSuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

export function isSupportedSuite(name: string): name is SrtpSuiteName {
  return Object.prototype.hasOwnProperty.call(SRTP_SUITES, name);
}
