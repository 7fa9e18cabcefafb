/**
 * SIP calls in, for the call router: an INVITE for an account that passed the inbound
 * policy rings the account's phones, or is forwarded or refused without ringing.
 *
 * - Forward always: 302 at once, to the first `forwardAll` target among the phones.
 * - No phone can take the call (busy, or on do-not-disturb): 302 to a `forwardBusy`
 *   target, else 486 Busy Here (480 when no phone uses the account).
 * - Otherwise the free phones ring (a phone in a call gets it as a waiting call), and
 *   with `forwardNoAnswer` the caller gets a 302 after `noAnswerSeconds` of ringing.
 * Every 302 carries a Contact for the target and a Diversion (RFC 5806) naming why.
 *
 * Before all that, call screening (call-screening.ts): a blocked or unknown caller gets
 * 603 Decline, an anonymous one 433 Anonymity Disallowed (RFC 5079); with
 * `unknownCallers: announce` the box answers, plays the announcement and hangs up.
 * A screened call rings no phone and is in the call history as `screened`.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { Clock } from '../clock.js';
import type { ConfigStore } from '../config/index.js';
import type { Account, Line } from '../config/provisioning-schema.js';
import { toError } from '../errors.js';
import type { FxsPort } from '../line/fxs-port.js';
import type { Logger } from '../log.js';
import type { IncomingInvite } from '../sip/ua/user-agent.js';
import type { Call, Side } from './call.js';
import type { CallRecordInit } from './call-record.js';
import { announceThenHangUp, loadPrompt } from './announcement.js';
import { CallRecord } from './call-record.js';
import { screenCaller, screeningCause, type ScreeningVerdict } from './call-screening.js';
import { portsForAccount } from './dial-plan.js';
import { callerIdFromInvite } from './sip-caller-id.js';
import { respond, SipLeg, type SipLegDeps } from './sip-leg.js';
import type { ForwardFeature } from './star-codes.js';

export type DiversionReason = 'unconditional' | 'user-busy' | 'no-answer';

export interface IncomingSipHost {
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: ConfigStore;
  /** What a SIP leg needs, or undefined while the SIP stack is not running. */
  legDeps(): SipLegDeps | undefined;
  newCall(caller: Side, init: CallRecordInit, callerId?: CallerIdInfo): Call;
  phonesFor(ports: readonly number[]): { free: FxsPort[]; waitable: FxsPort[] };
  ringOrOffer(call: Call, free: readonly FxsPort[], waitable: readonly FxsPort[]): void;
  guard(what: string, fn: () => void): void;
}

export class IncomingSipCalls {
  constructor(private readonly host: IncomingSipHost) {}

  async take(invite: IncomingInvite): Promise<void> {
    const { store, log } = this.host;
    const legDeps = this.host.legDeps();
    const account = store.accounts.get(invite.accountId);
    if (legDeps === undefined || account === undefined) return respond(invite, 480);
    const callerId = callerIdFromInvite(invite.request, this.host.clock.wallTime());
    const verdict = screenCaller(callerId, store.settings.callScreening());
    if (verdict.action !== 'ring') return this.screen(invite, legDeps, account, callerId, verdict);
    const lines = store.lines.list();
    const ports = portsForAccount(account.id, lines);
    const forwardTo = (f: ForwardFeature): string | undefined => firstFeature(lines, ports, f);
    const always = forwardTo('forwardAll');
    if (always !== undefined) return this.forward(invite, account, always, 'unconditional');
    const { free, waitable } = this.host.phonesFor(ports);
    if (free.length === 0 && waitable.length === 0) {
      const busyTarget = forwardTo('forwardBusy');
      if (busyTarget !== undefined && ports.length > 0) return this.forward(invite, account, busyTarget, 'user-busy');
      const why = ports.length === 0 ? 'no phone uses this account' : 'every phone is busy or on do-not-disturb';
      log.info('incoming call refused', { account: account.id, why });
      return respond(invite, ports.length === 0 ? 480 : 486, ports.length === 0 ? 'Temporarily Unavailable' : 'Busy Here');
    }
    const leg = await SipLeg.incoming(legDeps, invite, account);
    if (leg === undefined) return;
    const side: Side = { kind: 'sip', leg, inbound: true };
    const call = this.host.newCall(side, {
      direction: 'inbound', from: callerId.number ?? 'anonymous', to: account.username, port: null, account: account.id, via: 'sip',
    }, callerId);
    leg.on('ended', (e) => call.end({ by: side, disposition: e.cause === 'cancelled' ? 'cancelled' : 'failed', cause: `far end: ${e.cause}` }));
    call.record.state = 'ringing';
    leg.ring();
    this.host.ringOrOffer(call, free, waitable);
    const noAnswer = forwardTo('forwardNoAnswer');
    if (noAnswer !== undefined) this.forwardOnNoAnswer(call, leg, side, account, noAnswer, firstFeature(lines, ports, 'noAnswerSeconds') ?? 20);
  }

  /** A caller screening keeps off the phones: refused, or answered by the announcement. */
  private async screen(invite: IncomingInvite, legDeps: SipLegDeps, account: Account, callerId: CallerIdInfo, verdict: Exclude<ScreeningVerdict, { action: 'ring' }>): Promise<void> {
    const { clock, log, store } = this.host;
    const record = new CallRecord(clock, {
      direction: 'inbound', from: callerId.number ?? 'anonymous', to: account.username, port: null, account: account.id, via: 'sip',
    });
    let cause = screeningCause(verdict);
    if (verdict.action === 'reject') {
      if (verdict.why === 'anonymous') respond(invite, 433, 'Anonymity Disallowed');
      else respond(invite, 603, 'Decline');
    } else {
      const leg = await SipLeg.incoming(legDeps, invite, account);
      if (leg === undefined) return;
      try {
        const prompt = loadPrompt('unknown-caller');
        leg.answer();
        await announceThenHangUp({ clock, log }, leg, prompt);
      } catch (err) {
        cause = `screened: unknown caller, no announcement (${toError(err).message})`;
        if (leg.confirmed) leg.hangup();
        else leg.reject(603, 'Decline');
      }
    }
    log.info('incoming call screened', { account: account.id, from: callerId.number ?? 'anonymous', cause });
    store.cdrs.add(record.cdr('screened', cause, undefined));
  }

  private forwardOnNoAnswer(call: Call, leg: SipLeg, side: Side, account: Account, target: string, seconds: number): void {
    const { clock, log } = this.host;
    const timer = clock.setTimer(seconds * 1000, () => this.host.guard('forward on no answer', () => {
      if (call.ended || call.record.answered || leg.ended) return;
      log.info('call forwarded on no answer', { account: account.id, to: target, call: call.id });
      call.end({ by: side, disposition: 'no_answer', cause: `forwarded to ${target} on no answer` });
      leg.reject(302, 'Moved Temporarily', forwardHeaders(account, target, 'no-answer'));
    }));
    call.onEnded(() => clock.cancelTimer(timer));
  }

  private forward(invite: IncomingInvite, account: Account, target: string, reason: DiversionReason): void {
    this.host.log.info('call forwarded', { account: account.id, to: target, reason });
    respond(invite, 302, 'Moved Temporarily', forwardHeaders(account, target, reason));
  }
}

/** The first value of a feature among the phones of `ports`, in port order. */
function firstFeature<K extends ForwardFeature | 'noAnswerSeconds'>(lines: readonly Line[], ports: readonly number[], key: K): NonNullable<Line['features']>[K] | undefined {
  return ports.map((p) => lines.find((l) => l.port === p)?.features?.[key]).find((v) => v !== undefined);
}

/** Contact and Diversion of a 302 to a forwarding target (RFC 5806 Diversion, as Asterisk and providers read it). */
export function forwardHeaders(account: Account, target: string, reason: DiversionReason): [string, string][] {
  return [['Contact', `<sip:${target}@${account.server}>`], ['Diversion', `<sip:${account.username}@${account.server}>;reason=${reason}`]];
}
