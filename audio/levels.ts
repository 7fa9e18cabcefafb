/**
 * Signal levels in dBm0 (ITU-T G.711 / G.100): the level of a signal relative to
 * the 0 dBm0 reference at the digital interface. The G.711 overload point is a
 * sine of +3.14 dBm0 (A-law; µ-law +3.17), which here maps to a 16-bit sine of
 * full amplitude 32767 (the same convention as spandsp). So a 0 dBm0 sine has a
 * peak of 32767 · 10^(−3.14/20) ≈ 22 828 and an RMS of about 16 142.
 */

export const DBM0_AT_FULL_SCALE_SINE = 3.14;

/** Peak amplitude of a sine at `dbm0`. */
export function sinePeakForDbm0(dbm0: number): number {
  return 32767 * 10 ** ((dbm0 - DBM0_AT_FULL_SCALE_SINE) / 20);
}

/** RMS of a signal at `dbm0` (any waveform: the level is a power). */
export function rmsForDbm0(dbm0: number): number {
  return sinePeakForDbm0(dbm0) / Math.SQRT2;
}

/** The level in dBm0 of a block, from its RMS; −Infinity for silence. */
export function dbm0OfRms(rms: number): number {
  if (rms <= 0) return -Infinity;
  return 20 * Math.log10((rms * Math.SQRT2) / 32767) + DBM0_AT_FULL_SCALE_SINE;
}

export function rms(samples: ArrayLike<number>, start = 0, end = samples.length): number {
  if (end <= start) return 0;
  let sum = 0;
  for (let i = start; i < end; i++) {
    const v = samples[i] ?? 0;
    sum += v * v;
  }
  return Math.sqrt(sum / (end - start));
}

/** The level in dBm0 of a block of samples. */
export function dbm0Of(samples: ArrayLike<number>, start = 0, end = samples.length): number {
  return dbm0OfRms(rms(samples, start, end));
}
