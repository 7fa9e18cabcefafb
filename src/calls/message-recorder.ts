/**
 * The answering machine's ears: what a caller leaves after the beep, a frame at a
 * time (8 kHz, 20 ms frames), and when the message is over. Pure: time is counted in
 * the frames pushed, so a test needs no clock.
 *
 * - A frame is "sound" when its RMS reaches `speechDbm0` (−40 dBm0: well above a
 *   quiet line's noise, well below speech at −20 dBm0 or so). The caller has spoken
 *   once `minSpeechMs` of sound (not one click) has come.
 * - It ends on `silenceEndMs` (5 s) of silence after the caller has spoken, or at
 *   `maxMs` (120 s) whatever is heard. The caller hanging up is the call's business
 *   (the line reports it): then `finish()` is called, with what to cut off the end.
 * - `finish()` gives the message: what was recorded up to the last sound plus a
 *   little (`tailMs`), so the 5 s of silence that ended it are not kept; or undefined
 *   when the caller never spoke (a silent message is not kept).
 */
import { rms, rmsForDbm0 } from '../../audio/levels.js';

export interface RecorderLimits {
  /** A frame at or above this level (dBm0) is sound. */
  readonly speechDbm0: number;
  /** Sound needed before the caller counts as having spoken, ms. */
  readonly minSpeechMs: number;
  /** Silence after speech that ends the message, ms. */
  readonly silenceEndMs: number;
  /** The longest message, ms. */
  readonly maxMs: number;
  /** Silence kept after the last sound, ms. */
  readonly tailMs: number;
}

export const RECORDER_DEFAULTS: RecorderLimits = Object.freeze({ speechDbm0: -40, minSpeechMs: 200, silenceEndMs: 5000, maxMs: 120_000, tailMs: 500 });

export type RecorderState = 'recording' | 'ended-silence' | 'ended-max-length';

export interface RecordedMessage {
  readonly samples: Int16Array;
  readonly durationMs: number;
}

const SAMPLE_RATE = 8000;

export class MessageRecorder {
  private readonly limits: RecorderLimits;
  private readonly threshold: number;
  private readonly frames: Int16Array[] = [];
  private samples = 0;
  private soundSamples = 0;
  /** Samples recorded up to the end of the last frame of sound. */
  private lastSoundEnd = 0;
  private stateNow: RecorderState = 'recording';

  constructor(limits: Partial<RecorderLimits> = {}) {
    this.limits = { ...RECORDER_DEFAULTS, ...limits };
    this.threshold = rmsForDbm0(this.limits.speechDbm0);
  }

  get state(): RecorderState {
    return this.stateNow;
  }

  /** The caller has said something (at least `minSpeechMs` of sound). */
  get spoke(): boolean {
    return this.soundSamples >= msToSamples(this.limits.minSpeechMs);
  }

  /** Recorded so far, ms. */
  get recordedMs(): number {
    return samplesToMs(this.samples);
  }

  /** Adds a frame from the line; returns the state after it (frames after the end are ignored). */
  push(frame: Int16Array): RecorderState {
    if (this.stateNow !== 'recording') return this.stateNow;
    const room = msToSamples(this.limits.maxMs) - this.samples;
    const kept = frame.length <= room ? Int16Array.from(frame) : frame.slice(0, Math.max(0, room));
    this.frames.push(kept);
    this.samples += kept.length;
    if (kept.length > 0 && rms(kept) >= this.threshold) {
      this.soundSamples += kept.length;
      this.lastSoundEnd = this.samples;
    }
    if (this.samples >= msToSamples(this.limits.maxMs)) this.stateNow = 'ended-max-length';
    else if (this.spoke && this.samples - this.lastSoundEnd >= msToSamples(this.limits.silenceEndMs)) this.stateNow = 'ended-silence';
    return this.stateNow;
  }

  /**
   * The message, or undefined when the caller never spoke. `dropLastMs`: what to cut off
   * the end first (a disconnect tone the line needed a while to recognise).
   */
  finish(dropLastMs = 0): RecordedMessage | undefined {
    if (!this.spoke) return undefined;
    const all = new Int16Array(this.samples);
    let at = 0;
    for (const f of this.frames) {
      all.set(f, at);
      at += f.length;
    }
    const end = Math.max(0, Math.min(this.samples - msToSamples(dropLastMs), this.lastSoundEnd + msToSamples(this.limits.tailMs)));
    if (end === 0) return undefined;
    const samples = all.slice(0, end);
    return { samples, durationMs: samplesToMs(samples.length) };
  }
}

function msToSamples(ms: number): number {
  return Math.round((ms * SAMPLE_RATE) / 1000);
}

function samplesToMs(n: number): number {
  return Math.round((n * 1000) / SAMPLE_RATE);
}
