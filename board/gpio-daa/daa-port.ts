/**
 * One FXO port of the `gpio-daa` board (daa-board.ts): the GPIO lines of a
 * LITELINK CPC5622-class DAA module and what their edges mean, as raw board
 * events (board/board.ts). Nothing is debounced or validated here: ring cadence,
 * loop-drop timing and polarity policy live in src/line.
 *
 * Lines (board/profiles/profile-types.ts DaaPortSpec; values are logical, the
 * profile's `activeLow` inverts):
 * - hook (out): asserted takes the line off hook (seize). Opened on hook, and
 *   its safe level is on hook, so a release, a close or a crash never leaves the
 *   landline seized.
 * - ring (in, both edges): every edge is a `ring-detect` event with the edge's
 *   time (during a ring burst the output follows the ring voltage, once per cycle).
 * - loopCurrent (in, optional): `loop-current` events only while seized, each
 *   edge reported at once with its own time (a drop is the CPC disconnect
 *   signal). Repeats of the last reported value are dropped. If the line already
 *   shows loop current on the clock turn after a seize (no edge will come), that
 *   is reported then.
 * - polarity (in, optional): every edge is a `line-polarity` event, seized or not.
 * - lineInUse (in, optional): `line-in-use` events only while on hook: seizing
 *   drops the line voltage ourselves, so the input means nothing while seized and
 *   for `settleMs` after a release (the voltage recovering); at the end of that
 *   window the level is compared with the last report and any change reported.
 *
 * Baseline: `snapshot()` gives the line state a new listener needs to judge the
 * next edge (src/line only acts on a polarity *change*): the polarity, and
 * line-in-use when asserted while on hook.
 */
import type { Clock, Timer } from '../../src/clock.js';
import { toError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { BoardError, type BoardEvent } from '../board.js';
import { describeLine, type GpioBackend, type GpioInput, type GpioLineSpec, type GpioOutput, type Level } from '../gpio/gpio.js';
import type { DaaPortSpec } from '../profiles/profile-types.js';

/** After a release, line-in-use edges are ignored this long (the line voltage recovering from our own loop), ms. */
export const LINE_SETTLE_MS = 100;

/** The names the lines go by in messages, as in the profile. */
export type DaaLineName = 'hook' | 'ring' | 'loopCurrent' | 'polarity' | 'lineInUse';

export interface DaaPortLinesOptions {
  readonly spec: DaaPortSpec;
  readonly gpio: GpioBackend;
  readonly clock: Clock;
  /** Delivers an event to the board's listeners (the board drops it once closed). */
  readonly emit: (event: BoardEvent) => void;
  readonly log: Logger;
  /** line-in-use settling time after a release, ms (default LINE_SETTLE_MS). */
  readonly settleMs?: number;
}

type InputName = Exclude<DaaLineName, 'hook'>;

export class DaaPortLines {
  readonly port: number;
  private readonly spec: DaaPortSpec;
  private readonly gpio: GpioBackend;
  private readonly clock: Clock;
  private readonly emit: (event: BoardEvent) => void;
  private readonly log: Logger;
  private readonly settleMs: number;
  private hook: GpioOutput | undefined;
  private readonly inputs = new Map<InputName, GpioInput>();
  private readonly unsubscribe: (() => void)[] = [];
  private readonly timers = new Set<Timer>();
  private seized = false;
  /** Loop current last reported since the seize (undefined: nothing yet). */
  private loopReported: boolean | undefined;
  /** Line-in-use last reported. */
  private inUseReported = false;
  /** line-in-use edges are not reported before this time (after a release). */
  private settledAtMs = Number.NEGATIVE_INFINITY;
  private closed = false;

  constructor(opts: DaaPortLinesOptions) {
    this.port = opts.spec.port;
    this.spec = opts.spec;
    this.gpio = opts.gpio;
    this.clock = opts.clock;
    this.emit = opts.emit;
    this.log = opts.log;
    this.settleMs = opts.settleMs ?? LINE_SETTLE_MS;
  }

  /** The hook relay is asserted (the line is seized). */
  get isSeized(): boolean {
    return this.seized;
  }

  /**
   * Opens the port's lines: the hook relay on hook, then the inputs. On a failure
   * every line already opened is released and a BoardError names the line.
   */
  open(): void {
    const g = this.spec.gpio;
    try {
      this.hook = this.openLine('hook', g.hook, (spec) => this.gpio.output(spec, { initial: 0, safe: 0 }));
      this.openInput('ring', g.ring, (value, atMs) => this.emit({ type: 'ring-detect', port: this.port, active: value === 1, atMs }));
      this.openInput('loopCurrent', g.loopCurrent, (value, atMs) => this.onLoopCurrent(value, atMs));
      this.openInput('polarity', g.polarity, (value, atMs) => this.emit({ type: 'line-polarity', port: this.port, reversed: value === 1, atMs }));
      this.openInput('lineInUse', g.lineInUse, (value, atMs) => this.onLineInUse(value, atMs));
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** Seizes (true) or releases (false) the line; idempotent. Throws GpioError when the relay cannot be driven. */
  setSeized(seized: boolean): void {
    if (this.closed || this.hook === undefined || seized === this.seized) return;
    this.hook.write(seized ? 1 : 0);
    this.seized = seized;
    if (seized) {
      this.loopReported = undefined;
      // Loop current takes a few ms to build after the relay closes (an edge); if it is already there, say so.
      this.after(0, () => {
        const loop = this.inputs.get('loopCurrent');
        if (this.seized && this.loopReported === undefined && loop !== undefined && loop.read() === 1) this.reportLoop(true, this.clock.now());
      });
    } else {
      this.loopReported = undefined;
      this.settledAtMs = this.clock.now() + this.settleMs;
      if (this.inputs.has('lineInUse')) this.after(this.settleMs, () => this.recheckLineInUse());
    }
  }

  /** The current line state a new listener needs as a baseline (polarity; line-in-use when asserted on hook). */
  snapshot(): BoardEvent[] {
    if (this.closed) return [];
    const atMs = this.clock.now();
    const out: BoardEvent[] = [];
    const polarity = this.inputs.get('polarity');
    if (polarity !== undefined) out.push({ type: 'line-polarity', port: this.port, reversed: polarity.read() === 1, atMs });
    if (this.onHookSettled(atMs) && this.inUseReported) out.push({ type: 'line-in-use', port: this.port, inUse: true, atMs });
    return out;
  }

  /** Stops the edges and timers, puts the relay on hook and frees every line this port opened. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) this.clock.cancelTimer(t);
    this.timers.clear();
    for (const off of this.unsubscribe.splice(0)) off();
    const hook = this.hook;
    this.hook = undefined;
    if (hook !== undefined) {
      // release() puts it at its safe level (on hook) too; writing first makes the intent explicit.
      this.safely('hook', () => hook.write(0));
      this.safely('hook', () => hook.release());
    }
    for (const [name, input] of this.inputs) this.safely(name, () => input.release());
    this.inputs.clear();
    this.seized = false;
  }

  // ---- internals ----

  private onLoopCurrent(value: Level, atMs: number): void {
    if (!this.seized) return;
    this.reportLoop(value === 1, atMs);
  }

  private reportLoop(present: boolean, atMs: number): void {
    if (this.loopReported === present) return;
    this.loopReported = present;
    this.emit({ type: 'loop-current', port: this.port, present, atMs });
  }

  private onLineInUse(value: Level, atMs: number): void {
    if (!this.onHookSettled(atMs)) return;
    this.reportInUse(value === 1, atMs);
  }

  private recheckLineInUse(): void {
    const input = this.inputs.get('lineInUse');
    const now = this.clock.now();
    if (input === undefined || !this.onHookSettled(now)) return;
    this.reportInUse(input.read() === 1, now);
  }

  private reportInUse(inUse: boolean, atMs: number): void {
    if (this.inUseReported === inUse) return;
    this.inUseReported = inUse;
    this.emit({ type: 'line-in-use', port: this.port, inUse, atMs });
  }

  private onHookSettled(atMs: number): boolean {
    return !this.seized && atMs >= this.settledAtMs;
  }

  private openInput(name: InputName, spec: GpioLineSpec | undefined, onEdge: (value: Level, atMs: number) => void): void {
    if (spec === undefined) return;
    const input = this.openLine(name, spec, (s) => this.gpio.input(s, 'both'));
    this.inputs.set(name, input);
    this.unsubscribe.push(
      input.onEdge((value, atMs) => {
        if (!this.closed) onEdge(value, atMs);
      }),
    );
    if (name === 'lineInUse' && input.read() === 1) this.inUseReported = true;
  }

  private openLine<T>(name: DaaLineName, spec: GpioLineSpec, open: (spec: GpioLineSpec) => T): T {
    try {
      return open(spec);
    } catch (err) {
      throw new DaaLineError(this.port, name, spec, err);
    }
  }

  /** Runs a release step; a line that cannot be released must not keep the others open. */
  private safely(name: DaaLineName, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error('cannot release a GPIO line', { port: this.port, line: name, err: toError(err).message });
    }
  }

  private after(ms: number, fn: () => void): void {
    const timer = this.clock.setTimer(ms, () => {
      this.timers.delete(timer);
      if (!this.closed) fn();
    });
    this.timers.add(timer);
  }
}

/** A line of a port could not be opened; `line` names it as the profile does, `gpio` as "chip:offset". */
export class DaaLineError extends BoardError {
  readonly line: DaaLineName;

  constructor(port: number, line: DaaLineName, spec: GpioLineSpec, cause: unknown) {
    const gpio = describeLine(spec);
    super(`gpio-daa port ${port}: cannot open the ${line} line (${gpio}): ${toError(cause).message}`, { port, line, gpio });
    this.line = line;
    this.cause = cause;
  }
}
