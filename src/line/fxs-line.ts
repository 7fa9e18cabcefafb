/**
 * The FXS line state machine: the logic of one phone port, as a pure function
 * `(state, input) -> (state, actions)`. Time comes in each input's `atMs`;
 * timers, the board, the audio and the call layer only ever see actions
 * (fxs-types.ts). Every input is accepted in every state: what does not apply
 * is ignored, nothing throws.
 *
 * States (phase):
 *   idle ──ring──▶ ringing ──off-hook──▶ connected            (answered)
 *   idle ──off-hook──▶ dialing ──map complete / # / short timer──▶ proceeding (dialed)
 *   dialing ──invalid / first-digit or long timer──▶ lockout (reorder → howler → silent)
 *   proceeding ──progress ringback/null──▶ proceeding; ──busy/reorder──▶ lockout
 *   proceeding ──connected──▶ connected (polarity reversal: answer supervision)
 *   connected ──far-end-hangup──▶ lockout (disconnect tone, polarity back)
 *   connected ──call-waiting──▶ connected+cw (tone, type II caller ID); flash → event
 *   any off hook ──collect-digits──▶ dialing (a call held); ──confirm──▶ confirming
 *   any off hook ──release──▶ dialing (fresh); ──on-hook──▶ idle (hung-up / abandoned)
 *   ringing ──stop-ring / release──▶ idle
 *
 * Practice followed: GR-506 (tones; the ROH howler), central-office permanent-signal treatment,
 * GR-30 / EN 300 659 (caller ID), GR-571 (call waiting), Cisco SPA and
 * Grandstream HT8xx ATAs for the timers and the '#' send key.
 */
import { resolveFxsConfig } from './fxs-config.js';
import { endCallWaiting, onCallWaitingTimer, startCallWaiting, typeTwoRunning } from './fxs-call-waiting.js';
import { onConfirmTimer, onDialTimer, onDigit, onWarningTimer, refreshDialTone, startConfirm, startDialing, startLockout } from './fxs-dialing.js';
import { Step } from './fxs-effects.js';
import { onRingTimer, runSteps, startRinging, stopRinging } from './fxs-ringing.js';
import { exhaustive, type FxsCommand, type FxsConfig, type FxsInput, type FxsPhase, type FxsState, type FxsStepResult, type FxsTimerName } from './fxs-types.js';
import type { Digit } from './types.js';

export type * from './fxs-types.js';
export { DEFAULT_FXS_TIMINGS, FXS_TIMER_NAMES } from './fxs-types.js';
export { profileCallerIdPlanner, resolveFxsConfig } from './fxs-config.js';

/**
 * A line at start-up, with the board in its reset state (ringer off, normal
 * polarity, no tone, no media). A phone already off hook hears silence, as a
 * line past its howler does (permanent signal): hanging up, or a flash,
 * brings it dial tone.
 */
export function fxsInitial(config: FxsConfig, atMs: number, offHook: boolean): FxsState {
  const phase: FxsPhase = offHook ? { name: 'lockout', stage: 'silent', sinceMs: atMs, withCall: false } : { name: 'idle', quietUntilMs: atMs };
  return { config: resolveFxsConfig(config), phase, timers: {}, tone: null, ringing: false, media: false, reversed: false, mwi: false, mwiPending: false };
}

export function fxsStep(state: FxsState, input: FxsInput): FxsStepResult {
  if (!Number.isFinite(input.atMs)) return { state, actions: [] };
  const step = new Step(state, input.atMs);
  handle(step, input);
  return step.done();
}

/** The phone is on hook in these phases. */
export function isOnHook(phase: FxsPhase): boolean {
  return phase.name === 'idle' || phase.name === 'ringing';
}

function withCall(phase: FxsPhase): boolean {
  switch (phase.name) {
    case 'dialing':
    case 'proceeding':
    case 'confirming':
    case 'lockout':
      return phase.withCall;
    case 'connected':
      return true;
    case 'idle':
    case 'ringing':
      return false;
  }
}

function handle(step: Step, input: FxsInput): void {
  switch (input.type) {
    case 'off-hook':
      return offHook(step);
    case 'on-hook':
      return onHook(step);
    case 'flash':
      return flash(step);
    case 'pulse-digit':
    case 'dtmf':
      return digit(step, input.digit, input.type === 'dtmf');
    case 'timer':
      return timer(step, input.name);
    default:
      return command(step, input);
  }
}

function offHook(step: Step): void {
  const p = step.phase;
  if (p.name === 'idle') {
    // A message-waiting indication still on the air is cut off (the phone is no longer listening on hook).
    if (step.now < p.quietUntilMs) step.push({ type: 'caller-id-stop' });
    step.emit({ type: 'seized' });
    startDialing(step, false);
  } else if (p.name === 'ringing') {
    stopRinging(step);
    step.go({ name: 'connected' });
    step.emit({ type: 'answered' });
    step.media(true);
  }
}

function onHook(step: Step): void {
  const p = step.phase;
  if (isOnHook(p)) return;
  endCallWaiting(step, false);
  step.emit(p.name === 'dialing' && p.digits === '' && !p.withCall ? { type: 'abandoned' } : { type: 'hung-up' });
  toIdle(step);
}

function toIdle(step: Step): void {
  step.cancelAll();
  step.quiet();
  step.polarity(false);
  step.go({ name: 'idle', quietUntilMs: step.now });
  if (step.draft.mwiPending) sendMwi(step);
}

function sendMwi(step: Step): void {
  step.draft.mwiPending = false;
  step.push({ type: 'mwi-indication', waiting: step.draft.mwi });
  step.go({ name: 'idle', quietUntilMs: step.now + step.config.timings.mwiIndicationMs });
}

function flash(step: Step): void {
  const p = step.phase;
  if (isOnHook(p)) return; // only an off-hook phone can flash; the decoder's next event resynchronises
  if (!withCall(p) && p.name !== 'proceeding') {
    // No call to recall: like a short hang-up, a flash brings fresh dial tone.
    startDialing(step, false);
    return;
  }
  endCallWaiting(step, true);
  step.emit({ type: 'flash' });
}

function digit(step: Step, d: Digit, dtmf: boolean): void {
  const p = step.phase;
  switch (p.name) {
    case 'dialing':
      return onDigit(step, d);
    case 'connected':
      if (dtmf && typeTwoRunning(step)) return; // the CPE's type II ACK, not the subscriber's
      return step.emit({ type: 'digit', digit: d });
    case 'proceeding':
      if (step.draft.media) step.emit({ type: 'digit', digit: d }); // early media: an IVR may want it
      return;
    case 'idle':
    case 'ringing':
    case 'confirming':
    case 'lockout':
      return;
  }
}

function timer(step: Step, name: FxsTimerName): void {
  if (!step.takeTimer(name)) return;
  switch (name) {
    case 'dial':
      return onDialTimer(step);
    case 'ring':
      return onRingTimer(step);
    case 'cid':
      return runSteps(step);
    case 'cw':
      return onCallWaitingTimer(step);
    case 'warning':
      return onWarningTimer(step);
    case 'confirm':
      return onConfirmTimer(step);
  }
}

function command(step: Step, c: FxsCommand): void {
  const p = step.phase;
  const onHookNow = isOnHook(p);
  switch (c.type) {
    case 'ring':
      if (p.name === 'idle') startRinging(step, Math.max(step.now, p.quietUntilMs), c.callerId);
      else if (p.name === 'connected' && c.callWaiting === true) startCallWaiting(step, c.callerId);
      return;
    case 'call-waiting':
      return startCallWaiting(step, c.callerId);
    case 'stop-ring':
    case 'call-waiting-end':
      if (p.name === 'ringing') {
        stopRinging(step);
        toIdle(step);
      } else {
        endCallWaiting(step, true);
      }
      return;
    case 'progress':
      if (p.name !== 'dialing' && p.name !== 'proceeding') return;
      step.cancel('dial');
      if (c.tone === 'busy' || c.tone === 'reorder') return startLockout(step, c.tone, p.withCall);
      step.go({ name: 'proceeding', withCall: p.withCall });
      if (c.tone === null) step.media(true);
      else step.tone(c.tone);
      return;
    case 'connected':
      if (onHookNow || p.name === 'connected') return;
      step.cancelAll();
      step.go({ name: 'connected' });
      step.media(true);
      // Answer supervision: reverse the battery when the called party answers (SPA "Caller Conn Polarity").
      if (p.name === 'proceeding') step.polarity(true);
      return;
    case 'far-end-hangup':
      if (p.name !== 'connected' && p.name !== 'proceeding') return;
      endCallWaiting(step, false);
      step.media(false);
      // Disconnect supervision: normal polarity again.
      step.polarity(false);
      return startLockout(step, step.config.disconnectTone, true);
    case 'collect-digits':
      if (onHookNow) return;
      endCallWaiting(step, false);
      return startDialing(step, true);
    case 'mwi':
      step.draft.mwi = c.waiting;
      if (p.name === 'idle') sendMwi(step);
      else step.draft.mwiPending = true;
      return refreshDialTone(step);
    case 'confirm':
      if (onHookNow) return;
      endCallWaiting(step, false);
      return startConfirm(step, c.then, withCall(p));
    case 'reject':
    case 'invalid-number':
      if (onHookNow) return;
      endCallWaiting(step, false);
      step.polarity(false);
      return startLockout(step, 'reorder', withCall(p));
    case 'release':
      if (p.name === 'idle') return;
      if (p.name === 'ringing') {
        stopRinging(step);
        return toIdle(step);
      }
      endCallWaiting(step, false);
      step.cancelAll();
      step.polarity(false);
      return startDialing(step, false);
    default:
      exhaustive(c);
  }
}
