/**
 * The call router: every leg is an endpoint (a phone on an FXS port, the landline on
 * an FXO port, a SIP session), and this connects them (DESIGN §4, `calls`).
 *
 * - A phone dials: the star codes (star-codes.ts) are handled first, then the dial
 *   plan (dial-plan.ts) says where the number goes: a SIP account, another phone by
 *   extension (intercom), or the landline.
 * - A SIP call for an account rings the phones of that account (not those on
 *   do-not-disturb; a phone with call forwarding sends the caller elsewhere with a
 *   302). The first phone to answer takes it; the others stop ringing.
 * - The landline rings: the phones it is set to ring start ringing once its caller ID
 *   has arrived (or on its second ring without one), so they can show it; the first
 *   to answer seizes the landline.
 * - A phone in a call may get a second one (call waiting), flash to hold and call
 *   someone else, make a 3-way call or transfer by hanging up (phone-features.ts).
 * - Forwarding: always (302 at once), on busy (302 when no phone can take the call),
 *   on no answer (302 after the phone rang `noAnswerSeconds`).
 * Calls between local phones need no SIP server, so they work while it is unreachable.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { Clock } from '../clock.js';
import type { ConfigStore } from '../config/index.js';
import type { Account } from '../config/provisioning-schema.js';
import { toError } from '../errors.js';
import type { FxoEvent } from '../line/fxo-types.js';
import type { FxoPort } from '../line/fxo-port.js';
import type { FxsLineEvent } from '../line/fxs-types.js';
import type { FxsPort } from '../line/fxs-port.js';
import { DigitMap } from '../line/digit-map.js';
import type { DigitMatcher, RegionProfile } from '../line/types.js';
import type { Logger } from '../log.js';
import type { MediaStats } from '../rtp/media-bridge.js';
import type { RtpPortAllocator } from '../rtp/port-allocator.js';
import { createResponse, newTag } from '../sip/message/index.js';
import type { SessionRouter } from '../sip/session/index.js';
import type { IncomingInvite, UserAgent } from '../sip/ua/user-agent.js';
import { Call, type CallEnd, type Side } from './call.js';
import { LandlineCalls } from './landline-calls.js';
import { PhoneFeatures } from './phone-features.js';
import { CallRecord, type ActiveCall } from './call-record.js';
import { portsForAccount, routeOutbound } from './dial-plan.js';
import { callerIdFromInvite, cleanName } from './sip-caller-id.js';
import { respond, SipLeg, type OutgoingCall, type SipLegDeps } from './sip-leg.js';
import { starCode, type ForwardFeature, type StarCodeResult } from './star-codes.js';

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
  private readonly byId = new Map<number, Call>();
  private readonly phones: PhoneFeatures;
  private readonly landlines: LandlineCalls;
  private readonly unsubscribe: (() => void)[] = [];
  private readonly matchers = new Map<string, DigitMatcher>();
  private readonly log: Logger;
  /** The last number each phone dialled (redial). */
  private readonly lastDialled = new Map<number, string>();
  /** A feature code dialled alone waits for the next number on that phone (star-codes.ts). */
  private readonly awaiting = new Map<number, ForwardFeature | 'anonymous-call'>();

  constructor(private readonly deps: CallRouterDeps) {
    this.log = deps.log.child({ component: 'calls' });
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
    this.landlines = new LandlineCalls({
      log: this.log,
      store: deps.store,
      calls: () => this.calls,
      newCall: (caller, init, callerId) => this.newCall(caller, init, callerId),
      phonesFor: (ports) => this.phonesFor(ports),
      ringOrOffer: (call, free, waitable) => this.ringOrOffer(call, free, waitable),
      placeSipCall: (call, account, number, from) => this.placeSipCall(call, account, number, false, from),
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
    this.guard('incoming SIP call', () => void this.takeSipCall(invite).catch((err: unknown) => {
      this.log.error('incoming SIP call failed', { err: toError(err).message });
    }));
  }

  /** The account's voicemail has (or no longer has) messages: stutter dial tone and the phone's lamp on its phones. */
  messageWaiting(accountId: string, waiting: boolean): void {
    for (const port of portsForAccount(accountId, this.deps.store.lines.list())) {
      this.deps.fxs.get(port)?.command({ type: 'mwi', waiting });
    }
    this.log.info('message waiting', { account: accountId, waiting });
  }

  /** Ends every call (the lines part is stopping). */
  stop(): void {
    for (const off of this.unsubscribe) off();
    for (const call of [...this.calls]) call.end({ disposition: 'failed', cause: 'the box is stopping' });
  }

  // --- phones ---------------------------------------------------------------------

  private onFxsEvent(line: FxsPort, e: FxsLineEvent): void {
    switch (e.type) {
      case 'seized': {
        const hotline = this.lineConfig(line.port)?.features?.hotline;
        if (hotline !== undefined && this.callOf(line) === undefined) this.dial(line, hotline);
        return;
      }
      case 'dialed':
        if (this.phones.canDial(line)) this.dial(line, e.number);
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
        this.awaiting.delete(line.port);
        this.phones.onHook(line);
        return;
      case 'digit':
      case 'invalid-number':
        return;
    }
  }

  private dial(line: FxsPort, dialled: string): void {
    const config = this.lineConfig(line.port);
    const waiting = this.awaiting.get(line.port);
    this.awaiting.delete(line.port);
    const code: StarCodeResult = waiting !== undefined && waiting !== 'anonymous-call' ? { kind: 'set-feature', feature: waiting, on: true, target: dialled }
      : waiting === 'anonymous-call' ? { kind: 'number', number: dialled, anonymous: true }
      : starCode(dialled, { profile: this.deps.profile, lastDialled: this.lastDialled.get(line.port) });
    const applied = this.applyStarCode(line, code);
    if (applied.done) return;
    const number = applied.number;
    this.lastDialled.set(line.port, number);
    const dest = routeOutbound(number, {
      fromPort: line.port,
      lines: this.deps.store.lines.list(),
      routes: this.deps.store.dialPlan.list(),
      matcher: (p) => this.matcher(p),
    });
    const caller: Side = { kind: 'fxs', line };
    const from = config?.extension ?? `port ${line.port}`;
    switch (dest.kind) {
      case 'none':
        this.log.info('number not routed', { port: line.port, number, reason: dest.reason });
        line.command({ type: 'invalid-number' });
        return;
      case 'line': {
        const target = this.deps.fxs.get(dest.port);
        const name = cleanName(config?.name);
        const callerId = { number: from, ...(name !== undefined ? { name } : {}) };
        const call = this.newCall(caller, { direction: 'internal', from, to: number, port: line.port, account: null, via: 'intercom' }, callerId);
        const free = target !== undefined && this.isFree(target);
        if (target === undefined || target === line || this.lineConfig(dest.port)?.features?.dnd === true || (!free && !this.phones.canWait(target))) {
          call.end({ disposition: 'busy', cause: `port ${dest.port} is busy`, tone: 'busy' });
          return;
        }
        call.record.state = 'ringing';
        if (free) {
          call.ringing.add(target);
          target.command({ type: 'ring', callerId });
        } else {
          this.phones.offer(target, call);
        }
        line.command({ type: 'progress', tone: 'ringback' });
        return;
      }
      case 'fxo': {
        const landline = this.deps.fxo.get(dest.port);
        const call = this.newCall(caller, { direction: 'outbound', from, to: dest.number, port: line.port, account: null, via: 'landline' });
        if (landline === undefined) {
          call.end({ disposition: 'failed', cause: `no landline on port ${dest.port}` });
          return;
        }
        // One call at a time on a landline: in use (another call, or ringing) is busy, before anything is seized.
        if ([...this.calls].some((c) => c !== call && c.sideFor(landline) !== undefined) || landline.status().phase !== 'idle') {
          call.end({ disposition: 'busy', cause: `landline ${dest.port} is in use`, tone: 'busy' });
          return;
        }
        call.setCallee({ kind: 'fxo', line: landline });
        landline.dial(dest.number);
        return;
      }
      case 'sip': {
        const account = this.deps.store.accounts.get(dest.account);
        const call = this.newCall(caller, { direction: 'outbound', from: account?.username ?? from, to: dest.number, port: line.port, account: dest.account, via: 'sip' });
        if (account === undefined || account.enabled === false) {
          call.end({ disposition: 'failed', cause: `account ${dest.account} is not configured` });
          return;
        }
        void this.placeSipCall(call, account, dest.number, applied.anonymous);
        return;
      }
    }
  }

  private applyStarCode(line: FxsPort, code: StarCodeResult): { done: true } | { done: false; number: string; anonymous: boolean } {
    switch (code.kind) {
      case 'number':
        return { done: false, number: code.number, anonymous: code.anonymous };
      case 'redial-empty':
        line.command({ type: 'invalid-number' });
        return { done: true };
      case 'awaiting':
        this.awaiting.set(line.port, code.next);
        line.command({ type: 'confirm', then: 'dial-tone' });
        return { done: true };
      case 'set-feature': {
        const current = this.deps.store.lines.get(line.port) ?? { port: line.port, kind: 'fxs' as const };
        const features = { ...current.features };
        if (code.feature === 'dnd') features.dnd = code.on;
        if (code.feature !== 'dnd') {
          if (code.target === undefined) delete features[code.feature];
          else features[code.feature] = code.target;
        }
        try {
          this.deps.store.lines.upsert({ ...current, features });
          this.log.info('feature set from the phone', { port: line.port, feature: code.feature, on: code.on });
          line.command({ type: 'confirm', then: 'silence' });
        } catch (err) {
          this.log.warn('feature not set', { port: line.port, err: toError(err).message });
          line.command({ type: 'invalid-number' });
        }
        return { done: true };
      }
    }
  }

  private async placeSipCall(call: Call, account: Account, number: string, anonymous: boolean, from?: OutgoingCall['from']): Promise<void> {
    const sip = this.deps.sip();
    if (sip === undefined) {
      call.end({ disposition: 'failed', cause: 'the SIP stack is not running' });
      return;
    }
    let leg: SipLeg;
    try {
      leg = await SipLeg.outgoing(this.legDeps(sip), { account, number, anonymous, ...(from !== undefined ? { from } : {}) });
    } catch (err) {
      call.end({ disposition: 'failed', cause: `call not placed: ${toError(err).message}` });
      return;
    }
    if (call.ended) {
      leg.hangup();
      return;
    }
    const side: Side = { kind: 'sip', leg, inbound: false };
    call.setCallee(side);
    leg.on('progress', (p) => {
      call.record.state = 'ringing';
      if (p.earlyMedia) {
        call.toCaller({ type: 'progress', tone: null });
        if (call.caller.kind === 'fxs' && !call.hasLeft(call.caller.line)) leg.attach(call.caller.line.callAudio);
      } else if (p.status === 180 || p.status === 182) {
        call.toCaller({ type: 'progress', tone: 'ringback' });
      }
    });
    leg.on('answered', () => {
      call.toCaller({ type: 'connected' });
      if (call.caller.kind === 'fxo') call.caller.line.answer();
      call.connect();
    });
    leg.on('ended', (e) => {
      const busy = e.status === 486 || e.status === 600 || e.cause === 'busy';
      call.end({
        by: side,
        disposition: busy ? 'busy' : e.cause === 'cancelled' ? 'cancelled' : e.cause === 'timeout' || e.status === 480 || e.status === 408 ? 'no_answer' : 'failed',
        cause: `${e.by === 'remote' ? 'far end' : 'box'}: ${e.cause}${e.status !== undefined ? ` (${e.status}${e.reason !== undefined ? ` ${e.reason}` : ''})` : ''}`,
        tone: busy ? 'busy' : 'reorder',
      });
    });
  }

  // --- SIP calls in ------------------------------------------------------------------

  private async takeSipCall(invite: IncomingInvite): Promise<void> {
    const sip = this.deps.sip();
    const account = this.deps.store.accounts.get(invite.accountId);
    if (sip === undefined || account === undefined) return respond(invite, 480);
    const lines = this.deps.store.lines.list();
    const ports = portsForAccount(account.id, lines);
    const forwardTo = (f: ForwardFeature): string | undefined => ports.map((p) => lines.find((l) => l.port === p)?.features?.[f]).find((t) => t !== undefined);
    const always = forwardTo('forwardAll');
    if (always !== undefined) return this.forward(invite, account, always, 'unconditional');
    const { free, waitable } = this.phonesFor(ports);
    if (free.length === 0 && waitable.length === 0) {
      const busyTarget = forwardTo('forwardBusy');
      if (busyTarget !== undefined && ports.length > 0) return this.forward(invite, account, busyTarget, 'user-busy');
      const why = ports.length === 0 ? 'no phone uses this account' : 'every phone is busy or on do-not-disturb';
      this.log.info('incoming call refused', { account: account.id, why });
      return respond(invite, ports.length === 0 ? 480 : 486, ports.length === 0 ? 'Temporarily Unavailable' : 'Busy Here');
    }
    const leg = await SipLeg.incoming(this.legDeps(sip), invite, account);
    if (leg === undefined) return;
    const callerId = callerIdFromInvite(invite.request, this.deps.clock.wallTime());
    const side: Side = { kind: 'sip', leg, inbound: true };
    const call = this.newCall(side, {
      direction: 'inbound', from: callerId.number ?? 'anonymous', to: account.username, port: null, account: account.id, via: 'sip',
    }, callerId);
    leg.on('ended', (e) => call.end({ by: side, disposition: e.cause === 'cancelled' ? 'cancelled' : 'failed', cause: `far end: ${e.cause}` }));
    call.record.state = 'ringing';
    leg.ring();
    this.ringOrOffer(call, free, waitable);
    const noAnswer = forwardTo('forwardNoAnswer');
    if (noAnswer !== undefined) {
      const seconds = ports.map((p) => lines.find((l) => l.port === p)?.features?.noAnswerSeconds).find((n) => n !== undefined) ?? 20;
      const timer = this.deps.clock.setTimer(seconds * 1000, () => this.guard('forward on no answer', () => {
        if (call.ended || call.record.answered || leg.ended) return;
        this.log.info('call forwarded on no answer', { account: account.id, to: noAnswer, call: call.id });
        call.end({ by: side, disposition: 'no_answer', cause: `forwarded to ${noAnswer} on no answer` });
        leg.reject(302, 'Moved Temporarily', forwardHeaders(account, noAnswer, 'no-answer'));
      }));
      call.onEnded(() => this.deps.clock.cancelTimer(timer));
    }
  }

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

  private forward(invite: IncomingInvite, account: Account, target: string, reason: 'unconditional' | 'user-busy'): void {
    this.log.info('call forwarded', { account: account.id, to: target, reason });
    try {
      invite.tx.respond(createResponse(invite.request, 302, 'Moved Temporarily', { toTag: newTag(), headers: forwardHeaders(account, target, reason) }));
    } catch (err) {
      this.log.warn('could not forward', { err: toError(err).message });
    }
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
    return this.callOf(line) === undefined && !line.status().offHook && this.phones.state(line).name === 'idle';
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

  private matcher(pattern: string): DigitMatcher {
    let m = this.matchers.get(pattern);
    if (m === undefined) {
      m = DigitMap.parse(pattern);
      if (this.matchers.size > 256) this.matchers.clear();
      this.matchers.set(pattern, m);
    }
    return m;
  }

  private legDeps(sip: SipParts): SipLegDeps {
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

/** Contact and Diversion of a 302 to a forwarding target (RFC 5806 Diversion, as Asterisk and providers read it). */
function forwardHeaders(account: Account, target: string, reason: 'unconditional' | 'user-busy' | 'no-answer'): [string, string][] {
  return [['Contact', `<sip:${target}@${account.server}>`], ['Diversion', `<sip:${account.username}@${account.server}>;reason=${reason}`]];
}
