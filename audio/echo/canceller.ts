/**
 * Line (hybrid) echo canceller for the analog port, after ITU-T G.168
 * (digital network echo cancellers) and its predecessor G.165. Terms as in
 * G.168: Rin is the signal we send toward the line (the far end, the
 * canceller's reference), Sin what comes back from the line (echo of Rin
 * through the 2-wire/4-wire hybrid, plus near-end speech and noise), Sout the
 * output with the echo removed. ERL: echo return loss, Rin → Sin; ERLE: echo
 * return loss enhancement, Sin → Sout of the linear canceller.
 *
 * Structure:
 *  - DC blocker on Sin and on the canceller's copy of Rin (dc-blocker.ts).
 *  - Two-path adaptive filter (two-path.ts): a background filter adapts —
 *    partitioned-block frequency-domain NLMS over the whole tail, with
 *    proportionate step sizes (block-filter.ts) — and a foreground filter
 *    produces Sout and is only ever a copy of the background, taken when the
 *    background has clearly done better. Whatever happens to the background
 *    during undetected double talk never reaches the output; the background
 *    is put back to the foreground when it diverges, and the foreground is
 *    cleared if it ever adds energy (divergence protection).
 *  - Zero-latency output: Sout(n) uses the foreground's first 64 taps in the
 *    time domain on the current samples plus the other partitions'
 *    contribution, computed by FFT at the block boundary from reference
 *    samples already known. Blocks of any length are accepted.
 *  - Double talk (double-talk.ts: Geigel, plus a residual detector for
 *    near-end speech at or below the echo level) freezes or slows the
 *    background's adaptation and keeps the NLP off. A residual that stays
 *    high restarts the background from zero once, and when the background
 *    then learns to cancel Sin well, the event was an echo path change and
 *    the convergence state starts over (G.168's echo path change tests).
 *  - Non-linear processor with comfort noise (nlp.ts), allowed only when
 *    converged, with the far end active and no double talk.
 *
 * Why frequency domain: a time-domain NLMS of 1024 taps needs ~1 k
 * multiply-adds per sample and pass — filter, update, and the foreground's
 * filter again — which measured 4–6 % of a core per call in V8 on the dev
 * VM (bench/audio-echo.ts prints it) against a budget of 1 %; block updates
 * or decimated adaptation would not have brought the filtering itself under
 * budget. The block form measured 0.5–0.9 %, and with per-bin normalisation
 * and proportionate updates it converges on speech faster than time-domain
 * NLMS (block-filter.ts).
 */
import { clamp16 } from '../pcm.js';
import { dbm0OfRms, rmsForDbm0, sinePeakForDbm0 } from '../levels.js';
import { RealFft } from './fft.js';
import { PartitionedFilter } from './block-filter.js';
import { SpectralHistory } from './spectral-history.js';
import { DcBlocker } from './dc-blocker.js';
import { DoubleTalkDetector } from './double-talk.js';
import { TwoPathSwitch } from './two-path.js';
import { NonLinearProcessor } from './nlp.js';

export interface EchoCancellerOptions {
  /** Echo tail covered, in ms (default 128; 64…512, rounded up to a multiple of 8 ms). */
  tailMs?: number;
  sampleRate?: 8000;
  /** Non-linear processor (default true). */
  nlp?: boolean;
  /** Comfort noise while the NLP suppresses (default true). */
  comfortNoise?: boolean;
}

export interface EchoCancellerStats {
  /** Linear ERLE estimate in dB (Sin → linear Sout, far end active, no double talk; ~0.25 s average). */
  erleDb: number;
  /** ERL estimate in dB (Rin → Sin, same conditions). */
  erlDb: number;
  doubleTalk: boolean;
  converged: boolean;
  /** NLP suppressing at the last sample. */
  nlpActive: boolean;
  farActive: boolean;
  /** Background level of the linear Sout, dBm0 (the comfort noise level). */
  noiseDbm0: number;
  tailMs: number;
  taps: number;
  /** Background → foreground transfers. */
  foregroundUpdates: number;
  /** Background put back to the foreground after it diverged. */
  backgroundResets: number;
  /** Background restarted from zero (residual high for ~100 ms, see endBlock). */
  backgroundRestarts: number;
  /** Foreground cleared because it added energy to Sin. */
  divergenceResets: number;
  /** Echo path changes detected (see double-talk.ts and endBlock). */
  pathChanges: number;
}

/** Samples per block: the partition length and the adaptation period (8 ms). */
const BLOCK = 64;
const MU = 0.7;
/** Background step while the residual detector reports double talk. */
const MU_DOUBLE_TALK = 0.35;
/** Per-bin regularisation: the reference energy of a −55 dBm0 white signal over the tail. */
const REG_LEVEL = rmsForDbm0(-55) ** 2;
/** The far end counts as active when its mean level over the tail is above this. */
const FAR_ACTIVE = rmsForDbm0(-50) ** 2;
const GEIGEL_MIN_PEAK = sinePeakForDbm0(-45);
const PATH_CHANGE_BLOCKS = 188; // 1.5 s
const FORCE_ADAPT_BLOCKS = 32; // 0.25 s
const RESTART_BLOCKS = 12; // 96 ms
/** Long-term (ERLE, ERL) averaging per block, ≈ 0.25 s. */
const LONG_ALPHA = 1 / 32;
const CONVERGED_DB = 12;
const UNCONVERGED_DB = 6;

export class EchoCanceller {
  readonly tailMs: number;
  readonly taps: number;
  private readonly nlpEnabled: boolean;
  private readonly partitions: number;
  private readonly fft = new RealFft(2 * BLOCK);
  private readonly ref: SpectralHistory;
  private readonly fg: PartitionedFilter;
  private readonly bg: PartitionedFilter;
  private readonly dcFar = new DcBlocker();
  private readonly dcNear = new DcBlocker();
  private readonly dt: DoubleTalkDetector;
  private readonly twoPath = new TwoPathSwitch();
  private readonly nlp: NonLinearProcessor;
  private readonly delta: number;

  /** [previous block, current block] of the filtered reference. */
  private readonly xTime = new Float64Array(2 * BLOCK);
  private readonly dBlock = new Float64Array(BLOCK);
  /** Foreground: first partition's taps (time domain), other partitions' output for this block. */
  private readonly head = new Float64Array(BLOCK);
  private readonly tail = new Float64Array(BLOCK);
  private readonly time = new Float64Array(2 * BLOCK);
  private readonly sRe: Float64Array;
  private readonly sIm: Float64Array;
  private readonly tRe: Float64Array;
  private readonly tIm: Float64Array;
  /** Far-end energy of the last K+1 blocks. */
  private readonly farEnergy: Float64Array;

  private pos = 0;
  private blocks = 0;
  private ex = 0;
  private ed = 0;
  private efg = 0;
  private farActive = false;
  private forceAdapt = 0;
  private residualRun = 0;
  private converged = false;
  private sdLong = 0;
  private sfgLong = 0;
  private sxLong = 0;
  private counters = { foregroundUpdates: 0, backgroundResets: 0, backgroundRestarts: 0, divergenceResets: 0, pathChanges: 0 };

  constructor(opts: EchoCancellerOptions = {}) {
    const tailMs = opts.tailMs ?? 128;
    if (!Number.isFinite(tailMs) || tailMs < 64 || tailMs > 512) throw new RangeError(`tailMs must be within 64…512, got ${tailMs}`);
    if (opts.sampleRate !== undefined && opts.sampleRate !== 8000) throw new RangeError('only 8000 Hz is supported');
    this.partitions = Math.ceil((tailMs * 8) / BLOCK);
    this.taps = this.partitions * BLOCK;
    this.tailMs = this.taps / 8;
    this.nlpEnabled = opts.nlp ?? true;
    this.ref = new SpectralHistory(this.partitions, this.fft.bins);
    this.fg = new PartitionedFilter(this.partitions, this.fft);
    this.bg = new PartitionedFilter(this.partitions, this.fft);
    this.dt = new DoubleTalkDetector(this.partitions, GEIGEL_MIN_PEAK, PATH_CHANGE_BLOCKS);
    this.nlp = new NonLinearProcessor({ comfortNoise: opts.comfortNoise ?? true });
    this.delta = this.partitions * this.fft.size * REG_LEVEL;
    this.sRe = new Float64Array(this.fft.bins);
    this.sIm = new Float64Array(this.fft.bins);
    this.tRe = new Float64Array(this.fft.bins);
    this.tIm = new Float64Array(this.fft.bins);
    this.farEnergy = new Float64Array(this.partitions + 1);
  }

  /** Cancels the echo of `farEnd` (Rin) in `nearEnd` (Sin); returns Sout. */
  process(farEnd: Int16Array, nearEnd: Int16Array): Int16Array {
    if (farEnd.length !== nearEnd.length) throw new RangeError(`block lengths differ: ${farEnd.length} vs ${nearEnd.length}`);
    const out = new Int16Array(nearEnd.length);
    const xTime = this.xTime;
    const head = this.head;
    for (let i = 0; i < nearEnd.length; i++) {
      const x = this.dcFar.step(farEnd[i]!);
      const d = this.dcNear.step(nearEnd[i]!);
      const m = this.pos;
      const n = BLOCK + m;
      xTime[n] = x;
      // Foreground echo estimate: head taps on the last BLOCK samples, plus the precomputed tail.
      let y0 = this.tail[m]!;
      let y1 = 0;
      for (let j = 0; j < BLOCK; j += 2) {
        y0 += head[j]! * xTime[n - j]!;
        y1 += head[j + 1]! * xTime[n - j - 1]!;
      }
      const y = y0 + y1;
      const e = d - y;
      this.dBlock[m] = d;
      this.ex += x * x;
      this.ed += d * d;
      this.efg += e * e;
      const geigel = this.dt.sample(x < 0 ? -x : x, d < 0 ? -d : d);
      const allow = this.nlpEnabled && this.converged && this.farActive && !geigel && !this.dt.active;
      out[i] = clamp16(this.nlp.step(e, y, allow));
      if (++this.pos === BLOCK) this.endBlock();
    }
    return out;
  }

  stats(): EchoCancellerStats {
    return {
      erleDb: this.sdLong > 0 && this.sfgLong > 0 ? 10 * Math.log10(this.sdLong / this.sfgLong) : 0,
      erlDb: this.sdLong > 0 && this.sxLong > 0 ? 10 * Math.log10(this.sxLong / this.sdLong) : 0,
      doubleTalk: this.dt.active,
      converged: this.converged,
      nlpActive: this.nlp.engaged,
      farActive: this.farActive,
      noiseDbm0: dbm0OfRms(Math.sqrt(this.nlp.comfort.level)),
      tailMs: this.tailMs,
      taps: this.taps,
      ...this.counters,
    };
  }

  reset(): void {
    this.ref.reset();
    this.fg.reset();
    this.bg.reset();
    this.dcFar.reset();
    this.dcNear.reset();
    this.dt.reset();
    this.twoPath.reset();
    this.nlp.reset();
    this.xTime.fill(0);
    this.head.fill(0);
    this.tail.fill(0);
    this.farEnergy.fill(0);
    this.pos = this.blocks = 0;
    this.ex = this.ed = this.efg = 0;
    this.farActive = this.converged = false;
    this.forceAdapt = this.residualRun = 0;
    this.sdLong = this.sfgLong = this.sxLong = 0;
    this.counters = { foregroundUpdates: 0, backgroundResets: 0, backgroundRestarts: 0, divergenceResets: 0, pathChanges: 0 };
  }

  private endBlock(): void {
    const L = BLOCK;
    const { ed, efg, ex } = this;
    this.pos = 0;
    this.blocks++;
    this.ed = this.efg = this.ex = 0;

    // Far-end activity over the tail and this block.
    this.farEnergy[this.blocks % this.farEnergy.length] = ex;
    let farSum = 0;
    for (let i = 0; i < this.farEnergy.length; i++) farSum += this.farEnergy[i]!;
    const farMeanSquare = farSum / (this.farEnergy.length * L);
    this.farActive = farMeanSquare > FAR_ACTIVE;

    // Reference spectrum of this block; background output and error.
    this.ref.push(this.fft, this.xTime, this.sRe, this.sIm);
    // Background output now, and the foreground's tail for the next block (redone if the foreground changes).
    PartitionedFilter.accumulatePair(this.bg, this.fg, this.ref, this.sRe, this.sIm, this.tRe, this.tIm);
    let fgChanged = false;
    const t = this.time;
    this.fft.inverse(this.sRe, this.sIm, t);
    let ebg = 0;
    for (let m = 0; m < L; m++) {
      const e = this.dBlock[m]! - t[L + m]!;
      t[L + m] = e;
      ebg += e * e;
    }
    t.fill(0, 0, L);
    if (!Number.isFinite(ebg)) {
      // Cannot happen with 16-bit input, but never let a NaN reach the output.
      this.bg.copyFrom(this.fg);
      this.counters.backgroundResets++;
      ebg = efg;
      t.fill(0);
    }

    const nearAudible = ed > 4 * L * this.nlp.comfort.level;
    const dt = this.dt.endBlock({
      sin: ed,
      residual: efg,
      farActive: this.farActive,
      nearAudible,
      converged: this.converged,
      usualResidualRatio: this.sdLong > 0 ? this.sfgLong / this.sdLong : 0,
    });
    if (dt.pathChange) {
      this.unconverge();
      this.forceAdapt = FORCE_ADAPT_BLOCKS;
    }

    // A residual that stays high for ~100 ms while the background is no better
    // than the foreground: either double talk (the background can learn
    // nothing now) or an echo path change (it relearns faster from scratch
    // than from the old path). Either way, restart the background, once.
    if (this.farActive) this.residualRun = dt.residual ? this.residualRun + 1 : 0;
    if (this.residualRun === RESTART_BLOCKS && !this.twoPath.backgroundAhead) {
      this.bg.reset();
      this.counters.backgroundRestarts++;
    }
    // Adapt the background: frozen on Geigel, slowed on the residual detector
    // (a large residual may also be echo the filter has yet to learn).
    const force = this.forceAdapt > 0;
    if (this.farActive && (!dt.geigel || force)) {
      this.fft.forward(t, this.sRe, this.sIm);
      this.bg.adapt(this.ref, this.sRe, this.sIm, dt.residual && !force ? MU_DOUBLE_TALK : MU, this.delta);
      this.bg.constrain(this.blocks % this.partitions);
    }
    if (force) this.forceAdapt--;

    // Two-path decisions whenever the far end is active — also when Sin is down
    // to the noise, which is when a foreground left over from a vanished echo
    // path (G.168 test 5, infinite return loss) must be cleared.
    if (this.farActive) {
      const action = this.twoPath.decide(ed, efg, ebg);
      this.transfer(action);
      fgChanged = action === 'copy' || action === 'clear-foreground';
      // The background learned, during "double talk", to cancel 10 dB of Sin:
      // that was echo, so the path changed. Start the convergence state over.
      if (action === 'copy' && this.residualRun >= RESTART_BLOCKS && this.twoPath.backgroundGainDb >= 10) this.unconverge();
      if (nearAudible && !dt.geigel && !dt.residual) this.trackLongTerm(ed, efg, farMeanSquare * L);
    }
    this.nlp.comfort.observe(efg / L);

    // Next block: shift the reference window, precompute the foreground's tail.
    this.xTime.copyWithin(0, L, 2 * L);
    if (fgChanged) this.fg.accumulate(this.ref, 1, 1, this.tRe, this.tIm);
    this.fft.inverse(this.tRe, this.tIm, t);
    for (let m = 0; m < L; m++) this.tail[m] = t[L + m]!;
  }

  private transfer(action: ReturnType<TwoPathSwitch['decide']>): void {
    switch (action) {
      case 'copy':
        this.fg.copyFrom(this.bg);
        this.fg.partitionTaps(0, this.head);
        this.counters.foregroundUpdates++;
        break;
      case 'reset-background':
        this.bg.copyFrom(this.fg);
        this.counters.backgroundResets++;
        break;
      case 'clear-foreground':
        this.fg.reset();
        this.head.fill(0);
        this.counters.divergenceResets++;
        this.unconverge();
        break;
      case 'none':
        break;
    }
  }

  /** The echo path changed: forget the ERLE history (the residual detector goes quiet until it is rebuilt). */
  private unconverge(): void {
    this.counters.pathChanges++;
    this.converged = false;
    this.sdLong = this.sfgLong = 0;
  }

  private trackLongTerm(ed: number, efg: number, ex: number): void {
    this.sdLong += LONG_ALPHA * (ed - this.sdLong);
    this.sfgLong += LONG_ALPHA * (efg - this.sfgLong);
    this.sxLong += LONG_ALPHA * (ex - this.sxLong);
    const erle = 10 * Math.log10(this.sdLong / Math.max(this.sfgLong, 1e-9));
    if (!this.converged && erle >= CONVERGED_DB) this.converged = true;
    else if (this.converged && erle < UNCONVERGED_DB) this.converged = false;
  }
}
