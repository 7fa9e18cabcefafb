/**
 * The FXS line runtime: one phone port, with the pure line state machine
 * (fxs-line.ts) wired to the board, the port's audio and the Clock (DESIGN §3–4).
 *
 * Inputs to the machine, each stamped with its time on the Clock:
 * - raw hook edges from the board, decoded by a HookDecoder (debounce, flash,
 *   pulse digits); a Clock timer polls the decoder at its next deadline;
 * - DTMF digits detected (DtmfDetector) in every frame captured from the phone;
 * - the machine's own timers (one Clock timer per name; re-arming replaces);
 * - commands from the call layer (`command`);
 * - device loss (taken as a hang-up, so calls end) and restoration (the hook is
 *   read again; a phone found off hook gets fresh dial tone).
 * Outputs: the machine's actions, applied in order — ringer and polarity on the
 * board, tones and caller-ID/MWI signals through LineAudio (fxs-port-signals.ts),
 * the call's media through `callAudio` — then `status` (when it changed) and each
 * `event`, in order.
 *
 * Inputs arriving while a step is being applied (a command from an `event`
 * listener, say) are queued and stepped right after it, so events always come
 * out in the machine's order and every listener sees the state after its step.
 * Nothing throws out of a board or audio callback: failures are logged and the
 * port keeps going.
 */
import { EventEmitter } from 'node:events';
import { DtmfDetector } from '../../audio/dtmf/index.js';
import type { Board, BoardEvent } from '../../board/board.js';
import { portOf } from '../../board/board.js';
import type { ToneKind } from '../../audio/tones/types.js';
import type { Clock, Timer } from '../clock.js';
import type { Logger } from '../log.js';
import { CallAudioGate } from './call-audio-gate.js';
import { fxsInitial, fxsStep, isOnHook } from './fxs-line.js';
import { CallerIdSignals } from './fxs-port-signals.js';
import type { FxsAction, FxsCommand, FxsConfig, FxsInput, FxsLineEvent, FxsPhase, FxsState, FxsTimerName } from './fxs-types.js';
import { HookDecoder } from './hook-decoder.js';
import { LineAudio } from './line-audio.js';

/** `Omit` applied to each member of a union (plain Omit would merge them). */
export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A command from the call layer; the port stamps its time. */
export type FxsPortCommand = DistributiveOmit<FxsCommand, 'atMs'>;

export interface FxsPortOptions {
  board: Board;
  port: number;
  clock: Clock;
  log: Logger;
  /** The line's configuration; `polarityReversal` should come from the board port's capability. */
  config: FxsConfig;
  /** Hook-flash window for the decoder (normally `profile.flash`). */
  flash: { minMs: number; maxMs: number };
}

export interface FxsPortStatus {
  port: number;
  /** The machine's view: off hook from its debounced off-hook until its on-hook (a flash or dial pulse does not count). */
  offHook: boolean;
  phase: FxsPhase['name'];
  /** The digits dialled so far, while dialing. */
  digits?: string;
  /** The ringer has ring voltage now (it follows the cadence). */
  ringing: boolean;
  tone: ToneKind | null;
  media: boolean;
  messageWaiting: boolean;
  /** "hardware fault: <reason>" while the port's hardware is lost (e.g. its USB sound card unplugged), else null. */
  fault: string | null;
}

export class FxsPort extends EventEmitter<{ event: [FxsLineEvent]; status: [FxsPortStatus] }> {
  readonly port: number;
  /** What a call's media bridge reads and writes (gated by the machine's media action). */
  readonly callAudio: CallAudioGate;

  private readonly board: Board;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly flash: { minMs: number; maxMs: number };
  private state: FxsState;
  private decoder: HookDecoder;
  private readonly lineAudio: LineAudio;
  private readonly signals: CallerIdSignals;
  private readonly dtmf: DtmfDetector;
  private readonly timers = new Map<FxsTimerName, Timer>();
  private hookTimer: Timer | undefined;
  private lastStatus: FxsPortStatus;
  private fault: string | null = null;
  private readonly pending: FxsInput[] = [];
  private stepping = false;
  private deviceLost = false;
  private closed = false;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(opts: FxsPortOptions) {
    super();
    portOf(opts.board, opts.port, 'fxs');
    this.port = opts.port;
    this.board = opts.board;
    this.clock = opts.clock;
    this.log = opts.log.child({ port: opts.port });
    this.flash = { minMs: opts.flash.minMs, maxMs: opts.flash.maxMs };
    const now = this.clock.now();
    const offHook = this.board.isOffHook(this.port);
    this.state = fxsInitial(opts.config, now, offHook);
    this.decoder = new HookDecoder({ flash: this.flash }, { offHook, atMs: now });
    this.lastStatus = this.computeStatus();

    const audio = this.board.audio(this.port);
    this.dtmf = new DtmfDetector({ sampleRate: audio.sampleRate });
    // Subscribed before LineAudio, so in each frame period the ACK listener hears the phone before LineAudio writes.
    this.unsubscribe.push(audio.onFrame((frame) => this.guard('audio frame', () => this.onCaptured(frame))));
    this.lineAudio = new LineAudio(audio, this.state.config.profile.tones);
    this.callAudio = new CallAudioGate(audio);
    this.signals = new CallerIdSignals(this.lineAudio, this.state.config.planner, this.state.config.profile, this.log, audio.sampleRate);
    this.unsubscribe.push(this.board.onEvent((e) => this.guard('board event', () => this.onBoardEvent(e))));
  }

  /** Stamps the command with the Clock's time, steps the machine and applies its actions. Ignored after close(). */
  command(cmd: FxsPortCommand): void {
    if (this.closed) return;
    this.feed([{ ...cmd, atMs: this.clock.now() }]);
  }

  status(): FxsPortStatus {
    return { ...this.lastStatus, fault: this.fault };
  }

  /** Ringer off, polarity normal, timers cancelled, unsubscribed from the board and the audio. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
    for (const t of this.timers.values()) this.clock.cancelTimer(t);
    this.timers.clear();
    if (this.hookTimer !== undefined) this.clock.cancelTimer(this.hookTimer);
    this.hookTimer = undefined;
    this.guard('close: ringer off', () => this.board.setRinging(this.port, false, this.state.config.profile.ringFrequencyHz));
    this.guard('close: polarity normal', () => this.board.setPolarity(this.port, false));
    this.signals.stop();
    this.lineAudio.close();
    this.callAudio.dispose();
  }

  // ---- inputs ----

  private onBoardEvent(e: BoardEvent): void {
    if (this.closed) return;
    switch (e.type) {
      case 'hook':
        if (e.port !== this.port || this.deviceLost) return;
        this.feed(this.decoder.transition(e.offHook, e.atMs));
        this.scheduleHookPoll();
        return;
      case 'device-lost':
        if (e.port !== undefined && e.port !== this.port) return;
        this.log.warn('fxs port device lost: taking the phone as on hook', { reason: e.reason });
        this.deviceLost = true;
        this.fault = `hardware fault: ${e.reason}`;
        this.resetHook(false, e.atMs);
        // A ringing phone that can no longer be heard answering must not ring on unanswerable.
        this.feed([{ type: 'on-hook', atMs: e.atMs }, { type: 'stop-ring', atMs: e.atMs }]);
        return;
      case 'device-restored': {
        if (e.port !== undefined && e.port !== this.port) return;
        this.deviceLost = false;
        this.fault = null;
        const offHook = this.board.isOffHook(this.port);
        this.log.info('fxs port device restored', { offHook });
        this.resetHook(offHook, e.atMs);
        if (offHook) this.feed([{ type: 'off-hook', atMs: e.atMs }]);
        return;
      }
      default:
        return;
    }
  }

  /** A new decoder in a known hook state (device loss or restoration), no poll pending. */
  private resetHook(offHook: boolean, atMs: number): void {
    if (this.hookTimer !== undefined) this.clock.cancelTimer(this.hookTimer);
    this.hookTimer = undefined;
    this.decoder = new HookDecoder({ flash: this.flash }, { offHook, atMs: Math.max(atMs, this.clock.now()) });
  }

  private scheduleHookPoll(): void {
    if (this.hookTimer !== undefined) this.clock.cancelTimer(this.hookTimer);
    this.hookTimer = undefined;
    const deadline = this.decoder.nextDeadline();
    if (deadline === undefined || this.closed) return;
    this.hookTimer = this.clock.setTimer(Math.max(0, deadline - this.clock.now()), () => {
      this.hookTimer = undefined;
      this.guard('hook poll', () => {
        this.feed(this.decoder.poll(Math.max(deadline, this.clock.now())));
        this.scheduleHookPoll();
      });
    });
  }

  private onCaptured(frame: Int16Array): void {
    if (this.closed) return;
    this.signals.captured(frame);
    // A phone on hook cannot dial: no DTMF analysis on the audio path while idle or ringing.
    if (isOnHook(this.state.phase)) {
      this.dtmf.reset();
      return;
    }
    for (const ev of this.dtmf.process(frame)) {
      if (ev.type === 'start') this.feed([{ type: 'dtmf', digit: ev.digit, atMs: this.clock.now() }]);
    }
  }

  private onTimer(name: FxsTimerName, atMs: number): void {
    this.timers.delete(name);
    this.feed([{ type: 'timer', name, atMs: Math.max(atMs, this.clock.now()) }]);
  }

  // ---- stepping ----

  private feed(inputs: readonly FxsInput[]): void {
    if (this.closed || inputs.length === 0) return;
    this.pending.push(...inputs);
    if (this.stepping) return;
    this.stepping = true;
    try {
      for (let input = this.pending.shift(); input !== undefined && !this.closed; input = this.pending.shift()) {
        this.guard('step', () => this.step(input));
      }
    } finally {
      this.stepping = false;
    }
  }

  private step(input: FxsInput): void {
    const { state, actions } = fxsStep(this.state, input);
    this.state = state;
    const events: FxsLineEvent[] = [];
    for (const a of actions) {
      if (a.type === 'event') events.push(a.event);
      else this.guard(`action ${a.type}`, () => this.apply(a));
    }
    const status = this.computeStatus();
    if (!sameStatus(status, this.lastStatus)) {
      this.lastStatus = status;
      this.guard('status listener', () => this.emit('status', { ...status }));
    }
    for (const ev of events) {
      if (this.closed) return; // a listener closed the port: nothing more goes out
      this.guard('event listener', () => this.emit('event', ev));
    }
  }

  private apply(a: Exclude<FxsAction, { type: 'event' }>): void {
    switch (a.type) {
      case 'ring':
        return this.board.setRinging(this.port, a.on, a.frequencyHz);
      case 'polarity':
        return this.board.setPolarity(this.port, a.reversed);
      case 'tone':
        return this.lineAudio.setTone(a.tone);
      case 'media':
        if (a.on) this.signals.mediaOn();
        this.lineAudio.setMedia(a.on);
        this.callAudio.setOpen(a.on);
        return;
      case 'timer': {
        const old = this.timers.get(a.name);
        if (old !== undefined) this.clock.cancelTimer(old);
        const { name, atMs } = a;
        this.timers.set(name, this.clock.setTimer(Math.max(0, atMs - this.clock.now()), () => this.guard(`timer ${name}`, () => this.onTimer(name, atMs))));
        return;
      }
      case 'cancel-timer': {
        const old = this.timers.get(a.name);
        if (old !== undefined) this.clock.cancelTimer(old);
        this.timers.delete(a.name);
        return;
      }
      case 'caller-id':
        if (a.mode === 'on-hook') this.signals.onHook(a.part, a.info);
        else this.signals.offHook(a.info);
        return;
      case 'caller-id-stop':
        return this.signals.stop();
      case 'mwi-indication':
        return this.signals.messageWaiting(a.waiting);
    }
  }

  private computeStatus(): FxsPortStatus {
    const s = this.state;
    const p = s.phase;
    return {
      port: this.port,
      offHook: !isOnHook(p),
      phase: p.name,
      ...(p.name === 'dialing' ? { digits: p.digits } : {}),
      ringing: s.ringing,
      tone: s.tone,
      media: s.media,
      messageWaiting: s.mwi,
      fault: this.fault,
    };
  }

  private guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error('fxs port step failed', { port: this.port, what, err });
    }
  }
}

function sameStatus(a: FxsPortStatus, b: FxsPortStatus): boolean {
  return a.offHook === b.offHook && a.phase === b.phase && a.digits === b.digits && a.ringing === b.ringing
    && a.tone === b.tone && a.media === b.media && a.messageWaiting === b.messageWaiting && a.fault === b.fault;
}
