/**
 * What a phone dials, for the call router: feature codes first (star-codes.ts, with the
 * box's `starCodes` settings), then speed dials, then the dial plan (dial-plan.ts) says
 * where the number goes — a SIP account, another phone by extension (intercom), or the
 * landline.
 *
 * - Speed dial: a key of the line's `speedDial` (1-2 digits) dialled and sent with `#`
 *   calls its number.
 * - Hotline: off hook calls `hotline` at once; with `warmlineSeconds` the phone first
 *   gets dial tone for that long, and only a phone that dialled nothing calls it.
 * - Redial calls the last number this phone called.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { Timer } from '../clock.js';
import type { Line } from '../config/provisioning-schema.js';
import { toError } from '../errors.js';
import type { FxsPort } from '../line/fxs-port.js';
import { DigitMap } from '../line/digit-map.js';
import type { DigitMatcher } from '../line/types.js';
import type { Call, Side } from './call.js';
import type { CallRouterDeps } from './call-router.js';
import type { CallRecordInit } from './call-record.js';
import { routeOutbound } from './dial-plan.js';
import { cleanName } from './sip-caller-id.js';
import type { SipLegDeps } from './sip-leg.js';
import { placeSipCall } from './sip-outgoing.js';
import { starCode, starCodesFrom, type ForwardFeature, type StarCodeResult } from './star-codes.js';

/** The router's parts this needs (its own logger as `log`), and its calls. */
export interface PhoneDialingHost extends Pick<CallRouterDeps, 'clock' | 'log' | 'store' | 'profile' | 'fxs' | 'fxo'> {
  calls(): Iterable<Call>;
  newCall(caller: Side, init: CallRecordInit, callerId?: CallerIdInfo): Call;
  /** On hook with no call: a plain ring reaches it. */
  isFree(line: FxsPort): boolean;
  /** In a call that can have a second one waiting. */
  canWait(line: FxsPort): boolean;
  offer(line: FxsPort, call: Call): void;
  hasCall(line: FxsPort): boolean;
  legDeps(): SipLegDeps | undefined;
  guard(what: string, fn: () => void): void;
}

export class PhoneDialing {
  private readonly matchers = new Map<string, DigitMatcher>();
  /** The last number each phone called (redial). */
  private readonly lastDialled = new Map<number, string>();
  /** A feature code dialled alone waits for the next number on that phone (star-codes.ts). */
  private readonly awaiting = new Map<number, ForwardFeature | 'anonymous-call'>();
  private readonly warmlines = new Map<number, Timer>();

  constructor(private readonly host: PhoneDialingHost) {}

  /** Off hook from idle: a hotline calls now, a warmline once its delay passes without a digit. */
  seized(line: FxsPort): void {
    const features = this.host.store.lines.get(line.port)?.features;
    const hotline = features?.hotline;
    if (hotline === undefined || this.host.hasCall(line)) return;
    const delay = features?.warmlineSeconds ?? 0;
    if (delay === 0) return this.dial(line, hotline);
    this.cancelWarmline(line);
    this.warmlines.set(line.port, this.host.clock.setTimer(delay * 1000, () => this.host.guard('warmline', () => {
      this.warmlines.delete(line.port);
      const status = line.status();
      if (status.phase === 'dialing' && (status.digits ?? '') === '' && !this.host.hasCall(line)) this.dial(line, hotline);
    })));
  }

  /** A digit, or on hook: a pending warmline is off. */
  digit(line: FxsPort): void {
    this.cancelWarmline(line);
  }

  onHook(line: FxsPort): void {
    this.cancelWarmline(line);
    this.awaiting.delete(line.port);
  }

  stop(): void {
    for (const t of this.warmlines.values()) this.host.clock.cancelTimer(t);
    this.warmlines.clear();
  }

  dial(line: FxsPort, dialled: string): void {
    this.cancelWarmline(line);
    const { store, log } = this.host;
    const config = store.lines.get(line.port);
    const waiting = this.awaiting.get(line.port);
    this.awaiting.delete(line.port);
    const code: StarCodeResult = waiting !== undefined && waiting !== 'anonymous-call' ? { kind: 'set-feature', feature: waiting, on: true, target: dialled }
      : waiting === 'anonymous-call' ? { kind: 'number', number: dialled, anonymous: true }
      : starCode(dialled, { profile: this.host.profile, lastDialled: this.lastDialled.get(line.port), codes: starCodesFrom(store.settings.starCodes()) });
    const applied = this.applyStarCode(line, config, code);
    if (applied.done) return;
    const number = config?.features?.speedDial?.[applied.number] ?? applied.number;
    if (number !== applied.number) log.info('speed dial', { port: line.port, key: applied.number, number });
    this.lastDialled.set(line.port, number);
    const dest = routeOutbound(number, {
      fromPort: line.port,
      lines: store.lines.list(),
      routes: store.dialPlan.list(),
      matcher: (p) => this.matcher(p),
    });
    const caller: Side = { kind: 'fxs', line };
    const from = config?.extension ?? `port ${line.port}`;
    switch (dest.kind) {
      case 'none':
        log.info('number not routed', { port: line.port, number, reason: dest.reason });
        line.command({ type: 'invalid-number' });
        return;
      case 'line':
        return this.intercom(line, config, dest.port, number, from);
      case 'fxo': {
        const landline = this.host.fxo.get(dest.port);
        const call = this.host.newCall(caller, { direction: 'outbound', from, to: dest.number, port: line.port, account: null, via: 'landline' });
        if (landline === undefined) {
          call.end({ disposition: 'failed', cause: `no landline on port ${dest.port}` });
          return;
        }
        // One call at a time on a landline: in use (another call, or ringing) is busy, before anything is seized.
        if ([...this.host.calls()].some((c) => c !== call && c.sideFor(landline) !== undefined) || landline.status().phase !== 'idle') {
          call.end({ disposition: 'busy', cause: `landline ${dest.port} is in use`, tone: 'busy' });
          return;
        }
        call.setCallee({ kind: 'fxo', line: landline });
        landline.dial(dest.number);
        return;
      }
      case 'sip': {
        const account = store.accounts.get(dest.account);
        const call = this.host.newCall(caller, { direction: 'outbound', from: account?.username ?? from, to: dest.number, port: line.port, account: dest.account, via: 'sip' });
        if (account === undefined || account.enabled === false) {
          call.end({ disposition: 'failed', cause: `account ${dest.account} is not configured` });
          return;
        }
        void placeSipCall(this.host.legDeps(), call, { account, number: dest.number, anonymous: applied.anonymous });
        return;
      }
    }
  }

  private intercom(line: FxsPort, config: Line | undefined, port: number, number: string, from: string): void {
    const target = this.host.fxs.get(port);
    const name = cleanName(config?.name);
    const callerId = { number: from, ...(name !== undefined ? { name } : {}) };
    const call = this.host.newCall({ kind: 'fxs', line }, { direction: 'internal', from, to: number, port: line.port, account: null, via: 'intercom' }, callerId);
    const free = target !== undefined && this.host.isFree(target);
    if (target === undefined || target === line || this.host.store.lines.get(port)?.features?.dnd === true || (!free && !this.host.canWait(target))) {
      call.end({ disposition: 'busy', cause: `port ${port} is busy`, tone: 'busy' });
      return;
    }
    call.record.state = 'ringing';
    if (free) {
      call.ringing.add(target);
      target.command({ type: 'ring', callerId });
    } else {
      this.host.offer(target, call);
    }
    line.command({ type: 'progress', tone: 'ringback' });
  }

  private applyStarCode(line: FxsPort, config: Line | undefined, code: StarCodeResult): { done: true } | { done: false; number: string; anonymous: boolean } {
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
        const current = config ?? { port: line.port, kind: 'fxs' as const };
        const features = { ...current.features };
        if (code.feature === 'dnd') features.dnd = code.on;
        if (code.feature !== 'dnd') {
          if (code.target === undefined) delete features[code.feature];
          else features[code.feature] = code.target;
        }
        try {
          this.host.store.lines.upsert({ ...current, features });
          this.host.log.info('feature set from the phone', { port: line.port, feature: code.feature, on: code.on });
          line.command({ type: 'confirm', then: 'silence' });
        } catch (err) {
          this.host.log.warn('feature not set', { port: line.port, err: toError(err).message });
          line.command({ type: 'invalid-number' });
        }
        return { done: true };
      }
    }
  }

  private cancelWarmline(line: FxsPort): void {
    const t = this.warmlines.get(line.port);
    if (t === undefined) return;
    this.host.clock.cancelTimer(t);
    this.warmlines.delete(line.port);
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
}
