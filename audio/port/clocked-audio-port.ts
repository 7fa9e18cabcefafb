/**
 * `ClockedAudioPort`: the reference AudioPort, driven by a FrameClock. The
 * simulated board builds one per line on its virtual audio clock, with `source`
 * giving the virtual phone's microphone (or the virtual landline) and `sink`
 * receiving what its earpiece (or the landline) hears.
 *
 * On each tick, in this order:
 * 1. play: the oldest queued frame goes to the sink, or a frame of silence when
 *    the queue is empty (a frame written during a tick is played on a later
 *    tick, as on a real device, where the period being played was filled before);
 * 2. capture: one frame from the source (silence without one) goes to every
 *    listener.
 * Ports sharing one clock tick in the order they subscribed, so a frame written
 * to a port by an earlier port's listener in the same tick plays in that tick:
 * between two such ports one direction has a frame less latency than the other.
 * The playback queue is bounded: writing beyond `maxQueuedFrames` drops the
 * oldest frame, so a writer that runs ahead cannot build up latency. Drops,
 * underruns (the queue running dry after playing something) and silent ticks are
 * counted in `stats()`.
 *
 * Source: DESIGN.md §3–4 and §7 (one port per line, device-clocked frames, the
 * simulated board's virtual audio clock). Dropping the oldest frame when the
 * queue is full is the usual policy for live audio: a late frame is worth less
 * than the current one, and the latency stays bounded by the queue length.
 */
import { FRAME_SAMPLES, SAMPLE_RATE } from '../pcm.js';
import type { AudioPort } from './audio-port.js';
import type { FrameClock } from './frame-clock.js';
import { PortFrames } from './port-frames.js';

export interface ClockedAudioPortOptions {
  readonly clock: FrameClock;
  /** What the line captures, one frame per tick (default silence). Shorter frames are padded with silence, longer ones cut. */
  readonly source?: () => Int16Array;
  /** Where played frames go, one per tick (silence frames included). */
  readonly sink?: (frame: Int16Array) => void;
  /** Frames the playback queue holds before dropping the oldest (default 10 = 200 ms). */
  readonly maxQueuedFrames?: number;
  readonly sampleRate?: number;
  readonly frameSamples?: number;
  /** Called with anything a listener, the source or the sink throws; the tick goes on. */
  readonly onError?: (err: unknown) => void;
}

export interface AudioPortStats {
  readonly ticks: number;
  /** Frames captured and handed to listeners. */
  readonly captured: number;
  /** Queued frames played. */
  readonly played: number;
  /** Ticks on which nothing was queued, so silence was played. */
  readonly silentTicks: number;
  /** Times the queue ran dry right after playing a queued frame. */
  readonly underruns: number;
  /** Frames dropped because the queue was full. */
  readonly dropped: number;
  readonly queuedFrames: number;
  /** Exceptions from listeners, the source or the sink. */
  readonly errors: number;
}

export class ClockedAudioPort implements AudioPort {
  readonly sampleRate: number;
  readonly frameSamples: number;
  readonly maxQueuedFrames: number;
  private readonly source: (() => Int16Array) | undefined;
  private readonly sink: ((frame: Int16Array) => void) | undefined;
  private readonly onError: ((err: unknown) => void) | undefined;
  private readonly frames: PortFrames;
  private unsubscribe: (() => void) | undefined;
  private lastPlayedQueued = false;
  private counts = { ticks: 0, captured: 0, played: 0, silentTicks: 0, underruns: 0, errors: 0 };

  constructor(opts: ClockedAudioPortOptions) {
    this.sampleRate = opts.sampleRate ?? SAMPLE_RATE;
    this.frameSamples = opts.frameSamples ?? FRAME_SAMPLES;
    this.maxQueuedFrames = opts.maxQueuedFrames ?? 10;
    this.frames = new PortFrames(this.frameSamples, this.maxQueuedFrames);
    this.source = opts.source;
    this.sink = opts.sink;
    this.onError = opts.onError;
    this.unsubscribe = opts.clock.onTick(() => this.tick());
  }

  get queuedFrames(): number {
    return this.frames.queued;
  }

  get closed(): boolean {
    return this.unsubscribe === undefined;
  }

  onFrame(listener: (captured: Int16Array) => void): () => void {
    if (this.closed) return () => {};
    return this.frames.onFrame(listener);
  }

  write(frame: Int16Array): void {
    if (!this.closed) this.frames.write(frame);
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.frames.clear();
  }

  stats(): AudioPortStats {
    return { ...this.counts, dropped: this.frames.dropped, queuedFrames: this.frames.queued };
  }

  private tick(): void {
    this.counts.ticks++;
    this.play();
    this.capture();
  }

  private play(): void {
    const queued = this.frames.next();
    if (queued !== undefined) {
      this.counts.played++;
      this.lastPlayedQueued = true;
    } else {
      this.counts.silentTicks++;
      if (this.lastPlayedQueued) this.counts.underruns++;
      this.lastPlayedQueued = false;
    }
    if (this.sink !== undefined) this.guard(this.sink, queued ?? new Int16Array(this.frameSamples));
  }

  private capture(): void {
    const frame = new Int16Array(this.frameSamples);
    if (this.source !== undefined) {
      const source = this.source;
      this.guard(() => frame.set(this.fit(source())), undefined);
    }
    this.counts.captured++;
    this.frames.deliver(frame, (call) => this.guard(call, undefined));
  }

  /** The first frameSamples of `frame`, padded with silence if it is short. */
  private fit(frame: Int16Array): Int16Array {
    return frame.length > this.frameSamples ? frame.subarray(0, this.frameSamples) : frame;
  }

  private guard<T>(fn: (arg: T) => void, arg: T): void {
    try {
      fn(arg);
    } catch (err) {
      this.counts.errors++;
      this.onError?.(err);
    }
  }
}
