/**
 * One FXS port on an AG1171-class SLIC module: its GPIO lines and what the
 * driver does with them (board/gpio-slic/slic-board.ts builds one per port).
 *
 * - SHK (input, both edges): asserted while the phone is off hook. Every edge is
 *   handed on raw with the time the backend saw it; dial pulses and contact
 *   bounce included (src/line debounces and decodes).
 * - RM (output): ring mode. Asserted for the whole ring burst.
 * - F/R (output): forward/reverse. While ringing it is toggled every half period
 *   of the ring frequency (20 Hz → every 25 ms), which the module turns into the
 *   ring voltage; otherwise it is held at the port's polarity (0 forward, 1
 *   reversed).
 * - PD (optional output): power down; de-asserted while the driver runs, its
 *   safe level (released, crashed) is asserted.
 *
 * Ringing: `ring(hz)` asserts RM and starts toggling F/R on the injected Clock,
 * each toggle scheduled from the burst's start (start + n·half period) so timer
 * lateness does not pile up into a lower frequency. `stopRinging()` stops at
 * once: the toggle timer is cancelled, F/R goes back to the polarity level and RM
 * is de-asserted (in that order: F/R stops moving before the module leaves ring
 * mode). Ring trip: an off-hook edge during a burst stops the ring voltage at
 * once, before the hook event is reported; the burst stays stopped until the
 * line logic turns ringing off and on again, so a lifting handset's bounce never
 * gets ring voltage again.
 *
 * Sources: the AG1171 datasheet's pin functions (SHK, RM, F/R, PD) and its
 * ringing method (RM high, F/R toggled at the ring frequency); DESIGN.md §4.
 */
import type { Clock, Timer } from '../../src/clock.js';
import type { Logger } from '../../src/log.js';
import { describeLine, type GpioBackend, type GpioInput, type GpioLineSpec, type GpioOutput, type Level } from '../gpio/gpio.js';
import type { SlicPortSpec } from '../profiles/profile-types.js';
import { BoardError } from '../board.js';

export type SlicLineRole = 'shk' | 'rm' | 'fr' | 'pd';

/** The opened lines of one port; `undefined` for a PD the profile does not have. */
interface SlicLines {
  shk: GpioInput;
  rm: GpioOutput;
  fr: GpioOutput;
  pd: GpioOutput | undefined;
}

export interface SlicPortOptions {
  readonly spec: SlicPortSpec;
  readonly clock: Clock;
  readonly gpio: GpioBackend;
  readonly log: Logger;
  /** Called with every raw SHK edge, after ring trip has been handled. */
  readonly onHook: (offHook: boolean, atMs: number) => void;
}

/** What one port is doing, for logs and tests. */
export interface SlicPortState {
  readonly offHook: boolean;
  /** The line logic asked for ringing (and has not turned it off). */
  readonly ringRequested: boolean;
  /** Ring voltage is being made now (false after a ring trip). */
  readonly ringing: boolean;
  readonly frequencyHz: number | undefined;
  readonly reversed: boolean;
}

export class SlicPort {
  readonly port: number;
  private readonly spec: SlicPortSpec;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly onHook: (offHook: boolean, atMs: number) => void;
  private readonly lines: SlicLines;
  private unsubscribeShk: (() => void) | undefined;
  private reversed = false;
  private requested = false;
  private ringing = false;
  private hz: number | undefined;
  private burstStart = 0;
  private toggles = 0;
  private frLevel: Level = 0;
  private timer: Timer | undefined;
  private lastOffHook: boolean;
  private released = false;

  /**
   * Opens the port's lines (SHK, RM, F/R, PD). If one cannot be opened, the ones
   * already opened are released and a BoardError naming the line is thrown.
   */
  constructor(opts: SlicPortOptions) {
    this.spec = opts.spec;
    this.port = opts.spec.port;
    this.clock = opts.clock;
    this.log = opts.log;
    this.onHook = opts.onHook;
    const opened: (GpioInput | GpioOutput)[] = [];
    const open = <T extends GpioInput | GpioOutput>(role: SlicLineRole, spec: GpioLineSpec, how: (s: GpioLineSpec) => T): T => {
      try {
        const line = how(spec);
        opened.push(line);
        return line;
      } catch (err) {
        for (const l of opened.reverse()) releaseQuietly(l, this.log);
        throw new BoardError(`gpio-slic: cannot open ${role.toUpperCase()} line ${describeLine(spec)} of port ${this.port}: ${message(err)}`, {
          port: this.port,
          role,
          line: describeLine(spec),
          cause: message(err),
        });
      }
    };
    const g = opts.spec.gpio;
    const shk = open('shk', g.shk, (s) => opts.gpio.input(s, 'both'));
    // Outputs start at their quiet levels: not ringing, forward polarity, powered up.
    const rm = open('rm', g.rm, (s) => opts.gpio.output(s, { initial: 0, safe: 0 }));
    const fr = open('fr', g.fr, (s) => opts.gpio.output(s, { initial: 0, safe: 0 }));
    const pd = g.pd === undefined ? undefined : open('pd', g.pd, (s) => opts.gpio.output(s, { initial: 0, safe: 1 }));
    this.lines = { shk, rm, fr, pd };
    try {
      this.lastOffHook = shk.read() === 1;
      this.unsubscribeShk = shk.onEdge((value, atMs) => this.shkEdge(value, atMs));
    } catch (err) {
      this.release();
      throw new BoardError(`gpio-slic: cannot watch SHK line ${describeLine(g.shk)} of port ${this.port}: ${message(err)}`, {
        port: this.port,
        role: 'shk',
        line: describeLine(g.shk),
        cause: message(err),
      });
    }
  }

  /** The raw hook state: SHK now (the last one seen once released). */
  isOffHook(): boolean {
    if (this.released) return this.lastOffHook;
    this.lastOffHook = this.lines.shk.read() === 1;
    return this.lastOffHook;
  }

  /** Ring voltage at `hz`; idempotent (a new frequency takes effect from now). */
  ring(hz: number): void {
    if (this.released) return;
    if (this.requested && this.hz === hz) return;
    const wasRequested = this.requested;
    this.requested = true;
    this.hz = hz;
    if (wasRequested && !this.ringing) return; // tripped: stays quiet until rung again
    if (!wasRequested && this.isOffHook()) {
      // Never put ring voltage on an off-hook handset: the ring is tripped before it starts.
      this.log.info('ring requested while off hook: not ringing', { port: this.port });
      return;
    }
    this.ringing = true;
    this.burstStart = this.clock.now();
    this.toggles = 0;
    this.cancelTimer();
    this.command('ring', () => {
      this.lines.rm.write(1);
      this.scheduleToggle();
    });
  }

  /** Ring voltage off at once: F/R back to the polarity level, RM de-asserted. Idempotent. */
  stopRinging(): void {
    this.requested = false;
    this.hz = undefined;
    this.command('stop ringing', () => this.quiet());
  }

  /** Normal (false) or reversed (true) polarity; applied to F/R at once unless ringing. */
  setPolarity(reversed: boolean): void {
    if (this.released) return;
    this.reversed = reversed;
    if (!this.ringing) this.command('set polarity', () => this.writeFr(this.polarityLevel()));
  }

  state(): SlicPortState {
    return { offHook: this.isOffHook(), ringRequested: this.requested, ringing: this.ringing, frequencyHz: this.hz, reversed: this.reversed };
  }

  /**
   * Stops the ring timer and frees every line: outputs to their safe levels (RM
   * off, F/R forward, PD asserted). Never throws; safe after any fault. Idempotent.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.cancelTimer();
    this.ringing = false;
    this.requested = false;
    try {
      this.unsubscribeShk?.();
    } catch (err) {
      this.log.warn('could not unsubscribe SHK', { port: this.port, err: message(err) });
    }
    this.unsubscribeShk = undefined;
    // RM first: whatever else fails, the module leaves ring mode.
    const outputs: [SlicLineRole, GpioOutput | undefined, Level][] = [
      ['rm', this.lines.rm, 0],
      ['fr', this.lines.fr, 0],
      ['pd', this.lines.pd, 1],
    ];
    for (const [role, line, safe] of outputs) {
      if (line === undefined) continue;
      try {
        line.write(safe);
      } catch (err) {
        this.log.error('could not set line to its safe level', { port: this.port, role, err: message(err) });
      }
      releaseQuietly(line, this.log);
    }
    releaseQuietly(this.lines.shk, this.log);
  }

  // ---- internals ----

  private shkEdge(value: Level, atMs: number): void {
    if (this.released) return;
    const offHook = value === 1;
    this.lastOffHook = offHook;
    if (offHook && this.ringing) {
      // Ring trip: the handset is lifted while ring voltage is on; stop it now.
      this.log.info('ring trip', { port: this.port, atMs });
      this.safely(() => this.quiet());
    }
    this.onHook(offHook, atMs);
  }

  /** Stops the ring voltage without changing what the line logic asked for. */
  private quiet(): void {
    const wasRinging = this.ringing;
    this.ringing = false;
    this.cancelTimer();
    if (this.released || !wasRinging) return;
    this.writeFr(this.polarityLevel());
    this.lines.rm.write(0);
  }

  private scheduleToggle(): void {
    const hz = this.hz;
    if (hz === undefined) return;
    const halfMs = 500 / hz;
    const due = this.burstStart + (this.toggles + 1) * halfMs;
    this.timer = this.clock.setTimer(Math.max(0, due - this.clock.now()), () => {
      this.timer = undefined;
      if (!this.ringing || this.released) return;
      this.safely(() => {
        this.toggles++;
        this.writeFr(this.frLevel === 1 ? 0 : 1);
        this.scheduleToggle();
      });
    });
  }

  /** Runs a step of the driver (timer, edge); a fault is logged and leaves the port quiet (not ringing). */
  private safely(step: () => void): void {
    try {
      step();
    } catch (err) {
      this.fault(err);
    }
  }

  /** Runs a command's GPIO writes; a fault leaves the port quiet and is thrown as a BoardError. */
  private command(what: string, step: () => void): void {
    try {
      step();
    } catch (err) {
      this.fault(err);
      throw new BoardError(`gpio-slic: cannot ${what} on port ${this.port}: ${message(err)}`, { port: this.port, cause: message(err) });
    }
  }

  /** A GPIO operation failed: stop ringing whatever else happens (RM de-asserted if at all possible). */
  private fault(err: unknown): void {
    this.log.error('gpio-slic port fault: ringing stopped', { port: this.port, err: message(err) });
    this.ringing = false;
    this.cancelTimer();
    try {
      if (!this.released) this.lines.rm.write(0);
    } catch (err2) {
      this.log.error('could not de-assert RM', { port: this.port, err: message(err2) });
    }
  }

  private writeFr(level: Level): void {
    this.frLevel = level;
    this.lines.fr.write(level);
  }

  private polarityLevel(): Level {
    return this.reversed ? 1 : 0;
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
  }
}

function releaseQuietly(line: GpioInput | GpioOutput, log: Logger): void {
  try {
    line.release();
  } catch (err) {
    log.error('could not release GPIO line', { err: message(err) });
  }
}

export function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
