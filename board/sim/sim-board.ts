/**
 * `SimBoard`: the simulated board (DESIGN §7 **contract**), in process. Virtual
 * phones on its FXS ports and a virtual landline on its FXO port speak and
 * listen through the same `Board` interface and audio ports as real hardware:
 * raw timestamped events up, idempotent commands down (board/board.ts).
 *
 * - Ports 1..fxs are FXS (a `VirtualPhone` each), then the FXO ports (a
 *   `VirtualLandline` each). Every port's audio is a `ClockedAudioPort` on the
 *   given frame clock (in the app a `VirtualFrameClock` on the same Clock, in
 *   tests a `ManualFrameClock`): the phone's microphone / the landline is the
 *   capture source, the earpiece / the landline's ear the sink.
 * - Events go to the listeners synchronously, as they happen, stamped with
 *   `clock.now()`; a listener that throws is reported to `onListenerError` and
 *   the others still get the event. Effects of a command (loop current after a
 *   seizure) come on a later clock turn, never from inside the command.
 * - `phone(port)`, `landline(port)` and `state()` are the controls the web API
 *   exposes under `/api/sim`; everything they return is plain JSON.
 * - `close()` stops everything: ringers off, lines released, the audio ports
 *   closed, no more events; later commands are ignored.
 */
import type { Clock } from '../../src/clock.js';
import type { AudioPort } from '../../audio/port/audio-port.js';
import { ClockedAudioPort } from '../../audio/port/clocked-audio-port.js';
import type { FrameClock } from '../../audio/port/frame-clock.js';
import type { TonePlan } from '../../audio/tones/index.js';
import { portOf, type Board, type BoardEvent, type BoardPort } from '../board.js';
import { BoardListeners } from '../board-listeners.js';
import type { LandlineState, PhoneState, SimCallerIdStandard } from './types.js';
import { VirtualLandline } from './virtual-landline.js';
import { VirtualPhone } from './virtual-phone.js';

export interface SimBoardOptions {
  readonly clock: Clock;
  readonly frameClock: FrameClock;
  /** FXS ports (default 2). */
  readonly fxs?: number;
  /** FXO ports (default 1). */
  readonly fxo?: number;
  /** The region's call-progress tones and ring cadence. */
  readonly plan: TonePlan;
  /** Ring voltage frequency of the simulated office, Hz (default 20; 25 in most of Europe). */
  readonly ringFrequencyHz?: number;
  /** How the simulated office sends caller ID and which FSK the phones decode (default 'bell202'). */
  readonly callerIdStandard?: SimCallerIdStandard;
  /** How long the virtual phone's flash keeps the hook down, ms (default 400). */
  readonly flashMs?: number;
  /** Virtual phones' switch hooks bounce when lifted (default true). */
  readonly hookBounce?: boolean;
  /** Called with whatever an event listener throws. */
  readonly onListenerError?: (err: unknown) => void;
}

export class SimBoard implements Board {
  readonly name = 'sim';
  readonly ports: readonly BoardPort[];
  private readonly clock: Clock;
  private readonly phones = new Map<number, VirtualPhone>();
  private readonly landlines = new Map<number, VirtualLandline>();
  private readonly audioPorts = new Map<number, ClockedAudioPort>();
  private readonly listeners: BoardListeners;
  private closed = false;

  constructor(opts: SimBoardOptions) {
    const fxs = opts.fxs ?? 2;
    const fxo = opts.fxo ?? 1;
    for (const [what, n] of [['fxs', fxs], ['fxo', fxo]] as const) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number ≥ 0, got ${n}`);
    }
    this.clock = opts.clock;
    this.listeners = new BoardListeners((err) => opts.onListenerError?.(err));
    const standard = opts.callerIdStandard ?? 'bell202';
    const ports: BoardPort[] = [];
    for (let port = 1; port <= fxs; port++) {
      ports.push({ port, kind: 'fxs', polarityReversal: true, loopCurrentDetect: false });
      const phone = new VirtualPhone({
        port,
        clock: opts.clock,
        plan: opts.plan,
        callerIdStandard: standard,
        flashMs: opts.flashMs ?? 400,
        hookBounce: opts.hookBounce ?? true,
        onHookEdge: (offHook) => this.emit({ type: 'hook', port, offHook, atMs: this.clock.now() }),
      });
      this.phones.set(port, phone);
      this.audioPorts.set(port, new ClockedAudioPort({ clock: opts.frameClock, source: () => phone.micFrame(), sink: (f) => phone.lineFrame(f) }));
    }
    for (let port = fxs + 1; port <= fxs + fxo; port++) {
      ports.push({ port, kind: 'fxo', polarityReversal: false, loopCurrentDetect: true });
      const line = new VirtualLandline({
        port,
        clock: opts.clock,
        plan: opts.plan,
        ringFrequencyHz: opts.ringFrequencyHz ?? 20,
        callerIdStandard: standard,
        onEdge: (e) =>
          this.emit(
            e.type === 'ring-detect'
              ? { type: 'ring-detect', port, active: e.active, atMs: this.clock.now() }
              : { type: 'loop-current', port, present: e.present, atMs: this.clock.now() },
          ),
      });
      this.landlines.set(port, line);
      this.audioPorts.set(port, new ClockedAudioPort({ clock: opts.frameClock, source: () => line.lineFrame(), sink: (f) => line.boxFrame(f) }));
    }
    this.ports = ports;
  }

  /** The box's region changed: every virtual phone and landline takes its tones, ring and caller ID. */
  setRegion(region: { plan: TonePlan; ringFrequencyHz: number; callerIdStandard: SimCallerIdStandard }): void {
    for (const phone of this.phones.values()) phone.setRegion(region.plan, region.callerIdStandard);
    for (const line of this.landlines.values()) line.setRegion(region.plan, region.ringFrequencyHz, region.callerIdStandard);
  }

  audio(port: number): AudioPort {
    portOf(this, port);
    const a = this.audioPorts.get(port);
    if (a === undefined) throw new Error(`sim board: no audio for port ${port}`);
    return a;
  }

  onEvent(listener: (event: BoardEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  isOffHook(port: number): boolean {
    return this.phone(port).offHook;
  }

  setRinging(port: number, on: boolean, _frequencyHz?: number): void {
    const phone = this.phone(port);
    if (!this.closed) phone.setRinger(on);
  }

  setPolarity(port: number, _reversed: boolean): void {
    // A virtual phone does not care about polarity; the port is checked all the same.
    this.phone(port);
  }

  setSeized(port: number, seized: boolean): void {
    const line = this.landline(port);
    if (!this.closed) line.setSeized(seized);
  }

  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.listeners.clear();
      for (const p of this.phones.values()) p.close();
      for (const l of this.landlines.values()) l.close();
      for (const a of this.audioPorts.values()) a.close();
    }
    return Promise.resolve();
  }

  // ---- controls for the web API (DESIGN §7) ----

  /** The virtual phone on FXS port `port` (a BoardError for any other port). */
  phone(port: number): VirtualPhone {
    portOf(this, port, 'fxs');
    const p = this.phones.get(port);
    if (p === undefined) throw new Error(`sim board: no phone on port ${port}`);
    return p;
  }

  /** The virtual landline on FXO port `port` (a BoardError for any other port). */
  landline(port: number): VirtualLandline {
    portOf(this, port, 'fxo');
    const l = this.landlines.get(port);
    if (l === undefined) throw new Error(`sim board: no landline on port ${port}`);
    return l;
  }

  /** Every port's state (`GET /api/sim`). */
  state(): { fxs: PhoneState[]; fxo: LandlineState[] } {
    return { fxs: [...this.phones.values()].map((p) => p.state()), fxo: [...this.landlines.values()].map((l) => l.state()) };
  }

  /** Exceptions thrown by event listeners (and swallowed). */
  get listenerErrors(): number {
    return this.listeners.errors;
  }

  private emit(event: BoardEvent): void {
    if (!this.closed) this.listeners.emit(event);
  }
}
