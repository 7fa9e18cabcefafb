/**
 * The dual-tone alerting signal, 2130 Hz + 2750 Hz: a generator and a detector.
 *
 * Standards:
 * - SR-TSV-002476 / Telcordia GR-30-CORE type II (off-hook caller ID, call
 *   waiting ID): the CPE Alerting Signal (CAS), 80 ms (75–85 ms), after which
 *   the CPE answers with a DTMF acknowledgement.
 * - ETSI EN 300 659-1 (on-hook, data before ringing): the Dual Tone Alerting
 *   Signal (DT-AS), nominally 100 ms; EN 300 659-2 (off-hook): DT-AS, 80 ms.
 *   Both tones within ±0.5 % (the detector here accepts about ±1.5 %).
 *
 * The detector works on 8 ms blocks (64 samples at 8 kHz: 2750 Hz sits on a
 * bin, 2130 Hz within 0.04 bin of one). A block holds the alert when both tones
 * are above the level floor, within the twist limit, and together carry most
 * of the block's energy (which rejects speech and wide-band noise). Three
 * blocks in a row (24 ms) start the tone; two failing blocks end it. Event
 * samples are block boundaries, so edges are known to ±8 ms.
 */
import { SAMPLE_RATE, clamp16 } from '../pcm.js';
import { sinePeakForDbm0 } from '../levels.js';
import { goertzelFilter, goertzelPower, type GoertzelFilter } from '../goertzel.js';

export const ALERT_TONE_LOW_HZ = 2130;
export const ALERT_TONE_HIGH_HZ = 2750;
/** Default level of each of the two tones. */
export const ALERT_TONE_LEVEL_DBM0 = -15;

export interface AlertToneOptions {
  durationMs?: number; // default 80 (CAS / off-hook DT-AS)
  levelDbm0?: number; // per tone, default −15
  /** Relative frequency error of both tones (tests), e.g. 0.01. */
  frequencyError?: number;
  sampleRate?: number;
}

export function alertToneSamples(opts: AlertToneOptions = {}): Int16Array {
  const fs = opts.sampleRate ?? SAMPLE_RATE;
  const n = Math.round(((opts.durationMs ?? 80) * fs) / 1000);
  const peak = sinePeakForDbm0(opts.levelDbm0 ?? ALERT_TONE_LEVEL_DBM0);
  const k = (2 * Math.PI * (1 + (opts.frequencyError ?? 0))) / fs;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = clamp16(peak * (Math.sin(ALERT_TONE_LOW_HZ * k * i) + Math.sin(ALERT_TONE_HIGH_HZ * k * i)));
  return out;
}

export type AlertToneEvent = { type: 'start'; sample: number } | { type: 'end'; sample: number; durationMs: number };

export interface AlertToneDetectorOptions {
  sampleRate?: number;
  /** Per-tone floor, default −40 dBm0. */
  minLevelDbm0?: number;
  /** Largest level difference between the tones, default 10 dB. */
  maxTwistDb?: number;
}

const BLOCK_MS = 8;
const START_BLOCKS = 3;
const END_MISSES = 2;
/** Share of the block's power the two tones must hold together. */
const PURITY = 0.7;

export class AlertToneDetector {
  private readonly n: number;
  private readonly low: GoertzelFilter;
  private readonly high: GoertzelFilter;
  private readonly block: Float64Array;
  private readonly minPower: number;
  private readonly maxTwist: number;
  private readonly sampleRate: number;
  private fill = 0;
  private blockStart = 0;
  private run = 0;
  private misses = 0;
  private active = false;
  private onset = 0;
  private lastGoodEnd = 0;

  constructor(opts: AlertToneDetectorOptions = {}) {
    this.sampleRate = opts.sampleRate ?? SAMPLE_RATE;
    this.n = Math.round((BLOCK_MS * this.sampleRate) / 1000);
    this.low = goertzelFilter(ALERT_TONE_LOW_HZ, this.sampleRate);
    this.high = goertzelFilter(ALERT_TONE_HIGH_HZ, this.sampleRate);
    this.block = new Float64Array(this.n);
    this.minPower = sinePeakForDbm0(opts.minLevelDbm0 ?? -40) ** 2 / 2;
    this.maxTwist = 10 ** ((opts.maxTwistDb ?? 10) / 10);
  }

  reset(): void {
    this.fill = 0;
    this.blockStart = 0;
    this.run = 0;
    this.misses = 0;
    this.active = false;
  }

  /** Whether the alert tone is being heard now. */
  get present(): boolean {
    return this.active;
  }

  process(samples: Int16Array): AlertToneEvent[] {
    const events: AlertToneEvent[] = [];
    for (let i = 0; i < samples.length; i++) {
      this.block[this.fill++] = samples[i] ?? 0;
      if (this.fill === this.n) {
        this.onBlock(events);
        this.fill = 0;
        this.blockStart += this.n;
      }
    }
    return events;
  }

  private holdsTone(): boolean {
    const n = this.n;
    let energy = 0;
    for (let i = 0; i < n; i++) energy += (this.block[i] ?? 0) ** 2;
    // A sine of amplitude A gives a Goertzel power of about (A·n/2)², i.e. a tone power A²/2 = 2P/n².
    const pLow = (2 * goertzelPower(this.low, this.block, 0, n)) / (n * n);
    const pHigh = (2 * goertzelPower(this.high, this.block, 0, n)) / (n * n);
    if (pLow < this.minPower || pHigh < this.minPower) return false;
    if (pLow > pHigh * this.maxTwist || pHigh > pLow * this.maxTwist) return false;
    return pLow + pHigh >= PURITY * (energy / n);
  }

  private onBlock(events: AlertToneEvent[]): void {
    const end = this.blockStart + this.n;
    if (this.holdsTone()) {
      this.run++;
      this.misses = 0;
      this.lastGoodEnd = end;
      if (!this.active && this.run >= START_BLOCKS) {
        this.active = true;
        this.onset = end - this.run * this.n;
        events.push({ type: 'start', sample: this.onset });
      }
      return;
    }
    this.run = 0;
    if (!this.active) return;
    if (++this.misses < END_MISSES) return;
    this.active = false;
    this.misses = 0;
    events.push({ type: 'end', sample: this.lastGoodEnd, durationMs: ((this.lastGoodEnd - this.onset) * 1000) / this.sampleRate });
  }
}
