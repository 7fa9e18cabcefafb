/**
 * Off hook without a call to talk on: dial tone and digit collection, the
 * permanent-signal sequence, and the feature-confirmation tone.
 *
 * Digit collection (SPA/HT8xx practice; the permanent signal as central
 * offices give it, ending in the GR-506 receiver-off-hook tone):
 * - dial tone (stutter dial tone while a message waits, SPA "MWI Dial
 *   Tone") until the first digit, DTMF or pulse; no digit within
 *   `firstDigitMs`: permanent signal;
 * - each digit is matched against the digit map: 'complete' dials now;
 *   'complete-on-timeout' waits the short interdigit timer, then dials;
 *   'more' waits the long one, whose expiry makes the partial number invalid;
 *   'invalid' plays reorder;
 * - '#' is the send key (HT8xx "use # as dial key") unless the map itself has
 *   a use for it there: then it is an ordinary digit.
 * Permanent signal: reorder (or busy) for `reorderMs`, silence until
 * `offHookWarningDelayMs` after it began, the howler (ROH tone) for
 * `howlerMs`, then silence until the phone is hung up.
 */
import { toneBurst } from './fxs-config.js';
import type { Step } from './fxs-effects.js';
import type { FxsPhase } from './fxs-types.js';
import type { Digit } from './types.js';

type Dialing = Extract<FxsPhase, { name: 'dialing' }>;
type Lockout = Extract<FxsPhase, { name: 'lockout' }>;

/** Dial tone and a fresh number. `withCall`: a call is held, so a flash goes to the call layer. */
export function startDialing(step: Step, withCall: boolean): void {
  step.media(false);
  step.cancel('dial');
  step.cancel('warning');
  step.cancel('confirm');
  step.go({ name: 'dialing', digits: '', pending: 'none', withCall });
  step.tone(step.draft.mwi && !withCall ? 'stutter' : 'dial');
  step.arm('dial', step.now + step.config.timings.firstDigitMs);
}

/** Message waiting changed while dial tone plays: switch between dial and stutter tone. */
export function refreshDialTone(step: Step): void {
  const p = step.phase;
  if (p.name !== 'dialing' || p.digits !== '' || p.withCall) return;
  step.tone(step.draft.mwi ? 'stutter' : 'dial');
}

export function onDigit(step: Step, digit: Digit): void {
  const p = step.phase;
  if (p.name !== 'dialing') return;
  step.tone(null);
  const map = step.config.digitMap;
  const digits = p.digits + digit;
  const result = map.match(digits).kind;
  if (digit === '#' && result === 'invalid') {
    // The send key: dial what came before it.
    if (p.digits === '') invalid(step, p, '#');
    else dialed(step, p.digits);
    return;
  }
  switch (result) {
    case 'complete':
      dialed(step, digits);
      return;
    case 'complete-on-timeout':
      step.go({ ...p, digits, pending: 'complete-on-timeout' });
      step.arm('dial', step.now + step.config.timings.interdigitShortMs);
      return;
    case 'more':
      step.go({ ...p, digits, pending: 'more' });
      step.arm('dial', step.now + step.config.timings.interdigitLongMs);
      return;
    case 'invalid':
      invalid(step, p, digits);
      return;
  }
}

/** The 'dial' timer: no first digit, or an interdigit timer ran out. */
export function onDialTimer(step: Step): void {
  const p = step.phase;
  if (p.name !== 'dialing') return;
  switch (p.pending) {
    case 'none':
      startLockout(step, 'reorder', p.withCall);
      return;
    case 'complete-on-timeout':
      dialed(step, p.digits);
      return;
    case 'more':
      invalid(step, p, p.digits);
      return;
  }
}

function dialed(step: Step, number: string): void {
  const p = step.phase;
  step.cancel('dial');
  step.tone(null);
  step.go({ name: 'proceeding', withCall: p.name === 'dialing' && p.withCall });
  step.emit({ type: 'dialed', number });
}

function invalid(step: Step, p: Dialing, digits: string): void {
  step.emit({ type: 'invalid-number', digits });
  startLockout(step, 'reorder', p.withCall);
}

/** Permanent signal, starting with `tone` (null: with the silence before the howler). */
export function startLockout(step: Step, tone: 'reorder' | 'busy' | null, withCall: boolean): void {
  step.cancel('dial');
  step.cancel('confirm');
  step.media(false);
  const t = step.config.timings;
  if (tone !== null) {
    step.go({ name: 'lockout', stage: 'tone', sinceMs: step.now, withCall });
    step.tone(tone);
    step.arm('warning', step.now + t.reorderMs);
  } else {
    step.go({ name: 'lockout', stage: 'pause', sinceMs: step.now, withCall });
    step.tone(null);
    step.arm('warning', step.now + t.offHookWarningDelayMs);
  }
}

/** The 'warning' timer: the next stage of the permanent signal. */
export function onWarningTimer(step: Step): void {
  const p = step.phase;
  if (p.name !== 'lockout') return;
  const t = step.config.timings;
  const howlerAt = p.sinceMs + t.offHookWarningDelayMs;
  const next = (stage: Lockout['stage']): void => step.go({ ...p, stage });
  switch (p.stage) {
    case 'tone':
      if (howlerAt > step.now) {
        next('pause');
        step.tone(null);
        step.arm('warning', howlerAt);
        return;
      }
      howler(step, next);
      return;
    case 'pause':
      howler(step, next);
      return;
    case 'howler':
      next('silent');
      step.tone(null);
      return;
    case 'silent':
      return;
  }
}

function howler(step: Step, next: (stage: Lockout['stage']) => void): void {
  next('howler');
  step.tone('howler');
  step.arm('warning', step.now + step.config.timings.howlerMs);
}

/** Feature confirmation tone (the region's; NANP three 100 ms bursts), then dial tone or silence. */
export function startConfirm(step: Step, then: 'dial-tone' | 'silence', withCall: boolean): void {
  step.cancel('dial');
  step.cancel('warning');
  step.media(false);
  const spec = step.config.profile.tones.confirmation;
  const ms = !spec.repeat && spec.cadence.length > 0 ? toneBurst(spec, 0).burstMs : step.config.timings.confirmationMs;
  step.go({ name: 'confirming', then, withCall });
  step.tone(null); // a confirmation already playing starts over
  step.tone('confirmation');
  step.arm('confirm', step.now + ms);
}

export function onConfirmTimer(step: Step): void {
  const p = step.phase;
  if (p.name !== 'confirming') return;
  if (p.then === 'dial-tone') startDialing(step, p.withCall);
  else startLockout(step, null, p.withCall);
}
