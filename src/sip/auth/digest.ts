/**
 * Client-side digest computation: request-digest and the Authorization /
 * Proxy-Authorization value.
 *
 * References: RFC 2617 §3.2.2 (request-digest, A1, A2, MD5-sess, RFC 2069 compatibility
 * when no qop); RFC 7616 §3.4 (response for any registered algorithm, §3.4.4 userhash);
 * RFC 8760 §2 (SIP use of SHA-256 and SHA-512-256); RFC 3261 §22.4 and §25.1 (credentials
 * grammar: `algorithm`, `qop` and `nc` are unquoted, the rest quoted-strings).
 */

import { hashFor, isSessionAlgorithm, type DigestAlgorithm, type HashFn } from './algorithm.js';
import type { DigestChallenge, Qop } from './challenge.js';
import { quote } from './params.js';

export interface DigestCredentials {
  /** The username as sent: H(username ":" realm) when `userhash` is set. */
  readonly username: string;
  readonly realm: string;
  readonly nonce: string;
  readonly uri: string;
  readonly response: string;
  readonly algorithm: DigestAlgorithm;
  readonly cnonce?: string;
  readonly opaque?: string;
  readonly qop?: Qop;
  /** Nonce count as 8 lower-case hex digits (RFC 2617 §3.2.2). */
  readonly nc?: string;
  readonly userhash: boolean;
}

export interface DigestRequest {
  readonly challenge: DigestChallenge;
  readonly method: string;
  /** The Request-URI as sent (RFC 3261 §22.4: digest-uri equals the Request-URI). */
  readonly uri: string;
  readonly username: string;
  readonly password: string;
  /** Required when a qop is used or the algorithm is a -sess one. */
  readonly cnonce?: string;
  /** Nonce count, 1 for the first request with this nonce. */
  readonly nc?: number;
  /** The message body, hashed for qop=auth-int (absent = empty body). */
  readonly body?: string | Uint8Array;
  /** Which offered qop to use; default `auth` if offered, else `auth-int`, else none. */
  readonly qop?: Qop | 'none';
  /** Replaces H(); only for test vectors computed with a non-standard hash (RFC 7616 erratum 4897). */
  readonly hash?: HashFn;
}

/** Formats a nonce count as 8 hex digits. */
export function formatNc(nc: number): string {
  if (!Number.isInteger(nc) || nc < 1 || nc > 0xffffffff) throw new RangeError(`nonce count out of range: ${nc}`);
  return nc.toString(16).padStart(8, '0');
}

/** The qop a client should use for a challenge: `auth` preferred (RFC 8760 §2.6), then `auth-int`. */
export function chooseQop(challenge: DigestChallenge, wanted?: Qop | 'none'): Qop | undefined {
  if (challenge.qop.length === 0) return undefined;
  if (wanted === 'none') throw new RangeError('the challenge requires a qop; "none" is not allowed');
  if (wanted !== undefined) {
    if (!challenge.qop.includes(wanted)) throw new RangeError(`qop "${wanted}" was not offered`);
    return wanted;
  }
  return challenge.qop.includes('auth') ? 'auth' : 'auth-int';
}

export interface ResponseParts {
  readonly algorithm: DigestAlgorithm;
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  readonly method: string;
  readonly uri: string;
  readonly nonce: string;
  readonly cnonce?: string;
  readonly nc?: string;
  readonly qop?: Qop;
  readonly body?: string | Uint8Array;
}

/**
 * request-digest (RFC 2617 §3.2.2.1, RFC 7616 §3.4.1):
 *   HA1 = H(user:realm:password), or for -sess H(H(user:realm:password):nonce:cnonce)
 *   HA2 = H(method:uri), or for auth-int H(method:uri:H(body))
 *   response = H(HA1:nonce:nc:cnonce:qop:HA2), or without qop H(HA1:nonce:HA2)
 * The username here is the real one, also when a userhash is sent (RFC 7616 §3.4.4).
 */
export function requestDigest(parts: ResponseParts, hash: HashFn = hashFor(parts.algorithm)): string {
  const needsCnonce = parts.qop !== undefined || isSessionAlgorithm(parts.algorithm);
  if (needsCnonce && (parts.cnonce === undefined || parts.cnonce === '')) throw new RangeError('a cnonce is required for qop or -sess');
  if (parts.qop !== undefined && parts.nc === undefined) throw new RangeError('a nonce count is required with qop');
  let ha1 = hash(`${parts.username}:${parts.realm}:${parts.password}`);
  if (isSessionAlgorithm(parts.algorithm)) ha1 = hash(`${ha1}:${parts.nonce}:${parts.cnonce ?? ''}`);
  const a2 = parts.qop === 'auth-int' ? `${parts.method}:${parts.uri}:${hash(parts.body ?? '')}` : `${parts.method}:${parts.uri}`;
  const ha2 = hash(a2);
  return parts.qop === undefined
    ? hash(`${ha1}:${parts.nonce}:${ha2}`)
    : hash(`${ha1}:${parts.nonce}:${parts.nc ?? ''}:${parts.cnonce ?? ''}:${parts.qop}:${ha2}`);
}

/** RFC 7616 §3.4.4: username = H(unq(username) ":" unq(realm)). */
export function userhash(username: string, realm: string, hash: HashFn): string {
  return hash(`${username}:${realm}`);
}

/** Computes the credentials answering `challenge` for one request. */
export function computeDigestResponse(req: DigestRequest): DigestCredentials {
  const { challenge } = req;
  const hash = req.hash ?? hashFor(challenge.algorithm);
  const qop = chooseQop(challenge, req.qop);
  const usesCnonce = qop !== undefined || isSessionAlgorithm(challenge.algorithm);
  const nc = qop !== undefined ? formatNc(req.nc ?? 1) : undefined;
  const response = requestDigest(
    {
      algorithm: challenge.algorithm,
      username: req.username,
      realm: challenge.realm,
      password: req.password,
      method: req.method,
      uri: req.uri,
      nonce: challenge.nonce,
      ...(usesCnonce && req.cnonce !== undefined ? { cnonce: req.cnonce } : {}),
      ...(nc !== undefined ? { nc } : {}),
      ...(qop !== undefined ? { qop } : {}),
      ...(req.body !== undefined ? { body: req.body } : {}),
    },
    hash,
  );
  return {
    username: challenge.userhash ? userhash(req.username, challenge.realm, hash) : req.username,
    realm: challenge.realm,
    nonce: challenge.nonce,
    uri: req.uri,
    response,
    algorithm: challenge.algorithm,
    ...(usesCnonce && req.cnonce !== undefined ? { cnonce: req.cnonce } : {}),
    ...(challenge.opaque !== undefined ? { opaque: challenge.opaque } : {}),
    ...(qop !== undefined ? { qop } : {}),
    ...(nc !== undefined ? { nc } : {}),
    userhash: challenge.userhash,
  };
}

/**
 * The Authorization / Proxy-Authorization value (RFC 3261 §22.4, §25.1): quoted username,
 * realm, nonce, uri, response, cnonce and opaque; bare algorithm, qop and nc.
 */
export function formatAuthorization(creds: DigestCredentials): string {
  const parts = [
    `username=${quote(creds.username)}`,
    `realm=${quote(creds.realm)}`,
    `nonce=${quote(creds.nonce)}`,
    `uri=${quote(creds.uri)}`,
    `response=${quote(creds.response)}`,
    `algorithm=${creds.algorithm}`,
  ];
  if (creds.cnonce !== undefined) parts.push(`cnonce=${quote(creds.cnonce)}`);
  if (creds.opaque !== undefined) parts.push(`opaque=${quote(creds.opaque)}`);
  if (creds.qop !== undefined) parts.push(`qop=${creds.qop}`);
  if (creds.nc !== undefined) parts.push(`nc=${creds.nc}`);
  if (creds.userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}
