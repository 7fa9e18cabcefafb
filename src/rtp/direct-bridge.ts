/**
 * DirectBridge: a line-to-line call (intercom between two phones, FXS ⇄ FXO)
 * with no RTP in between: each port's captured frames are written to the other
 * port, with an optional gain.
 *
 * The two ports may run on different clocks (two sound devices whose crystals
 * differ by tens to thousands of ppm). Each port's playback queue absorbs the
 * phase between the clocks, but if the writer's clock is faster, the reader's
 * queue grows without bound in principle (the port itself caps it, dropping
 * the oldest frame, but only at ~200 ms of latency). So each direction is
 * capped here much lower: a frame is dropped, and counted, when the receiving
 * port already holds more than `maxQueuedFrames` (default 3, i.e. 60 ms). In
 * the other direction, a slower writer leaves the reader one frame of silence
 * now and then (the port's underruns). Both are one 20 ms glitch per
 * 1/|drift| frames — every 2 s at 1 % — which intercom tolerates; a path that
 * must not glitch would resample instead (audio/port/drift-bridge.ts).
 *
 * Like the MediaBridge, it has no timer: it works in the ports' onFrame callbacks.
 */
import { applyGain } from '../../audio/dsp/gain.js';
import type { AudioPort } from '../../audio/port/audio-port.js';
import { DialtoneError } from '../errors.js';

export interface DirectBridgeOptions {
  /** Gain applied in both directions, dB (default 0). */
  gainDb?: number;
  /** A frame is dropped when the receiving port holds more than this many frames (default 3). */
  maxQueuedFrames?: number;
}

export interface DirectBridgeDirectionStats {
  /** Frames captured on the source port. */
  frames: number;
  /** Frames written to the other port. */
  written: number;
  /** Frames dropped because the other port's queue was over the cap. */
  dropped: number;
}

export interface DirectBridgeStats {
  /** From port a to port b. */
  aToB: DirectBridgeDirectionStats;
  /** From port b to port a. */
  bToA: DirectBridgeDirectionStats;
}

export class DirectBridge {
  private readonly gainDb: number;
  private readonly maxQueued: number;
  private readonly unsubscribe: (() => void)[];
  private readonly counts: DirectBridgeStats = {
    aToB: { frames: 0, written: 0, dropped: 0 },
    bToA: { frames: 0, written: 0, dropped: 0 },
  };
  private closed = false;

  constructor(a: AudioPort, b: AudioPort, opts: DirectBridgeOptions = {}) {
    if (a === b) throw new DialtoneError('invalid_bridge', 'a direct bridge needs two different ports');
    if (a.frameSamples !== b.frameSamples || a.sampleRate !== b.sampleRate) {
      throw new DialtoneError('invalid_bridge', 'the two ports differ in sample rate or frame size', {
        a: { sampleRate: a.sampleRate, frameSamples: a.frameSamples },
        b: { sampleRate: b.sampleRate, frameSamples: b.frameSamples },
      });
    }
    this.gainDb = opts.gainDb ?? 0;
    this.maxQueued = opts.maxQueuedFrames ?? 3;
    if (!Number.isInteger(this.maxQueued) || this.maxQueued < 0) {
      throw new DialtoneError('invalid_bridge', `maxQueuedFrames must be a non-negative integer, got ${this.maxQueued}`);
    }
    this.unsubscribe = [a.onFrame((f) => this.forward(f, b, this.counts.aToB)), b.onFrame((f) => this.forward(f, a, this.counts.bToA))];
  }

  stats(): DirectBridgeStats {
    return { aToB: { ...this.counts.aToB }, bToA: { ...this.counts.bToA } };
  }

  /** Stops forwarding (the ports stay open: they belong to the caller). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe) off();
  }

  private forward(frame: Int16Array, to: AudioPort, c: DirectBridgeDirectionStats): void {
    if (this.closed) return;
    c.frames++;
    if (to.queuedFrames > this.maxQueued) {
      c.dropped++;
      return;
    }
    to.write(this.gainDb === 0 ? frame : applyGain(frame, this.gainDb, frame));
    c.written++;
  }
}
