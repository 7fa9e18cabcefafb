/**
 * Test harness for the simulated board: a FakeClock and a ManualFrameClock
 * moved together, 20 ms (one frame) at a time, so tests are fast and
 * deterministic (DESIGN §3).
 */
import { FakeClock } from '../../../src/clock.js';
import { ManualFrameClock } from '../../../audio/port/frame-clock.js';
import { FRAME_MS, FRAME_SAMPLES } from '../../../audio/pcm.js';
import type { AudioPort } from '../../../audio/port/audio-port.js';
import { ToneGenerator, type ToneSpec } from '../../../audio/tones/index.js';
import type { TonePlan } from '../../../audio/tones/index.js';
import type { BoardEvent } from '../../board.js';
import { SimBoard, type SimBoardOptions } from '../sim-board.js';

export class Harness {
  readonly clock = new FakeClock();
  readonly frames = new ManualFrameClock();
  /** Called before each frame tick (e.g. to write the next frame of a tone to a port). */
  private feeders: (() => void)[] = [];

  /** Runs `ms` of time: per frame, the feeders, the clock's 20 ms, then the frame tick. */
  run(ms: number): void {
    const frames = Math.round(ms / FRAME_MS);
    for (let i = 0; i < frames; i++) {
      for (const f of this.feeders) f();
      this.clock.advance(FRAME_MS);
      this.frames.tick();
    }
  }

  /** Like run, letting promise callbacks run between frames. */
  async runAsync(ms: number): Promise<void> {
    const frames = Math.round(ms / FRAME_MS);
    for (let i = 0; i < frames; i++) {
      for (const f of this.feeders) f();
      await this.clock.advanceAsync(FRAME_MS);
      this.frames.tick();
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Keeps `port`'s playback fed with `spec`, one frame per frame, until the returned stop is called. */
  playTone(port: AudioPort, spec: ToneSpec): () => void {
    const gen = new ToneGenerator(spec);
    return this.feed(() => port.write(gen.next(new Int16Array(FRAME_SAMPLES))));
  }

  /** Keeps `port`'s playback fed from `pcm` (then silence) until stopped. */
  playSamples(port: AudioPort, pcm: Int16Array): () => void {
    let pos = 0;
    return this.feed(() => {
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(pcm.subarray(pos, pos + FRAME_SAMPLES));
      pos += FRAME_SAMPLES;
      port.write(frame);
    });
  }

  feed(fn: () => void): () => void {
    this.feeders = [...this.feeders, fn];
    return () => {
      this.feeders = this.feeders.filter((f) => f !== fn);
    };
  }
}

/** Collects a port's captured frames into one array. */
export function capture(port: AudioPort): { samples(): Int16Array; stop(): void } {
  const frames: Int16Array[] = [];
  const stop = port.onFrame((f) => frames.push(f));
  return {
    samples() {
      const out = new Int16Array(frames.length * FRAME_SAMPLES);
      frames.forEach((f, i) => out.set(f, i * FRAME_SAMPLES));
      return out;
    },
    stop,
  };
}

/** Events of one type, from a list of board events. */
export function only<T extends BoardEvent['type']>(events: readonly BoardEvent[], type: T): Extract<BoardEvent, { type: T }>[] {
  return events.filter((e): e is Extract<BoardEvent, { type: T }> => e.type === type);
}

/** A sim board on a fresh harness (no hook bounce), with every event it emits collected. */
export function simSetup(plan: TonePlan, opts: Partial<SimBoardOptions> = {}): { h: Harness; board: SimBoard; events: BoardEvent[] } {
  const h = new Harness();
  const board = new SimBoard({ clock: h.clock, frameClock: h.frames, plan, hookBounce: false, ...opts });
  const events: BoardEvent[] = [];
  board.onEvent((e) => events.push(e));
  return { h, board, events };
}
