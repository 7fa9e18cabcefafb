/**
 * The working copy of one FXO step (fxo-line.ts): a shallow copy of the state
 * that the step's helpers change in place, and the actions they collect. The
 * state handed in is never touched, so `fxoStep` stays a pure function from
 * the outside; inside, the helpers read like the prose of the transitions.
 *
 * It also owns the bookkeeping every transition needs: timers are recorded
 * with their due time (to tell a live timer from a stale one), seize and media
 * actions are emitted only on a change (so on/off always alternate).
 */
import type { FxoAction, FxoEvent, FxoState, FxoStepResult, FxoTimerName } from './fxo-types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const TIMER_NAMES: readonly FxoTimerName[] = [
  'ring-detector', 'ring-stopped', 'answer-settle', 'dial-tone', 'digit', 'loop-drop', 'tone-disconnect', 'release-guard',
];

export function isTimerName(name: string): name is FxoTimerName {
  return (TIMER_NAMES as readonly string[]).includes(name);
}

export class FxoDraft {
  readonly s: Mutable<FxoState>;
  readonly timers: Partial<Record<FxoTimerName, number>>;
  readonly actions: FxoAction[] = [];
  /** The time of the input being handled. */
  readonly now: number;

  constructor(state: FxoState, now: number) {
    this.timers = { ...state.timers };
    this.s = { ...state, timers: this.timers };
    this.now = now;
  }

  /** Arms (or re-arms) a timer; a due time in the past fires at once (`now`). */
  arm(name: FxoTimerName, atMs: number): void {
    const due = Math.max(atMs, this.now);
    this.timers[name] = due;
    this.actions.push({ type: 'timer', name, atMs: due });
  }

  cancel(name: FxoTimerName): void {
    if (this.timers[name] === undefined) return;
    delete this.timers[name];
    this.actions.push({ type: 'cancel-timer', name });
  }

  cancelAll(keep?: FxoTimerName): void {
    for (const name of TIMER_NAMES) if (name !== keep) this.cancel(name);
  }

  /** Whether a timer input is live: armed under that name and due by `atMs`. Consumes it. */
  takeTimer(name: FxoTimerName, atMs: number): boolean {
    const due = this.timers[name];
    if (due === undefined || atMs < due) return false;
    delete this.timers[name];
    return true;
  }

  emit(event: FxoEvent): void {
    this.actions.push({ type: 'event', event });
  }

  seize(on: boolean): void {
    if (this.s.seized === on) return;
    this.s.seized = on;
    this.actions.push({ type: 'seize', on });
  }

  media(on: boolean): void {
    if (this.s.media === on) return;
    this.s.media = on;
    this.actions.push({ type: 'media', on });
  }

  result(): FxoStepResult {
    return { state: this.s, actions: this.actions };
  }
}
