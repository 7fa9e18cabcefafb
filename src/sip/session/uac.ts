/**
 * The caller's side of session establishment (RFC 3261 §13.2): the INVITE with our SDP
 * offer, provisional responses and early dialogs (§13.2.2.1, §12.1.2), reliable
 * provisionals with PRACK (RFC 3262 §4), the 2xx and its ACK (§13.2.2.4), forking,
 * digest retries (§22.2), 422 (RFC 4028 §7.4) and CANCEL (§9.1).
 *
 * - §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx received from
 *   the transaction layer." ... "If, after acknowledging any 2xx response to an INVITE,
 *   the UAC does not want to continue with that dialog, then the UAC MUST terminate the
 *   dialog by sending a BYE request" — so a 2xx from a second fork is ACKed, then BYEd.
 * - §9.1: "If no provisional response has been received, the CANCEL request MUST NOT be
 *   sent; rather, the client MUST wait for the arrival of a provisional response before
 *   sending the request." ... "If there is no final response for the original request in
 *   64*T1 seconds ... the client SHOULD then consider the original transaction cancelled".
 * - §22.2: the retried INVITE gets a new CSeq and keeps Call-ID and From tag ("the same
 *   value for the Call-ID header field and ... CSeq ... incremented by one" — §8.1.3.5).
 * - RFC 3262 §4: a reliable provisional (Require: 100rel, RSeq) is answered with a PRACK
 *   carrying RAck; "it MUST NOT" acknowledge a retransmission again: an RSeq no larger than
 *   the last one seen on that dialog is a retransmission and is ignored, and one that is not
 *   the next in order is discarded.
 */
import type { Timer } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { DigestSession } from '../auth/index.js';
import { confirmUacDialog, createUacDialog, type Dialog } from '../dialog/index.js';
import { createRequest, formatNameAddr, parseUri, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import { SdpError } from '../sdp/index.js';
import type { OutgoingRequest } from '../ua/host.js';
import type { DialogRef, SessionCore } from './core.js';
import { cseqOf, identityOf, parseRSeq, requires, sdpBody, toTagOf } from './headers.js';
import { parseMinSe, requestTimerHeaders, uacTimerAgreement } from './session-timer.js';
import type { EndCause, OutgoingSessionOptions, PartyAddress } from './types.js';

const MAX_422_RETRIES = 2;

interface EarlyLeg {
  dialog: Dialog;
  lastRSeq: number | undefined;
}

/** A party as a name-addr; a bad URI is a caller bug and throws. */
export function partyAddress(p: PartyAddress): string {
  const uri = parseUri(p.uri);
  if (!uri.ok) throw new ValidationError(`bad URI "${p.uri}"`, { uri: uri.error.reason });
  return formatNameAddr({ uri: uri.value, params: [], bracketed: true, ...(p.displayName !== undefined ? { displayName: p.displayName } : {}) });
}

export function endCauseFor(status: number): EndCause {
  if (status === 486 || status === 600) return 'busy';
  if (status === 401 || status === 407) return 'auth-failed';
  if (status === 408) return 'timeout';
  if (status === 487) return 'cancelled';
  if (status === 488 || status === 606) return 'media-failed';
  return 'rejected';
}

export class UacInvite {
  private request: SipRequest | undefined;
  private outgoing: OutgoingRequest | undefined;
  private gen = 0;
  private seq = 1;
  private readonly offer: string;
  private readonly early = new Map<string, EarlyLeg>();
  private provisionalSeen = false;
  private cancelRequested = false;
  private cancelSent = false;
  private cancelGuard: Timer | undefined;
  private authorized = false;
  private briefRetries = 0;
  private seIntervalS: number | undefined;
  private answerRead = false;

  constructor(private readonly core: SessionCore, private readonly opts: OutgoingSessionOptions) {
    if (opts.credentials !== undefined) core.auth = new DigestSession({ username: opts.credentials.username, password: opts.credentials.password });
    this.offer = core.sdp.createOffer(core.local());
    const cfg = core.timerConfig;
    if (cfg !== false) this.seIntervalS = cfg.expiresS;
  }

  /** Builds and sends the INVITE (again, after a challenge or a 422). */
  start(): void {
    const core = this.core;
    const o = this.opts;
    const headers: [string, string][] = (o.routeSet ?? []).map((r) => ['Route', r]);
    headers.push(
      ['Max-Forwards', '70'],
      ['From', `${partyAddress(o.from)};tag=${core.localTag}`],
      ['To', partyAddress(o.to)],
      ['Call-ID', core.callId],
      ['CSeq', `${this.seq} INVITE`],
      core.contact(),
      ...core.capabilityHeaders(),
      ['User-Agent', core.host.userAgent],
    );
    if (core.timerConfig !== false) headers.push(...requestTimerHeaders(core.timerConfig, this.seIntervalS));
    for (const [n, v] of o.extraHeaders ?? []) headers.push([n, v]);
    headers.push(['Content-Type', 'application/sdp']);
    const request = createRequest({ method: 'INVITE', uri: o.requestUri ?? o.to.uri, headers, body: this.offer });
    this.authorized = core.authorize(request);
    this.request = request;
    const gen = ++this.gen;
    const mine = (): boolean => gen === this.gen;
    try {
      this.outgoing = core.host.sendRequest(request, {
        onResponse: (m) => { if (m.kind === 'response' && (mine() || (m.status >= 200 && m.status < 300))) this.onResponse(m); },
        onTimeout: () => { if (mine()) this.onNoAnswer('timeout'); },
        onTransportError: () => { if (mine()) this.onNoAnswer('transport'); },
      });
    } catch (err) {
      core.log.warn('INVITE could not be sent', { err: err instanceof Error ? err.message : String(err) });
      core.later(0, () => this.onNoAnswer('transport'));
    }
  }

  /** Before the final response: CANCEL (once a provisional arrived, §9.1). */
  hangup(): void {
    if (this.cancelRequested || this.core.isTerminated) return;
    this.cancelRequested = true;
    this.core.ending = { by: 'local', cause: 'cancelled' };
    this.core.setState('terminating');
    if (this.provisionalSeen) this.sendCancel();
    this.cancelGuard = this.core.later(64 * this.core.t1, () => this.core.end({ by: 'local', cause: 'cancelled' }));
  }

  /** A 2xx that matched no client transaction (after Timer M): ACK it again. */
  receiveStray(res: SipResponse): boolean {
    if (res.status < 200 || res.status >= 300 || cseqOf(res)?.method !== 'INVITE') return false;
    if (this.core.repeatAck(res)) return true;
    if (this.request === undefined) return false;
    this.onSuccess(res);
    return true;
  }

  private sendCancel(): void {
    if (this.cancelSent) return;
    this.cancelSent = true;
    this.outgoing?.cancel();
  }

  private onResponse(res: SipResponse): void {
    if (res.status < 200) this.onProvisional(res);
    else if (res.status < 300) this.onSuccess(res);
    else this.onFailure(res);
  }

  private onProvisional(res: SipResponse): void {
    const core = this.core;
    this.provisionalSeen = true;
    if (core.isTerminated) return;
    if (this.cancelRequested) return this.sendCancel();
    if (res.status === 100) return core.setState('proceeding');
    const tag = toTagOf(res);
    if (tag !== undefined && this.request !== undefined) {
      let leg = this.early.get(tag);
      if (leg === undefined) {
        const d = createUacDialog(this.request, res);
        if (d.ok) {
          leg = { dialog: d.value, lastRSeq: undefined };
          this.early.set(tag, leg);
        }
      }
      if (leg !== undefined && requires(res, '100rel')) {
        const rseq = parseRSeq(res.headers.get('RSeq'));
        if (rseq !== undefined) {
          if (leg.lastRSeq !== undefined && rseq <= leg.lastRSeq) return; // a retransmission
          if (leg.lastRSeq !== undefined && rseq !== leg.lastRSeq + 1) return; // out of order: discard
          leg.lastRSeq = rseq;
          this.prack(tag, rseq, cseqOf(res)?.seq ?? this.seq);
        }
      }
    }
    core.setState(tag !== undefined ? 'early' : 'proceeding');
    const body = sdpBody(res);
    if (body !== undefined) {
      const media = core.sdp.receiveAnswer(body);
      if (media instanceof SdpError) core.log.warn('unusable SDP in a provisional response', { status: res.status, err: media.message });
      else {
        this.answerRead = true;
        core.setMedia(media);
      }
    }
    this.noteIdentity(res);
    core.emit('progress', { status: res.status, reason: res.reason, earlyMedia: body !== undefined });
  }

  private prack(tag: string, rseq: number, inviteSeq: number): void {
    const leg = this.early.get(tag);
    if (leg === undefined) return;
    const ref: DialogRef = { get: () => leg.dialog, set: (d) => { leg.dialog = d; } };
    this.core.sendInDialog({ method: 'PRACK', ref, headers: [['RAck', `${rseq} ${inviteSeq} INVITE`]], dialogFailureEnds: false });
  }

  private onSuccess(res: SipResponse): void {
    const core = this.core;
    const invite = this.request;
    const cseq = cseqOf(res)?.seq;
    if (invite === undefined || cseq === undefined) return;
    if (core.repeatAck(res)) return; // a retransmission of a 2xx we ACKed
    const tag = toTagOf(res) ?? '';
    if (core.dialog !== undefined || core.isTerminated) {
      // A second fork, or a 2xx after we gave up: ACK it, then BYE that dialog.
      const d = createUacDialog(invite, res);
      if (!d.ok) return;
      let forked: Dialog = d.value;
      const ref: DialogRef = { get: () => forked, set: (x) => { forked = x; } };
      core.log.info('ACK and BYE for an extra 2xx', { remoteTag: tag });
      core.sendAck(forked, cseq, invite);
      core.sendBye({ by: 'local', cause: 'normal' }, ref);
      return;
    }
    if (this.authorized) core.auth?.onAuthenticated();
    const leg = this.early.get(tag);
    const d = leg !== undefined ? confirmUacDialog(leg.dialog, res) : createUacDialog(invite, res);
    if (!d.ok) {
      core.log.warn('2xx cannot create a dialog', { err: d.error.message });
      return core.end({ by: 'remote', cause: 'error', status: res.status, reason: d.error.message });
    }
    core.dialog = d.value;
    core.cancelTimer(this.cancelGuard);
    core.noteRemoteAllow(res);
    core.sendAck(d.value, cseq, invite);
    if (this.cancelRequested) return core.sendBye(core.ending ?? { by: 'local', cause: 'cancelled' });
    const body = sdpBody(res);
    if (body !== undefined) {
      const media = core.sdp.receiveAnswer(body);
      if (media instanceof SdpError) {
        return core.sendBye({ by: 'local', cause: 'media-failed', status: media.status, reason: media.message });
      }
      this.answerRead = true;
      this.noteIdentity(res);
      core.setState('confirmed');
      core.emit('answered');
      core.setMedia(media);
    } else {
      if (!this.answerRead) return core.sendBye({ by: 'local', cause: 'media-failed', reason: 'no SDP answer' });
      this.noteIdentity(res);
      core.setState('confirmed');
      core.emit('answered');
    }
    core.timerClock.start(uacTimerAgreement(res), true);
  }

  private onFailure(res: SipResponse): void {
    const core = this.core;
    if (core.isTerminated) return;
    if (!this.cancelRequested) {
      if ((res.status === 401 || res.status === 407) && core.challenged(res)) return this.retry();
      if (res.status === 422 && core.timerConfig !== false && this.briefRetries < MAX_422_RETRIES) {
        const minSe = parseMinSe(res);
        if (minSe !== undefined && minSe > (this.seIntervalS ?? 0)) {
          this.briefRetries++;
          this.seIntervalS = minSe;
          return this.retry();
        }
      }
    }
    if (this.authorized && res.status !== 401 && res.status !== 407) core.auth?.onAuthenticated();
    if (this.cancelRequested) return core.end({ by: 'local', cause: 'cancelled', status: res.status, reason: res.reason });
    core.end({ by: 'remote', cause: endCauseFor(res.status), status: res.status, reason: res.reason });
  }

  private retry(): void {
    this.seq++;
    this.early.clear();
    this.start();
  }

  private onNoAnswer(kind: 'timeout' | 'transport'): void {
    if (this.cancelRequested) return this.core.end({ by: 'local', cause: 'cancelled' });
    this.core.end({ by: 'local', cause: kind === 'timeout' ? 'timeout' : 'transport', ...(kind === 'timeout' ? { status: 408 } : {}) });
  }

  private noteIdentity(m: SipMessage): void {
    if (m.headers.has('P-Asserted-Identity')) {
      const id = identityOf(m, 'To');
      if (id !== undefined) this.core.remote = id;
    }
  }
}
