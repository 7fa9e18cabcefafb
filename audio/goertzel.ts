/**
 * The Goertzel algorithm: the power of one frequency in a block of samples,
 * cheaper than an FFT when only a few frequencies matter (DTMF, call-progress
 * tones, tone measurements in tests).
 */

export interface GoertzelFilter {
  readonly frequency: number;
  readonly coefficient: number;
}

export function goertzelFilter(frequency: number, sampleRate: number): GoertzelFilter {
  return { frequency, coefficient: 2 * Math.cos((2 * Math.PI * frequency) / sampleRate) };
}

/**
 * |X(f)|² of samples[start, end), scaled so that a sine of amplitude A filling
 * the block gives about (A · N / 2)²; use `goertzelAmplitude` for A directly.
 */
export function goertzelPower(filter: GoertzelFilter, samples: ArrayLike<number>, start = 0, end = samples.length): number {
  let s1 = 0;
  let s2 = 0;
  const c = filter.coefficient;
  for (let i = start; i < end; i++) {
    const s0 = (samples[i] ?? 0) + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - c * s1 * s2;
}

/** The amplitude of the `frequency` component of the block (exact for a bin-centred sine). */
export function goertzelAmplitude(frequency: number, sampleRate: number, samples: ArrayLike<number>, start = 0, end = samples.length): number {
  const n = end - start;
  if (n <= 0) return 0;
  return (2 * Math.sqrt(goertzelPower(goertzelFilter(frequency, sampleRate), samples, start, end))) / n;
}
