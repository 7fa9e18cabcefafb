/**
 * The kernel's GPIO lines behind GpioBackend (gpio.ts), over the sysfs interface
 * (/sys/class/gpio) with `onoff`, which waits for edges with epoll (interrupts, no
 * polling).
 *
 * - A line is named by chip label + offset; its global number is the chip's `base`
 *   (read from `<sysRoot>/sys/class/gpio/gpiochipN/{label,base,ngpio}`) plus the
 *   offset. The base is not 0 on current kernels (512 on a Pi 4 with 6.6+), so it is
 *   never assumed. With several labels (Pi 3/4/5) the first one present is used.
 * - Values are logical: onoff writes `active_low` before anything else, and the
 *   kernel's sysfs `value` and `edge` honour it. Only the output's initial level
 *   is raw (the direction "high"/"low" is written without `active_low`), so it is
 *   converted here: an output starts at its level at once, without a glitch.
 * - An edge's time is `clock.now()` when onoff's watch callback runs; with edge
 *   "both", a callback that reads the same value as the last one (two edges seen
 *   as one interrupt) is not passed on.
 * - `releaseAll()` writes every output's safe level, then unexports every line.
 *
 * `sysRoot` only moves where the chips are looked up (tests, `--gpio-root`): onoff
 * itself always uses /sys/class/gpio. Tests inject a fake onoff class (`gpio`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Gpio as RealOnoffGpio } from 'onoff';
import type { Clock } from '../../src/clock.js';
import type { Logger } from '../../src/log.js';
import { describeLine, GpioError, type Edge, type GpioBackend, type GpioInput, type GpioLineSpec, type GpioOutput, type Level } from './gpio.js';

/** What this backend uses of an onoff `Gpio` object. */
export interface OnoffGpio {
  readSync(): Level;
  writeSync(value: Level): void;
  watch(callback: (err: Error | null | undefined, value: Level) => void): void;
  unwatchAll(): void;
  unexport(): void;
}

/** onoff's `Gpio` class, or a fake with its constructor (tests). */
export interface OnoffLike {
  new (gpio: number, direction: 'in' | 'out' | 'high' | 'low', edge?: 'none' | 'rising' | 'falling' | 'both', options?: { activeLow?: boolean; debounceTimeout?: number }): OnoffGpio;
  /** onoff's check that /sys/class/gpio/export can be written. */
  readonly accessible?: boolean;
}

// The real class must fit OnoffLike (checked by the compiler, nothing loaded).
type Assert<T extends true> = T;
export type _OnoffFits = Assert<typeof RealOnoffGpio extends OnoffLike ? true : false>;

export interface GpioChipInfo {
  /** The sysfs entry, e.g. "gpiochip512". */
  readonly name: string;
  readonly label: string;
  readonly base: number;
  readonly ngpio: number;
}

export interface SysfsGpioOptions {
  readonly clock: Clock;
  /** The root the sysfs tree is under ("/" on the device; a temp dir in tests). */
  readonly sysRoot?: string;
  /** The onoff Gpio class (default: loaded from the onoff package). */
  readonly gpio?: OnoffLike;
  readonly log: Logger;
}

function gpioClassDir(sysRoot: string): string {
  return join(sysRoot, 'sys', 'class', 'gpio');
}

/** The gpiochips the kernel shows under `<sysRoot>/sys/class/gpio`, by base. */
export function listGpioChips(sysRoot = '/'): GpioChipInfo[] {
  const dir = gpioClassDir(sysRoot);
  if (!existsSync(dir)) throw new GpioError(`${dir} does not exist (a kernel without CONFIG_GPIO_SYSFS?)`, { dir });
  const chips: GpioChipInfo[] = [];
  for (const name of readdirSync(dir)) {
    if (!/^gpiochip\d+$/.test(name)) continue;
    const read = (file: string): string => readFileSync(join(dir, name, file), 'utf8').trim();
    try {
      const base = Number(read('base'));
      const ngpio = Number(read('ngpio'));
      if (!Number.isInteger(base) || !Number.isInteger(ngpio)) continue;
      chips.push({ name, label: read('label'), base, ngpio });
    } catch {
      // A chip whose files cannot be read is not one we can use; the label lookup reports what is present.
    }
  }
  return chips.sort((a, b) => a.base - b.base);
}

/** The kernel's global GPIO number of a line: the first listed chip label present, its base plus the offset. */
export function resolveGpioLine(spec: GpioLineSpec, chips: readonly GpioChipInfo[]): number {
  const labels = typeof spec.chip === 'string' ? [spec.chip] : spec.chip;
  for (const label of labels) {
    const chip = chips.find((c) => c.label === label);
    if (chip === undefined) continue;
    if (!Number.isInteger(spec.offset) || spec.offset < 0 || spec.offset >= chip.ngpio) {
      throw new GpioError(`GPIO ${describeLine(spec)}: ${chip.label} (${chip.name}) has lines 0 to ${chip.ngpio - 1}, not ${spec.offset}`, {
        line: describeLine(spec), chip: chip.name, ngpio: chip.ngpio,
      });
    }
    return chip.base + spec.offset;
  }
  const present = chips.map((c) => c.label);
  throw new GpioError(`GPIO ${describeLine(spec)}: no gpiochip labelled ${labels.join(' or ')} (present: ${present.length > 0 ? present.join(', ') : 'none'})`, {
    line: describeLine(spec), present,
  });
}

function loadOnoff(): OnoffLike {
  try {
    const mod = createRequire(import.meta.url)('onoff') as { Gpio: OnoffLike };
    return mod.Gpio;
  } catch (err) {
    throw new GpioError(`GPIO support (the onoff package) cannot be loaded: ${err instanceof Error ? err.message : String(err)}`, {}, { cause: err });
  }
}

interface OpenLine {
  readonly number: number;
  readonly spec: GpioLineSpec;
  readonly gpio: OnoffGpio;
  /** Outputs: the level written on release. */
  readonly safe: Level | undefined;
  released: boolean;
}

/** GpioBackend over the kernel's sysfs GPIO interface with onoff. */
export function sysfsGpioBackend(opts: SysfsGpioOptions): GpioBackend {
  const sysRoot = opts.sysRoot ?? '/';
  const Gpio = opts.gpio ?? loadOnoff();
  const { clock, log } = opts;
  if (Gpio.accessible === false) {
    throw new GpioError('cannot export GPIO lines: /sys/class/gpio/export is not writable (run as root or as a member of the gpio group)', {});
  }
  const open = new Map<number, OpenLine>();

  const claim = (spec: GpioLineSpec, make: (n: number) => OnoffGpio, safe: Level | undefined): OpenLine => {
    const n = resolveGpioLine(spec, listGpioChips(sysRoot));
    if (open.has(n)) throw new GpioError(`GPIO ${describeLine(spec)} (gpio${n}) is already in use`, { line: describeLine(spec), gpio: n });
    let gpio: OnoffGpio;
    try {
      gpio = make(n);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new GpioError(`cannot open GPIO ${describeLine(spec)} (gpio${n}): ${why}`, { line: describeLine(spec), gpio: n }, { cause: err });
    }
    const line: OpenLine = { number: n, spec, gpio, safe, released: false };
    open.set(n, line);
    log.debug('gpio opened', { line: describeLine(spec), gpio: n, safe });
    return line;
  };

  const live = (line: OpenLine): OpenLine => {
    if (line.released) throw new GpioError(`GPIO ${describeLine(line.spec)} (gpio${line.number}) was released`, { line: describeLine(line.spec), gpio: line.number });
    return line;
  };

  const release = (line: OpenLine): void => {
    if (line.released) return;
    line.released = true;
    open.delete(line.number);
    const fields = { line: describeLine(line.spec), gpio: line.number };
    if (line.safe !== undefined) {
      try {
        line.gpio.writeSync(line.safe);
      } catch (err) {
        log.error('gpio: cannot write the safe level', { ...fields, safe: line.safe, err: err instanceof Error ? err.message : String(err) });
      }
    }
    try {
      line.gpio.unwatchAll();
      line.gpio.unexport();
    } catch (err) {
      log.warn('gpio: cannot unexport', { ...fields, err: err instanceof Error ? err.message : String(err) });
    }
  };

  return {
    input(spec: GpioLineSpec, edge: Edge): GpioInput {
      const line = claim(spec, (n) => new Gpio(n, 'in', edge, { activeLow: spec.activeLow === true }), undefined);
      const listeners = new Set<(value: Level, atMs: number) => void>();
      let last: Level | undefined;
      const onWatch = (err: Error | null | undefined, value: Level): void => {
        const atMs = clock.now();
        if (line.released) return;
        if (err !== null && err !== undefined) {
          log.warn('gpio: edge read failed', { line: describeLine(spec), err: err.message });
          return;
        }
        if (edge === 'both' && value === last) return;
        last = value;
        for (const l of [...listeners]) {
          try {
            l(value, atMs);
          } catch (e) {
            log.error('gpio: edge listener failed', { line: describeLine(spec), err: e instanceof Error ? e.message : String(e) });
          }
        }
      };
      return {
        read: () => live(line).gpio.readSync(),
        onEdge: (listener) => {
          live(line);
          if (listeners.size === 0) {
            last = line.gpio.readSync();
            line.gpio.watch(onWatch);
          }
          listeners.add(listener);
          return () => {
            if (!listeners.delete(listener) || listeners.size > 0 || line.released) return;
            line.gpio.unwatchAll();
          };
        },
        release: () => {
          listeners.clear();
          release(line);
        },
      };
    },

    output(spec: GpioLineSpec, o: { initial: Level; safe: Level }): GpioOutput {
      // "high"/"low" set the raw level (the kernel ignores active_low there): the initial logical level, converted.
      const raw = spec.activeLow === true ? (1 - o.initial) : o.initial;
      const line = claim(spec, (n) => new Gpio(n, raw === 1 ? 'high' : 'low', 'none', { activeLow: spec.activeLow === true }), o.safe);
      let current: Level = o.initial;
      return {
        write: (value) => {
          live(line).gpio.writeSync(value);
          current = value;
        },
        read: () => {
          live(line);
          return current;
        },
        release: () => release(line),
      };
    },

    releaseAll(): void {
      const lines = [...open.values()];
      // Outputs first: no phone left ringing, no line left seized, as soon as possible.
      for (const line of lines) if (line.safe !== undefined) release(line);
      for (const line of lines) release(line);
    },
  };
}
