/**
 * A call out over SIP, for the call router: the caller (a phone, or the landline sent
 * to a SIP number) hears ringback on 180/182, the far end's audio on early media (183
 * with SDP), and is connected on the answer. The SIP leg's end ends the call, with the
 * disposition a CDR needs (busy, no answer, cancelled, failed) and the tone the phone
 * hears (busy or reorder).
 */
import type { Account } from '../config/provisioning-schema.js';
import { toError } from '../errors.js';
import type { Call, Side } from './call.js';
import { SipLeg, type OutgoingCall, type SipLegDeps } from './sip-leg.js';

export interface SipCallOut {
  readonly account: Account;
  readonly number: string;
  /** Withhold the caller's number (Privacy: id). */
  readonly anonymous: boolean;
  /** The identity in From when it is not the account's (a landline caller). */
  readonly from?: OutgoingCall['from'];
}

export async function placeSipCall(legDeps: SipLegDeps | undefined, call: Call, out: SipCallOut): Promise<void> {
  if (legDeps === undefined) {
    call.end({ disposition: 'failed', cause: 'the SIP stack is not running' });
    return;
  }
  let leg: SipLeg;
  try {
    leg = await SipLeg.outgoing(legDeps, { account: out.account, number: out.number, anonymous: out.anonymous, ...(out.from !== undefined ? { from: out.from } : {}) });
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
