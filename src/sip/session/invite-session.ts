/**
 * InviteSession: one call leg (RFC 3261 §13–15) with the extensions an ATA meets —
 * PRACK (RFC 3262), UPDATE (RFC 3311), session timers (RFC 4028), INFO (RFC 6086) and
 * REFER (RFC 3515). This file is the public face: the two constructors, the commands,
 * and the dispatch of requests that reach the session; the work is done by UacInvite,
 * UasInvite, MidCall and ReferAgent over the shared SessionCore.
 *
 * Requests inside the dialog are checked per §12.2.2 (CSeq order → 500); a request for
 * another dialog gets 481 (§12.2.2: "If the UAS receives a request ... that does not match
 * any existing dialog, the UAS core SHOULD generate a 481"). §15.1.2: "The UAS MUST still
 * respond to any pending requests received for that dialog" — a BYE before our final
 * response makes us answer the INVITE 487.
 */
import { InvalidStateError } from '../../errors.js';
import { acceptRemoteSeq } from '../dialog/index.js';
import { newCallId, newTag, type SipRequest, type SipResponse } from '../message/index.js';
import type { UaHost } from '../ua/host.js';
import { SessionCore, type ServerTx } from './core.js';
import { ALLOW, fromTagOf, identityOf, SUPPORTED } from './headers.js';
import { MidCall } from './mid-call.js';
import { ReferAgent } from './refer.js';
import type { IncomingSessionOptions, OutgoingSessionOptions, RemoteIdentity } from './types.js';
import { UacInvite } from './uac.js';
import { UasInvite } from './uas.js';

export type IncomingResult = { ok: true; session: InviteSession } | { ok: false; status: number };

export class InviteSession extends SessionCore {
  private readonly uac: UacInvite | undefined;
  private readonly uas: UasInvite | undefined;
  private readonly mid: MidCall;
  private readonly referAgent: ReferAgent;

  private constructor(
    host: UaHost,
    init: { kind: 'outgoing'; opts: OutgoingSessionOptions } | { kind: 'incoming'; opts: IncomingSessionOptions; invite: SipRequest; tx: ServerTx },
    callId: string,
    remote: RemoteIdentity,
  ) {
    super(host, init.kind, callId, newTag(), init.opts, remote, init.kind === 'outgoing' ? 'calling' : 'proceeding');
    this.mid = new MidCall(this, () => this.uas?.awaitingAck === true);
    this.referAgent = new ReferAgent(this);
    if (init.kind === 'outgoing') this.uac = new UacInvite(this, init.opts);
    else this.uas = new UasInvite(this, init.invite, init.tx);
  }

  /** Places a call: sends the INVITE with our SDP offer. */
  static outgoing(host: UaHost, opts: OutgoingSessionOptions): InviteSession {
    const remote: RemoteIdentity = opts.to.displayName !== undefined ? { uri: opts.to.uri, displayName: opts.to.displayName } : { uri: opts.to.uri };
    const session = new InviteSession(host, { kind: 'outgoing', opts }, newCallId(), remote);
    session.uac?.start();
    return session;
  }

  /**
   * Takes an incoming INVITE. When it cannot be served (unsupported Require, session
   * interval too small, unacceptable offer...) it is answered here and the status returned.
   */
  static incoming(host: UaHost, invite: SipRequest, serverTx: ServerTx, opts: IncomingSessionOptions): IncomingResult {
    const callId = invite.headers.callId();
    const remote = identityOf(invite, 'From') ?? { uri: 'sip:anonymous@anonymous.invalid' };
    const session = new InviteSession(host, { kind: 'incoming', opts, invite, tx: serverTx }, callId.ok ? callId.value : newCallId(), remote);
    const refused = session.uas?.screen();
    if (refused !== undefined) {
      session.end({ by: 'local', cause: refused === 488 ? 'media-failed' : 'rejected', status: refused });
      return { ok: false, status: refused };
    }
    return { ok: true, session };
  }

  get remoteIdentity(): RemoteIdentity {
    return this.remote;
  }

  /** The INVITE server transaction of an incoming call (for matching a CANCEL). */
  get inviteServerTx(): ServerTx | undefined {
    return this.uas?.tx;
  }

  ring(): void {
    this.requireUas().ring();
  }

  progress(): void {
    this.requireUas().progress();
  }

  answer(): void {
    this.requireUas().answer();
  }

  /** A final error (or redirect, with its Contact in `headers`) for an incoming call not answered yet. */
  reject(status: number, reason?: string, headers?: [string, string][]): void {
    this.requireUas().reject(status, reason, headers);
  }

  /** Ends the call whatever its state: CANCEL, a decline, or BYE. */
  hangup(): void {
    if (this.isTerminated || this.state === 'terminating') return;
    if (this.uas !== undefined) return this.uas.hangup();
    if (this.state === 'confirmed') return this.sendBye({ by: 'local', cause: 'normal' });
    this.uac?.hangup();
  }

  hold(): void {
    this.requireConfirmed('hold');
    this.mid.request('hold');
  }

  resume(): void {
    this.requireConfirmed('resume');
    this.mid.request('resume');
  }

  sendInfo(contentType: string, body: string): void {
    this.requireConfirmed('sendInfo');
    this.sendInDialog({ method: 'INFO', body, contentType, dialogFailureEnds: true });
  }

  /** Blind transfer: REFER to `target`; progress arrives as 'transfer' events. */
  transfer(target: string): void {
    this.referAgent.transfer(target);
  }

  /** A request inside this session's dialog (the router matched Call-ID and our tag). */
  receiveRequest(req: SipRequest, tx: ServerTx): void {
    if (req.method === 'ACK') return this.receiveAck(req);
    if (this.isTerminated) return void this.respond(tx, req, req.method === 'BYE' ? 200 : 481);
    const d = this.dialog;
    if (d === undefined || d.remoteTag !== (fromTagOf(req) ?? '')) return void this.respond(tx, req, 481);
    const check = acceptRemoteSeq(d, req);
    if (!check.ok) return void this.respond(tx, req, check.status, { reason: check.reason });
    this.dialog = check.dialog;
    switch (req.method) {
      case 'BYE':
        this.respond(tx, req, 200);
        this.uas?.receiveEarlyBye();
        return this.end(this.ending ?? { by: 'remote', cause: 'normal' });
      case 'INVITE':
        return this.mid.receiveInvite(req, tx);
      case 'UPDATE':
        return this.mid.receiveUpdate(req, tx);
      case 'PRACK':
        if (this.uas === undefined) return void this.respond(tx, req, 481);
        return this.uas.receivePrack(req, tx);
      case 'INFO': {
        this.respond(tx, req, 200);
        const ct = req.headers.contentType();
        return void this.emit('info', { contentType: ct.ok ? ct.value.mediaType : undefined, body: req.body.toString('utf8') });
      }
      case 'REFER':
        return this.referAgent.receiveRefer(req, tx);
      case 'NOTIFY':
        return this.referAgent.receiveNotify(req, tx);
      case 'OPTIONS':
        return void this.respond(tx, req, 200, { headers: [['Allow', ALLOW.join(', ')], ['Supported', SUPPORTED.join(', ')], ['Accept', 'application/sdp']] });
      default:
        return void this.respond(tx, req, 405, { headers: [['Allow', ALLOW.join(', ')]] });
    }
  }

  /** The ACK for a 2xx we sent (initial INVITE or re-INVITE). */
  receiveAck(ack: SipRequest): void {
    if (this.uas?.receiveAck(ack) === true) {
      this.mid.initialAcked();
      return;
    }
    this.mid.receiveAck(ack);
  }

  /** A response that matched no client transaction; true when it was ours (a 2xx to re-ACK). */
  receiveStrayResponse(res: SipResponse): boolean {
    if (this.uac?.receiveStray(res) === true) return true;
    return res.status >= 200 && res.status < 300 && this.repeatAck(res);
  }

  /** The UA core has answered a CANCEL for our INVITE server transaction 200. */
  receiveCancel(): void {
    this.uas?.receiveCancel();
  }

  protected override refreshDue(): void {
    this.mid.request('refresh');
  }

  private requireUas(): UasInvite {
    if (this.uas === undefined) throw new InvalidStateError('only an incoming call can be answered or rejected', { direction: this.direction });
    return this.uas;
  }

  private requireConfirmed(what: string): void {
    if (this.state !== 'confirmed') throw new InvalidStateError(`${what} needs an established call`, { state: this.state });
  }
}
