/**
 * Streaming call-progress tone generator: fills frames of any length with a
 * `ToneSpec`, sample-exact whatever the frame size (all state advances per
 * sample, never per frame).
 *
 * - Oscillators are phase accumulators (one per component, plus the AM
 *   modulator) that run continuously, through the silent parts of the cadence
 *   too, so every burst continues the same sine: no phase reset at edges.
 *   Frequency error is that of a double-precision increment (≪ 0.001 Hz).
 * - Each on/off edge is shaped by a raised-cosine ramp of `RAMP_MS` (4 ms)
 *   centred on the nominal edge: the envelope passes 0.5 exactly at the
 *   cadence time, so durations measured between half-amplitude points equal
 *   the plan's. For that, the whole pattern starts RAMP_MS/2 after sample 0
 *   (the first ramp begins at sample 0). A 4 ms raised cosine keeps the
 *   sample-to-sample step at an edge below the step inside the steady tone
 *   and its spectral splatter ~30 dB down within ±250 Hz.
 * - Amplitudes come from ../levels.ts `sinePeakForDbm0` per component; an AM
 *   tone is carrier · (1 + depth · sin(2π·fm·t)).
 */
import { clamp16, SAMPLE_RATE } from '../pcm.js';
import { sinePeakForDbm0 } from '../levels.js';
import { toneSpecProblem, type ToneSpec } from './types.js';

/** Length of the raised-cosine ramp at each cadence edge, ms. */
export const RAMP_MS = 4;

const TWO_PI = 2 * Math.PI;

export interface ToneGeneratorOptions {
  sampleRate?: number;
}

export class ToneGenerator {
  readonly spec: ToneSpec;
  readonly sampleRate: number;

  /** Segment durations in ms; the last is Infinity for continuous / one-shot tones. */
  private readonly segments: number[];
  private readonly cyclic: boolean;
  /** For one-shot tones: the time after which all is silent. */
  private readonly endMs: number;
  private readonly msPerSample: number;
  private readonly increments: Float64Array;
  private readonly amplitudes: Float64Array;
  private readonly phases: Float64Array;
  private readonly modIncrement: number;
  private readonly modDepth: number;
  private modPhase = 0;
  /** Time within the current cycle (ms) and the segment it falls in. */
  private tau = 0;
  private segment = 0;
  private segmentStart = 0;
  private finished = false;

  constructor(spec: ToneSpec, opts: ToneGeneratorOptions = {}) {
    const problem = toneSpecProblem(spec);
    if (problem !== undefined) throw new RangeError(`invalid tone: ${problem}`);
    const sampleRate = opts.sampleRate ?? SAMPLE_RATE;
    if (!(sampleRate > 0)) throw new RangeError(`bad sample rate ${sampleRate}`);
    for (const d of spec.cadence) if (d < RAMP_MS) throw new RangeError(`cadence segment ${d} ms is shorter than the ${RAMP_MS} ms ramp`);
    this.spec = spec;
    this.sampleRate = sampleRate;
    this.msPerSample = 1000 / sampleRate;
    const n = spec.frequencies.length;
    this.increments = new Float64Array(n);
    this.amplitudes = new Float64Array(n);
    this.phases = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      this.increments[i] = (spec.frequencies[i] ?? 0) / sampleRate;
      this.amplitudes[i] = sinePeakForDbm0(spec.levelDbm0);
    }
    this.modIncrement = spec.modulation === undefined ? 0 : spec.modulation.modulator / sampleRate;
    this.modDepth = spec.modulation?.depth ?? 0;

    const c = [...spec.cadence];
    if (c.length === 0) {
      this.segments = [Infinity];
      this.cyclic = false;
      this.endMs = Infinity;
    } else if (spec.repeat) {
      this.segments = c;
      this.cyclic = true;
      this.endMs = Infinity;
    } else {
      const total = c.reduce((a, b) => a + b, 0);
      if (c.length % 2 === 0) {
        c[c.length - 1] = Infinity; // the final off segment lasts for ever
        this.endMs = total;
      } else {
        c.push(Infinity); // ramp down, then silence for ever
        this.endMs = total + RAMP_MS;
      }
      this.segments = c;
      this.cyclic = false;
    }
  }

  /** True once a non-repeating tone has played out (all further output is silence). */
  get done(): boolean {
    return this.finished;
  }

  /** Starts the tone again from its beginning (oscillator phases included). */
  reset(): void {
    this.phases.fill(0);
    this.modPhase = 0;
    this.tau = 0;
    this.segment = 0;
    this.segmentStart = 0;
    this.finished = false;
  }

  /** Fills `frame` with the next samples of the tone and returns it. */
  next(frame: Int16Array): Int16Array {
    const n = this.phases.length;
    for (let s = 0; s < frame.length; s++) {
      const env = this.finished ? 0 : this.envelope();
      let v = 0;
      if (env > 0) {
        for (let i = 0; i < n; i++) v += (this.amplitudes[i] ?? 0) * Math.sin(TWO_PI * (this.phases[i] ?? 0));
        if (this.modIncrement > 0) v *= 1 + this.modDepth * Math.sin(TWO_PI * this.modPhase);
        v *= env;
      }
      frame[s] = clamp16(v);
      this.advance();
    }
    return frame;
  }

  /** Gain (0…1) at the current time. */
  private envelope(): number {
    const into = this.tau - this.segmentStart;
    const on = this.segment % 2 === 0;
    if (into < RAMP_MS) {
      const w = 0.5 - 0.5 * Math.cos((Math.PI * into) / RAMP_MS);
      // Segment 0's ramp rises from silence; every other segment ramps from the previous state.
      return on ? w : 1 - w;
    }
    return on ? 1 : 0;
  }

  private advance(): void {
    for (let i = 0; i < this.phases.length; i++) {
      let p = (this.phases[i] ?? 0) + (this.increments[i] ?? 0);
      if (p >= 1) p -= 1;
      this.phases[i] = p;
    }
    if (this.modIncrement > 0) {
      this.modPhase += this.modIncrement;
      if (this.modPhase >= 1) this.modPhase -= 1;
    }
    if (this.finished) return;
    this.tau += this.msPerSample;
    if (!this.cyclic && this.tau >= this.endMs) {
      this.finished = true;
      return;
    }
    // Continuous tones need no clock after their first ramp.
    if (this.segments.length === 1 && this.tau > RAMP_MS) this.tau = RAMP_MS;
    let end = this.segmentStart + (this.segments[this.segment] ?? Infinity);
    while (this.tau >= end) {
      this.segment++;
      this.segmentStart = end;
      if (this.segment === this.segments.length) {
        // Only cyclic cadences get here: wrap to the next cycle.
        this.tau -= end;
        this.segment = 0;
        this.segmentStart = 0;
      }
      end = this.segmentStart + (this.segments[this.segment] ?? Infinity);
    }
  }
}
