/**
 * Reliable provisional responses, UAS side (RFC 3262 §3).
 *
 * - "The provisional response MUST contain a Require header field containing the option
 *   tag 100rel" and "an RSeq header field"; the first RSeq is chosen "between 1 and
 *   2**31 - 1" and each later reliable provisional "MUST" be one higher.
 * - "The UAS MUST NOT send a second reliable provisional response until the first is
 *   acknowledged." — later provisionals wait in a queue.
 * - Retransmission: interval starts at T1 and doubles; "If a reliable provisional response
 *   is retransmitted for 64*T1 seconds without reception of a corresponding PRACK, the UAS
 *   SHOULD reject the original request with a 5xx response."
 * - A PRACK matches when its RAck carries the response's RSeq and the INVITE's CSeq and
 *   method; "If the PRACK does not match any unacknowledged reliable provisional response,
 *   the UAS MUST respond to the PRACK with a 481 response."
 * - A 2xx may not be sent while a reliable provisional carrying SDP is unacknowledged.
 *   Without SDP the final response may go first (§3: "The UAS MAY send a final response
 *   to the initial request before having received PRACKs for all unacknowledged reliable
 *   provisional responses"); the provisional then stops being retransmitted but stays
 *   unacknowledged, so its PRACK, when it comes, still gets 200 (SIPp, PJSIP expect it).
 */
import { randomInt } from 'node:crypto';
import type { SipResponse } from '../message/index.js';
import type { ServerTx, SessionCore } from './core.js';
import { parseRAck } from './headers.js';
import { Retransmitter } from './retransmit.js';

interface Outstanding {
  readonly rseq: number;
  readonly hasSdp: boolean;
  readonly retransmitter: Retransmitter;
}

export class ReliableProvisionals {
  private nextRSeq = randomInt(1, 2 ** 20);
  private outstanding: Outstanding | undefined;
  /** RSeq of a provisional left unacknowledged when the final response went out. */
  private lateRSeq: number | undefined;
  private readonly queue: { res: SipResponse; hasSdp: boolean }[] = [];
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly core: SessionCore,
    private readonly tx: ServerTx,
    private readonly inviteSeq: number,
    private readonly onGiveUp: () => void,
  ) {
    core.onStop(() => this.stop());
  }

  /** True while a reliable provisional with SDP waits for its PRACK (no 2xx yet). */
  get blocksAnswer(): boolean {
    return this.outstanding?.hasSdp === true || this.queue.some((q) => q.hasSdp);
  }

  send(res: SipResponse, hasSdp: boolean): void {
    if (this.outstanding !== undefined) {
      this.queue.push({ res, hasSdp });
      return;
    }
    const rseq = this.nextRSeq++;
    res.headers.append('Require', '100rel');
    res.headers.append('RSeq', String(rseq));
    const retransmitter = new Retransmitter({
      clock: this.core.clock,
      t1: this.core.t1,
      send: () => this.core.send(this.tx, res),
      onGiveUp: () => {
        this.outstanding = undefined;
        this.onGiveUp();
      },
    });
    this.outstanding = { rseq, hasSdp, retransmitter };
  }

  /** Matches a PRACK's RAck; true when it acknowledged the outstanding provisional. */
  prack(rack: string | undefined): boolean {
    const r = parseRAck(rack);
    const o = this.outstanding;
    if (r === undefined) return false;
    if (o === undefined) {
      const late = r.rseq === this.lateRSeq && r.cseq === this.inviteSeq && r.method.toUpperCase() === 'INVITE';
      if (late) this.lateRSeq = undefined;
      return late;
    }
    if (r.rseq !== o.rseq || r.cseq !== this.inviteSeq || r.method.toUpperCase() !== 'INVITE') return false;
    o.retransmitter.stop();
    this.outstanding = undefined;
    const next = this.queue.shift();
    if (next !== undefined) this.send(next.res, next.hasSdp);
    if (!this.blocksAnswer) for (const fn of this.waiting.splice(0)) fn();
    return true;
  }

  /** Runs `fn` once no reliable provisional with SDP is unacknowledged. */
  whenClear(fn: () => void): void {
    if (this.blocksAnswer) this.waiting.push(fn);
    else fn();
  }

  stop(): void {
    this.lateRSeq = this.outstanding?.rseq;
    this.outstanding?.retransmitter.stop();
    this.outstanding = undefined;
    this.queue.length = 0;
    this.waiting.length = 0;
  }
}
