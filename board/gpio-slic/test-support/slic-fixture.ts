/**
 * Test fixture for the gpio-slic driver: two SLIC ports on fake GPIO lines, a
 * FakeClock, ClockedAudioPorts on a ManualFrameClock and a MemoryLogger, plus
 * helpers that measure what the fake GPIO layer recorded (F/R toggle intervals,
 * RM on/off spans).
 */
import { ClockedAudioPort, ManualFrameClock } from '../../../audio/port/audio-port.js';
import { FakeClock } from '../../../src/clock.js';
import { MemoryLogger } from '../../../src/log.js';
import type { BoardEvent } from '../../board.js';
import type { GpioBackend } from '../../gpio/gpio.js';
import { FakeGpio, lineKey, type LineChange } from '../../gpio/test-support/fake-gpio.js';
import type { SlicPortSpec } from '../../profiles/profile-types.js';
import { SlicBoard, type SlicBoardOptions } from '../slic-board.js';

export const CHIP = 'pinctrl-bcm2711';

/** Offsets of each port's lines: SHK, RM, F/R, PD. */
const OFFSETS: Record<number, { shk: number; rm: number; fr: number; pd: number }> = {
  1: { shk: 17, rm: 27, fr: 22, pd: 23 },
  2: { shk: 5, rm: 6, fr: 13, pd: 19 },
};

export function slicSpec(port: number, withPd = true): SlicPortSpec {
  const o = OFFSETS[port];
  if (o === undefined) throw new Error(`no fixture for port ${port}`);
  return {
    port,
    kind: 'fxs',
    driver: 'gpio-slic',
    gpio: {
      shk: { chip: CHIP, offset: o.shk },
      rm: { chip: CHIP, offset: o.rm },
      fr: { chip: CHIP, offset: o.fr },
      ...(withPd ? { pd: { chip: CHIP, offset: o.pd } } : {}),
    },
    audio: { device: `plughw:CARD=Port${port},DEV=0` },
  };
}

/** The fake GPIO key ("chip:offset") of a port's line. */
export function key(port: number, role: 'shk' | 'rm' | 'fr' | 'pd'): string {
  const o = OFFSETS[port];
  if (o === undefined) throw new Error(`no fixture for port ${port}`);
  return `${CHIP}:${o[role]}`;
}

export class Fixture {
  readonly clock = new FakeClock();
  readonly gpio = new FakeGpio(this.clock);
  readonly frames = new ManualFrameClock();
  readonly log = new MemoryLogger();
  readonly audioPorts: ClockedAudioPort[] = [];
  readonly events: BoardEvent[] = [];

  /** Builds the board (ports 1 and 2 by default) and records its events. */
  board(opts: Partial<SlicBoardOptions> = {}): SlicBoard {
    const b = new SlicBoard({
      clock: this.clock,
      gpio: opts.gpio ?? this.gpio,
      ports: opts.ports ?? [slicSpec(1), slicSpec(2)],
      audio: opts.audio ?? (() => this.makeAudio()),
      log: this.log,
      ...(opts.ringFrequencyHz !== undefined ? { ringFrequencyHz: opts.ringFrequencyHz } : {}),
    });
    b.onEvent((e) => this.events.push(e));
    return b;
  }

  /** A ClockedAudioPort on the fixture's frame clock, kept in `audioPorts`. */
  makeAudio(): ClockedAudioPort {
    const a = new ClockedAudioPort({ clock: this.frames });
    this.audioPorts.push(a);
    return a;
  }

  /** The line's recorded changes at or after `fromMs`. */
  changes(k: string, fromMs = -Infinity): LineChange[] {
    return this.gpio.history(k).filter((c) => c.atMs >= fromMs);
  }
}

/** Intervals between consecutive changes of a line, within [fromMs, toMs]. */
export function intervals(changes: readonly LineChange[], fromMs: number, toMs: number): number[] {
  const times = changes.filter((c) => c.atMs >= fromMs && c.atMs <= toMs).map((c) => c.atMs);
  return times.slice(1).map((t, i) => t - (times[i] ?? t));
}

/** [start, end] of each span the line spent at 1, from its history. */
export function highSpans(changes: readonly LineChange[]): [number, number][] {
  const spans: [number, number][] = [];
  let since: number | undefined;
  for (const c of changes) {
    if (c.value === 1 && since === undefined) since = c.atMs;
    else if (c.value === 0 && since !== undefined) {
      spans.push([since, c.atMs]);
      since = undefined;
    }
  }
  return spans;
}

export function within(actual: number, expected: number, tolerance: number): boolean {
  return Math.abs(actual - expected) <= Math.abs(expected) * tolerance;
}

/** A GPIO backend over FakeGpio whose writes to the lines in `failWrites` throw (a driver fault). */
export class FaultyGpio implements GpioBackend {
  readonly failWrites = new Set<string>();
  constructor(private readonly inner: FakeGpio) {}
  input: GpioBackend['input'] = (spec, edge) => this.inner.input(spec, edge);
  output: GpioBackend['output'] = (spec, opts) => {
    const out = this.inner.output(spec, opts);
    const k = lineKey(spec);
    return {
      write: (v) => {
        if (this.failWrites.has(k)) throw new Error(`EIO writing ${k}`);
        out.write(v);
      },
      read: () => out.read(),
      release: () => out.release(),
    };
  };
  releaseAll(): void {
    this.inner.releaseAll();
  }
}
