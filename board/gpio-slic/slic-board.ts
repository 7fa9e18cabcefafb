/**
 * `SlicBoard`: the `gpio-slic` driver (DESIGN §4). FXS ports on AG1171-class
 * SLIC modules wired to the Pi's GPIO header, each with its own AudioPort (a USB
 * or I2S codec through ALSA in the field). Raw timestamped hook edges up,
 * idempotent commands down (board/board.ts); the GPIO work of each port is in
 * slic-port.ts.
 *
 * - Start (the constructor): every port's lines are opened (SHK, RM, F/R, PD) and
 *   its audio made. If anything fails, everything opened so far is released and
 *   a BoardError naming the line (or port) is thrown: a half-started board never
 *   holds a line.
 * - Events go to the listeners synchronously, as the GPIO layer reports them,
 *   with the edge's own timestamp. A listener that throws is logged and counted;
 *   the other listeners and the driver go on.
 * - `setRinging(port, true, hz)` makes ring voltage (RM asserted, F/R toggled at
 *   `hz`); the line logic makes the cadence by turning it on and off. An off-hook
 *   edge during a burst trips the ring at once (slic-port.ts).
 * - `close()` and `releaseOnCrash()` stop every ring timer and release every line
 *   this driver opened (RM off, F/R forward, PD asserted), close the audio ports
 *   and stop the events. Both never throw, are idempotent and are safe after any
 *   exception anywhere in the driver: a supervisor's stop calls close(), a
 *   process-level crash handler can call releaseOnCrash() synchronously. Only this
 *   driver's lines are released, never the backend's others (the gpio-daa driver
 *   may share it).
 */
import type { AudioPort } from '../../audio/port/audio-port.js';
import type { Clock } from '../../src/clock.js';
import type { Logger } from '../../src/log.js';
import { BoardError, portOf, type Board, type BoardEvent, type BoardPort } from '../board.js';
import { BoardListeners } from '../board-listeners.js';
import type { GpioBackend } from '../gpio/gpio.js';
import type { SlicPortSpec } from '../profiles/profile-types.js';
import { message, SlicPort, type SlicPortState } from './slic-port.js';

export interface SlicBoardOptions {
  readonly clock: Clock;
  readonly gpio: GpioBackend;
  readonly ports: readonly SlicPortSpec[];
  /** The port's audio (ALSA in the field, a ClockedAudioPort in tests); called once per port at start. */
  readonly audio: (spec: SlicPortSpec) => AudioPort;
  readonly log: Logger;
  /** Default ring frequency when setRinging gives none (20 Hz). */
  readonly ringFrequencyHz?: number;
}

/** Ring frequencies the driver accepts, Hz (16⅔ to 66⅔ Hz are in use; F/R is toggled by a timer). */
export const MIN_RING_HZ = 10;
export const MAX_RING_HZ = 100;

export class SlicBoard implements Board {
  readonly name = 'gpio-slic';
  readonly ports: readonly BoardPort[];
  private readonly log: Logger;
  private readonly defaultHz: number;
  private readonly slics = new Map<number, SlicPort>();
  private readonly audioPorts = new Map<number, AudioPort>();
  private readonly listeners: BoardListeners;
  private closed = false;

  constructor(opts: SlicBoardOptions) {
    this.listeners = new BoardListeners((err, event) => this.log.error('board event listener threw', { event, err: message(err) }));
    this.log = opts.log.child({ board: 'gpio-slic' });
    this.defaultHz = checkHz(opts.ringFrequencyHz ?? 20);
    this.ports = describePorts(opts.ports);
    try {
      for (const spec of opts.ports) {
        const port = spec.port;
        const slic = new SlicPort({
          spec,
          clock: opts.clock,
          gpio: opts.gpio,
          log: this.log.child({ port }),
          onHook: (offHook, atMs) => this.emit({ type: 'hook', port, offHook, atMs }),
        });
        this.slics.set(port, slic);
        this.audioPorts.set(port, makeAudio(opts.audio, spec));
      }
    } catch (err) {
      this.releaseOnCrash();
      throw err;
    }
    this.log.info('gpio-slic board started', { ports: this.ports.map((p) => p.port) });
  }

  audio(port: number): AudioPort {
    portOf(this, port);
    const a = this.audioPorts.get(port);
    if (a === undefined) throw new BoardError(`gpio-slic: no audio for port ${port}`, { port });
    return a;
  }

  onEvent(listener: (event: BoardEvent) => void): () => void {
    return this.listeners.add(listener);
  }

  isOffHook(port: number): boolean {
    return this.slic(port).isOffHook();
  }

  setRinging(port: number, on: boolean, frequencyHz?: number): void {
    const slic = this.slic(port);
    if (this.closed) return;
    if (on) slic.ring(frequencyHz === undefined ? this.defaultHz : checkHz(frequencyHz, port));
    else slic.stopRinging();
  }

  setPolarity(port: number, reversed: boolean): void {
    const slic = this.slic(port);
    if (!this.closed) slic.setPolarity(reversed);
  }

  setSeized(port: number, _seized: boolean): void {
    // Throws: every port of this board is FXS.
    portOf(this, port, 'fxo');
    throw new BoardError(`gpio-slic: port ${port} cannot be seized`, { port });
  }

  /** One port's state (for logs, diagnostics and tests). */
  portState(port: number): SlicPortState {
    return this.slic(port).state();
  }

  close(): Promise<void> {
    this.releaseOnCrash();
    return Promise.resolve();
  }

  /**
   * Synchronous, never-throwing shutdown for crash paths: ringing stopped, every
   * line released to its safe level, audio closed, no more events. Idempotent.
   */
  releaseOnCrash(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    for (const slic of this.slics.values()) {
      try {
        slic.release();
      } catch (err) {
        this.log.error('could not release port', { port: slic.port, err: message(err) });
      }
    }
    for (const [port, a] of this.audioPorts) {
      try {
        a.close();
      } catch (err) {
        this.log.error('could not close audio port', { port, err: message(err) });
      }
    }
    this.log.info('gpio-slic board stopped');
  }

  private slic(port: number): SlicPort {
    portOf(this, port, 'fxs');
    const s = this.slics.get(port);
    if (s === undefined) throw new BoardError(`gpio-slic: port ${port} is not open`, { port });
    return s;
  }

  /** Exceptions thrown by event listeners (logged and swallowed). */
  get listenerErrors(): number {
    return this.listeners.errors;
  }

  private emit(event: BoardEvent): void {
    if (!this.closed) this.listeners.emit(event);
  }
}

function describePorts(specs: readonly SlicPortSpec[]): BoardPort[] {
  const seen = new Set<number>();
  for (const s of specs) {
    if (!Number.isInteger(s.port) || s.port < 1) throw new BoardError(`gpio-slic: port numbers start at 1, got ${s.port}`, { port: s.port });
    if (seen.has(s.port)) throw new BoardError(`gpio-slic: port ${s.port} is given twice`, { port: s.port });
    seen.add(s.port);
  }
  return specs.map((s) => ({ port: s.port, kind: 'fxs', polarityReversal: true, loopCurrentDetect: false }));
}

function makeAudio(audio: (spec: SlicPortSpec) => AudioPort, spec: SlicPortSpec): AudioPort {
  try {
    return audio(spec);
  } catch (err) {
    throw new BoardError(`gpio-slic: cannot open the audio of port ${spec.port} (${spec.audio.device}): ${message(err)}`, {
      port: spec.port,
      device: spec.audio.device,
      cause: message(err),
    });
  }
}

function checkHz(hz: number, port?: number): number {
  if (!Number.isFinite(hz) || hz < MIN_RING_HZ || hz > MAX_RING_HZ) {
    throw new BoardError(`gpio-slic: ring frequency must be ${MIN_RING_HZ}–${MAX_RING_HZ} Hz, got ${hz}`, { port, frequencyHz: hz });
  }
  return hz;
}
