/**
 * Gain in dB on 16-bit frames: a one-shot `applyGain` and a `GainStage` whose
 * gain changes glide instead of jumping.
 *
 * A step in gain in the middle of a signal is a step in its envelope, heard as a
 * click; ramping the linear gain over a few milliseconds spreads it out (the
 * usual "de-zippering" of a fader or mute). The ramp is linear in amplitude,
 * sample by sample, so the largest change one sample can see from the gain alone
 * is |g₁ − g₀| · |x| / rampSamples.
 *
 * Sources: the dB/amplitude relation 20·log10 (IEC 60027-3); de-zippering of
 * parameter changes, e.g. U. Zölzer (ed.), "DAFX: Digital Audio Effects", 2nd
 * ed., Wiley 2011, ch. 4 (gain ramps / parameter interpolation).
 */
import { clamp16 } from '../pcm.js';

/** The linear factor for `db` (−Infinity gives 0, i.e. mute). */
export function dbToGain(db: number): number {
  return db === -Infinity ? 0 : 10 ** (db / 20);
}

/** The gain in dB of a linear factor (0 gives −Infinity). */
export function gainToDb(gain: number): number {
  return 20 * Math.log10(gain);
}

/** Multiplies `frame` by `db` of gain with rounding and saturation, into `out` if given (may be `frame`). */
export function applyGain(frame: Int16Array, db: number, out?: Int16Array): Int16Array {
  const result = out ?? new Int16Array(frame.length);
  if (result.length !== frame.length) throw new RangeError(`out has ${result.length} samples, frame ${frame.length}`);
  const g = dbToGain(db);
  for (let i = 0; i < frame.length; i++) result[i] = clamp16((frame[i] ?? 0) * g);
  return result;
}

export interface GainStageOptions {
  /** Starting gain in dB (default 0). */
  readonly initialDb?: number;
  /** How long a change takes, in milliseconds (default 10). */
  readonly rampMs?: number;
  readonly sampleRate?: number;
}

/** A gain that ramps linearly (in amplitude) to each new setting over `rampMs`. */
export class GainStage {
  readonly rampSamples: number;
  private current: number;
  private target: number;
  private targetDb: number;
  private step = 0;
  private remaining = 0;

  constructor(opts: GainStageOptions = {}) {
    const rate = opts.sampleRate ?? 8000;
    this.rampSamples = Math.max(1, Math.round(((opts.rampMs ?? 10) * rate) / 1000));
    this.targetDb = opts.initialDb ?? 0;
    this.current = dbToGain(this.targetDb);
    this.target = this.current;
  }

  /** The gain being ramped to, in dB. */
  get gainDb(): number {
    return this.targetDb;
  }

  /** The gain applied to the last sample processed, in dB. */
  get currentDb(): number {
    return gainToDb(this.current);
  }

  /** True while a ramp is in progress. */
  get ramping(): boolean {
    return this.remaining > 0;
  }

  /** Starts a ramp from the present gain to `db` (−Infinity mutes). */
  setGain(db: number): void {
    this.targetDb = db;
    this.target = dbToGain(db);
    if (this.target === this.current) {
      this.remaining = 0;
      return;
    }
    this.remaining = this.rampSamples;
    this.step = (this.target - this.current) / this.rampSamples;
  }

  /** Jumps to `db` at once (for a stream that has not started). */
  setGainImmediately(db: number): void {
    this.targetDb = db;
    this.target = dbToGain(db);
    this.current = this.target;
    this.remaining = 0;
  }

  /** Applies the gain to a frame, advancing any ramp by one step per sample. */
  process(frame: Int16Array, out?: Int16Array): Int16Array {
    const result = out ?? new Int16Array(frame.length);
    if (result.length !== frame.length) throw new RangeError(`out has ${result.length} samples, frame ${frame.length}`);
    let i = 0;
    while (this.remaining > 0 && i < frame.length) {
      this.remaining--;
      // The last step lands exactly on the target, free of accumulated rounding.
      this.current = this.remaining === 0 ? this.target : this.current + this.step;
      result[i] = clamp16((frame[i] ?? 0) * this.current);
      i++;
    }
    const g = this.current;
    for (; i < frame.length; i++) result[i] = clamp16((frame[i] ?? 0) * g);
    return result;
  }
}
