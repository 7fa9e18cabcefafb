/**
 * Ringing an idle phone, with on-hook caller ID scheduled around the rings.
 *
 * The cadence is the region's (`profile.tones.ring`), run by a RingCadencer
 * from the time of the first ring; one 'ring' timer waits for the next change.
 * Caller ID follows the plan's method (audio/caller-id/on-hook.ts):
 * - 'after-first-ring' (Telcordia GR-30-CORE; EN 300 659-1, data "associated
 *   with ringing"): the data goes `waitMs` after the first ring ends (for a
 *   multi-burst cadence such as the UK's 0.4/0.2/0.4/2.0 s, after the first
 *   cycle's last burst, in its long silence). The second ring starts no sooner
 *   than `ringAfterMs` after the data ends: if the data would run into it, the
 *   first silence is stretched and the cadence continues from there.
 * - before ringing ('dt-as', 'rp-as', 'line-reversal'; EN 300 659-1,
 *   BT SIN 227, DTMF caller ID in the Nordic countries): optional polarity
 *   reversal, `reversalLeadMs`, the alerting signal (DT-AS samples, or a ring
 *   pulse of `ringPulseMs`), `waitMs`, the data, `ringAfterMs`, the first ring.
 *   The polarity goes back to normal as the first ring starts.
 * Data lengths come from the plan's sample counts. The whole sequence is a list
 * of timed steps run by one 'cid' timer.
 *
 * Off hook at any point answers the call: the ringer stops at once, in the
 * ring or the silence (ring trip), and a caller-ID signal still on the air is
 * cut off.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import { safePlan, samplesMs } from './fxs-config.js';
import type { Step } from './fxs-effects.js';
import type { CidStep, RingingPhase } from './fxs-types.js';

function periodMs(step: Step): number {
  return step.config.profile.tones.ring.cadence.reduce((a, b) => a + b, 0);
}

function lastOffMs(step: Step): number {
  const c = step.config.profile.tones.ring.cadence;
  return c[c.length - 1] ?? 0;
}

/** Starts ringing at `startMs` (≥ now; later when a message-waiting indication is still on the air). */
export function startRinging(step: Step, startMs: number, callerId: CallerIdInfo | undefined): void {
  const plan = callerId !== undefined && step.config.callerId ? safePlan(() => step.config.planner.onHook(callerId)) : undefined;
  const steps: CidStep[] = [];
  let gap: RingingPhase['gap'];
  let dataMs = 0;
  let alertMs = 0;
  if (plan === undefined) {
    steps.push({ atMs: startMs, kind: 'first-ring' });
  } else {
    dataMs = samplesMs('fsk' in plan ? plan.fsk : plan.dtmf);
    if (plan.method === 'after-first-ring') {
      steps.push({ atMs: startMs, kind: 'first-ring' });
      gap = { waitMs: plan.waitMs, ringAfterMs: plan.ringAfterMs };
    } else {
      let t = startMs;
      if (plan.lineReversal && step.config.polarityReversal) {
        steps.push({ atMs: t, kind: 'reverse' });
        t += plan.reversalLeadMs;
      }
      if (plan.method === 'dt-as' && plan.alerting !== undefined) {
        alertMs = samplesMs(plan.alerting);
        steps.push({ atMs: t, kind: 'alerting' });
        t += alertMs;
      } else if (plan.method === 'rp-as' && plan.ringPulseMs !== undefined) {
        steps.push({ atMs: t, kind: 'pulse-on' }, { atMs: t + plan.ringPulseMs, kind: 'pulse-off' });
        t += plan.ringPulseMs;
      }
      t += plan.waitMs;
      steps.push({ atMs: t, kind: 'data' }, { atMs: t + dataMs + plan.ringAfterMs, kind: 'first-ring' });
    }
  }
  step.go({ name: 'ringing', callerId, steps, shiftMs: 0, dataMs, alertMs, gap, signalUntilMs: -Infinity });
  runSteps(step);
}

function ringingPhase(step: Step): RingingPhase | undefined {
  return step.phase.name === 'ringing' ? step.phase : undefined;
}

/** Runs every step due by now, then arms 'cid' for the next one. */
export function runSteps(step: Step): void {
  for (;;) {
    const r = ringingPhase(step);
    if (r === undefined) return;
    const [next, ...rest] = r.steps;
    if (next === undefined) return;
    if (next.atMs > step.now) {
      step.arm('cid', next.atMs);
      return;
    }
    step.go({ ...r, steps: rest });
    runOne(step, next);
  }
}

function runOne(step: Step, s: CidStep): void {
  const r = ringingPhase(step);
  if (r === undefined) return;
  const info = r.callerId ?? {};
  switch (s.kind) {
    case 'reverse':
      step.polarity(true);
      return;
    case 'alerting':
      step.push({ type: 'caller-id', mode: 'on-hook', part: 'alerting', info });
      step.go({ ...r, signalUntilMs: step.now + r.alertMs });
      return;
    case 'pulse-on':
      step.ring(true);
      return;
    case 'pulse-off':
      step.ring(false);
      return;
    case 'data':
      step.push({ type: 'caller-id', mode: 'on-hook', part: 'data', info });
      step.go({ ...r, signalUntilMs: step.now + r.dataMs });
      return;
    case 'first-ring':
      firstRing(step, r);
      return;
  }
}

function firstRing(step: Step, r: RingingPhase): void {
  const origin = step.now;
  step.polarity(false);
  let steps = r.steps;
  let shiftMs = 0;
  if (r.gap !== undefined) {
    const period = periodMs(step);
    const dataAt = origin + period - lastOffMs(step) + r.gap.waitMs;
    steps = [...steps, { atMs: dataAt, kind: 'data' }];
    shiftMs = Math.max(0, dataAt + r.dataMs + r.gap.ringAfterMs - (origin + period));
  }
  step.go({ ...r, steps, originMs: origin, shiftMs });
  applyCadence(step);
}

/** Sets the ringer from the cadence and arms 'ring' for its next change. */
function applyCadence(step: Step): void {
  const r = ringingPhase(step);
  if (r?.originMs === undefined) return;
  let state = step.config.ringCadencer.stateAt(Math.max(0, step.now - r.originMs));
  const period = periodMs(step);
  if (r.shiftMs > 0 && state.cycle === 0 && !state.ringing && step.now - r.originMs >= period - lastOffMs(step)) {
    // The first cycle's long silence carries the data: stretch it by moving the cadence's origin.
    const originMs = r.originMs + r.shiftMs;
    step.go({ ...r, originMs, shiftMs: 0 });
    state = { ringing: false, cycle: 0, untilChangeMs: originMs + period - step.now };
  }
  step.ring(state.ringing);
  step.arm('ring', step.now + state.untilChangeMs);
}

/** The 'ring' timer: the next cadence change. */
export function onRingTimer(step: Step): void {
  applyCadence(step);
}

/** Stops ringing and everything around it (answer, caller gave up, release). */
export function stopRinging(step: Step): void {
  const r = ringingPhase(step);
  step.ring(false);
  if (r !== undefined && step.now < r.signalUntilMs) step.push({ type: 'caller-id-stop' });
  step.polarity(false);
  step.cancel('ring');
  step.cancel('cid');
}
