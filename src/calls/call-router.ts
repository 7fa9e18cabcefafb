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
import { createResponse, newTag, type SipResponse } from '../sip/message/index.js';
import type { SessionRouter } from '../sip/session/index.js';
import type { IncomingInvite, UserAgent } from '../sip/ua/user-agent.js';
import { Call, type CallEnd, type Side } from './call.js';
import { CallRecord, type ActiveCall } from './call-record.js';
import { portsForAccount, portsForLandline, routeOutbound } from './dial-plan.js';
import { callerIdFromInvite, cleanName } from './sip-caller-id.js';
import { respond, SipLeg, type SipLegDeps } from './sip-leg.js';
import { starCode, type StarCodeResult } from './star-codes.js';

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
  private readonly unsubscribe: (() => void)[] = [];
  private readonly matchers = new Map<string, DigitMatcher>();
  private readonly log: Logger;
  /** The last number each phone dialled (redial). */
  private readonly lastDialled = new Map<number, string>();
  /** A feature code dialled alone waits for the next number on that phone (star-codes.ts). */
  private readonly awaiting = new Map<number, 'forward-target' | 'anonymous-call'>();

  constructor(private readonly deps: CallRouterDeps) {
    this.log = deps.log.child({ component: 'calls' });
    for (const line of deps.fxs.values()) {
      const listener = (e: FxsLineEvent): void => this.guard('phone event', () => this.onFxsEvent(line, e));
      line.on('event', listener);
      this.unsubscribe.push(() => line.off('event', listener));
    }
    for (const line of deps.fxo.values()) {
      const listener = (e: FxoEvent): void => this.guard('landline event', () => this.onFxoEvent(line, e));
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
    const call = this.callOf(line);
    switch (e.type) {
      case 'seized': {
        const hotline = this.lineConfig(line.port)?.features?.hotline;
        if (hotline !== undefined && call === undefined) this.dial(line, hotline);
        return;
      }
      case 'dialed':
        if (call === undefined) this.dial(line, e.number);
        return;
      case 'answered':
        if (call !== undefined) this.answeredBy(call, line);
        return;
      case 'hung-up':
      case 'abandoned':
        this.awaiting.delete(line.port);
        if (call !== undefined) {
          const side = call.sideFor(line);
          call.end({ disposition: 'cancelled', cause: `port ${line.port} hung up`, ...(side !== undefined ? { by: side } : {}) });
        }
        return;
      case 'digit':
      case 'flash':
      case 'invalid-number':
        return;
    }
  }

  private dial(line: FxsPort, dialled: string): void {
    const config = this.lineConfig(line.port);
    const waiting = this.awaiting.get(line.port);
    this.awaiting.delete(line.port);
    const code: StarCodeResult = waiting === 'forward-target' ? { kind: 'set-feature', feature: 'forwardAll', on: true, target: dialled }
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
        const call = this.newCall(caller, { direction: 'internal', from, to: number, port: line.port, account: null, via: 'intercom' });
        if (target === undefined || this.callOf(target) !== undefined || this.lineConfig(dest.port)?.features?.dnd === true || target.status().offHook) {
          call.end({ disposition: 'busy', cause: `port ${dest.port} is busy`, tone: 'busy' });
          return;
        }
        call.record.state = 'ringing';
        call.ringing.add(target);
        const name = cleanName(config?.name);
        target.command({ type: 'ring', callerId: { number: from, ...(name !== undefined ? { name } : {}) } });
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
        if (code.feature === 'forwardAll') {
          if (code.target === undefined) delete features.forwardAll;
          else features.forwardAll = code.target;
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

  private async placeSipCall(call: Call, account: Account, number: string, anonymous: boolean): Promise<void> {
    const sip = this.deps.sip();
    if (sip === undefined) {
      call.end({ disposition: 'failed', cause: 'the SIP stack is not running' });
      return;
    }
    let leg: SipLeg;
    try {
      leg = await SipLeg.outgoing(this.legDeps(sip), { account, number, anonymous });
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
    const phone = call.caller.kind === 'fxs' ? call.caller.line : undefined;
    leg.on('progress', (p) => {
      call.record.state = 'ringing';
      if (p.earlyMedia) {
        phone?.command({ type: 'progress', tone: null });
        if (call.caller.kind !== 'sip') leg.attach(call.caller.line.callAudio);
      } else if (p.status === 180 || p.status === 182) {
        phone?.command({ type: 'progress', tone: 'ringback' });
      }
    });
    leg.on('answered', () => {
      phone?.command({ type: 'connected' });
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
    const forward = ports.map((p) => lines.find((l) => l.port === p)?.features?.forwardAll).find((f) => f !== undefined);
    if (forward !== undefined) {
      this.log.info('call forwarded', { account: account.id, to: forward });
      try {
        invite.tx.respond(redirect(invite, `sip:${forward}@${account.server}`, `sip:${account.username}@${account.server}`));
      } catch (err) {
        this.log.warn('could not forward', { err: toError(err).message });
      }
      return;
    }
    const free = ports
      .filter((p) => lines.find((l) => l.port === p)?.features?.dnd !== true)
      .map((p) => this.deps.fxs.get(p))
      .filter((l): l is FxsPort => l !== undefined && this.callOf(l) === undefined && !l.status().offHook);
    if (free.length === 0) {
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
    });
    leg.on('ended', (e) => call.end({ by: side, disposition: e.cause === 'cancelled' ? 'cancelled' : 'failed', cause: `far end: ${e.cause}` }));
    call.record.state = 'ringing';
    leg.ring();
    for (const line of free) {
      call.ringing.add(line);
      line.command({ type: 'ring', callerId });
    }
  }

  /** A phone answered a call ringing on it. */
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
        caller.line.command({ type: 'connected' });
        break;
    }
    call.connect();
  }

  // --- the landline ------------------------------------------------------------------

  private onFxoEvent(landline: FxoPort, e: FxoEvent): void {
    const call = [...this.calls].find((c) => c.sideFor(landline) !== undefined);
    switch (e.type) {
      case 'ring':
        if (call === undefined) this.landlineRings(landline, e.callerId, e.n);
        else if (call.record.direction === 'inbound' && call.ringing.size === 0 && !call.record.answered && e.n >= 2) this.ringPhonesFor(call, landline, e.callerId);
        return;
      case 'caller-id':
        if (call !== undefined && call.ringing.size === 0 && !call.record.answered) this.ringPhonesFor(call, landline, e.info);
        return;
      case 'ring-stopped':
        call?.end({ by: call.caller, disposition: e.reason === 'caller-gave-up' ? 'no_answer' : 'cancelled', cause: `landline: ${e.reason}` });
        return;
      case 'connected':
        if (call === undefined) return;
        if (e.direction === 'outgoing' && call.caller.kind === 'fxs') call.caller.line.command({ type: 'connected' });
        call.connect();
        return;
      case 'disconnected':
        call?.end(byLandline(call, landline, { disposition: 'failed', cause: `landline: ${e.reason}` }));
        return;
      case 'busy':
        call?.end(byLandline(call, landline, { disposition: 'busy', cause: `landline: ${e.reason}`, tone: e.reason === 'line-in-use' ? 'busy' : 'reorder' }));
        return;
      case 'dial-tone-missing':
        call?.end(byLandline(call, landline, { disposition: 'failed', cause: 'landline: no dial tone', tone: 'reorder' }));
        return;
      default:
        return;
    }
  }

  private landlineRings(landline: FxoPort, callerId: CallerIdInfo | undefined, n: number): void {
    const side: Side = { kind: 'fxo', line: landline };
    const call = this.newCall(side, {
      direction: 'inbound', from: callerId?.number ?? 'landline', to: `landline ${landline.port}`, port: null, account: null, via: 'landline',
    });
    call.record.state = 'ringing';
    if (callerId?.number !== undefined || n >= 2) this.ringPhonesFor(call, landline, callerId);
  }

  private ringPhonesFor(call: Call, landline: FxoPort, callerId: CallerIdInfo | undefined): void {
    if (callerId?.number !== undefined) call.record.from = callerId.number;
    const lines = this.deps.store.lines.list();
    const targets = portsForLandline(landline.port, lines)
      .filter((p) => lines.find((l) => l.port === p)?.features?.dnd !== true)
      .map((p) => this.deps.fxs.get(p))
      .filter((l): l is FxsPort => l !== undefined && this.callOf(l) === undefined && !l.status().offHook);
    if (targets.length === 0) {
      this.log.info('landline call rings no phone', { port: landline.port });
      return;
    }
    for (const line of targets) {
      call.ringing.add(line);
      line.command({ type: 'ring', ...(callerId !== undefined ? { callerId } : {}) });
    }
  }

  // --- helpers -----------------------------------------------------------------------

  private newCall(caller: Side, init: ConstructorParameters<typeof CallRecord>[1]): Call {
    const call = new Call(caller, new CallRecord(this.deps.clock, init), this.log, (c, end, media) => this.writeCdr(c, end, media));
    this.calls.add(call);
    call.onEnded((c) => this.calls.delete(c));
    this.log.info('call', { call: call.record.id, direction: init.direction, from: init.from, to: init.to, via: init.via });
    return call;
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

/** 302 to the forwarding target, with the diverting address (RFC 5806 Diversion, as Asterisk and providers read it). */
function redirect(invite: IncomingInvite, contact: string, diverter: string): SipResponse {
  return createResponse(invite.request, 302, 'Moved Temporarily', { toTag: newTag(), headers: [['Contact', `<${contact}>`], ['Diversion', `<${diverter}>;reason=unconditional`]] });
}

function byLandline(call: Call, landline: FxoPort, end: Omit<CallEnd, 'by'>): CallEnd {
  const side = call.sideFor(landline);
  return side !== undefined ? { ...end, by: side } : end;
}
