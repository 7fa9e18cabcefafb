/**
 * The call router: every leg is an endpoint (a phone on an FXS port, the landline on
 * an FXO port, a SIP session), and this connects them (DESIGN §4, `calls`).
 *
 * - A phone dials (phone-dialing.ts): star codes, speed dials, then the dial plan say
 *   where the number goes: a SIP account, another phone by extension (intercom), or
 *   the landline. A hotline or warmline dials by itself.
 * - A SIP call for an account (sip-incoming.ts) is screened, forwarded, or rings the
 *   account's phones. The first phone to answer takes it; the others stop ringing.
 * - The landline rings (landline-calls.ts): the phones it is set to ring start ringing
 *   once its caller ID has arrived (or on its second ring without one), so they can
 *   show it; the first to answer seizes the landline.
 * - A phone in a call may get a second one (call waiting), flash to hold and call
 *   someone else, make a 3-way call or transfer by hanging up (phone-features.ts).
 * Calls between local phones need no SIP server, so they work while it is unreachable.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { Clock } from '../clock.js';
import type { ConfigStore } from '../config/index.js';
import { toError } from '../errors.js';
import type { FxoEvent } from '../line/fxo-types.js';
import type { FxoPort } from '../line/fxo-port.js';
import type { FxsLineEvent } from '../line/fxs-types.js';
import type { FxsPort } from '../line/fxs-port.js';
import type { RegionProfile } from '../line/types.js';
import type { Logger } from '../log.js';
import type { MediaStats } from '../rtp/media-bridge.js';
import type { RtpPortAllocator } from '../rtp/port-allocator.js';
import type { SessionRouter } from '../sip/session/index.js';
import type { IncomingInvite, UserAgent } from '../sip/ua/user-agent.js';
import { Call, type CallEnd, type Side } from './call.js';
import { CallRecord, type ActiveCall, type CallRecordInit } from './call-record.js';
import { DiagnosticCalls } from './diagnostic-calls.js';
import { LandlineCalls } from './landline-calls.js';
import { PhoneDialing } from './phone-dialing.js';
import { PhoneFeatures } from './phone-features.js';
import { IncomingSipCalls } from './sip-incoming.js';
import type { SipLegDeps } from './sip-leg.js';
import { placeSipCall } from './sip-outgoing.js';

export interface SipParts {
  readonly ua: UserAgent;
  readonly router: SessionRouter;
}

export interface CallRouterDeps {
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: ConfigStore;
  readonly profile: RegionProfile;
  readonly fxs: ReadonlyMap<number, FxsPort>;
  readonly fxo: ReadonlyMap<number, FxoPort>;
  /** The SIP stack when it runs (undefined while it restarts: SIP calls fail, local ones work). */
  sip(): SipParts | undefined;
  readonly allocator: RtpPortAllocator;
}

export class CallRouter {
  private readonly calls = new Set<Call>();
  /** The message-waiting state each phone was last told. */
  private readonly mwiShown = new Map<number, boolean>();
  private readonly byId = new Map<number, Call>();
  private readonly phones: PhoneFeatures;
  private readonly landlines: LandlineCalls;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly dialing: PhoneDialing;
  private readonly incoming: IncomingSipCalls;
  private readonly log: Logger;
  /** Tests run from the web page's diagnostics; a port under test is busy for calls. */
  readonly diagnostics: DiagnosticCalls;

  constructor(private readonly deps: CallRouterDeps) {
    this.log = deps.log.child({ component: 'calls' });
    this.diagnostics = new DiagnosticCalls({
      clock: deps.clock, log: this.log, profile: deps.profile, fxs: deps.fxs, hasCall: (line) => this.callOf(line) !== undefined,
    });
    this.phones = new PhoneFeatures({
      clock: deps.clock,
      log: this.log,
      call: (id) => this.byId.get(id),
      answer: (call, line) => this.answeredBy(call, line),
      features: (port) => this.lineConfig(port)?.features,
    });
    for (const line of deps.fxs.values()) {
      const listener = (e: FxsLineEvent): void => this.guard('phone event', () => this.onFxsEvent(line, e));
      line.on('event', listener);
      this.unsubscribe.push(() => line.off('event', listener));
    }
    const guard = (what: string, fn: () => void): void => this.guard(what, fn);
    const newCall = (caller: Side, init: CallRecordInit, callerId?: CallerIdInfo): Call => this.newCall(caller, init, callerId);
    const legDeps = (): SipLegDeps | undefined => this.legDeps();
    this.dialing = new PhoneDialing({
      clock: deps.clock, log: this.log, store: deps.store, profile: deps.profile, fxs: deps.fxs, fxo: deps.fxo,
      calls: () => this.calls, newCall, legDeps, guard,
      isFree: (line) => this.isFree(line),
      canWait: (line) => this.phones.canWait(line),
      offer: (line, call) => this.phones.offer(line, call),
      hasCall: (line) => this.callOf(line) !== undefined,
    });
    this.incoming = new IncomingSipCalls({
      clock: deps.clock, log: this.log, store: deps.store, newCall, legDeps, guard,
      phonesFor: (ports) => this.phonesFor(ports),
      ringOrOffer: (call, free, waitable) => this.ringOrOffer(call, free, waitable),
    });
    this.landlines = new LandlineCalls({
      log: this.log,
      store: deps.store,
      clock: deps.clock,
      calls: () => this.calls,
      newCall,
      phonesFor: (ports) => this.phonesFor(ports),
      ringOrOffer: (call, free, waitable) => this.ringOrOffer(call, free, waitable),
      placeSipCall: (call, account, number, from) => placeSipCall(this.legDeps(), call, { account, number, anonymous: false, from }),
    });
    for (const line of deps.fxo.values()) {
      const listener = (e: FxoEvent): void => this.guard('landline event', () => this.landlines.onEvent(line, e));
      line.on('event', listener);
      this.unsubscribe.push(() => line.off('event', listener));
    }
  }

  active(): ActiveCall[] {
    return [...this.calls].map((c) => c.view());
  }

  /** A new INVITE that passed the inbound policy (UserAgent.onInvite). */
  incomingSip(invite: IncomingInvite): void {
    this.guard('incoming SIP call', () => void this.incoming.take(invite).catch((err: unknown) => {
      this.log.error('incoming SIP call failed', { err: toError(err).message });
    }));
  }

  /**
   * Message waiting (stutter dial tone, the phone's lamp) on exactly these FXS ports
   * (message-waiting.ts decides which); a phone is told only when its state changes.
   */
  showMessageWaiting(ports: ReadonlySet<number>): void {
    for (const [port, line] of this.deps.fxs) {
      const waiting = ports.has(port);
      if ((this.mwiShown.get(port) ?? false) === waiting) continue;
      this.mwiShown.set(port, waiting);
      line.command({ type: 'mwi', waiting });
      this.log.info('message waiting', { port, waiting });
    }
  }

  /** Ends every call (the lines part is stopping). */
  stop(): void {
    for (const off of this.unsubscribe) off();
    this.dialing.stop();
    this.diagnostics.stop();
    for (const call of [...this.calls]) call.end({ disposition: 'failed', cause: 'the box is stopping' });
  }

  // --- phones ---------------------------------------------------------------------

  private onFxsEvent(line: FxsPort, e: FxsLineEvent): void {
    if (this.diagnostics.onEvent(line, e)) return;
    switch (e.type) {
      case 'seized':
        this.dialing.seized(line);
        return;
      case 'dialed':
        if (this.phones.canDial(line)) this.dialing.dial(line, e.number);
        return;
      case 'answered': {
        const call = [...this.calls].find((c) => c.ringing.has(line));
        if (call !== undefined) this.phones.answered(line, call);
        return;
      }
      case 'flash':
        this.phones.flash(line);
        return;
      case 'hung-up':
      case 'abandoned':
        this.dialing.onHook(line);
        this.phones.onHook(line);
        return;
      case 'digit':
        this.dialing.digit(line);
        return;
      case 'invalid-number':
        return;
    }
  }

  // --- calls in -----------------------------------------------------------------------

  /** Phones of `ports` that can take a new call: idle ones, else ones in a call that can have one waiting. */
  private phonesFor(ports: readonly number[]): { free: FxsPort[]; waitable: FxsPort[] } {
    const lines = ports
      .filter((p) => this.lineConfig(p)?.features?.dnd !== true)
      .map((p) => this.deps.fxs.get(p))
      .filter((l): l is FxsPort => l !== undefined);
    const free = lines.filter((l) => this.isFree(l));
    return { free, waitable: free.length > 0 ? [] : lines.filter((l) => this.phones.canWait(l)) };
  }

  private ringOrOffer(call: Call, free: readonly FxsPort[], waitable: readonly FxsPort[]): void {
    for (const line of free) {
      call.ringing.add(line);
      line.command({ type: 'ring', ...(call.callerId !== undefined ? { callerId: call.callerId } : {}) });
    }
    for (const line of waitable) this.phones.offer(line, call);
  }

  /** A phone answered a call ringing on it (or took a waiting one). */
  private answeredBy(call: Call, line: FxsPort): void {
    if (!call.ringing.has(line)) return;
    call.ringing.delete(line);
    for (const other of call.ringing) other.command({ type: 'stop-ring' });
    call.ringing.clear();
    call.setCallee({ kind: 'fxs', line });
    const caller = call.caller;
    switch (caller.kind) {
      case 'sip':
        caller.leg.answer();
        break;
      case 'fxo':
        caller.line.answer();
        break;
      case 'fxs':
        call.toCaller({ type: 'connected' });
        break;
    }
    call.connect();
  }

  // --- helpers -----------------------------------------------------------------------

  private newCall(caller: Side, init: ConstructorParameters<typeof CallRecord>[1], callerId?: CallerIdInfo): Call {
    const call = new Call(
      caller,
      new CallRecord(this.deps.clock, init),
      this.log,
      (c, end, media) => this.writeCdr(c, end, media),
      (line, c, end) => this.phones.ended(line, c, end),
      callerId,
    );
    this.calls.add(call);
    this.byId.set(call.id, call);
    call.onEnded((c) => {
      this.calls.delete(c);
      this.byId.delete(c.id);
    });
    call.onConnected((c) => {
      for (const side of [c.caller, c.callee]) if (side?.kind === 'fxs' && !c.hasLeft(side.line)) this.phones.connected(side.line, c);
    });
    this.log.info('call', { call: call.record.id, direction: init.direction, from: init.from, to: init.to, via: init.via });
    if (caller.kind === 'fxs') this.phones.placed(caller.line, call);
    return call;
  }

  /** On hook with no call: a plain ring reaches it. */
  private isFree(line: FxsPort): boolean {
    return this.callOf(line) === undefined && !this.diagnostics.has(line) && !line.status().offHook && this.phones.state(line).name === 'idle';
  }

  private writeCdr(call: Call, end: CallEnd, media: MediaStats | undefined): void {
    this.deps.store.cdrs.add(call.record.cdr(end.disposition, end.cause, media));
  }

  private callOf(line: FxsPort): Call | undefined {
    return [...this.calls].find((c) => c.hasFxs(line));
  }

  private lineConfig(port: number): ReturnType<ConfigStore['lines']['get']> {
    return this.deps.store.lines.get(port);
  }

  private legDeps(): SipLegDeps | undefined {
    const sip = this.deps.sip();
    if (sip === undefined) return undefined;
    return { ua: sip.ua, router: sip.router, allocator: this.deps.allocator, rtp: this.deps.store.settings.rtp(), clock: this.deps.clock, log: this.log };
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`${what} failed`, { err: toError(err).message, stack: toError(err).stack });
    }
  }
}
