/**
 * One step of the FXS machine in the making: a draft of the next state and the
 * actions so far. Outputs are set as levels (tone, ringer, media, polarity) and
 * turned into actions only when they change, so the runtime never sees a
 * redundant command and the state always says what the port is doing.
 * A `Step` lives for one `fxsStep` call; nothing outside sees it mutate.
 */
import type { ToneKind } from '../../audio/tones/types.js';
import type { FxsAction, FxsLineEvent, FxsPhase, FxsState, FxsTimerName } from './fxs-types.js';
import { FXS_TIMER_NAMES } from './fxs-types.js';

type Draft = { -readonly [K in keyof FxsState]: FxsState[K] } & { timers: Partial<Record<FxsTimerName, number>> };

export class Step {
  readonly draft: Draft;
  readonly actions: FxsAction[] = [];
  readonly now: number;

  constructor(state: FxsState, now: number) {
    this.draft = { ...state, timers: { ...state.timers } };
    this.now = now;
  }

  get config(): FxsState['config'] {
    return this.draft.config;
  }

  get phase(): FxsPhase {
    return this.draft.phase;
  }

  go(phase: FxsPhase): void {
    this.draft.phase = phase;
  }

  tone(tone: ToneKind | null): void {
    if (this.draft.tone === tone) return;
    // Local tones and the call's audio never share the port: a tone first disconnects the media.
    if (tone !== null) this.media(false);
    this.draft.tone = tone;
    this.actions.push({ type: 'tone', tone });
  }

  ring(on: boolean): void {
    if (this.draft.ringing === on) return;
    this.draft.ringing = on;
    this.actions.push({ type: 'ring', on, frequencyHz: this.config.profile.ringFrequencyHz });
  }

  media(on: boolean): void {
    if (this.draft.media === on) return;
    if (on) this.tone(null);
    this.draft.media = on;
    this.actions.push({ type: 'media', on });
  }

  /** Reverses only where the board can; restoring normal polarity is always allowed. */
  polarity(reversed: boolean): void {
    if (reversed && !this.config.polarityReversal) return;
    if (this.draft.reversed === reversed) return;
    this.draft.reversed = reversed;
    this.actions.push({ type: 'polarity', reversed });
  }

  /** Arms `name` at `atMs` (never in the past), replacing any armed one. */
  arm(name: FxsTimerName, atMs: number): void {
    const at = Math.max(atMs, this.now);
    this.draft.timers[name] = at;
    this.actions.push({ type: 'timer', name, atMs: at });
  }

  cancel(name: FxsTimerName): void {
    if (this.draft.timers[name] === undefined) return;
    delete this.draft.timers[name];
    this.actions.push({ type: 'cancel-timer', name });
  }

  cancelAll(): void {
    for (const name of FXS_TIMER_NAMES) this.cancel(name);
  }

  /** True when a `timer` input is the armed one (due by now); it is then disarmed. A late one counts; a stale one (disarmed, or re-armed for later) does not. */
  takeTimer(name: FxsTimerName): boolean {
    const due = this.draft.timers[name];
    if (due === undefined || this.now < due) return false;
    delete this.draft.timers[name];
    return true;
  }

  emit(event: FxsLineEvent): void {
    this.actions.push({ type: 'event', event });
  }

  push(action: FxsAction): void {
    this.actions.push(action);
  }

  /** Everything off: the state the port is in once the phone is back on hook, or before a new off-hook activity. */
  quiet(): void {
    this.ring(false);
    this.tone(null);
    this.media(false);
  }

  done(): { state: FxsState; actions: FxsAction[] } {
    return { state: this.draft, actions: this.actions };
  }
}
