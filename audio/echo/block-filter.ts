/**
 * The adaptive filter of the echo canceller (ITU-T G.168 / G.165 line echo
 * canceller, see canceller.ts): partitioned-block frequency-domain NLMS —
 * the multidelay block frequency-domain adaptive filter of Soo & Pang, IEEE
 * Trans. ASSP 38(2), 1990, also the basis of Speex's "MDF" canceller. The
 * FIR of N = K·L taps is split into K partitions of L taps, each held as the
 * spectrum of a 2L-point FFT. Filtering a block of L samples is overlap-save:
 *   Y = Σ_p W_p · X_(k−p),   y = last L samples of IFFT(Y),
 * with X_k = FFT([x block k−1, x block k]) (spectral-history.ts). The NLMS
 * step is normalised per bin by the reference energy over the tail,
 *   W_p += µ · g_p · conj(X_(k−p)) · E / (Σ_q g_q·|X_(k−q)|² + δ),
 * E = FFT([0…0, e block k]) — the frequency-domain counterpart of
 * time-domain NLMS (w += µ·e·x / xᵀx), µ with the same meaning — with
 * proportionate gains g_p (see `adapt`). The gradient constraint (zero the
 * second half of a partition's impulse response; two FFTs) is applied every
 * block to the partitions holding the echo and to one other partition in turn
 * (the "alternately updated" MDF variant).
 *
 * Measured on speech against G.168 echo paths: per-bin normalisation alone
 * converges about as fast as time-domain NLMS; with the proportionate
 * updates it is clearly faster (the echo occupies a few ms of a 128 ms tail).
 * Cost for 1024 taps in 64-sample blocks: about 9 FFTs of 128 points and
 * 4·K·65 complex multiply-adds per block, plus 64 multiply-adds per sample
 * for the zero-latency head — against ~3·1024 multiply-adds per sample for a
 * time-domain two-path NLMS: measured about a seventh (bench/audio-echo.ts).
 */
import type { RealFft } from './fft.js';
import type { SpectralHistory } from './spectral-history.js';

/** IPNLMS α: −1 is plain NLMS, +1 fully proportionate. */
const PROP_ALPHA = 0;
/**
 * Weight of the per-bin reference power in the step normalisation; the rest
 * is the average over the band. Pure per-bin normalisation (1) lets bins the
 * far end barely excites (between pitch harmonics, above the formants) adapt
 * as fast as strong ones on almost no signal, which adds gradient noise that
 * shows up as residual echo when the spectrum moves; mixing in the band
 * average measured 3–4 dB more ERLE on speech.
 */
const NORM_BIN_WEIGHT = 0.7;
/** Partitions that get the per-tap proportionate (constrained) update each block. */
const ACTIVE_PARTITIONS = 2;

export class PartitionedFilter {
  readonly partitions: number;
  readonly bins: number;
  /** Weights, partition-major like SpectralHistory. */
  readonly re: Float64Array;
  readonly im: Float64Array;
  private readonly fft: RealFft;
  private readonly half: number;
  /** Time-domain taps of each partition, valid where `synced` is set. */
  private readonly taps: Float64Array;
  private readonly synced: Uint8Array;
  private readonly prop: Float64Array;
  private adaptCount = 0;
  private normTotal = 0;
  private readonly active: Int32Array;
  private readonly geRe: Float64Array;
  private readonly geIm: Float64Array;
  private readonly gain: Float64Array;
  private readonly phiRe: Float64Array;
  private readonly phiIm: Float64Array;
  private readonly scratchRe: Float64Array;
  private readonly scratchIm: Float64Array;
  private readonly time: Float64Array;

  constructor(partitions: number, fft: RealFft) {
    this.partitions = partitions;
    this.fft = fft;
    this.bins = fft.bins;
    this.half = fft.size / 2;
    this.re = new Float64Array(partitions * this.bins);
    this.im = new Float64Array(partitions * this.bins);
    this.taps = new Float64Array(partitions * this.half);
    this.synced = new Uint8Array(partitions).fill(1);
    this.prop = new Float64Array(partitions);
    this.active = new Int32Array(Math.min(ACTIVE_PARTITIONS, partitions));
    this.geRe = new Float64Array(this.bins);
    this.geIm = new Float64Array(this.bins);
    this.gain = new Float64Array(this.bins);
    this.phiRe = new Float64Array(this.bins);
    this.phiIm = new Float64Array(this.bins);
    this.scratchRe = new Float64Array(this.bins);
    this.scratchIm = new Float64Array(this.bins);
    this.time = new Float64Array(fft.size);
  }

  /**
   * outRe/outIm = Σ_(p ≥ fromPartition) W_p · X(age p − ageShift). With
   * fromPartition 0, ageShift 0: the filter's output for the newest block.
   * With 1, 1: the contribution of partitions 1… to the *next* block, which
   * depends only on reference samples already known.
   */
  accumulate(x: SpectralHistory, fromPartition: number, ageShift: number, outRe: Float64Array, outIm: Float64Array): void {
    const b = this.bins;
    outRe.fill(0);
    outIm.fill(0);
    const wr = this.re;
    const wi = this.im;
    const xr = x.re;
    const xi = x.im;
    for (let p = fromPartition; p < this.partitions; p++) {
      const wo = p * b;
      const xo = x.offset(p - ageShift);
      for (let f = 0; f < b; f++) {
        const ar = wr[wo + f]!;
        const ai = wi[wo + f]!;
        const br = xr[xo + f]!;
        const bi = xi[xo + f]!;
        outRe[f] = outRe[f]! + ar * br - ai * bi;
        outIm[f] = outIm[f]! + ar * bi + ai * br;
      }
    }
  }

  /**
   * Both outputs of a two-path pair in one pass over the reference spectra:
   * the background's output for the newest block (all partitions) and the
   * foreground's partitions 1… for the next block (see `accumulate`).
   */
  static accumulatePair(
    bg: PartitionedFilter,
    fg: PartitionedFilter,
    x: SpectralHistory,
    bgRe: Float64Array,
    bgIm: Float64Array,
    fgRe: Float64Array,
    fgIm: Float64Array,
  ): void {
    const b = bg.bins;
    const k = bg.partitions;
    bgRe.fill(0);
    bgIm.fill(0);
    fgRe.fill(0);
    fgIm.fill(0);
    const xr = x.re;
    const xi = x.im;
    for (let age = 0; age < k; age++) {
      const xo = x.offset(age);
      const bo = age * b;
      const wr = bg.re;
      const wi = bg.im;
      if (age + 1 < k) {
        const fo = (age + 1) * b;
        const vr = fg.re;
        const vi = fg.im;
        for (let f = 0; f < b; f++) {
          const cr = xr[xo + f]!;
          const ci = xi[xo + f]!;
          const ar = wr[bo + f]!;
          const ai = wi[bo + f]!;
          bgRe[f] = bgRe[f]! + ar * cr - ai * ci;
          bgIm[f] = bgIm[f]! + ar * ci + ai * cr;
          const dr = vr[fo + f]!;
          const di = vi[fo + f]!;
          fgRe[f] = fgRe[f]! + dr * cr - di * ci;
          fgIm[f] = fgIm[f]! + dr * ci + di * cr;
        }
      } else {
        for (let f = 0; f < b; f++) {
          const cr = xr[xo + f]!;
          const ci = xi[xo + f]!;
          const ar = wr[bo + f]!;
          const ai = wi[bo + f]!;
          bgRe[f] = bgRe[f]! + ar * cr - ai * ci;
          bgIm[f] = bgIm[f]! + ar * ci + ai * cr;
        }
      }
    }
  }

  /**
   * The NLMS step, proportionate (IPNLMS, Benesty & Gay, ICASSP 2002) at two
   * scales. Across partitions, as in Speex's MDF: partition p's step is scaled
   * by g_p = K·((1−α)/2K + (1+α)·‖W_p‖ / 2Σ‖W_q‖) — 1 everywhere while the
   * filter is empty, concentrated on the partitions holding the echo once it
   * is found (a hybrid echo is a few ms of response somewhere in a 64–128 ms
   * window). Within the few strongest partitions, also per tap: their
   * gradient is taken to the time domain, constrained, scaled by
   * γ_j = (1−α)/2 + (1+α)·L·|w_j| / 2Σ|w| and brought back — two FFTs each,
   * which is why only ACTIVE_PARTITIONS get it. The normalisation follows
   * the partition gains:
   *   W_p += µ·g_p·conj(X(age p))·E / (Σ_q g_q·|X(age q)|² + δ).
   * The other partitions are updated unconstrained (see `constrain`).
   */
  adapt(x: SpectralHistory, eRe: Float64Array, eIm: Float64Array, mu: number, delta: number): void {
    const b = this.bins;
    const k = this.partitions;
    const wr = this.re;
    const wi = this.im;
    const xr = x.re;
    const xi = x.im;
    const g = this.prop;
    const gain = this.gain;
    // Partition gains from the partition norms; these move slowly, so every 4th block.
    if (this.adaptCount++ % 4 === 0) this.updateProportions();
    const total = this.normTotal;
    gain.fill(delta);
    for (let p = 0; p < k; p++) {
      const xo = x.offset(p);
      const gp = g[p]!;
      for (let f = 0; f < b; f++) {
        const a = xr[xo + f]!;
        const c = xi[xo + f]!;
        gain[f] = gain[f]! + gp * (a * a + c * c);
      }
    }
    // Per-bin normalisation, mixed with the band average (see NORM_BIN_WEIGHT);
    // fold it into the error spectrum once: GE = µ·E / norm.
    let mean = 0;
    for (let f = 0; f < b; f++) mean += gain[f]!;
    mean = ((1 - NORM_BIN_WEIGHT) * mean) / b;
    const geRe = this.geRe;
    const geIm = this.geIm;
    for (let f = 0; f < b; f++) {
      const s = mu / (NORM_BIN_WEIGHT * gain[f]! + mean);
      geRe[f] = s * eRe[f]!;
      geIm[f] = s * eIm[f]!;
    }
    // The strongest partitions (above the uniform share) get the per-tap update.
    const active = this.active;
    active.fill(-1);
    if (total > 0) {
      for (let r = 0; r < active.length; r++) {
        let best = -1;
        for (let p = 0; p < k; p++) {
          if (g[p]! <= 1 || active.includes(p)) continue;
          if (best < 0 || g[p]! > g[best]!) best = p;
        }
        active[r] = best;
      }
    }
    for (let p = 0; p < k; p++) {
      const xo = x.offset(p);
      const gp = g[p]!;
      if (active.includes(p)) {
        const pr = this.phiRe;
        const pi = this.phiIm;
        for (let f = 0; f < b; f++) {
          const ar = xr[xo + f]!;
          const ai = xi[xo + f]!;
          const er = geRe[f]!;
          const ei = geIm[f]!;
          // g_p · conj(X) · GE
          pr[f] = gp * (ar * er + ai * ei);
          pi[f] = gp * (ar * ei - ai * er);
        }
        this.perTapUpdate(p);
        continue;
      }
      const wo = p * b;
      for (let f = 0; f < b; f++) {
        const ar = xr[xo + f]!;
        const ai = xi[xo + f]!;
        const er = geRe[f]!;
        const ei = geIm[f]!;
        wr[wo + f] = wr[wo + f]! + gp * (ar * er + ai * ei);
        wi[wo + f] = wi[wo + f]! + gp * (ar * ei - ai * er);
      }
      this.synced[p] = 0;
    }
  }

  private updateProportions(): void {
    const b = this.bins;
    const k = this.partitions;
    const wr = this.re;
    const wi = this.im;
    const g = this.prop;
    let total = 0;
    for (let p = 0; p < k; p++) {
      let sum = 0;
      const wo = p * b;
      for (let f = 0; f < b; f++) {
        const a = wr[wo + f]!;
        const c = wi[wo + f]!;
        sum += a * a + c * c;
      }
      g[p] = Math.sqrt(sum);
      total += g[p]!;
    }
    for (let p = 0; p < k; p++) g[p] = total > 0 ? (1 - PROP_ALPHA) / 2 + ((1 + PROP_ALPHA) * k * g[p]!) / (2 * total) : 1;
    this.normTotal = total;
  }

  /** Applies the gradient in phiRe/phiIm to partition p with per-tap proportionate gains. */
  private perTapUpdate(p: number): void {
    const L = this.half;
    const b = this.bins;
    const w = this.taps.subarray(p * L, p * L + L);
    if (!this.synced[p]) this.partitionTaps(p, w);
    const t = this.time;
    this.fft.inverse(this.phiRe, this.phiIm, t);
    let l1 = 0;
    for (let j = 0; j < L; j++) l1 += Math.abs(w[j]!);
    const a = (1 - PROP_ALPHA) / 2;
    const c = l1 > 0 ? ((1 + PROP_ALPHA) * L) / (2 * l1) : 0;
    for (let j = 0; j < L; j++) {
      const gamma = l1 > 0 ? a + c * Math.abs(w[j]!) : 1;
      w[j] = w[j]! + gamma * t[j]!;
      t[j] = w[j]!;
    }
    t.fill(0, L);
    this.fft.forward(t, this.phiRe, this.phiIm);
    this.re.set(this.phiRe, p * b);
    this.im.set(this.phiIm, p * b);
    this.synced[p] = 1;
  }

  /**
   * Gradient constraint for partition p: zero the second half of its impulse
   * response (the circular-convolution part the unconstrained update adds).
   */
  constrain(p: number): void {
    if (this.synced[p]) return;
    const L = this.half;
    const w = this.taps.subarray(p * L, p * L + L);
    this.partitionTaps(p, w);
    const t = this.time;
    t.set(w);
    t.fill(0, L);
    this.fft.forward(t, this.scratchRe, this.scratchIm);
    this.re.set(this.scratchRe, p * this.bins);
    this.im.set(this.scratchIm, p * this.bins);
    this.synced[p] = 1;
  }

  /** The first L taps of partition p (its constrained impulse response) into `out`. */
  partitionTaps(p: number, out: Float64Array): void {
    const b = this.bins;
    const o = p * b;
    if (this.synced[p]) {
      out.set(this.taps.subarray(p * this.half, (p + 1) * this.half));
      return;
    }
    this.scratchRe.set(this.re.subarray(o, o + b));
    this.scratchIm.set(this.im.subarray(o, o + b));
    this.fft.inverse(this.scratchRe, this.scratchIm, this.time);
    for (let i = 0; i < out.length; i++) out[i] = this.time[i]!;
  }

  copyFrom(other: PartitionedFilter): void {
    this.re.set(other.re);
    this.im.set(other.im);
    this.taps.set(other.taps);
    this.synced.set(other.synced);
    this.adaptCount = 0;
  }

  reset(): void {
    this.re.fill(0);
    this.im.fill(0);
    this.taps.fill(0);
    this.synced.fill(1);
    this.adaptCount = 0;
  }
}
