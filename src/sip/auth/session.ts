/**
 * Client digest state for one account and realm: the last challenge, its nonce count and
 * cnonce, preemptive reuse of the nonce on later requests, stale-nonce retries, and the
 * decision to stop when the server refuses our password.
 *
 * References: RFC 3261 §22.2–22.3 (UAC behaviour on 401/407, Authorization vs
 * Proxy-Authorization, reuse of credentials for later requests to the same realm) and §8.1.3.5;
 * RFC 2617 §3.2.2 and RFC 7616 §3.4 (nonce count incremented per request with the same
 * nonce, cnonce); RFC 7616 §3.3 (stale=true: retry with the new nonce without prompting);
 * RFC 8760 §2.4 (choosing among challenges).
 */

import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { pickChallenge, type DigestChallenge, type Qop } from './challenge.js';
import { computeDigestResponse, formatAuthorization, type DigestCredentials } from './digest.js';
import { AuthParseError, AuthRejectedError } from './errors.js';

export type AuthHeaderName = 'Authorization' | 'Proxy-Authorization';

export interface AuthHeader {
  readonly name: AuthHeaderName;
  readonly value: string;
  readonly credentials: DigestCredentials;
}

export interface DigestSessionOptions {
  readonly username: string;
  readonly password: string;
  /** Random source for cnonce values (default crypto.randomBytes); inject for tests. */
  readonly randomBytes?: (size: number) => Uint8Array;
  /** Preferred qop when the challenge offers both (default `auth`). */
  readonly qop?: Qop;
  /** Consecutive stale=true challenges tolerated before giving up (default 2). */
  readonly maxStaleRetries?: number;
}

export type ChallengeOutcome =
  | { readonly action: 'retry'; readonly challenge: DigestChallenge; readonly stale: boolean }
  | { readonly action: 'give-up'; readonly error: AuthRejectedError | AuthParseError };

export interface RequestToAuthorize {
  readonly method: string;
  /** The Request-URI, as it will be sent. */
  readonly uri: string;
  /** The body, needed only when the challenge forces qop=auth-int. */
  readonly body?: string | Uint8Array;
}

const CNONCE_BYTES = 16;

export class DigestSession {
  private readonly username: string;
  private readonly password: string;
  private readonly randomBytes: (size: number) => Uint8Array;
  private readonly qop: Qop;
  private readonly maxStaleRetries: number;

  private challenge: DigestChallenge | undefined;
  private status: 401 | 407 = 401;
  private nc = 0;
  private cnonce = '';
  /** The current challenge arrived in answer to our request and has not been answered yet. */
  private freshPending = false;
  /** Credentials answering a fresh challenge are out; a new non-stale challenge means "wrong password". */
  private freshSent = false;
  private staleRetries = 0;

  constructor(options: DigestSessionOptions) {
    this.username = options.username;
    this.password = options.password;
    this.randomBytes = options.randomBytes ?? ((size) => cryptoRandomBytes(size));
    this.qop = options.qop ?? 'auth';
    this.maxStaleRetries = options.maxStaleRetries ?? 2;
  }

  /** The challenge in use, if any. */
  get current(): DigestChallenge | undefined {
    return this.challenge;
  }

  get realm(): string | undefined {
    return this.challenge?.realm;
  }

  /** Header to add to requests: Authorization after a 401, Proxy-Authorization after a 407 (RFC 3261 §22.3). */
  get headerName(): AuthHeaderName {
    return this.status === 407 ? 'Proxy-Authorization' : 'Authorization';
  }

  /**
   * Feeds the challenges of a 401 (WWW-Authenticate values) or 407 (Proxy-Authenticate
   * values). `retry` = resend the request with `authorize()`; `give-up` = stop, and report
   * the error (the session forgets its challenge and starts over on the next 401/407).
   */
  onChallenge(status: 401 | 407, values: readonly string[]): ChallengeOutcome {
    const picked = pickChallenge(values);
    if (picked instanceof AuthParseError) {
      this.reset();
      return { action: 'give-up', error: picked };
    }
    if (this.freshSent) {
      // RFC 3261 §22.2 / RFC 7616 §3.3: a new challenge without stale=true in answer to
      // credentials computed from a fresh challenge means the credentials are wrong.
      const tooManyStale = picked.stale && this.staleRetries >= this.maxStaleRetries;
      if (!picked.stale || tooManyStale) {
        const error = new AuthRejectedError(status, picked.realm, { username: this.username, staleRetries: this.staleRetries });
        this.reset();
        return { action: 'give-up', error };
      }
      this.staleRetries++;
    }
    // First challenge, a stale nonce, or a nonce we reused preemptively having expired:
    // adopt the new nonce, restart the count, and retry without counting a failure.
    this.challenge = picked;
    this.status = status;
    this.nc = 0;
    this.cnonce = Buffer.from(this.randomBytes(CNONCE_BYTES)).toString('hex');
    this.freshPending = true;
    this.freshSent = false;
    return { action: 'retry', challenge: picked, stale: picked.stale };
  }

  /**
   * Builds the Authorization / Proxy-Authorization header for a request (a retry after a
   * challenge, or any later request to the same realm, reusing the nonce preemptively with
   * the next nonce count). Undefined while no challenge is known.
   */
  authorize(request: RequestToAuthorize): AuthHeader | undefined {
    const challenge = this.challenge;
    if (challenge === undefined) return undefined;
    if (this.nc >= 0xffffffff) return undefined; // count exhausted: send without, let the server re-challenge
    this.nc++;
    const qop = challenge.qop.includes(this.qop) ? this.qop : undefined;
    const credentials = computeDigestResponse({
      challenge,
      method: request.method,
      uri: request.uri,
      username: this.username,
      password: this.password,
      cnonce: this.cnonce,
      nc: this.nc,
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(qop !== undefined ? { qop } : {}),
    });
    if (this.freshPending) {
      this.freshPending = false;
      this.freshSent = true;
    }
    return { name: this.headerName, value: formatAuthorization(credentials), credentials };
  }

  /**
   * Tells the session a request carrying its credentials got a final response other than
   * 401/407: the password is good, so a later challenge is a nonce expiry, not a rejection.
   */
  onAuthenticated(): void {
    this.freshPending = false;
    this.freshSent = false;
    this.staleRetries = 0;
  }

  /** Forgets the challenge (e.g. after the account's password changed). */
  reset(): void {
    this.challenge = undefined;
    this.status = 401;
    this.nc = 0;
    this.cnonce = '';
    this.freshPending = false;
    this.freshSent = false;
    this.staleRetries = 0;
  }
}
