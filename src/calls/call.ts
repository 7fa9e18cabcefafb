/**
 * One call between two sides: an FXS phone, the landline (FXO) or a SIP leg. The
 * caller side exists from the start; the called side is known at once for an outgoing
 * call and becomes known for an incoming one when a phone answers (until then several
 * phones may ring for it).
 *
 * The call joins the two sides' audio when it connects: a SIP leg bridges its RTP to
 * the line's gated audio port (MediaBridge); two lines are joined directly
 * (DirectBridge). It ends once, from either side or from the router, tells the other
 * side in the way that side understands (BYE or CANCEL or a final response; disconnect
 * tone on a phone; releasing the landline) and writes the CDR.
 */
import type { Logger } from '../log.js';
import { DirectBridge } from '../rtp/direct-bridge.js';
import type { MediaStats } from '../rtp/media-bridge.js';
import type { FxoPort } from '../line/fxo-port.js';
import type { FxsPort } from '../line/fxs-port.js';
import type { ActiveCall, CallRecord, Disposition } from './call-record.js';
import type { SipLeg } from './sip-leg.js';

export type Side =
  | { readonly kind: 'fxs'; readonly line: FxsPort }
  | { readonly kind: 'fxo'; readonly line: FxoPort }
  | { readonly kind: 'sip'; readonly leg: SipLeg; readonly inbound: boolean };

export interface CallEnd {
  readonly disposition: Disposition;
  readonly cause: string;
  /** The side that ended it (it needs no telling); undefined: the box ended it. */
  readonly by?: Side;
  /** For an unanswered inbound SIP call: the final response (default 480). */
  readonly sipStatus?: number;
  /** For a phone that placed a call that failed: the tone it hears. */
  readonly tone?: 'busy' | 'reorder';
}

export class Call {
  private calleeSide: Side | undefined;
  private bridge: DirectBridge | undefined;
  private over = false;
  /** FXS ports ringing for this call (incoming, not answered yet). */
  readonly ringing = new Set<FxsPort>();
  private readonly endListeners: ((call: Call) => void)[] = [];

  constructor(
    readonly caller: Side,
    readonly record: CallRecord,
    private readonly log: Logger,
    private readonly writeCdr: (call: Call, end: CallEnd, media: MediaStats | undefined) => void,
  ) {}

  get callee(): Side | undefined {
    return this.calleeSide;
  }

  get ended(): boolean {
    return this.over;
  }

  setCallee(side: Side): void {
    this.calleeSide = side;
    if (side.kind === 'fxs' && this.record.port === null) this.record.port = side.line.port;
  }

  onEnded(listener: (call: Call) => void): void {
    this.endListeners.push(listener);
  }

  /** Does this call involve this phone (in the call or ringing for it)? */
  hasFxs(line: FxsPort): boolean {
    return this.sideFor(line) !== undefined || this.ringing.has(line);
  }

  sideFor(line: FxsPort | FxoPort): Side | undefined {
    return [this.caller, this.calleeSide].find((s) => s !== undefined && s.kind !== 'sip' && s.line === line);
  }

  sipLeg(): SipLeg | undefined {
    const s = [this.caller, this.calleeSide].find((x) => x?.kind === 'sip');
    return s?.kind === 'sip' ? s.leg : undefined;
  }

  other(side: Side): Side | undefined {
    return side === this.caller ? this.calleeSide : this.caller;
  }

  /** Both sides are known and talking: join their audio. */
  connect(): void {
    if (this.over || this.calleeSide === undefined) return;
    this.record.markAnswered();
    const a = this.caller;
    const b = this.calleeSide;
    if (a.kind === 'sip' && b.kind !== 'sip') a.leg.attach(b.line.callAudio);
    else if (b.kind === 'sip' && a.kind !== 'sip') b.leg.attach(a.line.callAudio);
    else if (a.kind !== 'sip' && b.kind !== 'sip' && this.bridge === undefined) this.bridge = new DirectBridge(a.line.callAudio, b.line.callAudio);
  }

  /** Ends the call: every side but `end.by` is told, the CDR is written. Idempotent. */
  end(end: CallEnd): void {
    if (this.over) return;
    this.over = true;
    this.record.state = 'ended';
    const media = this.sipLeg()?.stats();
    this.bridge?.close();
    this.bridge = undefined;
    for (const line of this.ringing) line.command({ type: 'stop-ring' });
    this.ringing.clear();
    for (const side of [this.caller, this.calleeSide]) {
      if (side === undefined || side === end.by) continue;
      this.tell(side, end);
    }
    this.log.info('call ended', { call: this.record.id, disposition: this.record.answered ? 'answered' : end.disposition, cause: end.cause });
    try {
      this.writeCdr(this, end, media);
    } catch (err) {
      this.log.error('call record not written', { call: this.record.id, err: err instanceof Error ? err.message : String(err) });
    }
    for (const l of this.endListeners) l(this);
  }

  view(): ActiveCall {
    return this.record.view([...this.ringing].map((l) => l.port), this.sipLeg()?.stats());
  }

  private tell(side: Side, end: CallEnd): void {
    switch (side.kind) {
      case 'fxs': {
        const connected = this.record.answered;
        if (connected) side.line.command({ type: 'far-end-hangup' });
        else if (side === this.caller) side.line.command({ type: 'progress', tone: end.tone ?? 'reorder' });
        else side.line.command({ type: 'stop-ring' });
        return;
      }
      case 'fxo':
        side.line.hangup();
        return;
      case 'sip':
        side.leg.detach();
        if (side.inbound && !this.record.answered && !side.leg.ended) side.leg.reject(end.sipStatus ?? 480);
        else side.leg.hangup();
        return;
    }
  }
}
