/**
 * The caller-ID FSK receiver's modem: samples in, asynchronous bytes out.
 *
 * Standards: Telcordia GR-30-CORE (Bell 202, 1200/2200 Hz) and ITU-T V.23 as
 * used by ETSI EN 300 659-1/-2 (1300/2100 Hz); 1200 baud, start bit 0, 8 data
 * bits LSB first, stop bit 1.
 *
 * Design: both standards centre on 1700 Hz, so the signal is mixed down to
 * complex baseband at the centre frequency, low-pass filtered (a windowed-sinc
 * FIR that keeps the band of the two tones and their keying sidebands), and
 * passed through a quadrature FM discriminator: the phase step between
 * consecutive baseband samples is the instantaneous frequency, which is
 * independent of the signal level. Normalised so the nominal mark is −1 and the
 * space +1, it is smoothed over about half a bit and sliced midway between
 * mark and space. The mark level is learned from the idle mark before each
 * message, so a tone frequency error (which shifts both tones) moves the
 * slicing level with it; ±5 % still decodes.
 *
 * Bit timing is recovered per byte, as a UART does: the mark→space transition
 * of the start bit is located to a fraction of a sample (interpolated crossings
 * of two levels either side of the slicing level), and the ten bits are read
 * at their centres from there. Re-timing on every start bit makes a baud error
 * of a few % harmless.
 *
 * A carrier detector gates the UART: on when the baseband power (5 ms average)
 * exceeds the threshold and is steady (1 ms average close to it); off when it
 * falls 3 dB below the threshold or the 1 ms average drops 20 dB below the 5 ms
 * one (the end of a transmission, a few ms after the last bit). While the
 * carrier is on, a run of `markRunBits` of clean mark (steady level and
 * frequency) with no start bit raises a 'mark' event: the line-idle condition
 * that precedes every caller-ID message (after the channel seizure, or alone
 * off-hook).
 */
import { SAMPLE_RATE } from '../pcm.js';
import { sinePeakForDbm0 } from '../levels.js';
import { FSK_TONES, type FskStandard, type FskTones } from './fsk-modulator.js';

export type FskEvent =
  | { type: 'carrier'; on: boolean; sample: number }
  | { type: 'byte'; value: number; sample: number; framingError: boolean }
  | { type: 'mark'; sample: number };

export interface FskDemodulatorOptions {
  standard: FskStandard;
  sampleRate?: number;
  /** Carrier-on threshold (the carrier drops 3 dB below it). Default −42 dBm0. */
  minLevelDbm0?: number;
  /** Mark bits with no start bit that make a 'mark' (line idle) event. Default 30. */
  markRunBits?: number;
  /** Tones and rate other than the standard's (tests, odd equipment). */
  tones?: FskTones;
}

const FIR_TAPS = 31;
const CARRIER_HYSTERESIS_DB = 3;
/** The discriminator must swing past ±this (of the nominal deviation) to count as an edge. */
const EDGE_HYSTERESIS = 0.3;
const LEVEL_TIME_CONSTANT_S = 0.005;
const FAST_LEVEL_TIME_CONSTANT_S = 0.001;
/**
 * The end of a transmission: the fast level falls this far below the slow one
 * (20 dB). Also the squelch: samples this far below the slow level carry no
 * frequency information (the filter tail of a stopped tone flips phase).
 */
const DROP = 0.01;
/** A carrier starts only once the fast level is steady near the slow one. */
const STEADY = 0.5;
/**
 * The slicing level sits one nominal deviation above the learned mark level
 * (mark is −1 for exact tones). Learned over idle mark, once it has lasted
 * two bits, with this smoothing (about 7 bits), within these bounds.
 */
const MARK_TRACKING = 0.02;
const MARK_LEARNING_BITS = 2;
/**
 * A mark run counts as line idle only if it is clean: most recent samples (a
 * running share, about 3 bits) within this distance of the mark level, at a
 * steady level.
 */
const MARK_TOLERANCE = 0.35;
const MARK_QUALITY_TRACKING = 0.05;
const MIN_MARK_QUALITY = 0.9;
const MARK_LEVEL_MIN = -1.6;
const MARK_LEVEL_MAX = -0.5;
/**
 * Tuned by measurement (decode rate at 7–10 dB SNR with ±3 % baud error): the
 * baseband low-pass cut-off as a fraction of deviation + baud/2 (880 Hz Bell,
 * 800 Hz V.23), the discriminator smoothing in bits (4 samples at 8 kHz), and
 * where to sample relative to the nominal bit centre (a little before it: the
 * estimated edge trails the centre of the eye by about a quarter of a sample).
 */
const CUTOFF_SCALE = 0.8;
const SMOOTHING_BITS = 0.6;
const SAMPLING_OFFSET_BITS = -0.04;

/** A Hamming-windowed sinc low-pass, unity gain at DC. */
function lowPass(taps: number, cutoffHz: number, sampleRate: number): Float64Array {
  const h = new Float64Array(taps);
  const mid = (taps - 1) / 2;
  const fc = cutoffHz / sampleRate;
  let sum = 0;
  for (let k = 0; k < taps; k++) {
    const x = k - mid;
    const sinc = x === 0 ? 2 * fc : Math.sin(2 * Math.PI * fc * x) / (Math.PI * x);
    const v = sinc * (0.54 - 0.46 * Math.cos((2 * Math.PI * k) / (taps - 1)));
    h[k] = v;
    sum += v;
  }
  for (let k = 0; k < taps; k++) h[k] = (h[k] ?? 0) / sum;
  return h;
}

export class FskDemodulator {
  readonly tones: FskTones;
  readonly sampleRate: number;
  private readonly samplesPerBit: number;
  private readonly h: Float64Array;
  private readonly bufI: Float64Array;
  private readonly bufQ: Float64Array;
  private readonly smooth: Float64Array;
  private readonly rotCos: number;
  private readonly rotSin: number;
  private readonly radPerUnit: number;
  private readonly onLevel: number;
  private readonly offLevel: number;
  private readonly levelAlpha: number;
  private readonly fastAlpha: number;
  private readonly markRunSamples: number;

  private n = 0;
  private pos = 0;
  private oscRe = 1;
  private oscIm = 0;
  private prevI = 0;
  private prevQ = 0;
  private smoothPos = 0;
  private smoothSum = 0;
  private prevS = 0;
  private level = 0;
  private fast = 0;
  private carrier = false;
  // UART
  private inByte = false;
  private nextAt = 0;
  private bitIndex = 0;
  private shift = 0;
  private idle = 0;
  private markReported = false;
  private edgeArmed = false;
  private markLevel = -1;
  private markQuality = 0;
  private lowUp = 0;

  constructor(opts: FskDemodulatorOptions) {
    this.tones = opts.tones ?? FSK_TONES[opts.standard];
    this.sampleRate = opts.sampleRate ?? SAMPLE_RATE;
    const { markHz, spaceHz, baud } = this.tones;
    this.samplesPerBit = this.sampleRate / baud;
    const centre = (markHz + spaceHz) / 2;
    const deviation = (spaceHz - markHz) / 2;
    this.h = lowPass(FIR_TAPS, CUTOFF_SCALE * (deviation + baud / 2), this.sampleRate);
    this.bufI = new Float64Array(2 * FIR_TAPS);
    this.bufQ = new Float64Array(2 * FIR_TAPS);
    this.smooth = new Float64Array(Math.max(1, Math.round(SMOOTHING_BITS * this.samplesPerBit)));
    const w = (2 * Math.PI * centre) / this.sampleRate;
    this.rotCos = Math.cos(w);
    this.rotSin = Math.sin(w);
    this.radPerUnit = (2 * Math.PI * deviation) / this.sampleRate;
    const amp = (dbm0: number): number => (sinePeakForDbm0(dbm0) / 2) ** 2; // |baseband|² of a sine
    const min = opts.minLevelDbm0 ?? -42;
    this.onLevel = amp(min);
    this.offLevel = amp(min - CARRIER_HYSTERESIS_DB);
    this.levelAlpha = 1 - Math.exp(-1 / (LEVEL_TIME_CONSTANT_S * this.sampleRate));
    this.fastAlpha = 1 - Math.exp(-1 / (FAST_LEVEL_TIME_CONSTANT_S * this.sampleRate));
    this.markRunSamples = (opts.markRunBits ?? 30) * this.samplesPerBit;
  }

  /** Whether the carrier detector currently sees a signal. */
  get carrierOn(): boolean {
    return this.carrier;
  }

  reset(): void {
    this.n = 0;
    this.pos = 0;
    this.oscRe = 1;
    this.oscIm = 0;
    this.prevI = this.prevQ = 0;
    this.bufI.fill(0);
    this.bufQ.fill(0);
    this.smooth.fill(0);
    this.smoothPos = this.smoothSum = 0;
    this.prevS = 0;
    this.level = 0;
    this.fast = 0;
    this.carrier = false;
    this.resetUart();
  }

  private resetUart(): void {
    this.inByte = false;
    this.edgeArmed = false;
    this.markLevel = -1;
    this.markQuality = 0;
    this.idle = 0;
    this.markReported = false;
  }

  process(samples: Int16Array): FskEvent[] {
    const events: FskEvent[] = [];
    const taps = FIR_TAPS;
    const h = this.h;
    const bufI = this.bufI;
    const bufQ = this.bufQ;
    const smooth = this.smooth;
    const spb = this.samplesPerBit;
    for (let j = 0; j < samples.length; j++) {
      const x = samples[j] ?? 0;
      // Mix down: multiply by e^{-jωn}, the oscillator rotating by −ω per sample.
      const p = this.pos;
      bufI[p] = bufI[p + taps] = x * this.oscRe;
      bufQ[p] = bufQ[p + taps] = x * this.oscIm;
      const re = this.oscRe * this.rotCos + this.oscIm * this.rotSin;
      const im = this.oscIm * this.rotCos - this.oscRe * this.rotSin;
      // Renormalise the oscillator now and then (rounding drifts its magnitude).
      const g = (this.n & 1023) === 0 ? 1 / Math.hypot(re, im) : 1;
      this.oscRe = re * g;
      this.oscIm = im * g;
      let i = 0;
      let q = 0;
      for (let k = 0; k < taps; k++) {
        const c = h[k] ?? 0;
        i += c * (bufI[p + 1 + k] ?? 0);
        q += c * (bufQ[p + 1 + k] ?? 0);
      }
      this.pos = p + 1 === taps ? 0 : p + 1;

      // Carrier detector.
      const power = i * i + q * q;
      this.level += this.levelAlpha * (power - this.level);
      this.fast += this.fastAlpha * (power - this.fast);
      if (!this.carrier && this.level > this.onLevel && this.fast > STEADY * this.level) {
        this.carrier = true;
        this.resetUart();
        events.push({ type: 'carrier', on: true, sample: this.n });
      } else if (this.carrier && (this.level < this.offLevel || this.fast < DROP * this.level)) {
        this.carrier = false;
        this.resetUart();
        events.push({ type: 'carrier', on: false, sample: this.n });
      }

      // Discriminator: the phase step, in units of the nominal deviation.
      const cross = q * this.prevI - i * this.prevQ;
      const dot = i * this.prevI + q * this.prevQ;
      this.prevI = i;
      this.prevQ = q;
      const u = power < DROP * this.level ? 0 : Math.atan2(cross, dot) / this.radPerUnit;
      this.smoothSum += u - (smooth[this.smoothPos] ?? 0);
      smooth[this.smoothPos] = u;
      this.smoothPos = this.smoothPos + 1 === smooth.length ? 0 : this.smoothPos + 1;
      const s = this.smoothSum / smooth.length;

      if (this.carrier) this.uart(s, events, spb);
      this.prevS = s;
      this.n++;
    }
    return events;
  }

  /** One sample of the UART; `s` below the slicing level is mark (1). */
  private uart(s: number, events: FskEvent[], spb: number): void {
    const n = this.n;
    const prev = this.prevS;
    const mid = this.markLevel + 1;
    const lo = mid - EDGE_HYSTERESIS;
    const hi = mid + EDGE_HYSTERESIS;
    if (prev < lo && s >= lo) this.lowUp = n - 1 + (lo - prev) / (s - prev);
    if (!this.inByte) {
      if (s < lo) this.edgeArmed = true;
      if (this.edgeArmed && s >= hi) {
        // A start bit. The edge is midway between the crossings of the low and
        // high levels: noise makes the last low crossing late and the first
        // high one early.
        const highUp = prev >= hi ? n : n - 1 + (hi - prev) / (s - prev);
        const edge = highUp - this.lowUp < spb ? (this.lowUp + highUp) / 2 : highUp;
        this.edgeArmed = false;
        this.inByte = true;
        this.bitIndex = 0;
        this.shift = 0;
        this.nextAt = Math.max(edge + spb * (0.5 + SAMPLING_OFFSET_BITS), n);
        return;
      }
      if (s < mid) {
        this.idle++;
        // FSK mark is a steady tone: a constant level and a constant frequency.
        // Speech and noise that happen to sit below the centre are neither.
        const steady = this.fast > STEADY * this.level && this.fast * STEADY < this.level;
        if (steady && this.idle > MARK_LEARNING_BITS * spb) {
          // Idle mark: learn where mark sits (a tone frequency error moves it).
          // Not from lone stop bits, which their neighbours blur.
          const m = this.markLevel + MARK_TRACKING * (s - this.markLevel);
          this.markLevel = Math.min(MARK_LEVEL_MAX, Math.max(MARK_LEVEL_MIN, m));
        }
        const clean = steady && Math.abs(s - this.markLevel) < MARK_TOLERANCE ? 1 : 0;
        this.markQuality += MARK_QUALITY_TRACKING * (clean - this.markQuality);
        if (!this.markReported && this.idle >= this.markRunSamples && this.markQuality > MIN_MARK_QUALITY) {
          this.markReported = true;
          events.push({ type: 'mark', sample: n });
        }
      }
      return;
    }
    if (n < this.nextAt) return;
    const frac = this.nextAt - (n - 1);
    const v = prev + (s - prev) * frac;
    const bit = v < mid ? 1 : 0;
    if (this.bitIndex === 0) {
      if (bit !== 0) {
        this.inByte = false; // a glitch, not a start bit
        return;
      }
      this.idle = 0;
      this.markReported = false;
    } else if (this.bitIndex <= 8) {
      this.shift |= bit << (this.bitIndex - 1);
    } else {
      events.push({ type: 'byte', value: this.shift, sample: n, framingError: bit !== 1 });
      this.inByte = false;
      // Look for the next start bit at once: back-to-back bytes leave only the
      // end of the stop bit, which may not reach the low level in time.
      this.edgeArmed = true;
      return;
    }
    this.bitIndex++;
    this.nextAt += spb;
  }
}
