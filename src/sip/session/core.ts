/**
 * The shared state of one INVITE session and the plumbing its parts use: the state
 * machine (one `setState`, one `end`), the dialog, timers on the injected Clock, sending
 * requests inside the dialog with digest retries (RFC 3261 §22.2), responding, the 2xx
 * ACKs we may have to repeat (§13.2.2.4), BYE (§15), and the RFC 5057 rule that a 481 or
 * 408 to a request inside the dialog ends it.
 *
 * RFC 3261 §15.1.1: "Once the BYE is constructed, the UAC core creates a new non-INVITE
 * client transaction, and passes it the BYE request. The UAC MUST consider the session
 * terminated (and therefore stop sending or listening for media) as soon as the BYE
 * request is passed to the client transaction." — here 'ended' follows when the BYE
 * transaction completes (immediately on a loss-free network), state 'terminating' meanwhile.
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock, Timer } from '../../clock.js';
import { toError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { DigestSession } from '../auth/index.js';
import { buildAck, buildInDialogRequest, nextLocalSeq, type Dialog } from '../dialog/index.js';
import { createResponse, formatUri, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import { SdpError, SdpSession, type LocalMediaCapabilities, type NegotiatedMedia } from '../sdp/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Endpoint } from '../transport/types.js';
import type { UaHost } from '../ua/host.js';
import { ALLOW, SUPPORTED, sdpBody } from './headers.js';
import { SessionTimerClock } from './session-timer.js';
import {
  DEFAULT_SESSION_TIMER, type CommonSessionOptions, type EndInfo, type RemoteIdentity, type SessionEvents,
  type SessionState, type SessionTimerConfig,
} from './types.js';

export type ServerTx = ServerTransaction<SipMessage, Endpoint>;

/** Read/write access to one dialog (the session's, or an early or forked one). */
export interface DialogRef {
  get(): Dialog | undefined;
  set(d: Dialog): void;
}

export interface InDialogRequest {
  readonly method: string;
  readonly headers?: [string, string][];
  readonly body?: string;
  readonly contentType?: string;
  readonly ref?: DialogRef;
  /** Provisional and final responses (after digest retries). */
  readonly onResponse?: (res: SipResponse, req: SipRequest) => void;
  /** Timer F/B or transport error. */
  readonly onNoResponse?: (kind: 'timeout' | 'transport') => void;
  /** RFC 5057: whether 481/408/timeout end the session (default true). */
  readonly dialogFailureEnds?: boolean;
}

export interface ResponseSpec {
  readonly reason?: string;
  readonly headers?: [string, string][];
  readonly body?: string;
  readonly contentType?: string;
}

export class SessionCore extends EventEmitter<SessionEvents> {
  readonly clock: Clock;
  readonly log: Logger;
  readonly t1: number;
  readonly t2: number;
  readonly timerConfig: SessionTimerConfig | false;
  readonly sdp = new SdpSession();
  readonly random: () => number;
  private currentState: SessionState;
  private endInfo: EndInfo | undefined;
  private readonly timers = new Set<Timer>();
  private readonly stopHooks: (() => void)[] = [];
  /** The session's dialog: early or confirmed. */
  dialog: Dialog | undefined;
  negotiated: NegotiatedMedia | undefined;
  remote: RemoteIdentity;
  auth: DigestSession | undefined;
  /** Whether the peer listed UPDATE in Allow (RFC 3311 §5.1). */
  peerAllowsUpdate = false;
  /** Our hold wish (RFC 3264 §8.4). */
  localHold = false;
  /** ACKs sent for 2xx responses, by remote tag and CSeq, to repeat on retransmissions. */
  readonly acks = new Map<string, SipRequest>();
  /** Set by hangup(): how the call ends once the BYE / CANCEL completes. */
  ending: EndInfo | undefined;
  readonly timerClock: SessionTimerClock;
  readonly mainRef: DialogRef = { get: () => this.dialog, set: (d) => { this.dialog = d; } };

  constructor(
    readonly host: UaHost,
    readonly direction: 'outgoing' | 'incoming',
    readonly callId: string,
    readonly localTag: string,
    readonly options: CommonSessionOptions,
    remote: RemoteIdentity,
    initial: SessionState,
  ) {
    super();
    this.clock = host.clock;
    this.log = host.log.child({ component: 'invite-session', callId, direction });
    this.t1 = options.timers?.t1 ?? 500;
    this.t2 = options.timers?.t2 ?? 4000;
    this.timerConfig = options.sessionTimer === false ? false : (options.sessionTimer ?? DEFAULT_SESSION_TIMER);
    this.random = options.random ?? (() => randomInt(0, 1_000_000) / 1_000_000);
    this.remote = remote;
    this.currentState = initial;
    this.timerClock = new SessionTimerClock(this.clock, () => this.refreshDue(), () => this.sessionExpired());
    this.onStop(() => this.timerClock.stop());
  }

  /** RFC 4028 §10: our turn to refresh (the session overrides it). */
  protected refreshDue(): void {}

  /** RFC 4028 §10: no refresh came in time. */
  private sessionExpired(): void {
    this.log.info('session expired without refresh');
    this.sendBye({ by: 'local', cause: 'session-expired' });
  }

  get state(): SessionState {
    return this.currentState;
  }

  get ended(): EndInfo | undefined {
    return this.endInfo;
  }

  get isTerminated(): boolean {
    return this.endInfo !== undefined;
  }

  /** The one place the state changes. */
  setState(next: SessionState): void {
    if (this.currentState === next || this.currentState === 'terminated') return;
    this.log.debug('session state', { from: this.currentState, to: next });
    this.currentState = next;
    this.emit('state', next);
  }

  /** Ends the session once: timers stop, state 'terminated', 'ended' emitted. */
  end(info: EndInfo): void {
    if (this.endInfo !== undefined) return;
    this.endInfo = info;
    for (const t of this.timers) this.clock.cancelTimer(t);
    this.timers.clear();
    for (const hook of this.stopHooks) hook();
    this.log.info('session ended', { ...info });
    this.setState('terminated');
    this.emit('ended', info);
  }

  onStop(hook: () => void): void {
    this.stopHooks.push(hook);
  }

  later(ms: number, fn: () => void): Timer {
    const t = this.clock.setTimer(ms, () => {
      this.timers.delete(t);
      try {
        fn();
      } catch (err) {
        this.log.error('session timer callback failed', { err: toError(err).message });
      }
    });
    this.timers.add(t);
    return t;
  }

  cancelTimer(t: Timer | undefined): void {
    if (t === undefined) return;
    this.clock.cancelTimer(t);
    this.timers.delete(t);
  }

  local(): LocalMediaCapabilities {
    const m = this.options.media();
    return this.localHold ? { ...m, direction: m.direction === 'sendrecv' ? 'sendonly' : m.direction === 'recvonly' ? 'inactive' : m.direction } : m;
  }

  /** Records the media of a completed offer/answer; 'media' is emitted when it changed. */
  /**
   * Reads the SDP answer an ACK carries for the offer we put in a 2xx (offerless INVITE or
   * re-INVITE, RFC 3264 §5); a missing or unacceptable one ends the call with a BYE.
   * False when it did.
   */
  takeAnswerFromAck(ack: SipRequest): boolean {
    const body = sdpBody(ack);
    const media = body === undefined ? new SdpError(400, 'the ACK carries no SDP answer') : this.sdp.receiveAnswer(body);
    if (media instanceof SdpError) {
      this.sendBye({ by: 'local', cause: 'media-failed', status: media.status, reason: media.message });
      return false;
    }
    this.setMedia(media);
    return true;
  }

  setMedia(media: NegotiatedMedia): void {
    const changed = JSON.stringify(media) !== JSON.stringify(this.negotiated);
    this.negotiated = media;
    if (changed) this.emit('media', media);
  }

  contact(): [string, string] {
    return ['Contact', `<${this.host.contactUri(this.options.contactUser, this.options.transport)}>`];
  }

  /** Allow, Supported (timer only when enabled) and User-Agent. */
  capabilityHeaders(): [string, string][] {
    const supported = SUPPORTED.filter((t) => t !== 'timer' || this.timerConfig !== false);
    return [['Allow', ALLOW.join(', ')], ['Supported', supported.join(', ')]];
  }

  noteRemoteAllow(m: SipMessage): void {
    const a = m.headers.allow();
    if (a.ok && a.value.length > 0) this.peerAllowsUpdate = a.value.some((x) => x.toUpperCase() === 'UPDATE');
  }

  /** Sends a response on `tx`, with our To tag; a transaction that refuses it is logged, not thrown. */
  respond(tx: ServerTx, req: SipRequest, status: number, opts: ResponseSpec = {}): SipResponse {
    const res = this.buildResponse(req, status, opts);
    this.send(tx, res);
    return res;
  }

  /** A response with our To tag and Server; a body is SDP unless `contentType` says otherwise. */
  buildResponse(req: SipRequest, status: number, opts: ResponseSpec = {}): SipResponse {
    const headers: [string, string][] = [...(opts.headers ?? [])];
    if (opts.body !== undefined) headers.push(['Content-Type', opts.contentType ?? 'application/sdp']);
    headers.push(['Server', this.host.userAgent]);
    return createResponse(req, status, opts.reason, { toTag: this.localTag, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
  }

  send(tx: ServerTx, res: SipResponse): void {
    try {
      tx.respond(res);
    } catch (err) {
      this.log.warn('response refused by the transaction', { status: res.status, err: toError(err).message });
    }
  }

  /** Adds Authorization / Proxy-Authorization when a challenge is known (RFC 3261 §22.3). */
  authorize(req: SipRequest): boolean {
    const h = this.auth?.authorize({ method: req.method, uri: formatUri(req.uri), body: req.body });
    if (h === undefined) return false;
    req.headers.append(h.name, h.value);
    return true;
  }

  /** Feeds a 401/407; true = send the request again with credentials. */
  challenged(res: SipResponse): boolean {
    if (this.auth === undefined || (res.status !== 401 && res.status !== 407)) return false;
    const values = res.headers.getAll(res.status === 401 ? 'WWW-Authenticate' : 'Proxy-Authenticate');
    const outcome = this.auth.onChallenge(res.status, values);
    if (outcome.action === 'give-up') this.log.warn('credentials refused', { status: res.status, err: outcome.error.message });
    return outcome.action === 'retry';
  }

  /** Sends a request inside the dialog (RFC 3261 §12.2.1.1), retrying a 401/407 once with credentials. */
  sendInDialog(spec: InDialogRequest, authRetry = false): SipRequest | undefined {
    const ref = spec.ref ?? this.mainRef;
    const d = ref.get();
    if (d === undefined) return undefined;
    const next = nextLocalSeq(d);
    ref.set(next.dialog);
    const headers: [string, string][] = [...(spec.headers ?? [])];
    if (spec.body !== undefined) headers.push(['Content-Type', spec.contentType ?? 'application/sdp']);
    headers.push(['User-Agent', this.host.userAgent]);
    const req = buildInDialogRequest(next.dialog, spec.method, { cseq: next.seq, headers, ...(spec.body !== undefined ? { body: spec.body } : {}) });
    const authorized = this.authorize(req);
    const ends = spec.dialogFailureEnds ?? true;
    const noResponse = (kind: 'timeout' | 'transport'): void => {
      spec.onNoResponse?.(kind);
      if (ends) this.dialogFailure(kind === 'timeout' ? 408 : 'transport');
    };
    try {
      this.host.sendRequest(req, {
        onResponse: (m) => {
          if (m.kind !== 'response') return;
          if (m.status >= 200 && !authRetry && this.challenged(m)) {
            this.sendInDialog(spec, true);
            return;
          }
          if (m.status >= 200 && m.status !== 401 && m.status !== 407 && authorized) this.auth?.onAuthenticated();
          spec.onResponse?.(m, req);
          if (ends && (m.status === 481 || m.status === 408)) this.dialogFailure(m.status);
        },
        onTimeout: () => noResponse('timeout'),
        onTransportError: () => noResponse('transport'),
      });
    } catch (err) {
      this.log.warn('in-dialog request could not be sent', { method: spec.method, err: toError(err).message });
      this.later(0, () => noResponse('transport'));
    }
    return req;
  }

  /**
   * RFC 5057 §5.1 (simplified): a 481 means the dialog is gone; a 408 or a timeout
   * means the peer is unreachable — send BYE for good measure and end.
   */
  dialogFailure(status: 481 | 408 | 'transport'): void {
    if (this.isTerminated) return;
    if (status === 481) return this.end({ by: 'remote', cause: 'error', status: 481 });
    if (status === 'transport') return this.end({ by: 'local', cause: 'transport' });
    this.sendBye({ by: 'local', cause: 'timeout', status: 408 });
  }

  /** Sends BYE on the session's dialog and ends with `info` once it completes. */
  sendBye(info: EndInfo, ref: DialogRef = this.mainRef): void {
    if (ref === this.mainRef) {
      if (this.isTerminated) return;
      this.ending = info;
      this.setState('terminating');
    }
    const done = (): void => {
      if (ref === this.mainRef) this.end(info);
    };
    const sent = this.sendInDialog({ method: 'BYE', ref, dialogFailureEnds: false, onResponse: (r) => { if (r.status >= 200) done(); }, onNoResponse: done });
    if (sent === undefined) done();
  }

  /** Builds, remembers and sends the ACK for a 2xx (RFC 3261 §13.2.2.4). */
  sendAck(d: Dialog, inviteCSeq: number, invite: SipRequest | undefined, body?: string): void {
    const ack = buildAck(d, inviteCSeq, { ...(invite !== undefined ? { invite } : {}), ...(body !== undefined ? { body, contentType: 'application/sdp' } : {}) });
    this.acks.set(`${d.remoteTag}\n${inviteCSeq}`, ack);
    this.host.sendAck(copyRequest(ack));
  }

  /** Repeats the ACK for a retransmitted 2xx; false when we never ACKed that one. */
  repeatAck(res: SipResponse): boolean {
    const to = res.headers.to();
    const cseq = res.headers.cseq();
    if (!to.ok || !cseq.ok) return false;
    const ack = this.acks.get(`${to.value.tag ?? ''}\n${cseq.value.seq}`);
    if (ack === undefined) return false;
    this.host.sendAck(copyRequest(ack));
    return true;
  }
}

/** A copy whose headers the host may change (it adds a Via) without touching ours. */
export function copyRequest(r: SipRequest): SipRequest {
  return { ...r, headers: r.headers.clone() };
}
