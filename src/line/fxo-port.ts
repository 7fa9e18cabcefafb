/**
 * The FXO line runtime: the landline port's state machine (fxo-line.ts) wired
 * to a board port, its audio, the Clock and the call layer.
 *
 * In:
 * - the board's FXO events for this port (and board-wide device-lost /
 *   device-restored), passed to the machine as they are;
 * - the port's captured audio: on hook, the region's caller-ID receiver
 *   (`caller-id` inputs); off hook, the call-progress tone tracker
 *   (`line-tone` inputs when the classification changes) — fxo-port-audio.ts;
 * - the machine's timers (one Clock timer per name; re-arming replaces);
 * - the call layer's commands: `answer`, `dial`, `hangup`, and `voiceDirection`
 *   (straight to the board: which way a half-duplex port's audio flows).
 *
 * Out: the machine's actions — `seize` → Board.setSeized; `media` → LineAudio
 * stops writing and the call's gate (`callAudio`) opens, or the reverse;
 * `dtmf` → the digits' samples played by LineAudio; `event` → the 'event'
 * emitter event, after the step's other actions; and 'status' whenever a
 * field of `status()` changes (after the step's events).
 *
 * Inputs are handled one at a time, in order: a command given from inside an
 * 'event' listener is queued and handled after the current step is done.
 * Nothing thrown by the board, the audio code or a listener escapes a board
 * or audio callback: it is logged with the port and what was going on.
 */
import { EventEmitter } from 'node:events';
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import { dtmfSamples } from '../../audio/dtmf/index.js';
import { portOf, type Board, type BoardEvent, type VoiceDirection } from '../../board/board.js';
import type { Clock, Timer } from '../clock.js';
import type { Logger } from '../log.js';
import { CallAudioGate } from './call-audio-gate.js';
import type { FxoConfig } from './fxo-config.js';
import { createFxoLine, fxoStep } from './fxo-line.js';
import { callerIdListener, LineToneTracker, type CallerIdListener } from './fxo-port-audio.js';
import type { FxoAction, FxoEvent, FxoInput, FxoPhase, FxoState, FxoTimerName } from './fxo-types.js';
import { LineAudio } from './line-audio.js';
import type { RegionProfile } from './types.js';

export interface FxoPortOptions {
  board: Board;
  port: number;
  clock: Clock;
  log: Logger;
  /** fxoConfig(profile, overrides) from fxo-config.ts. */
  config: FxoConfig;
  /** Tones for classification, caller-ID standard to listen for. */
  profile: RegionProfile;
}

export interface FxoPortStatus {
  port: number;
  phase: FxoPhase;
  seized: boolean;
  /** Rings of the current incoming call, 0 otherwise. */
  rings: number;
  /** Caller ID of the current incoming call while ringing / answered. */
  callerId: CallerIdInfo | null;
  lineInUse: boolean;
  /** False after device-lost. */
  available: boolean;
  /** "hardware fault: <reason>" while the device is lost (a modem unplugged), else null. */
  fault: string | null;
}

type FxoBoardEvent = Extract<BoardEvent, { type: 'ring-detect' | 'loop-current' | 'line-polarity' | 'line-in-use' | 'caller-id' | 'device-lost' | 'device-restored' }>;

const FXO_EVENT_TYPES: ReadonlySet<BoardEvent['type']> = new Set(['ring-detect', 'loop-current', 'line-polarity', 'line-in-use', 'caller-id', 'device-lost', 'device-restored']);

export class FxoPort extends EventEmitter<{ event: [FxoEvent]; status: [FxoPortStatus] }> {
  readonly port: number;
  /** What a call's media bridge reads and writes (gated by the machine's media action). */
  readonly callAudio: CallAudioGate;
  private lostReason: string | undefined;
  private readonly board: Board;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly lineAudio: LineAudio;
  private readonly tones: LineToneTracker;
  private readonly callerId: CallerIdListener | undefined;
  private readonly timers = new Map<FxoTimerName, Timer>();
  private readonly unsubscribe: (() => void)[] = [];
  private state: FxoState;
  private last: FxoPortStatus;
  private readonly pending: FxoInput[] = [];
  private stepping = false;
  private closed = false;

  /** Throws a BoardError when the board has no FXO port `port`, RangeError for an unusable ring detector configuration. */
  constructor(opts: FxoPortOptions) {
    super();
    portOf(opts.board, opts.port, 'fxo');
    this.port = opts.port;
    this.board = opts.board;
    this.clock = opts.clock;
    this.log = opts.log.child({ component: 'fxo-port', port: opts.port });
    this.state = createFxoLine(opts.config);
    this.last = this.status();
    const audio = opts.board.audio(opts.port);
    this.tones = new LineToneTracker(opts.profile.tones, { sampleRate: audio.sampleRate });
    this.callerId = callerIdListener(opts.profile.callerId.standard, audio.sampleRate, (p) =>
      this.log.debug('undecodable caller ID on the line', { kind: p.kind, detail: p.detail }),
    );
    // The analysis listens first, then LineAudio (one frame written per frame captured), then the call's gate.
    this.unsubscribe.push(audio.onFrame((frame) => this.onFrame(frame)));
    this.lineAudio = new LineAudio(audio, opts.profile.tones);
    this.callAudio = new CallAudioGate(audio);
    this.unsubscribe.push(opts.board.onEvent((e) => this.onBoardEvent(e)));
  }

  /** Take the ringing call. */
  answer(): void {
    this.feed({ type: 'answer', atMs: this.clock.now() });
  }

  /** Seize the line and dial `digits` (0-9 * # A-D; ',' pauses). */
  dial(digits: string): void {
    this.feed({ type: 'dial', digits, atMs: this.clock.now() });
  }

  /** Release the line (or stop reporting a ringing call). */
  hangup(): void {
    this.feed({ type: 'hangup', atMs: this.clock.now() });
  }

  /**
   * Which way the call's audio flows on a half-duplex board (a voice modem): 'transmit'
   * before playing to the line (what `callAudio` is given is dropped while it listens),
   * 'receive' to listen again. Full-duplex boards ignore it.
   */
  voiceDirection(direction: VoiceDirection): void {
    if (this.closed) return;
    this.guard(`setting the voice direction to ${direction}`, () => this.board.setVoiceDirection?.(this.port, direction));
  }

  status(): FxoPortStatus {
    const s = this.state;
    return {
      port: this.port,
      phase: s.phase,
      seized: s.seized,
      rings: s.ringing?.rings ?? 0,
      callerId: s.ringing?.callerId ?? null,
      lineInUse: s.lineInUse,
      available: s.phase !== 'unavailable',
      fault: s.phase === 'unavailable' ? `hardware fault: ${this.lostReason ?? 'the device is gone'}` : null,
    };
  }

  /** Releases the line, cancels the timers, stops listening. Idempotent; no events or status after it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    for (const t of this.timers.values()) this.clock.cancelTimer(t);
    this.timers.clear();
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
    this.guard('releasing the line on close', () => this.board.setSeized(this.port, false));
    this.lineAudio.close();
    this.callAudio.dispose();
  }

  // ---- inputs ----

  private onBoardEvent(e: BoardEvent): void {
    if (!FXO_EVENT_TYPES.has(e.type)) return;
    const event = e as FxoBoardEvent;
    const boardWide = event.port === undefined && (event.type === 'device-lost' || event.type === 'device-restored');
    if (event.port !== this.port && !boardWide) return;
    if (event.type === 'device-lost') this.lostReason = event.reason;
    this.feed(event);
  }

  private onFrame(frame: Int16Array): void {
    if (this.closed || this.state.phase === 'unavailable') return;
    this.guard('analysing the line audio', () => {
      if (this.state.seized) {
        const tone = this.tones.push(frame);
        if (tone !== undefined) this.feed({ type: 'line-tone', tone, atMs: this.clock.now() });
        return;
      }
      for (const info of this.callerId?.process(frame) ?? []) this.feed({ type: 'caller-id', info, atMs: this.clock.now() });
    });
  }

  /** Queues an input and, unless a step is under way (a command from an event listener), handles the queue. */
  private feed(input: FxoInput): void {
    if (this.closed) return;
    this.pending.push(input);
    if (this.stepping) return;
    this.stepping = true;
    try {
      for (let next = this.pending.shift(); next !== undefined && !this.closed; next = this.pending.shift()) this.step(next);
    } finally {
      this.stepping = false;
      this.pending.length = 0;
    }
  }

  private step(input: FxoInput): void {
    let result;
    try {
      result = fxoStep(this.state, input);
    } catch (err) {
      this.log.error('the FXO state machine failed on an input', { input: input.type, phase: this.state.phase, err });
      return;
    }
    const before = this.state;
    this.state = result.state;
    // Each hook change (or the device coming and going) starts the listening afresh.
    if (this.state.seized !== before.seized || (this.state.phase === 'unavailable') !== (before.phase === 'unavailable')) {
      this.tones.restart();
      this.callerId?.reset();
    }
    const events: FxoEvent[] = [];
    for (const a of result.actions) {
      if (a.type === 'event') events.push(a.event);
      else this.guard(`carrying out '${a.type}'`, () => this.apply(a));
    }
    for (const e of events) this.guard(`reporting '${e.type}'`, () => this.emit('event', e));
    const now = this.status();
    if (!sameStatus(now, this.last)) {
      this.last = now;
      this.guard('reporting the status', () => this.emit('status', now));
    }
  }

  // ---- actions ----

  private apply(a: Exclude<FxoAction, { type: 'event' }>): void {
    switch (a.type) {
      case 'seize':
        if (!a.on) this.lineAudio.cancelSamples();
        this.board.setSeized(this.port, a.on);
        return;
      case 'media':
        // Digits still queued when the call takes the port are not played after it gives it back.
        if (a.on) this.lineAudio.cancelSamples();
        this.lineAudio.setMedia(a.on);
        this.callAudio.setOpen(a.on);
        return;
      case 'dtmf':
        this.lineAudio.playSamples(dtmfSamples(a.digits, { durationMs: a.toneMs, pauseMs: a.pauseMs, sampleRate: this.callAudio.sampleRate }));
        return;
      case 'timer':
        this.arm(a.name, a.atMs);
        return;
      case 'cancel-timer':
        this.cancel(a.name);
        return;
    }
  }

  private arm(name: FxoTimerName, atMs: number): void {
    this.cancel(name);
    const timer = this.clock.setTimer(Math.max(0, atMs - this.clock.now()), () => {
      if (this.timers.get(name) !== timer) return;
      this.timers.delete(name);
      this.feed({ type: 'timer', name, atMs: Math.max(atMs, this.clock.now()) });
    });
    this.timers.set(name, timer);
  }

  private cancel(name: FxoTimerName): void {
    const t = this.timers.get(name);
    if (t === undefined) return;
    this.clock.cancelTimer(t);
    this.timers.delete(name);
  }

  /** Runs `fn`; logs (never rethrows) what it throws. */
  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error(`FXO port: error ${what}`, { phase: this.state.phase, err });
    }
  }
}

function sameStatus(a: FxoPortStatus, b: FxoPortStatus): boolean {
  return (
    a.phase === b.phase &&
    a.seized === b.seized &&
    a.rings === b.rings &&
    a.callerId === b.callerId &&
    a.lineInUse === b.lineInUse &&
    a.available === b.available
  );
}
