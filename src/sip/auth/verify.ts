/**
 * Server-side digest verification, for tests and the in-process mock registrar.
 *
 * References: RFC 3261 §22.2 and §22.3 (UAS / proxy checks, 401 vs 407), §22.4 (digest-uri
 * matches the Request-URI); RFC 2617 §3.2.2 and RFC 7616 §3.4–3.5 (recomputing the
 * response, nonce count, stale nonces, userhash); RFC 8760 §2.3 (UAS algorithm policy).
 */

import { timingSafeEqual } from 'node:crypto';
import { hashFor, isSessionAlgorithm, parseAlgorithm, type DigestAlgorithm } from './algorithm.js';
import type { Qop } from './challenge.js';
import { requestDigest, type DigestCredentials } from './digest.js';
import { AuthParseError } from './errors.js';
import { parseAuthItems } from './params.js';

/** Parses an Authorization / Proxy-Authorization value holding Digest credentials. */
export function parseCredentials(headerValue: string): DigestCredentials | AuthParseError {
  const items = parseAuthItems(headerValue);
  if (items instanceof AuthParseError) return items;
  const item = items.find((i) => i.scheme.toLowerCase() === 'digest');
  if (item === undefined) return new AuthParseError('not-digest', 'not Digest credentials', { scheme: items[0]?.scheme });
  const p = item.params;
  const required = ['username', 'realm', 'nonce', 'uri', 'response'] as const;
  for (const name of required) {
    if (p.get(name) === undefined) return new AuthParseError('missing-param', `credentials without ${name}`, { param: name });
  }
  const algToken = p.get('algorithm')?.value;
  const algorithm = algToken === undefined ? 'MD5' : parseAlgorithm(algToken);
  if (algorithm === undefined) return new AuthParseError('unsupported', `unsupported digest algorithm "${algToken ?? ''}"`, { algorithm: algToken });
  const qopToken = p.get('qop')?.value.toLowerCase();
  if (qopToken !== undefined && qopToken !== 'auth' && qopToken !== 'auth-int') {
    return new AuthParseError('unsupported', `unsupported qop "${qopToken}"`, { qop: qopToken });
  }
  const qop: Qop | undefined = qopToken;
  const nc = p.get('nc')?.value.toLowerCase();
  const cnonce = p.get('cnonce')?.value;
  const opaque = p.get('opaque')?.value;
  if (qop !== undefined && (nc === undefined || cnonce === undefined)) {
    return new AuthParseError('missing-param', 'qop given without nc and cnonce', { param: nc === undefined ? 'nc' : 'cnonce' });
  }
  if (nc !== undefined && !/^[0-9a-f]{8}$/.test(nc)) return new AuthParseError('syntax', `bad nonce count "${nc}"`, { nc });
  return {
    username: p.get('username')?.value ?? '',
    realm: p.get('realm')?.value ?? '',
    nonce: p.get('nonce')?.value ?? '',
    uri: p.get('uri')?.value ?? '',
    response: p.get('response')?.value ?? '',
    algorithm,
    ...(cnonce !== undefined ? { cnonce } : {}),
    ...(opaque !== undefined ? { opaque } : {}),
    ...(qop !== undefined ? { qop } : {}),
    ...(nc !== undefined ? { nc } : {}),
    userhash: p.get('userhash')?.value.toLowerCase() === 'true',
  };
}

/** What the server's nonce store says about a nonce and its count. */
export type NonceVerdict = 'ok' | 'stale' | 'invalid';

export interface VerifyRequest {
  /** The Authorization / Proxy-Authorization value. */
  readonly headerValue: string;
  readonly method: string;
  /** The realm this server challenged with. */
  readonly realm: string;
  /** Plain-text password for a user in the realm, undefined if unknown. */
  readonly lookupPassword: (username: string, realm: string) => string | undefined;
  /**
   * Checks a nonce this server issued and, with qop, its count (replay protection is the
   * store's business, RFC 7616 §3.5). `stale` = issued by us but expired: answer with a new
   * challenge carrying stale=true.
   */
  readonly validateNonce: (nonce: string, nc: number | undefined) => NonceVerdict;
  /** The Request-URI; when given, digest-uri must equal it (RFC 3261 §22.4). */
  readonly requestUri?: string;
  /** Body, for qop=auth-int. */
  readonly body?: string | Uint8Array;
  /** Algorithms this server accepts (default: all supported). */
  readonly algorithms?: readonly DigestAlgorithm[];
  /** Resolves an RFC 7616 userhash to the real username; without it, userhash credentials are refused. */
  readonly resolveUserhash?: (hashed: string, realm: string, algorithm: DigestAlgorithm) => string | undefined;
}

export type VerifyFailure =
  | 'malformed'
  | 'not-digest'
  | 'unsupported'
  | 'realm-mismatch'
  | 'uri-mismatch'
  | 'unknown-user'
  | 'invalid-nonce'
  | 'stale-nonce'
  | 'bad-response';

export type VerifyResult =
  | { readonly ok: true; readonly username: string; readonly credentials: DigestCredentials }
  | { readonly ok: false; readonly reason: VerifyFailure; readonly stale: boolean; readonly username?: string };

function fail(reason: VerifyFailure, username?: string): VerifyResult {
  return { ok: false, reason, stale: reason === 'stale-nonce', ...(username !== undefined ? { username } : {}) };
}

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a.toLowerCase());
  const y = Buffer.from(b.toLowerCase());
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Verifies Digest credentials. Checks, in order: syntax, algorithm policy, realm, uri,
 * user, the response itself (compared in constant time), then the nonce. A stale nonce is
 * thus only reported when the password was right (RFC 7616 §3.3: stale means "the request
 * digest was valid but the nonce was not"); the registrar answers it with a new challenge
 * carrying stale=true, and every other failure with a plain new challenge.
 */
export function verifyAuthorization(req: VerifyRequest): VerifyResult {
  const creds = parseCredentials(req.headerValue);
  if (creds instanceof AuthParseError) {
    return fail(creds.reason === 'not-digest' ? 'not-digest' : creds.reason === 'unsupported' ? 'unsupported' : 'malformed');
  }
  if (req.algorithms !== undefined && !req.algorithms.includes(creds.algorithm)) return fail('unsupported');
  if (creds.realm !== req.realm) return fail('realm-mismatch');
  if (req.requestUri !== undefined && creds.uri !== req.requestUri) return fail('uri-mismatch');
  if (isSessionAlgorithm(creds.algorithm) && creds.cnonce === undefined) return fail('malformed');

  const hash = hashFor(creds.algorithm);
  let username = creds.username;
  if (creds.userhash) {
    const resolved = req.resolveUserhash?.(creds.username, creds.realm, creds.algorithm);
    if (resolved === undefined) return fail('unknown-user');
    username = resolved;
  }
  const password = req.lookupPassword(username, creds.realm);
  if (password === undefined) return fail('unknown-user', username);

  const expected = requestDigest(
    {
      algorithm: creds.algorithm,
      username,
      realm: creds.realm,
      password,
      method: req.method,
      uri: creds.uri,
      nonce: creds.nonce,
      ...(creds.cnonce !== undefined ? { cnonce: creds.cnonce } : {}),
      ...(creds.nc !== undefined ? { nc: creds.nc } : {}),
      ...(creds.qop !== undefined ? { qop: creds.qop } : {}),
      ...(req.body !== undefined ? { body: req.body } : {}),
    },
    hash,
  );
  if (!sameHex(expected, creds.response)) return fail('bad-response', username);
  // Only requests that proved the password reach the nonce store, so a guesser cannot burn counts.
  const verdict = req.validateNonce(creds.nonce, creds.nc === undefined ? undefined : Number.parseInt(creds.nc, 16));
  if (verdict === 'invalid') return fail('invalid-nonce', username);
  if (verdict === 'stale') return fail('stale-nonce', username);
  return { ok: true, username, credentials: creds };
}
