/**
 * One call between two sides: an FXS phone, the landline (FXO) or a SIP leg. The
 * caller side exists from the start; the called side is known at once for an outgoing
 * call and becomes known for an incoming one when a phone answers (until then several
 * phones may ring for it).
 *
 * The call joins the two sides' audio when it connects: a SIP leg bridges its RTP to
 * the line's gated audio port (MediaBridge); two lines are joined directly
 * (DirectBridge). A phone's side can be routed elsewhere (`routePhone`): nowhere while
 * the call is held, a mixer's member port in a 3-way call or a transfer joined in the
 * box. A phone can leave the call (a transfer): the call goes on without it.
 *
 * It ends once, from either side or from the router, tells the other side in the way
 * that side understands (BYE or CANCEL or a final response; releasing the landline)
 * and writes the CDR. A phone in the call is told through `phoneEnded` (the router
 * decides what it hears: the phone may have another call).
 */
import type { Logger } from '../log.js';
import type { AudioPort } from '../../audio/port/audio-port.js';
import { DirectBridge } from '../rtp/direct-bridge.js';
import type { MediaStats } from '../rtp/media-bridge.js';
import type { FxoPort } from '../line/fxo-port.js';
import type { FxsPort, FxsPortCommand } from '../line/fxs-port.js';
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
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
  private endInfo: CallEnd | undefined;
  /** Where a phone side's audio goes instead of its own port: null while held. */
  private readonly phoneRoutes = new Map<FxsPort, AudioPort | null>();
  /** Phones that left the call (transferred it away). */
  private readonly left = new Set<FxsPort>();
  /** FXS ports ringing for this call (incoming, not answered yet). */
  readonly ringing = new Set<FxsPort>();
  private readonly endListeners: ((call: Call) => void)[] = [];
  private readonly connectListeners: ((call: Call) => void)[] = [];
  /** The SIP leg is on hold (we sent a sendonly offer). */
  private sipHeld = false;

  constructor(
    readonly caller: Side,
    readonly record: CallRecord,
    private readonly log: Logger,
    private readonly writeCdr: (call: Call, end: CallEnd, media: MediaStats | undefined) => void,
    /** A phone in the call (or ringing for it) that must hear of its end. */
    private readonly phoneEnded: (line: FxsPort, call: Call, end: CallEnd) => void,
    /** Caller ID to show on a phone this call rings (again). */
    public callerId?: CallerIdInfo,
  ) {}

  get id(): number {
    return this.record.id;
  }

  get callee(): Side | undefined {
    return this.calleeSide;
  }

  get ended(): boolean {
    return this.over;
  }

  /** How it ended (once it has). */
  get endedWith(): CallEnd | undefined {
    return this.endInfo;
  }

  setCallee(side: Side): void {
    this.calleeSide = side;
    if (side.kind === 'fxs' && this.record.port === null) this.record.port = side.line.port;
  }

  onEnded(listener: (call: Call) => void): void {
    this.endListeners.push(listener);
  }

  /** Both sides are now talking (called on every connect, the first included). */
  onConnected(listener: (call: Call) => void): void {
    this.connectListeners.push(listener);
  }

  /** Does this call involve this phone (in the call, not left, or ringing for it)? */
  hasFxs(line: FxsPort): boolean {
    return (this.sideFor(line) !== undefined && !this.left.has(line)) || this.ringing.has(line);
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

  /** A command for the calling phone, if the caller is a phone still in the call. */
  toCaller(command: FxsPortCommand): void {
    if (this.caller.kind === 'fxs' && !this.left.has(this.caller.line) && !this.over) this.caller.line.command(command);
  }

  /**
   * Where a phone's audio goes: undefined, its own line (the default); null, nowhere
   * (held); a port, that one (a mixer member). Takes effect now if the call is up.
   */
  routePhone(line: FxsPort, to: AudioPort | null | undefined): void {
    if (to === undefined) this.phoneRoutes.delete(line);
    else this.phoneRoutes.set(line, to);
    if (this.record.answered && !this.over) this.relink();
  }

  /** The phone is out of the call (it transferred it); its route stays (a join's member port). */
  leave(line: FxsPort): void {
    this.left.add(line);
  }

  hasLeft(line: FxsPort): boolean {
    return this.left.has(line);
  }

  /** Puts the SIP leg on hold (a sendonly re-INVITE) or takes it off; a call between lines needs nothing. */
  holdSip(hold: boolean): void {
    const leg = this.sipLeg();
    if (leg === undefined || this.sipHeld === hold || !leg.confirmed || leg.ended) return;
    try {
      if (hold) leg.hold();
      else leg.resume();
      this.sipHeld = hold;
    } catch (err) {
      this.log.warn(hold ? 'hold failed' : 'resume failed', { call: this.record.id, err: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Both sides are known and talking: join their audio. */
  connect(): void {
    if (this.over || this.calleeSide === undefined) return;
    this.record.markAnswered();
    this.relink();
    for (const l of this.connectListeners) l(this);
  }

  /** Ends the call: every side but `end.by` is told, the CDR is written. Idempotent. */
  end(end: CallEnd): void {
    if (this.over) return;
    this.over = true;
    this.endInfo = end;
    this.record.state = 'ended';
    const media = this.sipLeg()?.stats();
    this.bridge?.close();
    this.bridge = undefined;
    const ringing = [...this.ringing];
    this.ringing.clear();
    for (const line of ringing) {
      line.command({ type: 'stop-ring' });
      if (this.sideFor(line) === undefined) this.phoneEnded(line, this, end);
    }
    for (const side of [this.caller, this.calleeSide]) {
      if (side === undefined || side === end.by) continue;
      this.tell(side, end);
    }
    for (const route of this.phoneRoutes.values()) if (route !== null) route.close();
    this.log.info('call ended', { call: this.record.id, disposition: this.record.answered ? 'answered' : end.disposition, cause: end.cause });
    try {
      this.writeCdr(this, end, media);
    } catch (err) {
      this.log.error('call record not written', { call: this.record.id, err: err instanceof Error ? err.message : String(err) });
    }
    for (const l of this.endListeners) l(this);
  }

  view(): ActiveCall {
    const phones = [this.caller, this.callee].flatMap((side) => (side?.kind === 'fxs' && !this.left.has(side.line) ? [side.line.port] : []));
    return this.record.view([...this.ringing].map((l) => l.port), this.sipLeg()?.stats(), phones);
  }

  /** The audio port of a line side now: its route, its own port, or null (held). */
  private portOf(side: Side): AudioPort | null {
    if (side.kind === 'sip') return null;
    if (side.kind === 'fxs') {
      const route = this.phoneRoutes.get(side.line);
      if (route !== undefined) return route;
      if (this.left.has(side.line)) return null;
    }
    return side.line.callAudio;
  }

  private relink(): void {
    const a = this.caller;
    const b = this.calleeSide;
    if (b === undefined) return;
    this.bridge?.close();
    this.bridge = undefined;
    if (a.kind === 'sip' || b.kind === 'sip') {
      const leg = a.kind === 'sip' ? a.leg : b.kind === 'sip' ? b.leg : undefined;
      const port = this.portOf(a.kind === 'sip' ? b : a);
      if (port === null) leg?.detach();
      else leg?.attach(port);
      return;
    }
    const pa = this.portOf(a);
    const pb = this.portOf(b);
    if (pa !== null && pb !== null && pa !== pb) this.bridge = new DirectBridge(pa, pb);
  }

  private tell(side: Side, end: CallEnd): void {
    switch (side.kind) {
      case 'fxs':
        if (!this.left.has(side.line)) this.phoneEnded(side.line, this, end);
        return;
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

/** What a phone hears when the call it was on ends elsewhere. */
export function phoneCommandForEnd(call: Call, line: FxsPort, end: CallEnd): FxsPortCommand {
  if (call.record.answered && call.sideFor(line) !== undefined) return { type: 'far-end-hangup' };
  if (call.caller.kind === 'fxs' && call.caller.line === line) return { type: 'progress', tone: end.tone ?? 'reorder' };
  return { type: 'stop-ring' };
}
