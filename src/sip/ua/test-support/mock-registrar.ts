/**
 * An in-memory registrar for tests: challenges with 401 (Digest, SHA-256 and MD5 offered,
 * qop=auth), verifies credentials with verifyAuthorization, keeps bindings, and can be told
 * to answer 423 / 403 / 503 or to drop requests. Retransmissions (same branch) get the
 * same answer again and are not processed twice.
 */
import { randomBytes } from 'node:crypto';
import { formatChallenge, verifyAuthorization, type DigestAlgorithm, type NonceVerdict } from '../../auth/index.js';
import { createResponse, formatUri, newTag, type SipRequest, type SipResponse } from '../../message/index.js';

export interface MockRegistrarOptions {
  readonly realm?: string;
  /** username → password. */
  readonly users?: Readonly<Record<string, string>>;
  readonly algorithms?: readonly DigestAlgorithm[];
  /** Longest expiry granted (default 3600). */
  readonly maxExpiresS?: number;
  /** Below this (and not 0) the registrar answers 423 (default: no minimum). */
  readonly minExpiresS?: number;
}

/** What the registrar does with the next requests instead of its normal processing. */
export type MockOverride =
  | { readonly kind: 'drop' }
  | { readonly kind: 'reply'; readonly status: number; readonly headers?: readonly (readonly [string, string])[] };

export interface Binding {
  readonly contact: string;
  readonly expiresS: number;
}

export class MockRegistrar {
  readonly realm: string;
  readonly users: Record<string, string>;
  readonly algorithms: readonly DigestAlgorithm[];
  maxExpiresS: number;
  minExpiresS: number | undefined;
  /** Applied to every new request while set. */
  override: MockOverride | undefined;
  /** Distinct requests (first transmission of each branch). */
  readonly requests: SipRequest[] = [];
  /** Every transmission received, retransmissions included. */
  received = 0;
  readonly bindings = new Map<string, Binding>();
  private readonly nonces = new Map<string, number>();
  private readonly answered = new Map<string, SipResponse | null>();
  private readonly toTag = newTag();

  constructor(opts: MockRegistrarOptions = {}) {
    this.realm = opts.realm ?? 'dialtone.test';
    this.users = { ...(opts.users ?? { alice: 'secret' }) };
    this.algorithms = opts.algorithms ?? ['SHA-256', 'MD5'];
    this.maxExpiresS = opts.maxExpiresS ?? 3600;
    this.minExpiresS = opts.minExpiresS;
  }

  /** Handles one received request; undefined = no answer. */
  handle(request: SipRequest): SipResponse | undefined {
    this.received++;
    const via = request.headers.topVia();
    const branch = via.ok ? via.value.branch ?? '' : '';
    const seen = this.answered.get(branch);
    if (seen !== undefined) return seen ?? undefined;
    this.requests.push(request);
    const response = this.process(request);
    this.answered.set(branch, response ?? null);
    return response;
  }

  /** Expires values of the distinct requests. */
  get expiresSent(): string[] {
    return this.requests.map((r) => r.headers.get('Expires') ?? '');
  }

  private process(request: SipRequest): SipResponse | undefined {
    const o = this.override;
    if (o?.kind === 'drop') return undefined;
    if (o?.kind === 'reply') return this.reply(request, o.status, o.headers ?? []);
    if (request.method !== 'REGISTER') return this.reply(request, 405, [['Allow', 'REGISTER']]);
    const auth = request.headers.get('Authorization');
    if (auth === undefined) return this.challenge(request, false);
    const result = verifyAuthorization({
      headerValue: auth,
      method: request.method,
      realm: this.realm,
      requestUri: formatUri(request.uri),
      lookupPassword: (user) => this.users[user],
      validateNonce: (nonce, nc) => this.checkNonce(nonce, nc),
      algorithms: this.algorithms,
    });
    if (!result.ok) return this.challenge(request, result.stale);
    const expires = request.headers.expires();
    const asked = expires.ok ? expires.value : this.maxExpiresS;
    if (asked !== 0 && this.minExpiresS !== undefined && asked < this.minExpiresS) {
      return this.reply(request, 423, [['Min-Expires', String(this.minExpiresS)]]);
    }
    const contacts = request.headers.contact();
    const contactValues = request.headers.getAll('Contact');
    const granted = Math.min(asked, this.maxExpiresS);
    if (contacts.ok && !contacts.value.star) {
      for (const c of contacts.value.contacts) {
        const key = formatUri(c.uri);
        if (granted === 0) this.bindings.delete(key);
        else this.bindings.set(key, { contact: key, expiresS: granted });
      }
    }
    const headers: [string, string][] = granted === 0 ? [] : contactValues.map((v) => ['Contact', `${v};expires=${granted}`]);
    return this.reply(request, 200, headers);
  }

  private checkNonce(nonce: string, nc: number | undefined): NonceVerdict {
    const last = this.nonces.get(nonce);
    if (last === undefined) return 'invalid';
    if (nc === undefined || nc <= last) return 'invalid';
    this.nonces.set(nonce, nc);
    return 'ok';
  }

  private challenge(request: SipRequest, stale: boolean): SipResponse {
    const nonce = randomBytes(12).toString('hex');
    this.nonces.set(nonce, 0);
    const headers = this.algorithms.map((algorithm): [string, string] => ['WWW-Authenticate', formatChallenge({
      realm: this.realm, nonce, algorithm, qop: ['auth'], stale, domain: [], userhash: false,
    })]);
    return this.reply(request, 401, headers);
  }

  private reply(request: SipRequest, status: number, headers: readonly (readonly [string, string])[]): SipResponse {
    return createResponse(request, status, undefined, { toTag: this.toTag, headers });
  }
}
