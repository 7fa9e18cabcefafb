/**
 * Call waiting on a connected line: the subscriber alerting signal (the
 * region's call-waiting tone) and call-waiting caller ID (type II).
 *
 * Sequence (Telcordia GR-571-CORE call waiting, GR-30-CORE / SR-TSV-002476
 * type II; EN 300 659-2 for ETSI regions):
 *   1. mute the far end (media off) and play one burst of the call-waiting
 *      tone (SAS; NANP 440 Hz 300 ms);
 *   2. after the first burst, if caller ID is on and the region has FSK, the
 *      runtime runs the type II exchange (CAS, the CPE's ACK, FSK: the
 *      `offHook` plan); speech stays muted for the plan's longest run:
 *      alert + ACK window + ACK + FSK delay + FSK;
 *   3. media back on; further bursts at the tone's own period (NANP 10 s), up
 *      to `callWaitingBursts` in all (GR-571: a second one 10 s later).
 * A flash hands the waiting call to the call layer (it swaps); the waiting
 * caller giving up ends it. While type II runs, DTMF from the phone is its ACK,
 * never a digit for the far end.
 */
import { safePlan, samplesMs, toneBurst } from './fxs-config.js';
import type { Step } from './fxs-effects.js';
import type { CallWaiting } from './fxs-types.js';
import type { CallerIdInfo } from '../../audio/caller-id/message.js';

/** GR-30: the CPE's ACK lasts 55–65 ms; count the longest. */
const ACK_MS = 65;
/** A little slack for the runtime's frame clock (20 ms frames) at each end. */
const MARGIN_MS = 40;
/** Burst length for a region whose call-waiting tone is continuous. */
const CONTINUOUS_BURST_MS = 300;

function burst(step: Step): { burstMs: number; periodMs: number } {
  return toneBurst(step.config.profile.tones.callWaiting, CONTINUOUS_BURST_MS);
}

function cw(step: Step): CallWaiting | undefined {
  return step.phase.name === 'connected' ? step.phase.cw : undefined;
}

function setCw(step: Step, next: CallWaiting | undefined): void {
  if (step.phase.name === 'connected') step.go(next === undefined ? { name: 'connected' } : { name: 'connected', cw: next });
}

/** A call is waiting: start the first burst (ignored when one is already waiting or the feature is off). */
export function startCallWaiting(step: Step, callerId: CallerIdInfo | undefined): void {
  if (step.phase.name !== 'connected' || step.phase.cw !== undefined || !step.config.callWaiting) return;
  setCw(step, { callerId, stage: 'tone', bursts: 1, firstBurstMs: step.now });
  step.tone('callWaiting');
  step.arm('cw', step.now + burst(step).burstMs);
}

/** The 'cw' timer: end of a burst, end of type II, or time for the next burst. */
export function onCallWaitingTimer(step: Step): void {
  const c = cw(step);
  if (c === undefined) return;
  switch (c.stage) {
    case 'tone': {
      step.tone(null);
      const info = c.callerId;
      const plan = c.bursts === 1 && info !== undefined && step.config.callerId ? safePlan(() => step.config.planner.offHook(info)) : undefined;
      if (plan !== undefined && info !== undefined) {
        step.push({ type: 'caller-id', mode: 'off-hook', info });
        const runMs = samplesMs(plan.alert) + plan.ackTimeoutMs + ACK_MS + plan.fskDelayMs + samplesMs(plan.fsk) + MARGIN_MS;
        setCw(step, { ...c, stage: 'caller-id' });
        step.arm('cw', step.now + runMs);
        return;
      }
      afterBurst(step, c);
      return;
    }
    case 'caller-id':
      afterBurst(step, c);
      return;
    case 'between':
      setCw(step, { ...c, stage: 'tone', bursts: c.bursts + 1 });
      step.tone('callWaiting');
      step.arm('cw', step.now + burst(step).burstMs);
      return;
    case 'done':
      return;
  }
}

function afterBurst(step: Step, c: CallWaiting): void {
  step.media(true);
  const { periodMs } = burst(step);
  if (periodMs > 0 && c.bursts < step.config.callWaitingBursts) {
    setCw(step, { ...c, stage: 'between' });
    step.arm('cw', c.firstBurstMs + c.bursts * periodMs);
  } else {
    setCw(step, { ...c, stage: 'done' });
  }
}

/** True while type II runs: DTMF from the phone is its ACK. */
export function typeTwoRunning(step: Step): boolean {
  return cw(step)?.stage === 'caller-id';
}

/** Ends call waiting (flash, the caller gave up, hang-up): silence the tone, stop type II, speech back. */
export function endCallWaiting(step: Step, mediaBack: boolean): void {
  const c = cw(step);
  if (c === undefined) return;
  if (c.stage === 'tone') step.tone(null);
  if (c.stage === 'caller-id') step.push({ type: 'caller-id-stop' });
  step.cancel('cw');
  setCw(step, undefined);
  if (mediaBack) step.media(true);
}
