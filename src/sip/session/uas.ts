/**
 * The callee's side of session establishment (RFC 3261 §13.3): screening the INVITE
 * (Require → 420 §8.2.2.3, session timer → 422 RFC 4028 §9, SDP offer → 488 with Warning
 * §13.3.1.3 / RFC 3264 §6), provisional responses (reliable ones per RFC 3262), the 2xx
 * retransmitted until the ACK (§13.3.1.4), rejection, CANCEL (§9.2) and the offerless
 * INVITE (offer in the 2xx, answer in the ACK, RFC 3264 §4 / RFC 3261 §13.2.1).
 *
 * - §9.2: after a 200 to the CANCEL, "the UAS MUST respond to the INVITE with a 487".
 * - §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has received
 *   an ACK for its 2xx response or until the server transaction times out." — hangup()
 *   between the 2xx and the ACK waits.
 * - §13.3.1.4: no ACK within 64·T1 → the session "SHOULD be terminated" with a BYE.
 */
import { InvalidStateError, ValidationError } from '../../errors.js';
import { confirmDialog, createUasDialog } from '../dialog/index.js';
import type { SipRequest, SipResponse } from '../message/index.js';
import { SdpError, type NegotiatedMedia } from '../sdp/index.js';
import type { ServerTx, SessionCore } from './core.js';
import { cseqOf, requires, sdpBody, unsupportedRequired, warningFor } from './headers.js';
import { ReliableProvisionals } from './reliable.js';
import { Retransmitter } from './retransmit.js';
import { uasTimerDecision, type UasTimerDecision } from './session-timer.js';

export class UasInvite {
  private finalSent = false;
  private answerSdp: string | undefined;
  private offerMedia: NegotiatedMedia | undefined;
  private offerless = false;
  private decision: UasTimerDecision = { kind: 'none' };
  private twoxx: Retransmitter | undefined;
  private byeAfterAck = false;
  private reliable: ReliableProvisionals | undefined;
  private readonly inviteSeq: number;

  constructor(private readonly core: SessionCore, readonly invite: SipRequest, readonly tx: ServerTx) {
    this.inviteSeq = cseqOf(invite)?.seq ?? 0;
    core.onStop(() => this.twoxx?.stop());
  }

  /** No final response sent yet. */
  get pending(): boolean {
    return !this.finalSent;
  }

  /** The 2xx is out and its ACK has not come. */
  get awaitingAck(): boolean {
    return this.twoxx?.active === true;
  }

  /** Checks the INVITE; answers it with an error and returns the status when it cannot proceed. */
  screen(): number | undefined {
    const core = this.core;
    const req = this.invite;
    const unsupported = unsupportedRequired(req);
    if (unsupported.length > 0) return this.refuse(420, { headers: [['Unsupported', unsupported.join(', ')]] });
    const d = createUasDialog(req, core.localTag);
    if (!d.ok) return this.refuse(400, { reason: d.error.message });
    this.decision = uasTimerDecision(req, core.timerConfig);
    if (this.decision.kind === 'reject') return this.refuse(422, { headers: [['Min-SE', String(this.decision.minSeS)]] });
    if (req.body.length > 0 && sdpBody(req) === undefined) return this.refuse(415, { headers: [['Accept', 'application/sdp']] });
    const offer = sdpBody(req);
    if (offer !== undefined) {
      const r = core.sdp.receiveOffer(offer, core.local());
      if (r instanceof SdpError) return this.refuse(r.status, { headers: [warningFor(r, core.host.userAgent)] });
      this.answerSdp = r.answer;
      this.offerMedia = r.media;
    } else this.offerless = true;
    core.dialog = d.value;
    core.noteRemoteAllow(req);
    if (requires(req, '100rel')) {
      this.reliable = new ReliableProvisionals(core, this.tx, this.inviteSeq, () => {
        // RFC 3262 §3: no PRACK in 64·T1 → reject the INVITE with a 5xx.
        if (!this.finalSent) this.finish(500, 'Reliable Provisional Unacknowledged', { by: 'local', cause: 'timeout', status: 500 });
      });
    }
    return undefined;
  }

  ring(): void {
    this.provisional(180, false);
  }

  /** 183 Session Progress with the SDP answer (early media). */
  progress(): void {
    this.provisional(183, this.answerSdp !== undefined);
  }

  answer(): void {
    const core = this.core;
    if (core.isTerminated || this.finalSent) throw new InvalidStateError('the call is already answered or over', { state: core.state });
    if (this.reliable?.blocksAnswer) {
      this.reliable.whenClear(() => { if (!this.finalSent && !core.isTerminated) this.answer(); });
      return;
    }
    this.finalSent = true;
    this.reliable?.stop();
    const body = this.offerless ? core.sdp.createOffer(core.local()) : this.answerSdp;
    const headers: [string, string][] = [...this.recordRoutes(), core.contact(), ...core.capabilityHeaders()];
    if (this.decision.kind === 'agree') headers.push(...this.decision.headers);
    const res = core.buildResponse(this.invite, 200, { headers, ...(body !== undefined ? { body } : {}) });
    if (core.dialog !== undefined) core.dialog = confirmDialog(core.dialog);
    this.twoxx = new Retransmitter({
      clock: core.clock,
      t1: core.t1,
      cap: core.t2,
      send: () => core.send(this.tx, res),
      onGiveUp: () => {
        core.log.warn('no ACK for our 2xx: ending the call (RFC 3261 §13.3.1.4)');
        core.sendBye({ by: 'local', cause: 'timeout', reason: 'no ACK' });
      },
    });
    core.setState('confirmed');
    core.emit('answered');
    if (this.offerMedia !== undefined) core.setMedia(this.offerMedia);
    if (this.decision.kind === 'agree') core.timerClock.start(this.decision.agreement, false);
  }

  reject(status: number, reason?: string, headers?: [string, string][]): void {
    if (!Number.isInteger(status) || status < 300 || status > 699) throw new ValidationError('reject needs a 3xx–6xx status', { status: 'must be 300-699' });
    if (this.core.isTerminated || this.finalSent) throw new InvalidStateError('the call is already answered or over', { state: this.core.state });
    const cause = status === 486 || status === 600 ? 'busy' : 'rejected';
    this.finish(status, reason, { by: 'local', cause, status, ...(reason !== undefined ? { reason } : {}) }, headers);
  }

  /** Local hang-up: decline before the answer, wait for the ACK after it. */
  hangup(): void {
    const core = this.core;
    if (core.isTerminated) return;
    if (!this.finalSent) return this.finish(603, 'Decline', { by: 'local', cause: 'rejected', status: 603 });
    if (this.awaitingAck) {
      this.byeAfterAck = true;
      core.ending = { by: 'local', cause: 'normal' };
      core.setState('terminating');
      return;
    }
    core.sendBye({ by: 'local', cause: 'normal' });
  }

  /** The UA core answered a CANCEL 200 (§9.2). */
  receiveCancel(): void {
    if (this.finalSent || this.core.isTerminated) return;
    this.finish(487, undefined, { by: 'remote', cause: 'cancelled', status: 487 });
  }

  /** BYE before our final response (§15.1.2: the UAS answers the INVITE 487). */
  receiveEarlyBye(): void {
    if (this.finalSent) return;
    this.finalSent = true;
    this.reliable?.stop();
    this.core.respond(this.tx, this.invite, 487);
  }

  /** The ACK for our 2xx; false when it is not for the initial INVITE. */
  receiveAck(ack: SipRequest): boolean {
    const core = this.core;
    if (cseqOf(ack)?.seq !== this.inviteSeq || this.twoxx === undefined) return false;
    if (!this.twoxx.active) return true; // a repeated ACK
    this.twoxx.stop();
    if (this.offerless && !core.takeAnswerFromAck(ack)) return true;
    if (this.byeAfterAck) core.sendBye(core.ending ?? { by: 'local', cause: 'normal' });
    return true;
  }

  /** PRACK (RFC 3262 §3): 200 when it matches the outstanding reliable provisional, else 481. */
  receivePrack(req: SipRequest, tx: ServerTx): void {
    const ok = this.reliable?.prack(req.headers.get('RAck')) ?? false;
    this.core.respond(tx, req, ok ? 200 : 481);
  }

  private provisional(status: number, withSdp: boolean): void {
    const core = this.core;
    if (core.isTerminated || this.finalSent) throw new InvalidStateError('the call is already answered or over', { state: core.state });
    const headers: [string, string][] = [...this.recordRoutes(), core.contact(), ...core.capabilityHeaders()];
    const body = withSdp ? this.answerSdp : undefined;
    const res: SipResponse = core.buildResponse(this.invite, status, { headers, ...(body !== undefined ? { body } : {}) });
    if (this.reliable !== undefined) this.reliable.send(res, body !== undefined);
    else core.send(this.tx, res);
    core.setState('early');
    if (body !== undefined && this.offerMedia !== undefined) core.setMedia(this.offerMedia);
  }

  /** §12.1.1: "the UAS MUST copy all Record-Route header field values from the request into the response". */
  private recordRoutes(): [string, string][] {
    return this.invite.headers.getAll('Record-Route').map((v) => ['Record-Route', v]);
  }

  private refuse(status: number, opts: { reason?: string; headers?: [string, string][] }): number {
    this.finalSent = true;
    this.core.respond(this.tx, this.invite, status, opts);
    return status;
  }

  private finish(status: number, reason: string | undefined, info: Parameters<SessionCore['end']>[0], headers?: [string, string][]): void {
    this.finalSent = true;
    this.reliable?.stop();
    this.core.respond(this.tx, this.invite, status, { ...(reason !== undefined ? { reason } : {}), ...(headers !== undefined ? { headers } : {}) });
    this.core.end(info);
  }
}
