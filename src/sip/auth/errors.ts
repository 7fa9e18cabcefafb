/**
 * Typed errors of SIP digest authentication.
 *
 * References: RFC 3261 §22 (SIP use of digest), RFC 2617 and RFC 7616 (the digest
 * scheme), RFC 8760 (SHA-256 / SHA-512/256 in SIP).
 */

import { DialtoneError, type ErrorContext } from '../../errors.js';

/**
 * Why a WWW-Authenticate / Proxy-Authenticate / Authorization value was refused:
 * - `syntax`: not a list of `name=value` auth-params (RFC 7235 §2.1 grammar);
 * - `not-digest`: a scheme other than Digest (e.g. Basic, which RFC 3261 §22.1 forbids);
 * - `missing-param`: a required parameter (realm, nonce, response…) is absent or empty;
 * - `unsupported`: well-formed, but names an algorithm or qop we do not implement.
 */
export type AuthParseReason = 'syntax' | 'not-digest' | 'missing-param' | 'unsupported';

export class AuthParseError extends DialtoneError {
  readonly reason: AuthParseReason;

  constructor(reason: AuthParseReason, message: string, context: ErrorContext = {}) {
    super(reason === 'unsupported' ? 'auth_unsupported' : 'auth_malformed', message, context);
    this.reason = reason;
  }
}

/**
 * The server refused credentials that answered its own fresh challenge, and did not
 * mark the nonce stale: the username or password is wrong (RFC 3261 §22.2, RFC 7616 §3.3).
 * Retrying with the same credentials would only repeat the failure.
 */
export class AuthRejectedError extends DialtoneError {
  readonly status: 401 | 407;
  readonly realm: string;

  constructor(status: 401 | 407, realm: string, context: ErrorContext = {}) {
    super('auth_rejected', `credentials rejected by realm "${realm}" (${status})`, { ...context, status, realm });
    this.status = status;
    this.realm = realm;
  }
}
