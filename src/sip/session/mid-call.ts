/**
 * Changing an established session: re-INVITE (RFC 3261 §14) and UPDATE (RFC 3311) in
 * both directions, hold/resume offers (RFC 3264 §8.4), session refreshes (RFC 4028 §10)
 * and glare.
 *
 * - §14.1: "If a UAC receives a non-2xx final response to a re-INVITE, the session
 *   parameters MUST remain unchanged, as if no re-INVITE had been issued."
 * - §14.1 (491): "If the UAC is the owner of the Call-ID of the dialog ID (meaning it
 *   generated the value), T has a randomly chosen value between 2.1 and 4 seconds in units
 *   of 10 ms. If the UAC is not the owner of the Call-ID of the dialog ID, T has a randomly
 *   chosen value of between 0 and 2 seconds in units of 10 ms."
 * - §14.2: "A UAS that receives a second INVITE before it sends the final response to a
 *   first INVITE with a lower CSeq sequence number on the same dialog MUST return a 500
 *   (Server Internal Error) response to the second INVITE and MUST include a Retry-After
 *   header field with a randomly chosen value of between 0 and 10 seconds." and "A UAS that
 *   receives an INVITE on a dialog while an INVITE it had sent on that dialog is in
 *   progress MUST return a 491 (Request Pending) response to the received INVITE."
 * - RFC 3311 §5.2: an UPDATE with an offer while our own offer is unanswered → 491; while
 *   an offer we received is unanswered → 500 with Retry-After.
 * - The 2xx to a re-INVITE is retransmitted until the ACK like any 2xx (§13.3.1.4); an
 *   offerless re-INVITE gets our offer in the 2xx and the answer in the ACK.
 */
import type { Timer } from '../../clock.js';
import { refreshTarget } from '../dialog/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { SdpError } from '../sdp/index.js';
import type { ServerTx, SessionCore } from './core.js';
import { cseqOf, sdpBody, warningFor } from './headers.js';
import { Retransmitter } from './retransmit.js';
import { parseMinSe, requestTimerHeaders, uacTimerAgreement, uasTimerDecision } from './session-timer.js';

export type Change = 'hold' | 'resume' | 'refresh';

interface IncomingInvite {
  readonly cseq: number;
  readonly offerless: boolean;
  readonly twoxx: Retransmitter;
}

export class MidCall {
  /** Our re-INVITE / UPDATE awaiting its final response. */
  private out: { kind: Change; method: 'INVITE' | 'UPDATE' } | undefined;
  private inInvite: IncomingInvite | undefined;
  private queued: Change | undefined;
  private glare: Timer | undefined;
  private minSeOverride: number | undefined;

  /**
   * `initialInviteOpen`: our 2xx to the call's own INVITE is out and its ACK has not
   * come, so that INVITE transaction is still in progress: §14.1 forbids a re-INVITE
   * until it ends (a peer answers one 491 or 500). What is asked meanwhile waits for
   * `initialAcked()`.
   */
  constructor(
    private readonly core: SessionCore,
    private readonly initialInviteOpen: () => boolean = () => false,
  ) {
    core.onStop(() => this.inInvite?.twoxx.stop());
  }

  /** Whether an offer/answer exchange is under way (ours or theirs), or the call's own INVITE is not over. */
  get busy(): boolean {
    return this.out !== undefined || this.inInvite !== undefined || this.glare !== undefined || this.initialInviteOpen();
  }

  /** The ACK for our 2xx to the call's INVITE came: what waited for it goes now. */
  initialAcked(): void {
    this.drain();
  }

  request(kind: Change): void {
    const core = this.core;
    if (core.isTerminated || core.state !== 'confirmed' || core.dialog === undefined) return;
    if (this.busy) {
      this.queued = kind;
      return;
    }
    if (kind === 'hold') core.localHold = true;
    if (kind === 'resume') core.localHold = false;
    const headers: [string, string][] = [core.contact(), ...core.capabilityHeaders()];
    const cfg = core.timerConfig;
    if (cfg !== false) {
      const interval = Math.max(core.timerClock.agreement?.intervalS ?? cfg.expiresS, this.minSeOverride ?? 0);
      headers.push(...requestTimerHeaders(cfg, interval, 'uac'));
    }
    const method = kind === 'refresh' && core.peerAllowsUpdate ? 'UPDATE' : 'INVITE';
    let body: string | undefined;
    if (method === 'INVITE') {
      const media = core.options.media();
      body = kind === 'hold' ? core.sdp.holdOffer(media) : kind === 'resume' ? core.sdp.resumeOffer(media) : core.sdp.createOffer(core.local());
    }
    this.out = { kind, method };
    core.sendInDialog({
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
      onResponse: (res, req) => this.onOutResponse(kind, method, res, req),
      onNoResponse: () => { this.out = undefined; },
    });
  }

  private onOutResponse(kind: Change, method: 'INVITE' | 'UPDATE', res: SipResponse, req: SipRequest): void {
    const core = this.core;
    if (res.status < 200) return;
    const success = res.status < 300;
    if (method === 'INVITE' && success && core.repeatAck(res)) return;
    this.out = undefined;
    if (success) {
      const cseq = cseqOf(res)?.seq;
      if (core.dialog === undefined || cseq === undefined) return;
      if (method === 'INVITE') core.sendAck(core.dialog, cseq, req);
      core.dialog = refreshTarget(core.dialog, res);
      core.noteRemoteAllow(res);
      this.minSeOverride = undefined;
      const body = sdpBody(res);
      if (method === 'INVITE' || body !== undefined) {
        const media = body === undefined ? new SdpError(400, 'no SDP answer in the 2xx') : core.sdp.receiveAnswer(body);
        if (media instanceof SdpError) return core.sendBye({ by: 'local', cause: 'media-failed', status: media.status, reason: media.message });
        core.setMedia(media);
      }
      if (!core.isTerminated) core.timerClock.start(uacTimerAgreement(res), true);
    } else if (res.status === 491) {
      // §14.1: try again after T, unless something newer is queued by then.
      const owner = core.direction === 'outgoing';
      const ms = Math.round((owner ? 2100 + core.random() * 1900 : core.random() * 2000) / 10) * 10;
      this.queued ??= kind;
      this.glare = core.later(ms, () => {
        this.glare = undefined;
        this.drain();
      });
      return;
    } else if (res.status === 422 && core.timerConfig !== false && this.minSeOverride === undefined) {
      this.minSeOverride = parseMinSe(res) ?? 0;
      this.queued ??= kind;
    } else if (kind !== 'refresh') {
      core.localHold = kind === 'resume'; // unchanged, as if the request never happened
    }
    this.drain();
  }

  private drain(): void {
    const next = this.queued;
    if (next === undefined || this.busy) return;
    this.queued = undefined;
    this.request(next);
  }

  receiveInvite(req: SipRequest, tx: ServerTx): void {
    const core = this.core;
    if (this.out !== undefined) return void core.respond(tx, req, 491);
    if (this.inInvite !== undefined || core.state !== 'confirmed') {
      return void core.respond(tx, req, 500, { headers: [['Retry-After', String(Math.floor(core.random() * 11))]] });
    }
    const decision = uasTimerDecision(req, core.timerConfig);
    if (decision.kind === 'reject') return void core.respond(tx, req, 422, { headers: [['Min-SE', String(decision.minSeS)]] });
    const offer = sdpBody(req);
    let body: string;
    let media;
    if (offer !== undefined) {
      const r = core.sdp.receiveOffer(offer, core.local());
      if (r instanceof SdpError) return void core.respond(tx, req, r.status, { headers: [warningFor(r, core.host.userAgent)] });
      body = r.answer;
      media = r.media;
    } else body = core.sdp.createOffer(core.local());
    if (core.dialog !== undefined) core.dialog = refreshTarget(core.dialog, req);
    core.noteRemoteAllow(req);
    const headers: [string, string][] = [core.contact(), ...core.capabilityHeaders()];
    if (decision.kind === 'agree') headers.push(...decision.headers);
    const res = core.buildResponse(req, 200, { headers, body });
    const twoxx = new Retransmitter({
      clock: core.clock,
      t1: core.t1,
      cap: core.t2,
      send: () => core.send(tx, res),
      onGiveUp: () => {
        this.inInvite = undefined;
        core.sendBye({ by: 'local', cause: 'timeout', reason: 'no ACK' });
      },
    });
    this.inInvite = { cseq: cseqOf(req)?.seq ?? 0, offerless: offer === undefined, twoxx };
    if (media !== undefined) core.setMedia(media);
    core.timerClock.start(decision.kind === 'agree' ? decision.agreement : undefined, false);
  }

  /** The ACK for our 2xx to a re-INVITE; false when it is not one. */
  receiveAck(ack: SipRequest): boolean {
    const core = this.core;
    const pending = this.inInvite;
    if (pending === undefined || cseqOf(ack)?.seq !== pending.cseq) return false;
    pending.twoxx.stop();
    this.inInvite = undefined;
    if (pending.offerless && !core.takeAnswerFromAck(ack)) return true;
    this.drain();
    return true;
  }

  receiveUpdate(req: SipRequest, tx: ServerTx): void {
    const core = this.core;
    const offer = sdpBody(req);
    if (offer !== undefined && this.out !== undefined && (this.out.method === 'INVITE' || this.out.kind !== 'refresh')) {
      return void core.respond(tx, req, 491);
    }
    if (offer !== undefined && this.inInvite?.offerless === true) {
      return void core.respond(tx, req, 500, { headers: [['Retry-After', String(Math.floor(core.random() * 11))]] });
    }
    const decision = uasTimerDecision(req, core.timerConfig);
    if (decision.kind === 'reject') return void core.respond(tx, req, 422, { headers: [['Min-SE', String(decision.minSeS)]] });
    let body: string | undefined;
    let media;
    if (offer !== undefined) {
      const r = core.sdp.receiveOffer(offer, core.local());
      if (r instanceof SdpError) return void core.respond(tx, req, r.status, { headers: [warningFor(r, core.host.userAgent)] });
      body = r.answer;
      media = r.media;
    }
    if (core.dialog !== undefined) core.dialog = refreshTarget(core.dialog, req);
    const headers: [string, string][] = [core.contact(), ...core.capabilityHeaders()];
    if (decision.kind === 'agree') headers.push(...decision.headers);
    core.respond(tx, req, 200, { headers, ...(body !== undefined ? { body } : {}) });
    if (media !== undefined) core.setMedia(media);
    if (core.state === 'confirmed') core.timerClock.start(decision.kind === 'agree' ? decision.agreement : undefined, false);
  }
}
