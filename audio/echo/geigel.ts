/**
 * Geigel double-talk detector (D. L. Duttweiler, "A twelve-channel digital
 * echo canceler", IEEE Trans. Comm. 26(5), 1978; the detector assumed by
 * ITU-T G.165 and G.168): declare near-end speech when
 *   |Sin(n)| > θ · max |Rin(n − j)|,  0 ≤ j < N (the tail),
 * i.e. when Sin is louder than any echo of the recent far end could be,
 * given an echo return loss of at least −20·log10 θ dB (θ = 0.5: ERL ≥ 6 dB,
 * the G.168 minimum). A hangover holds the decision for a while after the
 * last hit, since speech has gaps between its peaks.
 *
 * The max over the tail is kept per block of L samples: the maxima of the K
 * most recent complete blocks plus the running max of the current one (a
 * window of N…N+L samples, which errs on the safe side).
 */

export class GeigelDetector {
  private readonly threshold: number;
  private readonly hangoverSamples: number;
  private readonly minFar: number;
  private readonly blockMax: Float64Array;
  private slot = 0;
  private pastMax = 0;
  private currentMax = 0;
  private hang = 0;

  /**
   * @param tailBlocks K, the number of blocks of L samples in the tail
   * @param threshold θ (0.5 for ERL ≥ 6 dB)
   * @param hangoverSamples how long a detection is held
   * @param minFar far-end peak below which the detector stays quiet (no far end: nothing to protect)
   */
  constructor(tailBlocks: number, threshold = 0.5, hangoverSamples = 240, minFar = 100) {
    this.blockMax = new Float64Array(tailBlocks);
    this.threshold = threshold;
    this.hangoverSamples = hangoverSamples;
    this.minFar = minFar;
  }

  /** One sample: |Rin|, |Sin|. Returns whether double talk is (still) declared. */
  step(absFar: number, absNear: number): boolean {
    if (absFar > this.currentMax) this.currentMax = absFar;
    const farMax = this.pastMax > this.currentMax ? this.pastMax : this.currentMax;
    if (farMax >= this.minFar && absNear > this.threshold * farMax) {
      this.hang = this.hangoverSamples;
      return true;
    }
    if (this.hang > 0) {
      this.hang--;
      return true;
    }
    return false;
  }

  /** Call at every block boundary. */
  endBlock(): void {
    this.blockMax[this.slot] = this.currentMax;
    this.slot = (this.slot + 1) % this.blockMax.length;
    this.currentMax = 0;
    let m = 0;
    for (let i = 0; i < this.blockMax.length; i++) if (this.blockMax[i]! > m) m = this.blockMax[i]!;
    this.pastMax = m;
  }

  get active(): boolean {
    return this.hang > 0;
  }

  reset(): void {
    this.blockMax.fill(0);
    this.slot = 0;
    this.pastMax = 0;
    this.currentMax = 0;
    this.hang = 0;
  }
}
