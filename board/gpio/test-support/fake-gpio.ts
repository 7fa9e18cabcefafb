/**
 * A fake GPIO layer for driver tests: every output change is recorded with its
 * time on the (fake) clock, inputs are driven by the test, and it checks what a
 * kernel would refuse (a line opened twice, used after release).
 */
import type { Clock } from '../../../src/clock.js';
import { describeLine, GpioError, type Edge, type GpioBackend, type GpioInput, type GpioLineSpec, type GpioOutput, type Level } from '../gpio.js';

export interface LineChange {
  /** "chip:offset" of the line (the first chip label of the spec). */
  readonly line: string;
  readonly value: Level;
  readonly atMs: number;
}

interface FakeLine {
  readonly key: string;
  direction: 'in' | 'out';
  value: Level;
  safe: Level;
  open: boolean;
  edge: Edge;
  listeners: Set<(value: Level, atMs: number) => void>;
}

export function lineKey(spec: GpioLineSpec): string {
  const chip = typeof spec.chip === 'string' ? spec.chip : (spec.chip[0] ?? '?');
  return `${chip}:${spec.offset}`;
}

export class FakeGpio implements GpioBackend {
  /** Every value written to an output (including the initial and the safe level on release). */
  readonly changes: LineChange[] = [];
  private readonly lines = new Map<string, FakeLine>();
  /** Makes the next open of this line throw (a driver must clean up what it opened before). */
  failOpen = new Set<string>();

  constructor(private readonly clock: Clock) {}

  input(spec: GpioLineSpec, edge: Edge): GpioInput {
    const line = this.open(spec, 'in', 0, 0, edge);
    return {
      read: () => this.live(line).value,
      onEdge: (listener) => {
        this.live(line).listeners.add(listener);
        return () => line.listeners.delete(listener);
      },
      release: () => this.release(line),
    };
  }

  output(spec: GpioLineSpec, opts: { initial: Level; safe: Level }): GpioOutput {
    const line = this.open(spec, 'out', opts.initial, opts.safe, 'both');
    this.record(line, opts.initial);
    return {
      write: (value) => {
        const l = this.live(line);
        if (l.value !== value) this.record(l, value);
        l.value = value;
      },
      read: () => this.live(line).value,
      release: () => this.release(line),
    };
  }

  releaseAll(): void {
    for (const line of this.lines.values()) if (line.open) this.release(line);
  }

  // --- the test's side ---

  /** Drives an input line (the hardware changed it); listeners get an edge when the edge kind matches. */
  set(key: string, value: Level): void {
    const line = this.lines.get(key);
    if (line === undefined || line.direction !== 'in') throw new Error(`no input ${key} is open`);
    if (line.value === value) return;
    line.value = value;
    const wanted = line.edge === 'both' || (line.edge === 'rising' ? value === 1 : value === 0);
    if (line.open && wanted) for (const l of [...line.listeners]) l(value, this.clock.now());
  }

  /** An output's (or input's) current value; undefined when never opened. */
  value(key: string): Level | undefined {
    return this.lines.get(key)?.value;
  }

  isOpen(key: string): boolean {
    return this.lines.get(key)?.open === true;
  }

  /** Keys of the lines open now. */
  openLines(): string[] {
    return [...this.lines.values()].filter((l) => l.open).map((l) => l.key);
  }

  /** The recorded changes of one line. */
  history(key: string): LineChange[] {
    return this.changes.filter((c) => c.line === key);
  }

  private open(spec: GpioLineSpec, direction: 'in' | 'out', value: Level, safe: Level, edge: Edge): FakeLine {
    const key = lineKey(spec);
    if (this.failOpen.delete(key)) throw new GpioError(`cannot open GPIO ${describeLine(spec)}: device busy`, { line: key });
    const existing = this.lines.get(key);
    if (existing?.open === true) throw new GpioError(`GPIO ${describeLine(spec)} is already in use`, { line: key });
    const line: FakeLine = { key, direction, value: direction === 'in' ? (existing?.value ?? 0) : value, safe, open: true, edge, listeners: new Set() };
    this.lines.set(key, line);
    return line;
  }

  private release(line: FakeLine): void {
    if (!line.open) return;
    if (line.direction === 'out' && line.value !== line.safe) {
      line.value = line.safe;
      this.record(line, line.safe);
    }
    line.listeners.clear();
    line.open = false;
  }

  private live(line: FakeLine): FakeLine {
    if (!line.open) throw new GpioError(`GPIO ${line.key} was released`, { line: line.key });
    return line;
  }

  private record(line: FakeLine, value: Level): void {
    this.changes.push({ line: line.key, value, atMs: this.clock.now() });
  }
}
