/**
 * Transfer: the phone hangs up with one call held and a second one ringing or
 * talking (or in a 3-way call), and the two far ends are joined (phone-calls.ts).
 *
 * - Both far ends are SIP calls of the same account and the held one is
 *   established: the held far end is asked to call the other itself (REFER, RFC
 *   3515; RFC 5589's flows). Attended (the second call answered): Refer-To is the
 *   second far end with Replaces (RFC 3891), so it swaps our call for the new one.
 *   Blind (it still rings): Refer-To is the number dialled, and our ringing call is
 *   cancelled once the REFER is accepted. When the transfer succeeds (the final
 *   NOTIFY says 2xx) we hang up both our calls (RFC 5589 §6: the transferor ends
 *   its dialogs).
 * - Otherwise — the REFER is refused or fails, a far end is the landline or another
 *   phone, or the accounts differ — the box joins them itself: both calls' phone
 *   side goes to a mixer clocked on its own, and when one far end hangs up the other
 *   call is ended too. A second call still ringing connects into the join when
 *   answered.
 */
import { VirtualFrameClock } from '../../audio/port/frame-clock.js';
import type { Clock, Timer } from '../clock.js';
import { toError } from '../errors.js';
import type { FxsPort } from '../line/fxs-port.js';
import type { Logger } from '../log.js';
import type { TransferProgress } from '../sip/session/index.js';
import type { Call } from './call.js';
import { CallMixer } from './call-mixer.js';

export interface TransferDeps {
  readonly clock: Clock;
  readonly log: Logger;
}

/** How long a REFER may take to report a final outcome before the box joins the calls itself. */
export const REFER_TIMEOUT_MS = 32_000;

export function transferCalls(deps: TransferDeps, line: FxsPort, held: Call, second: Call, attended: boolean): void {
  held.leave(line);
  second.leave(line);
  const target = referTarget(held, second, attended);
  if (target === undefined) return joinInBox(deps, line, held, second);
  const leg = held.sipLeg();
  if (leg === undefined) return joinInBox(deps, line, held, second);
  deps.log.info('transfer by REFER', { held: held.id, second: second.id, attended, target });
  let settled = false;
  const timer: Timer = deps.clock.setTimer(REFER_TIMEOUT_MS, () => settle(false, 'no final NOTIFY in time'));
  const settle = (ok: boolean, why: string): void => {
    if (settled) return;
    settled = true;
    leg.off('transfer', onProgress);
    deps.clock.cancelTimer(timer);
    if (ok) {
      deps.log.info('transferred', { held: held.id, second: second.id });
      for (const c of [held, second]) c.end({ disposition: 'answered', cause: 'transferred' });
      return;
    }
    deps.log.info('REFER did not transfer the call: joining the calls in the box', { held: held.id, why });
    if (!held.ended && !second.ended) joinInBox(deps, line, held, second);
    else endBoth(held, second, 'transfer failed');
  };
  const onProgress = (p: TransferProgress): void => {
    if (p.status >= 200 && p.status < 300 && !p.final) {
      // 202 Accepted: a blind transfer's target is now called by the transferee; ours must stop ringing it.
      if (!attended && !second.record.answered) second.end({ disposition: 'cancelled', cause: 'transferred before answer' });
      return;
    }
    if (!p.final) return;
    if (p.status >= 200 && p.status < 300) settle(true, '');
    else settle(false, `${p.status}${p.reason !== undefined ? ` ${p.reason}` : ''}`);
  };
  leg.on('transfer', onProgress);
  // A far end that hangs up while the REFER runs ends the attempt; the other call goes too.
  for (const c of [held, second]) {
    c.onEnded(() => {
      if (settled) return;
      if (c === second && !attended) return; // the blind target cancelled by us above
      settled = true;
      leg.off('transfer', onProgress);
      deps.clock.cancelTimer(timer);
      endBoth(held, second, 'the other party hung up during the transfer');
    });
  }
  try {
    leg.transfer(target);
  } catch (err) {
    settle(false, toError(err).message);
  }
}

/** The Refer-To for a REFER to the held far end, or undefined when the box must join them itself. */
function referTarget(held: Call, second: Call, attended: boolean): string | undefined {
  const a = held.sipLeg();
  const b = second.sipLeg();
  if (a === undefined || b === undefined || !a.confirmed || a.account.id !== b.account.id) return undefined;
  if (attended) return b.replacesTarget();
  if (second.record.direction !== 'outbound') return undefined;
  return `sip:${second.record.to}@${b.account.server}`;
}

function joinInBox(deps: TransferDeps, line: FxsPort, held: Call, second: Call): void {
  const frames = new VirtualFrameClock(deps.clock, { onError: (err) => deps.log.warn('joined call audio failed', { err: toError(err).message }) });
  const mixer = new CallMixer({ clock: frames });
  held.routePhone(line, mixer.member());
  second.routePhone(line, mixer.member());
  held.holdSip(false);
  second.holdSip(false);
  frames.start();
  const finish = (): void => {
    frames.stop();
    mixer.close();
    endBoth(held, second, 'the other party hung up');
  };
  held.onEnded(finish);
  second.onEnded(finish);
  deps.log.info('calls joined in the box', { held: held.id, second: second.id });
}

function endBoth(a: Call, b: Call, cause: string): void {
  for (const c of [a, b]) if (!c.ended) c.end({ disposition: c.record.answered ? 'answered' : 'cancelled', cause });
}
