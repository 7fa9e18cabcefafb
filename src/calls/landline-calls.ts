/**
 * Calls on the landline (FXO ports), for the call router.
 *
 * A landline call comes in: the call exists from the first ring; once its caller ID
 * has arrived (or on the second ring without one) it goes where the line is set to
 * send it — the phones in `ringsOnFxs` (all of them by default; a busy one gets it as
 * a waiting call), or, with `sipTarget`, a SIP call to that number over the line's
 * account, with the landline caller's number and name in From. The landline is
 * answered (seized) when a phone or the SIP callee answers.
 *
 * The landline's own events then end or connect the call: the far end hanging up
 * (loop current drop, busy tone), a busy or missing dial tone on a call out.
 *
 * Call screening (call-screening.ts) decides first, on the caller ID: a refused call
 * rings no phone; the box answers it and hangs up after a second, as a call blocker
 * does, so the caller is cut off and any other phone on the landline stops ringing.
 * An unknown caller with `unknownCallers: announce` is answered, hears the
 * announcement and the box hangs up; with `message` the caller can leave a message
 * after the beep (landline-screening.ts). Each is in the call history as `screened`.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { Clock } from '../clock.js';
import type { ConfigStore } from '../config/index.js';
import type { Account } from '../config/provisioning-schema.js';
import type { FxoEvent } from '../line/fxo-types.js';
import type { FxoPort } from '../line/fxo-port.js';
import type { FxsPort } from '../line/fxs-port.js';
import type { Logger } from '../log.js';
import type { Call, CallEnd, Side } from './call.js';
import { screenCaller, screeningCause } from './call-screening.js';
import type { CallRecordInit } from './call-record.js';
import { portsForLandline } from './dial-plan.js';
import { LandlineScreening } from './landline-screening.js';
import { sipFromForCaller } from './sip-caller-id.js';
import type { OutgoingCall } from './sip-leg.js';

export interface LandlineCallsHost {
  readonly log: Logger;
  readonly store: ConfigStore;
  readonly clock: Clock;
  calls(): Iterable<Call>;
  newCall(caller: Side, init: CallRecordInit, callerId?: CallerIdInfo): Call;
  phonesFor(ports: readonly number[]): { free: FxsPort[]; waitable: FxsPort[] };
  ringOrOffer(call: Call, free: readonly FxsPort[], waitable: readonly FxsPort[]): void;
  placeSipCall(call: Call, account: Account, number: string, from: OutgoingCall['from']): Promise<void>;
}

export class LandlineCalls {
  /** Calls screening keeps off the phones. */
  private readonly screened: LandlineScreening;

  constructor(private readonly host: LandlineCallsHost) {
    this.screened = new LandlineScreening(host);
  }

  onEvent(landline: FxoPort, e: FxoEvent): void {
    const call = [...this.host.calls()].find((c) => c.sideFor(landline) !== undefined);
    if (call !== undefined && this.screened.has(call)) return this.screened.onEvent(call, landline, e);
    const waitingForTarget = call !== undefined && call.record.direction === 'inbound' && call.ringing.size === 0 && call.callee === undefined && !call.record.answered;
    switch (e.type) {
      case 'ring':
        if (call === undefined) this.rings(landline, e.callerId, e.n);
        else if (waitingForTarget && e.n >= 2) this.route(call, landline, e.callerId);
        return;
      case 'caller-id':
        if (waitingForTarget) this.route(call, landline, e.info);
        return;
      case 'ring-stopped':
        call?.end({ by: call.caller, disposition: e.reason === 'caller-gave-up' ? 'no_answer' : 'cancelled', cause: `landline: ${e.reason}` });
        return;
      case 'connected':
        if (call === undefined) return;
        if (e.direction === 'outgoing') call.toCaller({ type: 'connected' });
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

  private rings(landline: FxoPort, callerId: CallerIdInfo | undefined, n: number): void {
    const side: Side = { kind: 'fxo', line: landline };
    const call = this.host.newCall(side, {
      direction: 'inbound', from: callerId?.number ?? 'landline', to: `landline ${landline.port}`, port: null, account: null, via: 'landline',
    });
    call.record.state = 'ringing';
    if (callerId?.number !== undefined || n >= 2) this.route(call, landline, callerId);
  }

  /** The caller ID is in (or will not come): ring the phones, or call the SIP target. */
  private route(call: Call, landline: FxoPort, callerId: CallerIdInfo | undefined): void {
    if (callerId?.number !== undefined) call.record.from = callerId.number;
    if (callerId !== undefined) call.callerId = callerId;
    const verdict = screenCaller(callerId, this.host.store.settings.callScreening(), { messages: true });
    if (verdict.action !== 'ring') {
      const cause = screeningCause(verdict);
      this.host.log.info('landline call screened', { port: landline.port, from: callerId?.number ?? 'anonymous', cause });
      this.screened.start(call, landline, verdict, cause, callerId);
      return;
    }
    const config = this.host.store.lines.get(landline.port);
    if (config?.sipTarget !== undefined) return this.callSip(call, landline, config.sipTarget, config.account, callerId);
    const { free, waitable } = this.host.phonesFor(portsForLandline(landline.port, this.host.store.lines.list()));
    if (free.length === 0 && waitable.length === 0) {
      this.host.log.info('landline call rings no phone', { port: landline.port });
      return;
    }
    this.host.ringOrOffer(call, free, waitable);
  }

  private callSip(call: Call, landline: FxoPort, target: string, accountId: string | undefined, callerId: CallerIdInfo | undefined): void {
    const account = accountId !== undefined ? this.host.store.accounts.get(accountId) : undefined;
    if (account === undefined || account.enabled === false) {
      this.host.log.warn('landline call not sent to SIP: the landline has no usable account', { port: landline.port, account: accountId });
      return;
    }
    call.record.to = target;
    call.record.account = account.id;
    this.host.log.info('landline call sent to SIP', { port: landline.port, to: target, from: callerId?.number });
    void this.host.placeSipCall(call, account, target, sipFromForCaller(callerId, account.server));
  }
}

function byLandline(call: Call, landline: FxoPort, end: Omit<CallEnd, 'by'>): CallEnd {
  const side = call.sideFor(landline);
  return side !== undefined ? { ...end, by: side } : end;
}
