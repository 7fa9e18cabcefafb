/**
 * First-order DC-blocking high-pass, y[n] = x[n] − x[n−1] + a·y[n−1]
 * (−3 dB near 25 Hz at 8 kHz). ITU-T G.168 allows a high-pass filter in the
 * Sin path of an echo canceller; the canceller applies the same filter to its
 * copy of Rin, so the echo path it models is unchanged (the filters are linear
 * and time-invariant and commute with the hybrid), and neither a DC offset on
 * the line nor one in the reference slows its convergence.
 */

export class DcBlocker {
  private readonly a: number;
  private x1 = 0;
  private y1 = 0;

  constructor(cornerHz = 25, sampleRate = 8000) {
    this.a = 1 - (2 * Math.PI * cornerHz) / sampleRate;
  }

  step(x: number): number {
    const y = x - this.x1 + this.a * this.y1;
    this.x1 = x;
    // Flush denormal-sized values to zero (no cost in JS, but keeps y exact at silence).
    this.y1 = Math.abs(y) < 1e-20 ? 0 : y;
    return y;
  }

  reset(): void {
    this.x1 = 0;
    this.y1 = 0;
  }
}
