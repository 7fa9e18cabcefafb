/**
 * `AudioHistory`: the last N seconds of a signal, as a ring buffer of 16-bit
 * samples (8 kHz mono, audio/pcm.ts). The simulated phone keeps what its
 * earpiece heard and the simulated landline what the box sent it, for the
 * `recording` API (DESIGN §7: the last N ≤ 30 s as a WAV) and for classifying
 * call-progress tones (hearing.ts).
 *
 * Samples are addressed by their absolute index (`total` counts every sample
 * ever pushed), so a reader can ask for "everything since sample k" (e.g.
 * since the phone went off hook) without caring where the ring wraps.
 */
import { SAMPLE_RATE } from '../../audio/pcm.js';
import { ValidationError } from '../../src/errors.js';

/** Seconds of audio the simulated devices remember (DESIGN §7: recordings of up to 30 s). */
export const HISTORY_SECONDS = 30;

export class AudioHistory {
  private readonly buf: Int16Array;
  private written = 0;

  constructor(readonly capacity = HISTORY_SECONDS * SAMPLE_RATE) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
    this.buf = new Int16Array(capacity);
  }

  /** Samples pushed since the history was made (not capped by the capacity). */
  get total(): number {
    return this.written;
  }

  push(samples: Int16Array): void {
    const cap = this.capacity;
    // Only the newest `cap` samples can survive.
    const src = samples.length > cap ? samples.subarray(samples.length - cap) : samples;
    this.written += samples.length - src.length;
    let at = this.written % cap;
    let i = 0;
    while (i < src.length) {
      const n = Math.min(src.length - i, cap - at);
      this.buf.set(src.subarray(i, i + n), at);
      i += n;
      at = (at + n) % cap;
    }
    this.written += src.length;
  }

  /** The last `n` samples, oldest first (fewer when fewer were pushed or kept). */
  last(n: number): Int16Array {
    const count = Math.max(0, Math.min(Math.floor(n), this.written, this.capacity));
    const out = new Int16Array(count);
    const cap = this.capacity;
    let from = (((this.written - count) % cap) + cap) % cap;
    let i = 0;
    while (i < count) {
      const k = Math.min(count - i, cap - from);
      out.set(this.buf.subarray(from, from + k), i);
      i += k;
      from = (from + k) % cap;
    }
    return out;
  }

  /** The samples from absolute index `start` to now (clipped to what is kept), oldest first. */
  since(start: number): Int16Array {
    return this.last(this.written - start);
  }
}

/**
 * The last `seconds` of `history` for the recording API (DESIGN §7: N ≤ 30):
 * fewer samples when less has been heard yet; a ValidationError for a number
 * of seconds outside (0, 30].
 */
export function recordingSamples(history: AudioHistory, seconds: number, sampleRate = SAMPLE_RATE): Int16Array {
  const max = history.capacity / sampleRate;
  if (!(Number.isFinite(seconds) && seconds > 0 && seconds <= max)) {
    throw new ValidationError(`a recording is 0 to ${max} seconds long, not ${seconds}`, { seconds: `must be more than 0 and at most ${max}` });
  }
  return history.last(Math.round(seconds * sampleRate));
}
