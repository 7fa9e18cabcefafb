/**
 * `ModemBoard`: the `usb-modem` driver (DESIGN §4 board layer). One FXO port on
 * a USB voice modem (Conexant CX93001, USR 5637, Zoom 3095…) on a serial
 * device, through the Board interface (board/board.ts).
 *
 * - The conversation is modem-session.ts (pure); this class runs it: it feeds
 *   the modem's bytes (modem-input.ts splits lines from voice data), the line's
 *   commands and the session's timer, and carries out its actions.
 * - RING: a modem reports a ring burst as one line, but the line logic
 *   (src/line/ring-detector.ts) validates raw ring-detect edges: ≥ 150 ms of
 *   edges at 15–70 Hz. Each RING therefore becomes a synthetic burst of
 *   `ringBurstMs` (500 ms) of 20 Hz edges. Its length is not the real one, so
 *   the cadence is reported as not matching the region's (the line accepts
 *   foreign cadences); RINGs come once per ring cycle, well inside the line's
 *   ring-stopped time.
 * - Caller ID: the modem decodes it; it goes up as a 'caller-id' BoardEvent.
 * - setSeized(true): answer (a RING came within 10 s: voice receive) or seize
 *   for an outgoing call (voice transmit, so the line's DTMF digits go out);
 *   full-duplex modems use AT+VTR either way. Loop current is reported present
 *   when the voice stream starts, absent on `<DLE>b`, `<DLE>h`, NO CARRIER, BUSY.
 *   setSeized(false): end the stream, ATH.
 * - Half duplex: `setVoiceDirection` (Board's optional method) switches between
 *   listening and playing (call screening: play a greeting, then record). In
 *   voice transmit the modem sends no samples and answers the end of the stream
 *   with OK, read as text (ModemInput.transmitting). `fullDuplex` says whether
 *   AT+VTR=? was accepted (logged at start-up).
 * - The device going away (a read/write error, the serial port closing, or no
 *   answer to a command after retries) → 'device-lost'; the device path is
 *   polled every `reopenMs` and, once open and initialised again,
 *   'device-restored'. A modem missing at start-up is reported lost too.
 */
import type { Logger } from '../../src/log.js';
import type { Clock, Timer } from '../../src/clock.js';
import type { AudioPort } from '../../audio/port/audio-port.js';
import { portOf, type Board, type BoardEvent, type BoardPort } from '../board.js';
import { BoardListeners } from '../board-listeners.js';
import type { ModemPortSpec } from '../profiles/profile-types.js';
import { ModemAudioPort } from './modem-audio-port.js';
import { ModemInput } from './modem-input.js';
import { createSession, sessionDeadline, sessionStep, type Direction, type ModemInfo, type SessionAction, type SessionConfig, type SessionEvent, type SessionState } from './modem-session.js';
import { findModemDevice, type ModemTransport } from './serial-transport.js';

export interface ModemBoardOptions {
  readonly clock: Clock;
  readonly port: ModemPortSpec;
  readonly transport: (path: string) => ModemTransport;
  readonly log: Logger;
  /** The device path now, or undefined while it is absent (default: findModemDevice(port.modem)). */
  readonly findDevice?: () => string | undefined;
  readonly session?: Partial<SessionConfig>;
  /** Length of the synthetic ring burst per RING, ms (default 500). */
  readonly ringBurstMs?: number;
  /** How often to look for the device while it is lost, ms (default 1000). */
  readonly reopenMs?: number;
  readonly onListenerError?: (err: unknown) => void;
}

/** Half period of the synthetic 20 Hz ring signal. */
const RING_HALF_PERIOD_MS = 25;

export class ModemBoard implements Board {
  readonly name = 'usb-modem';
  readonly ports: readonly BoardPort[];
  private readonly port: number;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly opts: ModemBoardOptions;
  private readonly audioPort: ModemAudioPort;
  private readonly input = new ModemInput();
  private readonly listeners = new BoardListeners((err) => this.listenerError(err));
  private session: SessionState;
  private transport: ModemTransport | undefined;
  private sessionTimer: Timer | undefined;
  private reopenTimer: Timer | undefined;
  private ringTimer: Timer | undefined;
  private lastRingAtMs: number | undefined;
  private lostReported = false;
  private readonly pending: SessionEvent[] = [];
  private stepping = false;
  private closed = false;
  private readyWaiters: (() => void)[] = [];
  private info: ModemInfo | undefined;

  constructor(opts: ModemBoardOptions) {
    this.opts = opts;
    this.port = opts.port.port;
    this.clock = opts.clock;
    this.log = opts.log.child({ component: 'usb-modem', port: opts.port.port });
    this.ports = [{ port: this.port, kind: 'fxo', polarityReversal: false, loopCurrentDetect: true }];
    this.session = createSession(opts.session);
    this.audioPort = new ModemAudioPort({
      clock: opts.clock,
      send: (bytes) => this.transport?.write(bytes),
      onListenerError: (err) => this.listenerError(err),
    });
    // Opened on the next clock turn: listeners subscribe after construction.
    this.reopenTimer = this.clock.setTimer(0, () => void this.connect());
  }

  /** Full duplex voice (AT+VTR) is available; false until the modem has been identified. */
  get fullDuplex(): boolean {
    return this.info?.fullDuplex ?? false;
  }

  /** What the modem said about itself at the last initialisation. */
  get modemInfo(): ModemInfo | undefined {
    return this.info;
  }

  /** Resolves when the modem is initialised (now, if it is). */
  whenReady(): Promise<void> {
    if (this.session.phase === 'ready') return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  audio(port: number): AudioPort {
    portOf(this, port);
    return this.audioPort;
  }

  onEvent(listener: (event: BoardEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  isOffHook(port: number): boolean {
    portOf(this, port, 'fxs');
    return false;
  }

  setRinging(port: number, _on: boolean, _frequencyHz?: number): void {
    portOf(this, port, 'fxs');
  }

  setPolarity(port: number, _reversed: boolean): void {
    portOf(this, port, 'fxs');
  }

  setSeized(port: number, seized: boolean): void {
    portOf(this, port, 'fxo');
    if (!this.usable()) return;
    if (seized) this.stopRingBurst();
    const answering = this.lastRingAtMs !== undefined && this.clock.now() - this.lastRingAtMs <= 10000;
    this.feed({ type: 'seize', seized, direction: answering ? 'receive' : 'transmit', atMs: this.clock.now() });
  }

  /** Dials with the modem's own DTMF (ATDT…;), seizing the line if needed. Not part of Board: the line dials with audio. */
  dial(port: number, digits: string): void {
    portOf(this, port, 'fxo');
    if (this.usable()) this.feed({ type: 'dial', digits, atMs: this.clock.now() });
  }

  /** Half duplex: listen to the line ('receive') or play toward it ('transmit'). Ignored by full-duplex modems. */
  setVoiceDirection(port: number, direction: Direction): void {
    portOf(this, port, 'fxo');
    if (this.usable()) this.feed({ type: 'direction', direction, atMs: this.clock.now() });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    const wasOffHook = this.session.offHook || this.session.stream !== 'none';
    this.closed = true;
    this.listeners.clear();
    for (const t of [this.sessionTimer, this.reopenTimer, this.ringTimer]) if (t !== undefined) this.clock.cancelTimer(t);
    this.audioPort.close();
    const t = this.transport;
    this.transport = undefined;
    if (t !== undefined) {
      // Back on hook, best effort: end any stream, then ATH.
      if (wasOffHook) t.write(Buffer.from('\x10!\r\nATH\r', 'latin1'));
      await t.close();
    }
    for (const w of this.readyWaiters) w();
    this.readyWaiters = [];
  }

  // ---- device ----

  private usable(): boolean {
    return !this.closed && (this.session.phase === 'ready' || this.session.phase === 'init');
  }

  private async connect(): Promise<void> {
    this.reopenTimer = undefined;
    if (this.closed) return;
    const path = this.opts.findDevice !== undefined ? this.opts.findDevice() : findModemDevice(this.opts.port.modem);
    if (path === undefined) {
      this.markLost('modem not found');
      return this.scheduleReopen();
    }
    const transport = this.opts.transport(path);
    try {
      await transport.open();
    } catch (err) {
      this.markLost(err instanceof Error ? err.message : String(err));
      return this.scheduleReopen();
    }
    if (this.closed) return void (await transport.close());
    this.transport = transport;
    this.input.reset();
    transport.onData((chunk) => {
      if (this.transport === transport) this.onData(chunk);
    });
    transport.onLost((reason) => {
      if (this.transport === transport) this.feed({ type: 'transport-lost', reason, atMs: this.clock.now() });
    });
    this.log.info('modem opened', { path });
    this.feed({ type: 'start', atMs: this.clock.now() });
    this.watchPresence(transport);
  }

  /**
   * The serial port does not always report a vanished device until it is written to;
   * an unplugged USB modem's device node goes away at once, so look for it every second.
   */
  private watchPresence(transport: ModemTransport): void {
    const check = (): void => {
      if (this.closed || this.transport !== transport) return;
      const present = (this.opts.findDevice ?? (() => findModemDevice(this.opts.port.modem)))() !== undefined;
      if (!present) {
        this.feed({ type: 'transport-lost', reason: 'the modem\'s device is gone (unplugged?)', atMs: this.clock.now() });
        return;
      }
      this.clock.setTimer(this.opts.reopenMs ?? 1000, check);
    };
    this.clock.setTimer(this.opts.reopenMs ?? 1000, check);
  }

  private scheduleReopen(): void {
    if (this.closed || this.reopenTimer !== undefined) return;
    this.reopenTimer = this.clock.setTimer(this.opts.reopenMs ?? 1000, () => void this.connect());
  }

  private markLost(reason: string): void {
    if (this.lostReported) return;
    this.lostReported = true;
    this.log.warn('modem lost', { reason });
    this.emit({ type: 'device-lost', port: this.port, reason, atMs: this.clock.now() });
  }

  private onData(chunk: Uint8Array): void {
    const now = this.clock.now();
    for (const item of this.input.push(chunk)) {
      switch (item.type) {
        case 'line':
          this.log.trace('modem says', { line: item.text });
          this.feed({ type: 'line', text: item.text, atMs: now });
          break;
        case 'code':
          this.feed({ type: 'code', code: item.code, meaning: item.meaning, atMs: now });
          break;
        case 'data':
          this.audioPort.received(item.bytes);
          break;
        case 'end':
          this.feed({ type: 'stream-end', atMs: now });
          break;
      }
    }
  }

  // ---- the session ----

  /** Handles inputs one at a time; an input given while acting on another (a listener's command) waits its turn. */
  private feed(event: SessionEvent): void {
    if (this.closed) return;
    this.pending.push(event);
    if (this.stepping) return;
    this.stepping = true;
    try {
      for (let e = this.pending.shift(); e !== undefined && !this.closed; e = this.pending.shift()) {
        const r = sessionStep(this.session, e);
        this.session = r.state;
        for (const a of r.actions) this.act(a);
      }
    } finally {
      this.stepping = false;
      this.pending.length = 0;
    }
    this.armSessionTimer();
  }

  private armSessionTimer(): void {
    if (this.sessionTimer !== undefined) this.clock.cancelTimer(this.sessionTimer);
    this.sessionTimer = undefined;
    const due = sessionDeadline(this.session);
    if (due === undefined || this.closed) return;
    this.sessionTimer = this.clock.setTimer(Math.max(0, due - this.clock.now()), () => {
      this.sessionTimer = undefined;
      this.feed({ type: 'tick', atMs: this.clock.now() });
    });
  }

  private act(a: SessionAction): void {
    const now = this.clock.now();
    switch (a.type) {
      case 'send':
        this.log.trace('to modem', { command: a.what });
        this.transport?.write(a.bytes);
        return;
      case 'ring':
        this.lastRingAtMs = now;
        this.startRingBurst();
        return;
      case 'caller-id':
        this.emit({ type: 'caller-id', port: this.port, info: a.info, atMs: now });
        return;
      case 'ready':
        this.info = a.info;
        this.log.info('modem ready', { ...a.info.identity, fullDuplex: a.info.fullDuplex, voiceFormat: a.info.format?.encoding ?? 'none' });
        if (a.info.format === undefined) this.log.warn('the modem offers no 8 kHz voice format we can use: no audio');
        if (this.lostReported) {
          this.lostReported = false;
          this.emit({ type: 'device-restored', port: this.port, atMs: now });
        }
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      case 'lost': {
        this.stopRingBurst();
        const t = this.transport;
        this.transport = undefined;
        if (t !== undefined) void t.close();
        this.markLost(a.reason);
        this.scheduleReopen();
        return;
      }
      case 'stream':
        // A half-duplex modem in voice transmit sends no samples; it answers the end of the stream with OK, as text.
        if (a.mode === 'transmit') this.input.transmitting();
        this.audioPort.setStream(a.mode, a.format?.encoding);
        return;
      case 'loop':
        this.emit({ type: 'loop-current', port: this.port, present: a.present, atMs: now });
        return;
      case 'dtmf':
        this.log.debug('DTMF from the line', { digit: a.digit });
        return;
      case 'notice':
        this.log[a.level](a.msg, a.fields);
        return;
    }
  }

  // ---- ring ----

  private startRingBurst(): void {
    if (this.ringTimer !== undefined) return;
    const edges = 2 * Math.max(4, Math.round((this.opts.ringBurstMs ?? 500) / (2 * RING_HALF_PERIOD_MS)));
    const edge = (i: number): void => {
      this.ringTimer = undefined;
      this.emit({ type: 'ring-detect', port: this.port, active: i % 2 === 0, atMs: this.clock.now() });
      if (i + 1 < edges) this.ringTimer = this.clock.setTimer(RING_HALF_PERIOD_MS, () => edge(i + 1));
    };
    edge(0);
  }

  private stopRingBurst(): void {
    if (this.ringTimer === undefined) return;
    this.clock.cancelTimer(this.ringTimer);
    this.ringTimer = undefined;
    this.emit({ type: 'ring-detect', port: this.port, active: false, atMs: this.clock.now() });
  }

  private emit(event: BoardEvent): void {
    if (!this.closed) this.listeners.emit(event);
  }

  private listenerError(err: unknown): void {
    if (this.opts.onListenerError !== undefined) this.opts.onListenerError(err);
    else this.log.error('a board event listener failed', { err });
  }
}
