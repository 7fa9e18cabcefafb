/**
 * Digest hash algorithms and their strength order.
 *
 * References: RFC 7616 §3.2 / §6.1 (the "Hash Algorithms for HTTP Digest Authentication"
 * registry: MD5, SHA-256, SHA-512-256 and their -sess variants), RFC 8760 §2.1 (SIP adopts
 * that registry and prefers SHA-256/SHA-512-256 over MD5), RFC 2617 §3.2.2.2 (MD5-sess).
 *
 * SHA-512-256 is the FIPS 180-4 SHA-512/256 function (its own initial values), not SHA-512
 * truncated to 256 bits; see the RFC 7616 §3.9.2 test and erratum 4897.
 */

import { createHash } from 'node:crypto';

export const DIGEST_ALGORITHMS = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

/** A hash rendered as lower-case hex (RFC 7616 §3.4: "the bits … converted to … hexadecimal"). */
export type HashFn = (data: string | Uint8Array) => string;

const NODE_NAMES: Record<string, string> = { 'MD5': 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };

/** Canonical spelling of an algorithm token (compared case-insensitively), or undefined if unknown. */
export function parseAlgorithm(token: string): DigestAlgorithm | undefined {
  const lower = token.toLowerCase();
  return DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === lower);
}

export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/** Larger is stronger; -sess variants rank with their base hash. */
export function algorithmStrength(algorithm: DigestAlgorithm): number {
  const base = algorithm.replace(/-sess$/, '');
  return base === 'SHA-512-256' ? 3 : base === 'SHA-256' ? 2 : 1;
}

/** The hash function H() for an algorithm; strings are hashed as UTF-8 (RFC 7616 §3.4.1 charset). */
export function hashFor(algorithm: DigestAlgorithm): HashFn {
  const name = NODE_NAMES[algorithm.replace(/-sess$/, '')];
  if (name === undefined) throw new Error(`no hash for ${algorithm}`);
  return (data) => createHash(name).update(data).digest('hex');
}
