/**
 * GPIO lines for the line-interface drivers (gpio-slic, gpio-daa), behind one small
 * interface so a driver runs the same on the kernel (onoff over sysfs, sysfs-gpio.ts)
 * and on the fake layer of the tests (test-support/fake-gpio.ts).
 *
 * - A line is named by its chip's label and the offset on that chip (a profile says
 *   "pinctrl-bcm2711 line 17"), never by the kernel's global number, which depends
 *   on the chip's base (e.g. 512 on newer kernels).
 * - Values are logical: 1 is "asserted" as the profile means it (`activeLow` inverts).
 * - Edges come with a timestamp on the Clock the backend was made with, at the
 *   moment the edge was seen; nothing is debounced here (src/line does that).
 * - `releaseAll()` frees every line the backend opened: outputs go to their safe
 *   level first (the `safe` value given when opened), so no phone is left ringing
 *   and no line left seized, on shutdown and after a crash.
 */
import { DialtoneError } from '../../src/errors.js';

export type Level = 0 | 1;
export type Edge = 'both' | 'rising' | 'falling';

export interface GpioLineSpec {
  /** The gpiochip's label, or several (the first present is used: Pi 3/4/5 differ). */
  readonly chip: string | readonly string[];
  /** The line's offset on that chip. */
  readonly offset: number;
  /** The line is asserted at low voltage. */
  readonly activeLow?: boolean;
}

export interface GpioInput {
  /** The line's logical value now. */
  read(): Level;
  /** Calls `listener` on each edge (logical value after it, time it was seen); returns the unsubscribe. */
  onEdge(listener: (value: Level, atMs: number) => void): () => void;
  release(): void;
}

export interface GpioOutput {
  write(value: Level): void;
  read(): Level;
  /** Puts the line at its safe level and frees it. */
  release(): void;
}

export interface GpioBackend {
  input(spec: GpioLineSpec, edge: Edge): GpioInput;
  /** `initial` is written at once; `safe` is the level the line is left at when released. */
  output(spec: GpioLineSpec, opts: { initial: Level; safe: Level }): GpioOutput;
  /** Releases every line still open (outputs to their safe level). Idempotent. */
  releaseAll(): void;
}

export class GpioError extends DialtoneError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super('gpio', message, context, options);
  }
}

/** "pinctrl-bcm2711:17" for messages. */
export function describeLine(spec: GpioLineSpec): string {
  const chip = typeof spec.chip === 'string' ? spec.chip : spec.chip.join('|');
  return `${chip}:${spec.offset}${spec.activeLow === true ? ' (active low)' : ''}`;
}
