/**
 * The REGISTER client of one account (RFC 3261 §10.2): registers our Contact with the
 * registrar, answers digest challenges (§22), refreshes before the binding lapses, adapts
 * to 423 Interval Too Brief (§10.2.8), backs off after failures, and unregisters on stop.
 *
 * Behaviour choices (common ATA practice):
 * - Call-ID and From tag stay the same for the agent's life (§10.2.4 asks for one Call-ID
 *   per registrar); CSeq goes up by one on every REGISTER, retries included.
 * - After a 2xx the digest session is kept, so refreshes carry credentials preemptively
 *   (same nonce, next nc); a re-challenge on a refresh is answered as usual.
 * - Refresh timing: see `refreshDelayMs` (half the expiry up to 60 s, else expiry − 30 s).
 *   The state stays 'registered' while a refresh is in flight.
 * - Credentials refused twice in a row → 'failed', next attempt after 5 min.
 * - Other failures (4xx/5xx/6xx, Timer F, transport error) → 'failed', retry after 30 s,
 *   doubling to 30 min, reset by a 2xx. A 503 with Retry-After waits that long instead.
 * - 423: retry at once with the Min-Expires value (at most three times in a row).
 */
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../../clock.js';
import { toError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { DigestSession } from '../auth/index.js';
import { createRequest, formatUri, newBranch, newCallId, newTag, parseUri, type SipMessage, type SipRequest, type SipResponse, type SipUri } from '../message/index.js';
import type { ClientTU, TransactionLayer } from '../transaction/index.js';
import { uriHost, type Endpoint, type TransportProtocol } from '../transport/types.js';
import {
  AUTH_FAILURE_RETRY_MS, backoffDelayMs, grantedExpiresS, minExpiresS, refreshDelayMs, retryAfterS,
} from './registration-policy.js';

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'failed';

export interface RegistrationStatus {
  readonly state: RegistrationState;
  /** Status code of the last final response. */
  readonly lastStatus?: number;
  readonly reason?: string;
  /** When the binding lapses (clock.now() milliseconds). */
  readonly expiresAt?: number;
  /** When the next REGISTER (refresh or retry) is due (clock.now() milliseconds). */
  readonly nextAttemptAt?: number;
}

export interface RegistrationAccount {
  readonly id: string;
  readonly username: string;
  /** Digest username when it differs from the AOR user part. */
  readonly authUsername?: string;
  readonly password: string;
  /** The registrar's domain: host[:port]. */
  readonly domain: string;
  readonly displayName?: string;
}

export interface RegistrationContact {
  readonly host: string;
  readonly port: number;
  readonly transport: TransportProtocol;
}

export interface RegistrationAgentOptions {
  readonly account: RegistrationAccount;
  /** The registrar's resolved address. */
  readonly registrar: Endpoint;
  readonly contact: RegistrationContact;
  /** Expiry to ask for, in seconds (default 3600). */
  readonly expiresS?: number;
  readonly layer: TransactionLayer<SipMessage, Endpoint>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly userAgent: string;
  /** Methods listed in Allow. */
  readonly allow?: readonly string[];
  /** Random source for the digest cnonce (tests). */
  readonly randomBytes?: (size: number) => Uint8Array;
}

export const DEFAULT_ALLOW = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'INFO', 'NOTIFY'] as const;
const MAX_423_RETRIES = 3;

interface Attempt {
  readonly gen: number;
  readonly expiresS: number;
  readonly unregister: boolean;
  readonly authorized: boolean;
}

export class RegistrationAgent extends EventEmitter<{ state: [RegistrationStatus] }> {
  private readonly opts: RegistrationAgentOptions;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly callId: string;
  private readonly fromTag = newTag();
  private readonly contactUri: SipUri;
  private readonly contactText: string;
  private cseq = 0;
  private gen = 0;
  private running = false;
  private disposed = false;
  private auth: DigestSession;
  private requestedS: number;
  private failures = 0;
  private briefRetries = 0;
  private timer: Timer | undefined;
  private current: RegistrationStatus = { state: 'unregistered' };
  private pendingStop: (() => void) | undefined;

  constructor(opts: RegistrationAgentOptions) {
    super();
    this.opts = opts;
    this.clock = opts.clock;
    this.log = opts.log.child({ component: 'registration', account: opts.account.id });
    this.requestedS = opts.expiresS ?? 3600;
    this.callId = newCallId(opts.contact.host.replace(/^\[|\]$/g, ''));
    this.contactText = `sip:${opts.account.username}@${uriHost(opts.contact.host)}:${opts.contact.port};transport=${opts.contact.transport}`;
    const parsed = parseUri(this.contactText);
    if (!parsed.ok) throw new Error(`bad contact URI ${this.contactText}: ${parsed.error.message}`);
    this.contactUri = parsed.value;
    this.auth = this.newAuth();
  }

  status(): RegistrationStatus {
    return this.current;
  }

  /** Starts registering (a no-op while running). Credentials are re-read: a fresh digest session. */
  start(): void {
    if (this.disposed || this.running) return;
    this.running = true;
    this.failures = 0;
    this.briefRetries = 0;
    this.requestedS = this.opts.expiresS ?? 3600;
    this.auth = this.newAuth();
    this.finishStop();
    this.update({ state: 'registering' });
    this.register();
  }

  /**
   * Cancels timers and removes the binding (REGISTER with Expires: 0, authorized when a
   * challenge is known). Resolves when the registrar answered or the request failed.
   */
  stop(): Promise<void> {
    if (this.disposed || !this.running) return Promise.resolve();
    this.running = false;
    this.cancelTimer();
    const wasActive = this.current.state !== 'unregistered';
    this.update({ state: 'unregistered', reason: 'stopped' });
    if (!wasActive) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.finishStop();
      this.pendingStop = resolve;
      this.send(0, true);
    });
  }

  /** Cancels everything without sending; responses still in flight are ignored. */
  dispose(): void {
    this.disposed = true;
    this.running = false;
    this.gen++;
    this.cancelTimer();
    this.finishStop();
    this.removeAllListeners();
  }

  private newAuth(): DigestSession {
    const a = this.opts.account;
    return new DigestSession({
      username: a.authUsername ?? a.username,
      password: a.password,
      ...(this.opts.randomBytes !== undefined ? { randomBytes: this.opts.randomBytes } : {}),
    });
  }

  private register(): void {
    this.cancelTimer();
    this.send(this.requestedS, false);
  }

  private buildRequest(expiresS: number): SipRequest {
    const { account, contact, userAgent } = this.opts;
    const aor = `sip:${account.username}@${account.domain}`;
    const name = account.displayName !== undefined ? `"${account.displayName.replace(/["\\]/g, '\\$&')}" ` : '';
    this.cseq++;
    return createRequest({
      method: 'REGISTER',
      uri: `sip:${account.domain}`,
      headers: [
        ['Via', `SIP/2.0/${contact.transport.toUpperCase()} ${uriHost(contact.host)}:${contact.port};branch=${newBranch()};rport`],
        ['Max-Forwards', '70'],
        ['From', `${name}<${aor}>;tag=${this.fromTag}`],
        ['To', `${name}<${aor}>`],
        ['Call-ID', this.callId],
        ['CSeq', `${this.cseq} REGISTER`],
        ['Contact', `<${this.contactText}>`],
        ['Expires', String(expiresS)],
        ['Allow', (this.opts.allow ?? DEFAULT_ALLOW).join(', ')],
        ['User-Agent', userAgent],
      ],
    });
  }

  private send(expiresS: number, unregister: boolean): void {
    const gen = ++this.gen;
    const request = this.buildRequest(expiresS);
    const credentials = this.auth.authorize({ method: 'REGISTER', uri: formatUri(request.uri) });
    if (credentials !== undefined) request.headers.append(credentials.name, credentials.value);
    const attempt: Attempt = { gen, expiresS, unregister, authorized: credentials !== undefined };
    const tu: ClientTU<SipMessage, Endpoint> = {
      onResponse: (res) => { if (res.kind === 'response' && gen === this.gen) this.onResponse(res, attempt); },
      onTimeout: () => { if (gen === this.gen) this.onNoAnswer(attempt, 'no response from registrar (timeout)'); },
      onTransportError: () => { if (gen === this.gen) this.onNoAnswer(attempt, 'transport error'); },
    };
    this.log.debug('sending REGISTER', { cseq: this.cseq, expires: expiresS, authorized: attempt.authorized });
    try {
      this.opts.layer.sendRequest(request, this.opts.registrar, tu, { reliable: this.opts.registrar.protocol !== 'udp' });
    } catch (err) {
      this.log.warn('REGISTER could not be sent', { err: toError(err).message });
      if (gen === this.gen) this.onNoAnswer(attempt, `send failed: ${toError(err).message}`);
    }
  }

  private onResponse(res: SipResponse, at: Attempt): void {
    if (res.status < 200) return;
    if (res.status === 401 || res.status === 407) {
      const values = res.headers.getAll(res.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
      const outcome = this.auth.onChallenge(res.status, values);
      if (outcome.action === 'retry') {
        this.send(at.expiresS, at.unregister);
        return;
      }
      if (at.unregister) return this.finishStop();
      this.log.warn('registrar refused our credentials', { status: res.status, err: outcome.error.message });
      this.fail(res.status, `authentication failed: ${outcome.error.message}`, AUTH_FAILURE_RETRY_MS);
      return;
    }
    if (at.authorized) this.auth.onAuthenticated();
    if (at.unregister) {
      this.log.info('unregistered', { status: res.status });
      return this.finishStop();
    }
    if (res.status >= 200 && res.status < 300) return this.onSuccess(res, at);
    if (res.status === 423) {
      const min = minExpiresS(res);
      if (min !== undefined && min > at.expiresS && this.briefRetries < MAX_423_RETRIES) {
        this.briefRetries++;
        this.requestedS = min;
        this.log.info('registrar wants a longer expiry', { minExpires: min });
        this.send(min, false);
        return;
      }
    }
    const retryAfter = res.status === 503 ? retryAfterS(res) : undefined;
    this.fail(res.status, `${res.status} ${res.reason}`.trim(), retryAfter !== undefined ? retryAfter * 1000 : undefined);
  }

  private onSuccess(res: SipResponse, at: Attempt): void {
    const granted = grantedExpiresS(res, this.contactUri, at.expiresS);
    if (granted <= 0) {
      this.fail(res.status, 'registrar granted no binding (expires 0)');
      return;
    }
    this.failures = 0;
    this.briefRetries = 0;
    const now = this.clock.now();
    const delay = refreshDelayMs(granted);
    this.timer = this.clock.setTimer(delay, () => {
      this.timer = undefined;
      if (this.running) this.register();
    });
    this.log.info('registered', { expires: granted, refreshInMs: delay });
    this.update({ state: 'registered', lastStatus: res.status, expiresAt: now + granted * 1000, nextAttemptAt: now + delay });
  }

  private onNoAnswer(at: Attempt, reason: string): void {
    if (at.unregister) return this.finishStop();
    this.fail(undefined, reason);
  }

  /** Goes to 'failed' and schedules the next attempt: `delayMs`, else the exponential back-off. */
  private fail(status: number | undefined, reason: string, delayMs?: number): void {
    if (!this.running) return;
    this.failures++;
    this.briefRetries = 0;
    const delay = delayMs ?? backoffDelayMs(this.failures);
    this.cancelTimer();
    this.timer = this.clock.setTimer(delay, () => {
      this.timer = undefined;
      if (!this.running) return;
      this.update({ state: 'registering', lastStatus: this.current.lastStatus, reason: this.current.reason });
      this.register();
    });
    this.log.warn('registration failed', { status, reason, retryInMs: delay });
    this.update({
      state: 'failed', lastStatus: status ?? this.current.lastStatus, reason, nextAttemptAt: this.clock.now() + delay,
    });
  }

  private finishStop(): void {
    const resolve = this.pendingStop;
    this.pendingStop = undefined;
    resolve?.();
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }

  /** Replaces the status (fields not given are cleared) and emits 'state' when anything changed. */
  private update(next: RegistrationStatus): void {
    const clean: RegistrationStatus = Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)) as RegistrationStatus;
    const prev = this.current;
    const keys = new Set([...Object.keys(prev), ...Object.keys(clean)]) as Set<keyof RegistrationStatus>;
    let changed = false;
    for (const k of keys) if (prev[k] !== clean[k]) changed = true;
    this.current = clean;
    if (changed && !this.disposed) this.emit('state', clean);
  }
}
