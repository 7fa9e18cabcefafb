/**
 * `DaaBoard`: the `gpio-daa` board driver (DESIGN §4 board layer): FXO ports on
 * LITELINK CPC5622-class DAA modules wired to the Pi's GPIO header (hook relay
 * out; ring detect, and optionally loop current, polarity and line-in-use in),
 * with each port's audio through a codec (ALSA in the field). It implements the
 * `Board` interface (board/board.ts): raw timestamped events up, idempotent
 * commands down, one AudioPort per port. What each line means is in daa-port.ts.
 *
 * Life cycle:
 * - `new DaaBoard(opts)` checks the port specs (a BoardError for a spec that is
 *   not a gpio-daa FXO port, or a port number used twice) and opens nothing.
 * - `start()` opens every port's GPIO lines (hook relay on hook first), then
 *   each port's audio. If anything fails, everything opened so far is released
 *   (relays on hook), and a BoardError names the port and the line
 *   (`DaaLineError`) or the audio device; the board is then closed.
 * - `close()` puts every relay on hook, frees every GPIO line this board opened
 *   (only those: a GPIO backend may be shared with other drivers, so not
 *   `releaseAll()`), closes the audio ports and stops all events. Idempotent;
 *   commands after it are ignored.
 *
 * Events are delivered synchronously as the GPIO edges arrive, stamped with the
 * edge's own time (so a loop-current drop carries the moment it was seen, with
 * no polling delay). A listener that throws is logged and the others still get
 * the event. Each listener also gets, on the clock turn after it subscribes (or
 * after `start()`), the line state it needs as a baseline (daa-port.ts
 * `snapshot`): the polarity, and line-in-use when another device holds the line.
 *
 * A relay that cannot be driven (the GPIO chip gone) makes the port lost: a
 * `device-lost` event, and later commands for it are ignored (board.ts).
 * The FXS commands (`isOffHook`, `setRinging`, `setPolarity`) throw a BoardError:
 * every port of this board is FXO.
 */
import type { AudioPort } from '../../audio/port/audio-port.js';
import type { Clock, Timer } from '../../src/clock.js';
import { toError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { BoardError, portOf, type Board, type BoardEvent, type BoardPort } from '../board.js';
import type { GpioBackend } from '../gpio/gpio.js';
import type { DaaPortSpec } from '../profiles/profile-types.js';
import { DaaPortLines } from './daa-port.js';

export interface DaaBoardOptions {
  readonly clock: Clock;
  readonly gpio: GpioBackend;
  readonly ports: readonly DaaPortSpec[];
  /** The port's audio: ALSA in the field, a ClockedAudioPort in tests. Called by `start()`. */
  readonly audio: (spec: DaaPortSpec) => AudioPort;
  readonly log: Logger;
  /** line-in-use settling time after a release, ms (daa-port.ts LINE_SETTLE_MS). */
  readonly lineSettleMs?: number;
}

type Listener = (event: BoardEvent) => void;

export class DaaBoard implements Board {
  readonly name = 'gpio-daa';
  readonly ports: readonly BoardPort[];
  /** Exceptions thrown by event listeners (logged and swallowed). */
  listenerErrors = 0;
  private readonly opts: DaaBoardOptions;
  private readonly log: Logger;
  private readonly lines = new Map<number, DaaPortLines>();
  private readonly audioPorts = new Map<number, AudioPort>();
  private readonly lost = new Set<number>();
  private listeners: Listener[] = [];
  /** Listeners still owed their baseline (`snapshot`). */
  private readonly needBaseline = new Set<Listener>();
  private baselineTimer: Timer | undefined;
  private phase: 'new' | 'started' | 'closed' = 'new';

  constructor(opts: DaaBoardOptions) {
    this.opts = opts;
    this.log = opts.log.child({ board: 'gpio-daa' });
    const seen = new Set<number>();
    const ports: BoardPort[] = [];
    for (const spec of opts.ports) {
      const raw: { port: unknown; kind: unknown; driver: unknown } = spec;
      if (raw.kind !== 'fxo' || raw.driver !== 'gpio-daa') {
        throw new BoardError(`port ${String(raw.port)} is not a gpio-daa FXO port (kind ${String(raw.kind)}, driver ${String(raw.driver)})`, { port: raw.port });
      }
      if (!Number.isInteger(spec.port) || spec.port < 1) throw new BoardError(`gpio-daa port numbers start at 1, got ${spec.port}`, { port: spec.port });
      if (seen.has(spec.port)) throw new BoardError(`gpio-daa port ${spec.port} is listed twice`, { port: spec.port });
      seen.add(spec.port);
      ports.push({ port: spec.port, kind: 'fxo', polarityReversal: false, loopCurrentDetect: spec.gpio.loopCurrent !== undefined });
    }
    this.ports = ports;
  }

  /**
   * Opens the GPIO lines and the audio of every port. Throws a BoardError naming
   * what failed, after releasing everything opened (the board is closed then).
   */
  start(): void {
    if (this.phase !== 'new') throw new BoardError(`the gpio-daa board is ${this.phase === 'started' ? 'already started' : 'closed'}`);
    try {
      for (const spec of this.opts.ports) {
        const lines = new DaaPortLines({
          spec,
          gpio: this.opts.gpio,
          clock: this.opts.clock,
          log: this.log,
          emit: (e) => this.emit(e),
          ...(this.opts.lineSettleMs !== undefined ? { settleMs: this.opts.lineSettleMs } : {}),
        });
        lines.open();
        this.lines.set(spec.port, lines);
      }
      for (const spec of this.opts.ports) this.audioPorts.set(spec.port, this.openAudio(spec));
    } catch (err) {
      this.log.error('gpio-daa board failed to start; every line released', { err: toError(err).message });
      this.shutdown();
      throw err;
    }
    this.phase = 'started';
    for (const l of this.listeners) this.needBaseline.add(l);
    this.scheduleBaseline();
    this.log.info('gpio-daa board started', { ports: this.ports.map((p) => p.port).join(' ') });
  }

  audio(port: number): AudioPort {
    portOf(this, port);
    const a = this.audioPorts.get(port);
    if (a === undefined) throw new BoardError(`the gpio-daa board is ${this.phase === 'closed' ? 'closed' : 'not started'}`, { port });
    return a;
  }

  onEvent(listener: (event: BoardEvent) => void): () => void {
    if (this.phase === 'closed') return () => {};
    const entry: Listener = (e) => listener(e);
    this.listeners = [...this.listeners, entry];
    if (this.phase === 'started') {
      this.needBaseline.add(entry);
      this.scheduleBaseline();
    }
    return () => {
      this.listeners = this.listeners.filter((l) => l !== entry);
      this.needBaseline.delete(entry);
    };
  }

  isOffHook(port: number): boolean {
    return this.fxsOnly(port, 'isOffHook');
  }

  setRinging(port: number, _on: boolean, _frequencyHz?: number): void {
    this.fxsOnly(port, 'setRinging');
  }

  setPolarity(port: number, _reversed: boolean): void {
    this.fxsOnly(port, 'setPolarity');
  }

  setSeized(port: number, seized: boolean): void {
    portOf(this, port, 'fxo');
    if (this.phase === 'closed' || this.lost.has(port)) return;
    const lines = this.lines.get(port);
    if (this.phase !== 'started' || lines === undefined) throw new BoardError('the gpio-daa board is not started', { port });
    try {
      lines.setSeized(seized);
    } catch (err) {
      const reason = `cannot drive the hook relay: ${toError(err).message}`;
      this.log.error('gpio-daa port lost', { port, reason });
      this.lost.add(port);
      this.emit({ type: 'device-lost', port, reason, atMs: this.opts.clock.now() });
    }
  }

  /** Whether the port's hook relay is asserted (the landline is seized). */
  isSeized(port: number): boolean {
    portOf(this, port, 'fxo');
    return this.lines.get(port)?.isSeized === true;
  }

  close(): Promise<void> {
    if (this.phase !== 'closed') this.shutdown();
    return Promise.resolve();
  }

  // ---- internals ----

  private shutdown(): void {
    this.phase = 'closed';
    this.listeners = [];
    this.needBaseline.clear();
    if (this.baselineTimer !== undefined) this.opts.clock.cancelTimer(this.baselineTimer);
    this.baselineTimer = undefined;
    // Relays on hook and lines freed first: never leave the landline seized, whatever the audio does.
    for (const lines of this.lines.values()) lines.close();
    this.lines.clear();
    for (const [port, audio] of this.audioPorts) {
      try {
        audio.close();
      } catch (err) {
        this.log.error('cannot close a port audio', { port, err: toError(err).message });
      }
    }
    this.audioPorts.clear();
  }

  private openAudio(spec: DaaPortSpec): AudioPort {
    try {
      return this.opts.audio(spec);
    } catch (err) {
      throw new BoardError(`gpio-daa port ${spec.port}: cannot open the audio device ${spec.audio.device}: ${toError(err).message}`, {
        port: spec.port,
        device: spec.audio.device,
      });
    }
  }

  private fxsOnly(port: number, what: string): never {
    portOf(this, port, 'fxs');
    // Not reached: every port of this board is FXO, so portOf has thrown.
    throw new BoardError(`${what}: port ${port} is not an FXS port`, { port });
  }

  private scheduleBaseline(): void {
    if (this.baselineTimer !== undefined || this.needBaseline.size === 0) return;
    this.baselineTimer = this.opts.clock.setTimer(0, () => {
      this.baselineTimer = undefined;
      if (this.phase !== 'started') return;
      const events = [...this.lines.values()].flatMap((l) => l.snapshot());
      const owed = [...this.needBaseline];
      this.needBaseline.clear();
      for (const l of owed) for (const e of events) this.deliver(l, e);
    });
  }

  private emit(event: BoardEvent): void {
    if (this.phase === 'closed') return;
    for (const l of this.listeners) this.deliver(l, event);
  }

  private deliver(listener: Listener, event: BoardEvent): void {
    if (this.phase === 'closed' || !this.listeners.includes(listener)) return;
    try {
      listener(event);
    } catch (err) {
      this.listenerErrors++;
      const e = toError(err);
      this.log.error('board event listener threw', { event: event.type, port: 'port' in event ? event.port : undefined, err: e.message, stack: e.stack });
    }
  }
}
