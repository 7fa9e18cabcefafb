/**
 * The FXO line state machine's vocabulary (fxo-line.ts): its phases, inputs,
 * actions and the events it reports to the call layer.
 *
 * Inputs carry their time (`atMs`, on the injected Clock, like the board's
 * events). The board's FXO events (board/board.ts) are inputs as they are: the
 * runtime passes this port's events, and board-wide `device-lost` /
 * `device-restored` ones, straight in (`port` is not looked at).
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { RingDetectorState } from './ring-detector.js';
import type { FxoConfig } from './fxo-config.js';

/**
 * - `idle`: on hook, nothing happening.
 * - `ringing`: an incoming call rings (counts rings, collects caller ID).
 * - `seized-incoming`: answered; for `answerSettleMs` the ring trip and the
 *   exchange's answer transients are not taken as disconnect signals.
 * - `seizing-outgoing`: off hook, waiting for dial tone (or a fixed delay).
 * - `dialing`: sending the digits as DTMF.
 * - `connected`: a call in progress (incoming after settling, outgoing after dialling).
 * - `releasing`: back on hook; not seized again for `releaseGuardMs`.
 * - `unavailable`: the device is gone (device-lost) until device-restored.
 */
export type FxoPhase = 'idle' | 'ringing' | 'seized-incoming' | 'seizing-outgoing' | 'dialing' | 'connected' | 'releasing' | 'unavailable';

/** What the runtime heard on the line, classified against the region's tone plan (audio/tones/classify.ts). */
export type LineTone = 'dial' | 'busy' | 'reorder' | 'ringback' | 'silence' | 'voice';

export type FxoTimerName =
  /** The ring detector's next decision (end of a burst). */
  | 'ring-detector'
  /** No ring for the cadence's longest silence plus a margin: the caller gave up. */
  | 'ring-stopped'
  /** End of the seized-incoming settling time. */
  | 'answer-settle'
  /** seizing-outgoing: dial tone timeout, or the blind-dial delay without dial tone detection. */
  | 'dial-tone'
  /** dialing: the current digit (tone and pause) or comma pause is over. */
  | 'digit'
  /** Loop current has been absent this long: a disconnect. */
  | 'loop-drop'
  /** A disconnect tone (busy / reorder) has been heard this long. */
  | 'tone-disconnect'
  /** End of the on-hook guard time after a release. */
  | 'release-guard';

export type DisconnectReason = 'loop-current-drop' | 'polarity-reversal' | 'busy-tone' | 'reorder-tone' | 'dial-tone' | 'device-lost';

/** Why a `dial` was refused (no seize happened). */
export type RefusalReason =
  /** Another device on the same line is off hook. */
  | 'line-in-use'
  /** An incoming call is ringing. */
  | 'ringing'
  /** The port is already in a call, or just released it. */
  | 'not-idle'
  /** The digit string holds something other than 0-9 * # A-D and ','. */
  | 'invalid-digits'
  /** The device is gone. */
  | 'device-lost';

export type FxoEvent =
  /**
   * A ring burst began. `n` counts rings of this call; `burst` counts bursts
   * within the ring (2 for the second half of a double ring; a ring is bursts
   * closer than `ringGroupGapMs`); `callerId` is what has been received so far.
   */
  | { readonly type: 'ring'; readonly n: number; readonly burst: number; readonly callerId: CallerIdInfo | undefined; readonly cadenceMatched: boolean | undefined; readonly atMs: number }
  /** The ring burst ended (lets the call layer mirror the landline's cadence on its phones). */
  | { readonly type: 'ring-end'; readonly n: number; readonly burstMs: number; readonly cadenceMatched: boolean | undefined; readonly atMs: number }
  /** Caller ID arrived while ringing (merged with what came before). */
  | { readonly type: 'caller-id'; readonly info: CallerIdInfo; readonly atMs: number }
  /** A message-waiting indication arrived on the idle line. */
  | { readonly type: 'message-waiting'; readonly on: boolean; readonly atMs: number }
  /** The incoming call stopped ringing without being answered here. */
  | { readonly type: 'ring-stopped'; readonly reason: 'caller-gave-up' | 'answered-elsewhere' | 'device-lost'; readonly atMs: number }
  /** The line was seized to answer. */
  | { readonly type: 'answered'; readonly atMs: number }
  /** No dial tone came after seizing for an outgoing call; the line was released. */
  | { readonly type: 'dial-tone-missing'; readonly atMs: number }
  /** Every digit has been sent. */
  | { readonly type: 'dialed'; readonly digits: string; readonly atMs: number }
  /** The call is up: incoming after settling, outgoing right after dialling (analog lines give no answer signal). */
  | { readonly type: 'connected'; readonly direction: 'incoming' | 'outgoing'; readonly atMs: number }
  /** Answer supervision: the exchange reversed the polarity when the called party answered (polarityReversal 'answer-and-disconnect'). */
  | { readonly type: 'far-end-answered'; readonly atMs: number }
  /** The far end or the line ended the call; the line was released. */
  | { readonly type: 'disconnected'; readonly reason: DisconnectReason; readonly atMs: number }
  /** Another device on the line went off hook (or back on) while this port was on hook. */
  | { readonly type: 'line-in-use'; readonly inUse: boolean; readonly atMs: number }
  /** A `dial` was refused; nothing was seized. */
  | { readonly type: 'busy'; readonly reason: RefusalReason; readonly atMs: number }
  /** The device behind the port went away or came back. */
  | { readonly type: 'device'; readonly available: boolean; readonly reason: string | undefined; readonly atMs: number };

export type FxoInput =
  // --- board events (board/board.ts BoardEvent, FXO kinds) ---
  /** Raw ring-detect output; the machine runs the ring detector (ring-detector.ts) itself. */
  | { readonly type: 'ring-detect'; readonly active: boolean; readonly atMs: number; readonly port?: number }
  | { readonly type: 'loop-current'; readonly present: boolean; readonly atMs: number; readonly port?: number }
  | { readonly type: 'line-polarity'; readonly reversed: boolean; readonly atMs: number; readonly port?: number }
  | { readonly type: 'line-in-use'; readonly inUse: boolean; readonly atMs: number; readonly port?: number }
  | { readonly type: 'device-lost'; readonly reason: string; readonly atMs: number; readonly port?: number }
  | { readonly type: 'device-restored'; readonly atMs: number; readonly port?: number }
  // --- from the runtime's line-audio analysis ---
  /** Caller ID decoded from the line (FSK or DTMF). */
  | { readonly type: 'caller-id'; readonly info: CallerIdInfo; readonly atMs: number }
  /** The current classification of the line audio; sent when it changes (repeats are harmless). */
  | { readonly type: 'line-tone'; readonly tone: LineTone; readonly atMs: number }
  // --- timers the machine asked for ---
  /** A timer fired. Stale ones (cancelled, or re-armed for later) are ignored. */
  | { readonly type: 'timer'; readonly name: string; readonly atMs: number }
  // --- commands from the call layer ---
  /** Seize the line to take the ringing call. */
  | { readonly type: 'answer'; readonly atMs: number }
  /** Seize the line and dial `digits` (0-9 * # A-D; ',' waits `commaPauseMs`; '' only seizes). */
  | { readonly type: 'dial'; readonly digits: string; readonly atMs: number }
  /** Release the line (or, while ringing, stop reporting this call). */
  | { readonly type: 'hangup'; readonly atMs: number };

export type FxoAction =
  /** Take the line off hook (true) or put it back on hook (false): Board.setSeized. */
  | { readonly type: 'seize'; readonly on: boolean }
  /** Connect the line's audio to the call's media path, or disconnect it. */
  | { readonly type: 'media'; readonly on: boolean }
  /** Play these DTMF digits toward the line, each `toneMs` on then `pauseMs` off. */
  | { readonly type: 'dtmf'; readonly digits: string; readonly toneMs: number; readonly pauseMs: number }
  /** (Re-)arm the named timer to fire at `atMs`; the runtime feeds back `{type:'timer', name, atMs}`. */
  | { readonly type: 'timer'; readonly name: FxoTimerName; readonly atMs: number }
  | { readonly type: 'cancel-timer'; readonly name: FxoTimerName }
  /** Tell the call layer. */
  | { readonly type: 'event'; readonly event: FxoEvent };

export interface FxoRinging {
  /** Rings counted in this call. */
  readonly rings: number;
  /** Bursts in the current ring. */
  readonly bursts: number;
  readonly callerId: CallerIdInfo | undefined;
  /** The call layer hung up on this ringing call: keep quiet until it stops. */
  readonly declined: boolean;
}

export interface FxoState {
  readonly config: FxoConfig;
  readonly phase: FxoPhase;
  readonly detector: RingDetectorState;
  /** Armed timers and when they are due. */
  readonly timers: Readonly<Partial<Record<FxoTimerName, number>>>;
  /** Off hook (the last seize action said on). */
  readonly seized: boolean;
  readonly media: boolean;
  /** The last line-in-use report received while on hook. */
  readonly lineInUse: boolean;
  /** Loop current since the seize: not reported yet, present, or absent. */
  readonly loop: 'unknown' | 'present' | 'absent';
  /** The last reported line polarity (undefined: none reported). */
  readonly reversed: boolean | undefined;
  /** ringing (and seized-incoming, for the record). */
  readonly ringing: FxoRinging | undefined;
  /** Caller ID received on the idle line before the first ring (EN 300 659-1 data before ringing). */
  readonly pendingCallerId: { readonly info: CallerIdInfo; readonly atMs: number } | undefined;
  /** seizing-outgoing / dialing: the digits and how many are sent. */
  readonly dialing: { readonly digits: string; readonly sent: number } | undefined;
  readonly direction: 'incoming' | 'outgoing' | undefined;
  /** connected, outgoing: the exchange signalled the answer by a polarity reversal. */
  readonly farEndAnswered: boolean;
  /** The disconnect tone being timed (`tone-disconnect`). */
  readonly disconnectTone: 'busy' | 'reorder' | 'dial' | undefined;
}

export interface FxoStepResult {
  readonly state: FxoState;
  readonly actions: readonly FxoAction[];
}
