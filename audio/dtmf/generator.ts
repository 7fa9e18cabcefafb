/**
 * DTMF generation: each digit is its low- and high-group sines summed, for
 * `durationMs`, followed by `pauseMs` of silence (ITU-T Q.23 frequencies;
 * Q.24 / Telcordia GR-506-CORE timing: ≥ 40 ms tone, ≥ 40 ms pause; the
 * defaults, 100 ms + 100 ms, are the usual 5 digits/s of ATAs and phones).
 *
 * Levels follow common telephone practice: the high tone a little louder
 * than the low one (default −7 / −5 dBm0, i.e. +2 dB "reverse twist"), both
 * well inside the −25..0 dBm0 per-tone range a Q.24 receiver must accept.
 * Tones start at phase 0 and stop abruptly, so durations are exact in samples
 * (round(ms · rate / 1000)); each digit's samples are the same whether made
 * by `dtmfSamples` or streamed frame by frame from a `DtmfGenerator`.
 */
import { SAMPLE_RATE, clamp16 } from '../pcm.js';
import { sinePeakForDbm0 } from '../levels.js';
import { assertDtmfDigits, dtmfFrequencies, type DtmfDigit } from './digits.js';

export interface DtmfToneOptions {
  /** Level of the low-group tone, dBm0 (default −7). */
  lowLevelDbm0?: number;
  /** Level of the high-group tone, dBm0 (default −5, i.e. +2 dB twist). */
  highLevelDbm0?: number;
  /** Tone duration per digit (default 100 ms). */
  durationMs?: number;
  /** Silence after each digit's tone (default 100 ms). */
  pauseMs?: number;
  /** Relative frequency error applied to both tones, e.g. 0.015 for +1.5 % (tests). */
  frequencyError?: number;
  /** Sample rate in Hz (default 8000). */
  sampleRate?: number;
}

interface Plan {
  readonly lowPeak: number;
  readonly highPeak: number;
  readonly toneSamples: number;
  readonly pauseSamples: number;
  readonly error: number;
  readonly sampleRate: number;
}

function plan(opts: DtmfToneOptions = {}): Plan {
  const sampleRate = opts.sampleRate ?? SAMPLE_RATE;
  const durationMs = opts.durationMs ?? 100;
  const pauseMs = opts.pauseMs ?? 100;
  if (!(sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${sampleRate}`);
  if (!(durationMs >= 0) || !(pauseMs >= 0)) throw new RangeError(`durations must be ≥ 0, got ${durationMs} / ${pauseMs} ms`);
  return {
    lowPeak: sinePeakForDbm0(opts.lowLevelDbm0 ?? -7),
    highPeak: sinePeakForDbm0(opts.highLevelDbm0 ?? -5),
    toneSamples: Math.round((durationMs * sampleRate) / 1000),
    pauseSamples: Math.round((pauseMs * sampleRate) / 1000),
    error: opts.frequencyError ?? 0,
    sampleRate,
  };
}

/** Angular frequencies (rad/sample) of a digit's two tones under a plan. */
function omegas(p: Plan, d: DtmfDigit): { wl: number; wh: number } {
  const { low, high } = dtmfFrequencies(d);
  const k = (2 * Math.PI * (1 + p.error)) / p.sampleRate;
  return { wl: low * k, wh: high * k };
}

/**
 * Streams queued digits into caller-provided frames (e.g. 160-sample, 20 ms
 * frames); silence when idle. Pure computation: no clock, no I/O.
 */
export class DtmfGenerator {
  private readonly plan: Plan;
  private readonly pending: DtmfDigit[] = [];
  private current: { wl: number; wh: number } | undefined;
  private pos = 0;

  constructor(opts?: DtmfToneOptions) {
    this.plan = plan(opts);
  }

  /** Appends digits to play after those already queued; throws RangeError on a non-DTMF character. */
  queue(digits: string): void {
    this.pending.push(...assertDtmfDigits(digits));
    if (this.current === undefined) this.advance();
  }

  /** True while a tone or its pause is still to be played. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Fills `frame` with the next samples (silence when idle) and returns it. */
  next(frame: Int16Array): Int16Array {
    const { lowPeak, highPeak, toneSamples, pauseSamples } = this.plan;
    const total = toneSamples + pauseSamples;
    for (let i = 0; i < frame.length; i++) {
      const cur = this.current;
      if (cur === undefined) {
        frame.fill(0, i);
        break;
      }
      const n = this.pos;
      frame[i] = n < toneSamples ? clamp16(lowPeak * Math.sin(cur.wl * n) + highPeak * Math.sin(cur.wh * n)) : 0;
      this.pos = n + 1;
      if (this.pos >= total) this.advance();
    }
    return frame;
  }

  private advance(): void {
    this.pos = 0;
    // A zero-length digit (0 ms tone and 0 ms pause) plays nothing: skip it.
    const empty = this.plan.toneSamples + this.plan.pauseSamples === 0;
    do {
      const d = this.pending.shift();
      this.current = d === undefined ? undefined : omegas(this.plan, d);
    } while (empty && this.current !== undefined);
  }
}

/** The whole sequence, tone then pause for each digit; throws RangeError on a non-DTMF character. */
export function dtmfSamples(digits: string, opts?: DtmfToneOptions): Int16Array {
  const p = plan(opts);
  const count = assertDtmfDigits(digits).length;
  const gen = new DtmfGenerator(opts);
  gen.queue(digits);
  return gen.next(new Int16Array(count * (p.toneSamples + p.pauseSamples)));
}
