/**
 * The audio format everything in audio/ speaks unless a file says otherwise:
 * 8 kHz, 16-bit signed linear, mono, 20 ms frames of 160 samples.
 */

export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
export const FRAME_SAMPLES = (SAMPLE_RATE * FRAME_MS) / 1000; // 160

/** One frame (or any block) of 16-bit linear PCM samples. */
export type Pcm = Int16Array;

/** Clamps a sample value to the 16-bit range, rounding to the nearest integer. */
export function clamp16(v: number): number {
  if (v >= 32767) return 32767;
  if (v <= -32768) return -32768;
  return Math.round(v);
}
