/**
 * The dispatcher between the UA core and its INVITE sessions. It keeps live sessions by
 * dialog-side identity (Call-ID + our tag: the From tag of calls we placed, the To tag of
 * calls we took) and routes what the transaction layer hands up:
 *
 * - a request with a To tag belongs to a dialog (RFC 3261 §12.2.2); for a session method
 *   and no such session: "the UAS core SHOULD generate a 481 (Call/Transaction Does Not
 *   Exist) response";
 * - CANCEL (§9.2): "If the UAS did not find a matching transaction for the CANCEL
 *   according to the procedure above, it SHOULD respond to the CANCEL with a 481"; when it
 *   did, the CANCEL gets 200 and the session answers the INVITE 487;
 * - an INVITE without To tag is a new call for `onIncomingInvite`;
 * - ACKs for 2xx (§17.2.3, a new branch: no transaction) and 2xx retransmissions after the
 *   INVITE client transaction is gone (RFC 6026 Timer M) go to their session.
 *
 * A session is forgotten `lingerMs` (default 32 s = 64·T1) after 'ended', so that late
 * retransmissions of 2xx, ACK and BYE still find it.
 */
import { createResponse, newTag, type SipRequest, type SipResponse } from '../message/index.js';
import type { Timer } from '../../clock.js';
import type { Endpoint } from '../transport/types.js';
import type { UaHost } from '../ua/host.js';
import type { ServerTx } from './core.js';
import { fromTagOf, toTagOf } from './headers.js';
import type { InviteSession } from './invite-session.js';

export interface SessionRouterHandlers {
  /**
   * A new INVITE (no To tag). When absent, handleRequest returns false for new INVITEs so
   * the UA core (src/sip/ua/user-agent.ts, whose DialogLayer contract says "new INVITE
   * goes elsewhere") applies its inbound policy first.
   */
  onIncomingInvite?(invite: SipRequest, serverTx: ServerTx, from: Endpoint): void;
}

export interface SessionRouterOptions {
  /** The INVITE server transaction a CANCEL refers to (TransactionLayer.findInviteFor). */
  readonly findInviteTx: (cancel: SipRequest) => ServerTx | undefined;
  /** How long an ended session stays reachable (default 32 000 ms). */
  readonly lingerMs?: number;
}

/** Methods whose in-dialog requests only sessions handle: unknown dialog → 481. */
const SESSION_METHODS = new Set(['INVITE', 'BYE', 'UPDATE', 'PRACK', 'INFO', 'REFER', 'ACK']);

function keyOf(callId: string, localTag: string): string {
  return `${callId}\n${localTag}`;
}

export class SessionRouter {
  private readonly live = new Map<string, InviteSession>();
  private readonly lingering = new Set<Timer>();

  constructor(
    private readonly host: UaHost,
    private readonly handlers: SessionRouterHandlers,
    private readonly opts: SessionRouterOptions,
  ) {}

  track(session: InviteSession): void {
    const key = keyOf(session.callId, session.localTag);
    this.live.set(key, session);
    const forget = (): void => {
      const timer = this.host.clock.setTimer(this.opts.lingerMs ?? 32_000, () => {
        this.lingering.delete(timer);
        if (this.live.get(key) === session) this.live.delete(key);
      });
      this.lingering.add(timer);
    };
    if (session.isTerminated) forget();
    else session.once('ended', forget);
  }

  /** Hangs up every live session and forgets them all, timers included (when the stack stops). */
  dispose(): void {
    for (const s of this.live.values()) if (!s.isTerminated) s.hangup();
    for (const t of this.lingering) this.host.clock.cancelTimer(t);
    this.lingering.clear();
    this.live.clear();
  }

  /** Sessions not yet forgotten (including ended ones absorbing retransmissions). */
  sessions(): InviteSession[] {
    return [...this.live.values()];
  }

  /** Routes a new request; false when it is not a session's business (OPTIONS, MESSAGE, REGISTER, NOTIFY outside a dialog...). */
  handleRequest(req: SipRequest, serverTx: ServerTx, from: Endpoint): boolean {
    if (req.method === 'ACK') {
      this.handleStrayAck(req);
      return true;
    }
    if (req.method === 'CANCEL') {
      this.handleCancel(req, serverTx);
      return true;
    }
    const callId = req.headers.callId();
    const toTag = toTagOf(req);
    if (toTag !== undefined) {
      const session = callId.ok ? this.live.get(keyOf(callId.value, toTag)) : undefined;
      if (session !== undefined) {
        session.receiveRequest(req, serverTx);
        return true;
      }
      if (!SESSION_METHODS.has(req.method) && !(req.method === 'NOTIFY' && /^\s*refer\b/i.test(req.headers.get('Event') ?? ''))) return false;
      this.reply(serverTx, req, 481);
      return true;
    }
    if (req.method !== 'INVITE' || this.handlers.onIncomingInvite === undefined) return false;
    this.handlers.onIncomingInvite(req, serverTx, from);
    return true;
  }

  /** An ACK that matched no server transaction: the ACK for a 2xx. */
  handleStrayAck(ack: SipRequest): void {
    const session = this.find(ack, toTagOf(ack));
    session?.receiveAck(ack);
  }

  /** A response that matched no client transaction (a 2xx retransmission after Timer M). */
  handleStrayResponse(res: SipResponse): void {
    const session = this.find(res, fromTagOf(res));
    if (session === undefined || !session.receiveStrayResponse(res)) {
      this.host.log.debug('stray response dropped', { status: res.status });
    }
  }

  private handleCancel(cancel: SipRequest, serverTx: ServerTx): void {
    const inviteTx = this.opts.findInviteTx(cancel);
    if (inviteTx === undefined) return this.reply(serverTx, cancel, 481);
    const session = [...this.live.values()].find((s) => s.inviteServerTx === inviteTx);
    // §9.2: the To tag of the 200 to the CANCEL should be that of the INVITE's response.
    this.reply(serverTx, cancel, 200, session?.localTag);
    if (session !== undefined) return session.receiveCancel();
    // The INVITE has not become a session (still with the application): answer it 487 here.
    if (!inviteTx.responded) {
      try {
        inviteTx.respond(createResponse(inviteTx.request as SipRequest, 487, undefined, { toTag: newTag() }));
      } catch (err) {
        this.host.log.debug('could not answer 487', { err: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  private find(m: SipRequest | SipResponse, localTag: string | undefined): InviteSession | undefined {
    const callId = m.headers.callId();
    if (!callId.ok || localTag === undefined) return undefined;
    return this.live.get(keyOf(callId.value, localTag));
  }

  private reply(tx: ServerTx, req: SipRequest, status: number, toTag?: string): void {
    try {
      tx.respond(createResponse(req, status, undefined, { toTag: toTag ?? newTag(), headers: [['Server', this.host.userAgent]] }));
    } catch (err) {
      this.host.log.debug('could not respond', { status, err: err instanceof Error ? err.message : String(err) });
    }
  }
}
