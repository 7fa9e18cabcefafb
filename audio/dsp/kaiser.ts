/**
 * Kaiser-window FIR low-pass design: the window, Kaiser's empirical formulas for
 * the shape parameter β and the length from a stopband attenuation and a
 * transition width, a windowed-sinc low-pass, and the magnitude response of a
 * set of taps (used by the tests and to report design figures).
 *
 * Sources:
 * - J. F. Kaiser, "Nonrecursive digital filter design using the I0-sinh window
 *   function", Proc. IEEE ISCAS 1974, pp. 20–23.
 * - A. V. Oppenheim, R. W. Schafer, "Discrete-Time Signal Processing", 3rd ed.,
 *   §7.5.3 (β = 0.1102(A − 8.7) for A > 50, 0.5842(A − 21)^0.4 + 0.07886(A − 21)
 *   for 21 ≤ A ≤ 50; length M = (A − 8)/(2.285 Δω)), and the equivalent
 *   N ≈ (A − 7.95)/(14.36 Δf) with Δf in cycles per sample.
 * - I0 by its power series Σ ((x/2)^k / k!)², summed until the terms vanish.
 */

/** The zeroth-order modified Bessel function of the first kind. */
export function besselI0(x: number): number {
  const half = x / 2;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 500; k++) {
    term *= half / k;
    const t2 = term * term;
    sum += t2;
    if (t2 < sum * 1e-17) break;
  }
  return sum;
}

/** Kaiser's β for a stopband attenuation of `attenuationDb` (positive dB). */
export function kaiserBeta(attenuationDb: number): number {
  const a = attenuationDb;
  if (a > 50) return 0.1102 * (a - 8.7);
  if (a >= 21) return 0.5842 * (a - 21) ** 0.4 + 0.07886 * (a - 21);
  return 0;
}

/**
 * The number of taps for `attenuationDb` and a transition band of
 * `transitionWidth` cycles per sample (stopband edge − passband edge, over the
 * sample rate the filter runs at).
 */
export function kaiserLength(attenuationDb: number, transitionWidth: number): number {
  if (!(transitionWidth > 0)) throw new RangeError(`transition width must be positive, got ${transitionWidth}`);
  return Math.ceil((attenuationDb - 7.95) / (14.36 * transitionWidth)) + 1;
}

/** The Kaiser window of `length` points, w[n] = I0(β √(1 − (2n/(N−1) − 1)²)) / I0(β). */
export function kaiserWindow(length: number, beta: number): Float64Array {
  const w = new Float64Array(length);
  if (length === 1) {
    w[0] = 1;
    return w;
  }
  const denom = besselI0(beta);
  for (let n = 0; n < length; n++) {
    const x = (2 * n) / (length - 1) - 1;
    w[n] = besselI0(beta * Math.sqrt(Math.max(0, 1 - x * x))) / denom;
  }
  return w;
}

/** sin(πx)/(πx), 1 at 0. */
export function sinc(x: number): number {
  if (x === 0) return 1;
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

export interface LowpassSpec {
  /** Cut-off (−6 dB point) in cycles per sample, 0 < cutoff < 0.5. */
  readonly cutoff: number;
  readonly length: number;
  readonly beta: number;
}

/**
 * A linear-phase windowed-sinc low-pass, centred on (length − 1)/2, with a DC
 * gain of 1 (the taps are normalised to sum to 1).
 */
export function kaiserLowpass(spec: LowpassSpec): Float64Array {
  const { cutoff, length, beta } = spec;
  if (!(cutoff > 0 && cutoff < 0.5)) throw new RangeError(`cutoff must be in (0, 0.5) cycles/sample, got ${cutoff}`);
  const w = kaiserWindow(length, beta);
  const h = new Float64Array(length);
  const centre = (length - 1) / 2;
  let sum = 0;
  for (let n = 0; n < length; n++) {
    const v = 2 * cutoff * sinc(2 * cutoff * (n - centre)) * (w[n] ?? 0);
    h[n] = v;
    sum += v;
  }
  for (let n = 0; n < length; n++) h[n] = (h[n] ?? 0) / sum;
  return h;
}

/** |H(f)| of FIR taps at `frequency` cycles per sample (direct DTFT). */
export function magnitudeAt(taps: ArrayLike<number>, frequency: number): number {
  const w = 2 * Math.PI * frequency;
  let re = 0;
  let im = 0;
  for (let n = 0; n < taps.length; n++) {
    const h = taps[n] ?? 0;
    re += h * Math.cos(w * n);
    im -= h * Math.sin(w * n);
  }
  return Math.hypot(re, im);
}

/** 20·log10 |H(f)|. */
export function magnitudeDbAt(taps: ArrayLike<number>, frequency: number): number {
  return 20 * Math.log10(magnitudeAt(taps, frequency));
}
