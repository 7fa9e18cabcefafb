/**
 * Drift-tolerant bridging for ALSA playback (board/alsa/alsa-audio-port.ts).
 *
 * The port writes one block (one 20 ms frame, resampled to the device rate) into
 * the playback ring of audio/alsa on every captured frame, i.e. at the capture
 * clock; the device drains the ring at the playback clock. The two nominally
 * match, but need not (separate crystals, a USB card's adaptive clock): the ring's
 * fill then walks away at the drift rate (100 ppm at 48 kHz is 4.8 frames/s,
 * 17 k frames, 360 ms, an hour). `PlaybackDrift` keeps it between watermarks:
 *
 * - it samples the fill (frames in the ring before each write) and smooths it
 *   with a one-pole low-pass over `smoothingTicks` (the raw fill jumps by a
 *   device period whenever the two clocks' phases slip past each other);
 * - smoothed fill above `high`: each block is shortened by `stepFrames` (a
 *   0.2 % varispeed, under 4 cents) until the fill is back at `target`; below
 *   `low`: lengthened likewise. `Varispeed` does it with band-limited
 *   interpolation (audio/dsp/interpolator.ts), so the waveform stays continuous;
 * - emergencies: a raw fill above `skipAbove` (the event loop stalled, then a
 *   burst of frames arrived) skips the block; a ring that ran dry (the device
 *   padded silence, or at start) is primed with silence up to `target`.
 *
 * Source: F. Adriaensen, "Controlling adaptive resampling", LAC 2012 (why the
 * fill must be smoothed and corrected slowly); watermark + drop/insert is the
 * classic jitter-buffer policy (e.g. ITU-T G.1020 §6 on playout buffers).
 */
import { SincInterpolator } from '../../audio/dsp/interpolator.js';
import { clamp16 } from '../../audio/pcm.js';

export interface PlaybackDriftOptions {
  /** Device rate (frames per second). */
  readonly rate: number;
  /** Frames per block written each tick (20 ms at the device rate). */
  readonly blockFrames: number;
  /**
   * Watermarks on the smoothed fill, in ms (defaults 20 / 25 / 35). The raw fill
   * swings about a playback period (10 ms) around it, so `low` must leave that
   * plus the event loop's usual lateness above zero.
   */
  readonly lowMs?: number;
  readonly targetMs?: number;
  readonly highMs?: number;
  /** Raw fill beyond which a block is skipped (default highMs + 25 ms). */
  readonly skipAboveMs?: number;
  /** Largest stretch of a block while correcting, as a fraction (default 0.002). */
  readonly maxStretch?: number;
  /** Smoothing of the fill, in ticks (default 25 = 0.5 s). */
  readonly smoothingTicks?: number;
  /** Extra frames for the very first prime (the device buffer, which starts empty). */
  readonly startFrames?: number;
}

/** What to do with this tick's block. */
export interface TickPlan {
  /** Frames of silence to write before the block (priming a dry ring). */
  readonly primeFrames: number;
  /** Skip the block (the ring is far too full). */
  readonly skip: boolean;
  /** Frames to add to (+) or remove from (−) the block by varispeed. */
  readonly delta: number;
}

export interface PlaybackDriftStats {
  /** Fill before the last write, frames. */
  readonly fillFrames: number;
  readonly smoothedFillFrames: number;
  readonly lowFrames: number;
  readonly targetFrames: number;
  readonly highFrames: number;
  /** Frames added / removed by varispeed. */
  readonly insertedFrames: number;
  readonly removedFrames: number;
  /** Ticks whose block was stretched or shrunk. */
  readonly correctedTicks: number;
  readonly skippedBlocks: number;
  readonly primes: number;
  readonly primedFrames: number;
  /** −1 shrinking, +1 stretching, 0 idle. */
  readonly correcting: -1 | 0 | 1;
}

export class PlaybackDrift {
  readonly lowFrames: number;
  readonly targetFrames: number;
  readonly highFrames: number;
  readonly skipAboveFrames: number;
  /** Frames added or removed per corrected tick. */
  readonly stepFrames: number;
  private readonly alpha: number;
  private readonly startFrames: number;
  private smoothed = 0;
  private started = false;
  private correcting: -1 | 0 | 1 = 0;
  private last = 0;
  private counts = { insertedFrames: 0, removedFrames: 0, correctedTicks: 0, skippedBlocks: 0, primes: 0, primedFrames: 0 };

  constructor(opts: PlaybackDriftOptions) {
    const ms = (v: number): number => Math.round((v * opts.rate) / 1000);
    this.lowFrames = ms(opts.lowMs ?? 20);
    this.targetFrames = ms(opts.targetMs ?? 25);
    this.highFrames = ms(opts.highMs ?? 35);
    this.skipAboveFrames = ms(opts.skipAboveMs ?? (opts.highMs ?? 35) + 25);
    if (!(this.lowFrames < this.targetFrames && this.targetFrames < this.highFrames && this.highFrames < this.skipAboveFrames)) {
      throw new RangeError('PlaybackDrift: need lowMs < targetMs < highMs < skipAboveMs');
    }
    this.stepFrames = Math.max(1, Math.round(opts.blockFrames * (opts.maxStretch ?? 0.002)));
    this.alpha = 1 / Math.max(1, opts.smoothingTicks ?? 25);
    this.startFrames = opts.startFrames ?? 0;
  }

  /** One tick: `fillFrames` in the ring before this write; `dry` when the ring ran out since the last tick. */
  next(fillFrames: number, dry: boolean): TickPlan {
    this.last = fillFrames;
    if (!this.started || dry) {
      const primeFrames = Math.max(0, this.targetFrames - fillFrames) + (this.started ? 0 : this.startFrames);
      this.started = true;
      this.counts.primes++;
      this.counts.primedFrames += primeFrames;
      this.smoothed = Math.max(fillFrames, this.targetFrames);
      this.correcting = 0;
      return { primeFrames, skip: false, delta: 0 };
    }
    if (fillFrames > this.skipAboveFrames) {
      this.counts.skippedBlocks++;
      this.smoothed = this.targetFrames + (this.highFrames - this.targetFrames) / 2;
      this.correcting = 0;
      return { primeFrames: 0, skip: true, delta: 0 };
    }
    this.smoothed += this.alpha * (fillFrames - this.smoothed);
    if (this.correcting === 0) {
      if (this.smoothed > this.highFrames) this.correcting = -1;
      else if (this.smoothed < this.lowFrames) this.correcting = 1;
    } else if ((this.correcting < 0 && this.smoothed <= this.targetFrames) || (this.correcting > 0 && this.smoothed >= this.targetFrames)) {
      this.correcting = 0;
    }
    const delta = this.correcting * this.stepFrames;
    if (delta !== 0) {
      this.counts.correctedTicks++;
      if (delta > 0) this.counts.insertedFrames += delta;
      else this.counts.removedFrames -= delta;
    }
    return { primeFrames: 0, skip: false, delta };
  }

  stats(): PlaybackDriftStats {
    return {
      ...this.counts,
      fillFrames: this.last,
      smoothedFillFrames: this.smoothed,
      lowFrames: this.lowFrames,
      targetFrames: this.targetFrames,
      highFrames: this.highFrames,
      correcting: this.correcting,
    };
  }
}

/**
 * A streaming varispeed: each call takes a block of n samples and returns n + delta
 * samples covering exactly that stretch of signal (output j is the input at
 * j·n/(n + delta)), by band-limited interpolation. Blocks with delta = 0 pass
 * through unchanged. Output trails input by `latencySamples` (the interpolator's
 * half-width), the look-ahead it needs.
 */
export class Varispeed {
  readonly latencySamples: number;
  private readonly interp = new SincInterpolator();
  private readonly h: number;
  /** Samples; index h − 1 + i is the i-th sample not yet output (h − 1 samples of history before it). */
  private buf: Float64Array;
  private len: number;

  constructor() {
    this.h = this.interp.halfTaps;
    this.latencySamples = this.h;
    this.buf = new Float64Array(4096);
    // History (h − 1) + look-ahead (h) of silence: the first h outputs are silence.
    this.len = 2 * this.h - 1;
  }

  process(block: Int16Array, delta: number): Int16Array {
    const n = block.length;
    const m = n + delta;
    if (!Number.isInteger(delta) || m < 1) throw new RangeError(`Varispeed: bad delta ${delta} for a block of ${n}`);
    if (this.len + n > this.buf.length) {
      const bigger = new Float64Array(2 * (this.len + n));
      bigger.set(this.buf.subarray(0, this.len));
      this.buf = bigger;
    }
    for (let i = 0; i < n; i++) this.buf[this.len + i] = block[i] ?? 0;
    this.len += n;
    const start = this.h - 1; // the first sample not yet output
    const out = new Int16Array(m);
    for (let j = 0; j < m; j++) {
      const pos = (j * n) / m;
      const whole = Math.floor(pos);
      const frac = pos - whole;
      out[j] = frac === 0 ? (this.buf[start + whole] ?? 0) : clamp16(this.interp.at(this.buf, start + whole, frac));
    }
    // n samples were consumed: slide them out, keeping h − 1 of history.
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    return out;
  }
}
