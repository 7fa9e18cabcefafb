/**
 * A drift-tolerant bridge between two clock domains that nominally run at the
 * same sample rate but really do not: a USB sound card's crystal against the
 * network's (or our own) 8 kHz, typically tens to a few thousand ppm apart.
 *
 * The producer pushes samples at its rate, the consumer pulls at its own; in
 * between sits a FIFO whose fill (the bridge's latency) is held near a target by
 * resampling on the way out with a ratio that moves very slowly: if the consumer
 * pulls faster than the producer pushes, the fill falls, and the bridge
 * stretches the signal a little (reads the FIFO slower) until the rates match.
 * Interpolation at the fractional read position is band-limited
 * (audio/dsp/interpolator.ts), so moving the ratio changes only the timing.
 *
 * The ratio comes from a PI controller on the fill: the integral term ends up
 * holding the rate ratio itself, the proportional term pulls the fill back to
 * the target. Its input is the fill averaged over each pull (exact: the fill
 * falls linearly during a pull) through two one-pole low-passes. The loop is
 * second order with natural frequency ωn: Kp = 2ζωn/fs, Ki = ωn²/fs (per sample
 * of fill error), and the integral is kept in ratio units so that gains can
 * change without a bump. Its output is clamped to ±maxAdjust, the integrator
 * frozen while clamped (anti-windup).
 *
 * Why the loop changes gear: without timestamps the fill can only be seen at
 * block boundaries, and when both sides use the same block size (20 ms frames)
 * the measured fill is a staircase that jumps by a whole block each time the two
 * clocks slip by one block, while the true mean latency moves smoothly. A loop
 * that corrects a 160-sample error in T seconds bends the ratio by about
 * 160 / (8000·T), so a smooth ratio (≈ 100 ppm) needs T of minutes, while
 * locking on to a fresh 0.3 % offset without a large latency excursion needs T of
 * seconds. So ωn starts at acquireHz and falls as gearK / t (t = seconds since
 * the bridge started; the loop's time constant stays a fraction of the time it
 * has had to learn, like an averaging window that grows) down to loopHz.
 *
 * Start-up and faults: the bridge plays silence until the fill reaches the
 * target plus half a pull (what is regulated is the fill averaged over a pull);
 * if the FIFO runs dry it counts an underrun, plays silence and primes again; if
 * a push would exceed the capacity it counts an overrun and drops the oldest
 * samples back to the target fill. Neither happens in steady state while the
 * clocks differ by less than maxAdjust.
 *
 * Sources: F. Adriaensen, "Controlling adaptive resampling", Linux Audio
 * Conference 2012 (the problem, and why a slow, smooth ratio loop is needed);
 * K. J. Åström, T. Hägglund, "PID Controllers: Theory, Design, and Tuning",
 * 2nd ed., ISA 1995, §3.5 (integrator windup, conditional integration).
 */
import { SincInterpolator } from '../dsp/interpolator.js';
import { clamp16 } from '../pcm.js';

export interface DriftBridgeOptions {
  /** Nominal rate of both sides (default 8000). */
  readonly sampleRate?: number;
  /** Fill to hold, i.e. the latency (default 40 ms). */
  readonly targetMs?: number;
  /** Fill beyond which a push overruns (default 200 ms). */
  readonly capacityMs?: number;
  /** Largest ratio adjustment, as a fraction (default 0.005 = ±0.5 %). */
  readonly maxAdjust?: number;
  /** Natural frequency of the fill loop when it starts, to lock quickly (default 0.05 Hz). */
  readonly acquireHz?: number;
  /** Natural frequency of the fill loop in the long run, small so the ratio stays smooth (default 0.001 Hz). */
  readonly loopHz?: number;
  /** After t seconds running, ωn is at most gearK / t (default 4). */
  readonly gearK?: number;
  /** Damping ζ of the fill loop (default 0.7). */
  readonly damping?: number;
  /** Time constant of each of the two low-pass stages on the measured fill (default 1 s). */
  readonly fillSmoothingS?: number;
}

export interface DriftBridgeStats {
  /** Samples buffered ahead of the read position now. */
  readonly fillSamples: number;
  /** The low-passed fill the controller acts on. */
  readonly smoothedFillSamples: number;
  readonly targetSamples: number;
  /** Output samples per input sample: the estimate of consumer rate / producer rate. */
  readonly ratio: number;
  /** Times the FIFO ran dry while playing. */
  readonly underruns: number;
  /** Pushes that overflowed the capacity. */
  readonly overruns: number;
  /** False while priming (playing silence until the target fill is reached). */
  readonly running: boolean;
  readonly pushedSamples: number;
  readonly pulledSamples: number;
}

export class DriftBridge {
  readonly sampleRate: number;
  readonly targetSamples: number;
  readonly capacitySamples: number;
  private readonly maxAdjust: number;
  private readonly wAcquire: number;
  private readonly wLoop: number;
  private readonly gearK: number;
  private readonly zeta: number;
  private readonly smoothingSamples: number;
  private readonly interp: SincInterpolator;
  private readonly h: number;

  /** Samples; buf[readIdx] is the sample at or before the read position. */
  private buf: Float64Array;
  private readIdx: number;
  private frac = 0;
  private writeIdx: number;
  private running = false;
  private smooth1 = 0;
  private smoothedFill = 0;
  /** The integral term, in ratio units (so changing the gains does not make it jump). */
  private integral = 0;
  /** Output samples played since the bridge started, for the gear change. */
  private lockedFor = 0;
  /** Input samples consumed per output sample (1 / ratio). */
  private step = 1;
  private underruns = 0;
  private overruns = 0;
  private pushed = 0;
  private pulled = 0;

  constructor(opts: DriftBridgeOptions = {}) {
    this.sampleRate = opts.sampleRate ?? 8000;
    this.targetSamples = Math.round(((opts.targetMs ?? 40) * this.sampleRate) / 1000);
    this.capacitySamples = Math.round(((opts.capacityMs ?? 200) * this.sampleRate) / 1000);
    if (this.capacitySamples <= this.targetSamples) throw new RangeError('capacityMs must exceed targetMs');
    this.maxAdjust = opts.maxAdjust ?? 0.005;
    this.wAcquire = 2 * Math.PI * (opts.acquireHz ?? 0.05);
    this.wLoop = 2 * Math.PI * (opts.loopHz ?? 0.001);
    this.gearK = opts.gearK ?? 4;
    this.zeta = opts.damping ?? 0.7;
    this.smoothingSamples = (opts.fillSmoothingS ?? 1) * this.sampleRate;
    this.interp = new SincInterpolator();
    this.h = this.interp.halfTaps;
    this.buf = new Float64Array(2 * (this.capacitySamples + 2 * this.h) + 4096);
    this.readIdx = this.h;
    this.writeIdx = this.h;
  }

  /** Samples buffered ahead of the read position. */
  private get fill(): number {
    return this.writeIdx - this.readIdx - this.frac;
  }

  /** Queues samples from the producer's clock domain. */
  push(samples: Int16Array): void {
    this.pushed += samples.length;
    this.makeRoom(samples.length);
    for (let i = 0; i < samples.length; i++) this.buf[this.writeIdx + i] = samples[i] ?? 0;
    this.writeIdx += samples.length;
    if (this.fill > this.capacitySamples) {
      this.overruns++;
      this.readIdx += Math.floor(this.fill - this.targetSamples);
    }
  }

  /** Takes `n` samples for the consumer's clock domain (silence while priming or after an underrun). */
  pull(n: number): Int16Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`pull needs a sample count, got ${n}`);
    const out = new Int16Array(n);
    this.pulled += n;
    if (!this.running) {
      // Start so that the fill averaged over this first pull is the target.
      if (this.fill < this.targetSamples + n / 2) return out;
      this.running = true;
      this.smooth1 = this.fill;
      this.smoothedFill = this.fill;
    }
    const before = this.fill;
    const { interp, h } = this;
    const step = this.step;
    let idx = this.readIdx;
    let frac = this.frac;
    let i = 0;
    for (; i < n; i++) {
      if (idx + h >= this.writeIdx) break;
      out[i] = clamp16(interp.at(this.buf, idx, frac));
      frac += step;
      const whole = Math.floor(frac);
      idx += whole;
      frac -= whole;
    }
    this.readIdx = idx;
    this.frac = frac;
    if (i < n) {
      this.underruns++;
      this.running = false;
      return out;
    }
    this.control((before + this.fill) / 2, n);
    return out;
  }

  /** One controller update from the mean fill over a pull of `n` samples. */
  private control(meanFill: number, n: number): void {
    const a = 1 - Math.exp(-n / this.smoothingSamples);
    this.smooth1 += a * (meanFill - this.smooth1);
    this.smoothedFill += a * (this.smooth1 - this.smoothedFill);
    this.lockedFor += n;
    const wn = Math.max(this.wLoop, this.wAcquire / (1 + (this.lockedFor / this.sampleRate) * this.wAcquire / this.gearK));
    const kp = (2 * this.zeta * wn) / this.sampleRate;
    const ki = (wn * wn) / this.sampleRate;
    const error = this.smoothedFill - this.targetSamples;
    const integral = this.integral + ki * error * (n / this.sampleRate);
    const v = kp * error + integral;
    const clamped = Math.min(this.maxAdjust, Math.max(-this.maxAdjust, v));
    if (clamped === v || Math.sign(error) !== Math.sign(v)) this.integral = integral;
    // v > 0: the fill is high, so read faster (fewer outputs per input).
    this.step = 1 / (1 - clamped);
  }

  /** Keeps the buffer from growing: slides the live part (with interpolation history) to the front. */
  private makeRoom(incoming: number): void {
    if (this.writeIdx + incoming <= this.buf.length) return;
    const from = this.readIdx - this.h;
    const live = this.writeIdx - from;
    if (live + incoming > this.buf.length) {
      const bigger = new Float64Array(2 * (live + incoming));
      bigger.set(this.buf.subarray(from, this.writeIdx));
      this.buf = bigger;
    } else {
      this.buf.copyWithin(0, from, this.writeIdx);
    }
    this.readIdx -= from;
    this.writeIdx -= from;
  }

  /** Back to the state of a new bridge (empty, priming, ratio 1, acquisition gear); counters are kept. */
  reset(): void {
    this.buf.fill(0);
    this.readIdx = this.h;
    this.writeIdx = this.h;
    this.frac = 0;
    this.running = false;
    this.integral = 0;
    this.lockedFor = 0;
    this.step = 1;
  }

  stats(): DriftBridgeStats {
    return {
      fillSamples: this.fill,
      smoothedFillSamples: this.smoothedFill,
      targetSamples: this.targetSamples,
      ratio: 1 / this.step,
      underruns: this.underruns,
      overruns: this.overruns,
      running: this.running,
      pushedSamples: this.pushed,
      pulledSamples: this.pulled,
    };
  }
}
