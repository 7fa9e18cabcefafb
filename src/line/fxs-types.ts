/**
 * The FXS line state machine's vocabulary (fxs-line.ts): its configuration,
 * what goes in (hook events, DTMF heard on the line, expired timers, commands
 * from the call layer) and what comes out (board, audio, timer and event
 * actions), and its state.
 *
 * The machine is pure, `(state, input) -> (state, actions)`: time arrives in
 * every input's `atMs` (the injected Clock's), timers are actions the runtime
 * arms and reports back as `timer` inputs, and the board, the audio port and
 * the call layer only ever see actions.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { OffHookPlan } from '../../audio/caller-id/off-hook.js';
import type { OnHookDtmfPlan, OnHookFskPlan } from '../../audio/caller-id/on-hook.js';
import type { RingCadencer } from '../../audio/tones/ring-cadencer.js';
import type { ToneKind } from '../../audio/tones/types.js';
import type { Digit, DigitMatcher, HookEvent, RegionProfile } from './types.js';

/** Line timings, ms. Every one can be overridden per line. */
export interface FxsTimings {
  /** Dial tone with no digit for this long: permanent signal (reorder, then howler). Central offices allow 10–20 s; an SPA's dial tone lasts 10 s. */
  readonly firstDigitMs: number;
  /** Interdigit timer while the digit map wants more digits (SPA "Interdigit Long Timer", 10 s). */
  readonly interdigitLongMs: number;
  /** Interdigit timer once the map could dial now but a longer number could still match (SPA "Interdigit Short Timer", 3 s). */
  readonly interdigitShortMs: number;
  /** How long reorder (or the disconnect busy tone) plays before the line goes quiet. */
  readonly reorderMs: number;
  /** From the start of a permanent signal (dial-tone timeout, invalid number, far-end hang-up) to the howler (ROH tone). */
  readonly offHookWarningDelayMs: number;
  /** How long the howler plays before the line goes silent for good (the receiver stays off hook). */
  readonly howlerMs: number;
  /** Confirmation tone length when the region's tone does not end by itself (a repeating or continuous one). */
  readonly confirmationMs: number;
  /** Air time the runtime needs for a visual message-waiting message: no ringing starts inside it. */
  readonly mwiIndicationMs: number;
}

export const DEFAULT_FXS_TIMINGS: FxsTimings = {
  firstDigitMs: 15_000,
  interdigitLongMs: 10_000,
  interdigitShortMs: 3_000,
  reorderMs: 20_000,
  offHookWarningDelayMs: 30_000,
  howlerMs: 60_000,
  confirmationMs: 1_000,
  mwiIndicationMs: 2_000,
};

/**
 * Caller-ID signal plans for a caller, as audio/caller-id builds them. The machine
 * only reads their timings and sample counts (to know how long the data lasts);
 * the runtime plays the samples of the same plans when told to.
 */
export interface CallerIdPlanner {
  /** On-hook caller ID (the method decides when relative to ringing); undefined: none. */
  onHook(info: CallerIdInfo): OnHookFskPlan | OnHookDtmfPlan | undefined;
  /** Call-waiting caller ID (type II); undefined: none (e.g. DTMF caller-ID regions). */
  offHook(info: CallerIdInfo): OffHookPlan | undefined;
}

export interface FxsConfig {
  readonly profile: RegionProfile;
  readonly digitMap: DigitMatcher;
  readonly timings?: Partial<FxsTimings>;
  /** Send caller ID to this line (on-hook, and type II during call waiting). Default true (if the region has a standard). */
  readonly callerId?: boolean;
  /** Offer call waiting (tone + type II caller ID) while a call is up. Default true. */
  readonly callWaiting?: boolean;
  /** The board can reverse the line's polarity (BoardCapabilities.polarityReversal). Default false. */
  readonly polarityReversal?: boolean;
  /** Tone after the far end hangs up: reorder (NANP ATAs: SPA) or busy (ETSI practice, HT8xx). Default by region. */
  readonly disconnectTone?: 'reorder' | 'busy';
  /** Call-waiting bursts per waiting call, spaced by the region's cadence (GR-571: two, 10 s apart). Default 2. */
  readonly callWaitingBursts?: number;
  /** Builds caller-ID plans; default: from `profile.callerId` with audio/caller-id. */
  readonly callerIdPlanner?: CallerIdPlanner;
}

/** The timers the machine arms; one of each at most. */
export type FxsTimerName =
  /** Dial tone / interdigit timeout while collecting digits. */
  | 'dial'
  /** Next ringer change in the ring cadence. */
  | 'ring'
  /** Next step of on-hook caller ID (reversal, alerting, data, first ring). */
  | 'cid'
  /** Call-waiting burst end, type II caller-ID end, next burst. */
  | 'cw'
  /** Next stage of the permanent signal: reorder → pause → howler → silence. */
  | 'warning'
  /** End of the confirmation tone. */
  | 'confirm';

export const FXS_TIMER_NAMES: readonly FxsTimerName[] = ['dial', 'ring', 'cid', 'cw', 'warning', 'confirm'];

/** Commands from the call layer. */
export type FxsCommand =
  /** Incoming call: ring an idle phone (with on-hook caller ID); if off hook and `callWaiting`, offer it as a waiting call. */
  | { readonly type: 'ring'; readonly callerId?: CallerIdInfo; readonly callWaiting?: boolean; readonly atMs: number }
  /** The caller gave up (or the call went elsewhere): stop ringing / the waiting-call tone. */
  | { readonly type: 'stop-ring'; readonly atMs: number }
  /** Call progress of the outgoing call; null: early media from the far end, stop local tones. */
  | { readonly type: 'progress'; readonly tone: 'ringback' | 'busy' | 'reorder' | null; readonly atMs: number }
  /** A call is up on this port (the outgoing call was answered, or the call layer resumed one). */
  | { readonly type: 'connected'; readonly atMs: number }
  | { readonly type: 'far-end-hangup'; readonly atMs: number }
  | { readonly type: 'call-waiting'; readonly callerId?: CallerIdInfo; readonly atMs: number }
  | { readonly type: 'call-waiting-end'; readonly atMs: number }
  /** Dial tone and a fresh number while a call is held (3-way calling, transfer). */
  | { readonly type: 'collect-digits'; readonly atMs: number }
  | { readonly type: 'mwi'; readonly waiting: boolean; readonly atMs: number }
  /** Feature confirmation tone, then dial tone (another number) or silence. */
  | { readonly type: 'confirm'; readonly then: 'dial-tone' | 'silence'; readonly atMs: number }
  | { readonly type: 'reject'; readonly atMs: number }
  | { readonly type: 'invalid-number'; readonly atMs: number }
  /** The call layer is done with the line: idle if on hook, fresh dial tone if off hook. */
  | { readonly type: 'release'; readonly atMs: number };

export type FxsInput =
  | HookEvent
  /** A DTMF digit the runtime detected in the audio from the phone. */
  | { readonly type: 'dtmf'; readonly digit: Digit; readonly atMs: number }
  /** A timer the machine armed ran out (the machine ignores it if no longer armed). */
  | { readonly type: 'timer'; readonly name: FxsTimerName; readonly atMs: number }
  | FxsCommand;

/** Events for the call layer. */
export type FxsLineEvent =
  /** Off hook from idle (a hotline may dial now). */
  | { readonly type: 'seized' }
  /** A number to call: the map said complete, or complete-on-timeout and the short timer ran out, or `#` sent it. */
  | { readonly type: 'dialed'; readonly number: string }
  /** The digit map can never match (or the long timer ran out on a partial number); the line plays reorder. */
  | { readonly type: 'invalid-number'; readonly digits: string }
  /** Off hook while ringing. */
  | { readonly type: 'answered' }
  | { readonly type: 'flash' }
  /** A digit during a call (DTMF or pulse), for the call layer to forward (RFC 4733). */
  | { readonly type: 'digit'; readonly digit: Digit }
  | { readonly type: 'hung-up' }
  /** On hook at dial tone, before any digit. */
  | { readonly type: 'abandoned' };

export type FxsAction =
  /** Board: ring voltage on/off. */
  | { readonly type: 'ring'; readonly on: boolean; readonly frequencyHz: number }
  /** Board: line polarity. */
  | { readonly type: 'polarity'; readonly reversed: boolean }
  /** Audio: play the region's tone of this kind until the next tone action; null: silence. */
  | { readonly type: 'tone'; readonly tone: ToneKind | null }
  /**
   * Audio: caller ID. On hook, `part` 'alerting' plays the plan's DT-AS and 'data'
   * its FSK/DTMF; off hook the runtime runs the whole type II exchange of the
   * `offHook` plan (CAS, listening for the ACK, FSK).
   */
  | { readonly type: 'caller-id'; readonly mode: 'on-hook'; readonly part: 'alerting' | 'data'; readonly info: CallerIdInfo }
  | { readonly type: 'caller-id'; readonly mode: 'off-hook'; readonly info: CallerIdInfo }
  /** Audio: stop any caller-ID or message-waiting signal being played now. */
  | { readonly type: 'caller-id-stop' }
  /** Audio: send the visual message-waiting indication (on hook, no ringing). */
  | { readonly type: 'mwi-indication'; readonly waiting: boolean }
  /** Audio: connect the call's audio to the port (true) or not. */
  | { readonly type: 'media'; readonly on: boolean }
  | { readonly type: 'timer'; readonly name: FxsTimerName; readonly atMs: number }
  | { readonly type: 'cancel-timer'; readonly name: FxsTimerName }
  | { readonly type: 'event'; readonly event: FxsLineEvent };

/** One step of on-hook caller ID / ring start, at an absolute time. */
export interface CidStep {
  readonly atMs: number;
  readonly kind: 'reverse' | 'alerting' | 'pulse-on' | 'pulse-off' | 'data' | 'first-ring';
}

export interface RingingPhase {
  readonly name: 'ringing';
  readonly callerId?: CallerIdInfo;
  /** Steps still to run (pre-ring caller ID, the first ring, the data in the first silence). */
  readonly steps: readonly CidStep[];
  /** When the cadence started (the first ring); undefined before. */
  readonly originMs?: number;
  /** Extra silence after the first cycle, so the second ring keeps `ringAfterMs` after the data. */
  readonly shiftMs: number;
  /** Length of the caller-ID data and of the DT-AS alerting signal, ms (from the plan's samples). */
  readonly dataMs: number;
  readonly alertMs: number;
  /** After-first-ring caller ID: the data goes `waitMs` after the first cycle's last burst, `ringAfterMs` before the next ring. */
  readonly gap?: { readonly waitMs: number; readonly ringAfterMs: number };
  /** A caller-ID signal plays until then (off hook before then: stop it). */
  readonly signalUntilMs: number;
}

export interface CallWaiting {
  readonly callerId?: CallerIdInfo;
  /** 'tone': a burst plays; 'caller-id': type II runs; 'between': waiting for the next burst; 'done': no more bursts. */
  readonly stage: 'tone' | 'caller-id' | 'between' | 'done';
  readonly bursts: number;
  readonly firstBurstMs: number;
}

export type FxsPhase =
  /** On hook. A message-waiting indication may be on the air until `quietUntilMs`. */
  | { readonly name: 'idle'; readonly quietUntilMs: number }
  | RingingPhase
  /** Off hook, collecting digits; `withCall`: a call is held (after a flash), so a flash goes to the call layer. */
  | { readonly name: 'dialing'; readonly digits: string; readonly pending: 'none' | 'more' | 'complete-on-timeout'; readonly withCall: boolean }
  /** A number was dialled (or a hotline seized); the call layer reports progress. */
  | { readonly name: 'proceeding'; readonly withCall: boolean }
  | { readonly name: 'connected'; readonly cw?: CallWaiting }
  | { readonly name: 'confirming'; readonly then: 'dial-tone' | 'silence'; readonly withCall: boolean }
  /** Permanent signal: reorder/busy, a pause, the howler, then silence until the phone is hung up. */
  | { readonly name: 'lockout'; readonly stage: 'tone' | 'pause' | 'howler' | 'silent'; readonly sinceMs: number; readonly withCall: boolean };

/** The config with every default filled in. */
export interface FxsResolved {
  readonly profile: RegionProfile;
  readonly digitMap: DigitMatcher;
  readonly timings: FxsTimings;
  readonly callerId: boolean;
  readonly callWaiting: boolean;
  readonly polarityReversal: boolean;
  readonly disconnectTone: 'reorder' | 'busy';
  readonly callWaitingBursts: number;
  readonly planner: CallerIdPlanner;
  /** The region's ring cadence (built, and so checked, once at start-up). */
  readonly ringCadencer: RingCadencer;
}

export interface FxsState {
  readonly config: FxsResolved;
  readonly phase: FxsPhase;
  /** Due time of each armed timer; a `timer` input counts only for an armed one. */
  readonly timers: Readonly<Partial<Record<FxsTimerName, number>>>;
  /** What the port is doing now (actions are emitted only on change). */
  readonly tone: ToneKind | null;
  readonly ringing: boolean;
  readonly media: boolean;
  readonly reversed: boolean;
  readonly mwi: boolean;
  /** The phone was busy when MWI changed: send the indication when it is idle again. */
  readonly mwiPending: boolean;
}

export interface FxsStepResult {
  readonly state: FxsState;
  readonly actions: FxsAction[];
}

/** Compile-time exhaustiveness check that does nothing at run time: a line never throws on input it does not know. */
export function exhaustive(_value: never): void {}
