/**
 * DTMF receiver (ITU-T Q.24; Telcordia GR-506-CORE / GR-181-CORE
 * practice): turns a stream of 16-bit samples, in blocks of any size, into
 * 'start' and 'end' events for each digit.
 *
 * Timing rules, in 106-sample blocks (13.25 ms at 8 kHz):
 *   - a digit starts when two consecutive blocks pass every strict check
 *     (classify.ts) for the same digit. A 40 ms tone always holds two full
 *     blocks and is accepted; a 20 ms tone never does and is rejected.
 *     The two blocks must also agree (classify.ts, `confirm`): the precise
 *     frequency measured across them, and a steady level.
 *   - it ends after two consecutive blocks in which it does not continue (its
 *     tones no longer the strongest of their groups, or more than 6 dB below
 *     their level, which is followed while the digit lasts). A 40 ms pause
 *     always holds two blocks of silence, so it separates two equal digits; a
 *     10 ms gap never spoils two blocks in a row, so it does not (it is one
 *     digit with a dropout, as Q.24 intends).
 *   - the `sample` of a 'start' or 'end' is the estimated onset or offset of
 *     the tone, placed inside the half-block at the edge by the share of it
 *     the tone fills (within 3 ms for clean tones, 5 ms at 15 dB SNR), not the
 *     block boundary where the decision was made; `durationMs` is their
 *     difference. 'start' is returned by the process() call that completes
 *     the second block, 'end' by the one that completes the second miss.
 * Per-tone level floor: −30 dBm0 by default (option `minLevelDbm0`).
 * Everything is computed from the samples alone: no clock, no I/O.
 */
import { SAMPLE_RATE } from '../pcm.js';
import { rmsForDbm0 } from '../levels.js';
import { DtmfBlockAnalyzer, type BlockMeasure } from './block-analysis.js';
import { DEFAULT_THRESHOLDS, DtmfClassifier, type DtmfThresholds, type PairTone } from './classify.js';
import type { DtmfDigit } from './digits.js';

export type DtmfEvent =
  | { type: 'start'; digit: DtmfDigit; sample: number }
  | { type: 'end'; digit: DtmfDigit; sample: number; durationMs: number };

export interface DtmfDetectorOptions {
  sampleRate?: number;
  /** Per-tone acceptance floor, dBm0 (default −30: −25 is accepted, −35 rejected). */
  minLevelDbm0?: number;
  /** Advanced: override individual thresholds (tests, tuning). */
  thresholds?: Partial<DtmfThresholds>;
}

/** What the edge estimates need of one past block: half-block tone amplitudes and energies. */
interface History {
  start: number;
  readonly half1: Float64Array;
  readonly half2: Float64Array;
  /** Σx² of the two halves. */
  readonly energy: Float64Array;
}

interface Active {
  readonly digit: DtmfDigit;
  readonly row: number;
  readonly col: number;
  readonly onset: number;
  /**
   * Block amplitudes (raw), half-block amplitudes and mean square of the
   * digit: set at validation, then followed (averaged half and half) over
   * every block that passes the strict checks again, so a slowly fading
   * digit neither ends early nor loses its offset estimate.
   */
  refLow: number;
  refHigh: number;
  refHalfLow: number;
  refHalfHigh: number;
  refPower: number;
  misses: number;
}

/**
 * Halves at or above this share of the reference count as fully covered by the
 * tone (a half's energy varies ±12 % with the beat between the two tones); a
 * half below it is the edge, and its share places the edge inside it.
 */
const FULL = 0.7;
/** Below this share of its amplitude the tone is taken as gone, whatever the energy says. */
const GONE = 0.5;
const HISTORY = 3;
/** A block this far below the level floor is silence to the receiver. */
const SILENCE_BELOW_FLOOR_DB = 20;

export class DtmfDetector {
  private readonly analyzer: DtmfBlockAnalyzer;
  private readonly classifier: DtmfClassifier;
  private readonly sampleRate: number;
  private readonly history: History[];
  private blocks = 0;
  /** The previous block, when it passed the strict checks: its digit, raw amplitudes and what `confirm` needs. */
  private previous: { digit: DtmfDigit; low: number; high: number; lowTone: PairTone; highTone: PairTone } | undefined;
  private active: Active | undefined;

  constructor(opts: DtmfDetectorOptions = {}) {
    this.sampleRate = opts.sampleRate ?? SAMPLE_RATE;
    if (!(this.sampleRate > 0)) throw new RangeError(`sampleRate must be positive, got ${this.sampleRate}`);
    const thresholds: DtmfThresholds = { ...DEFAULT_THRESHOLDS, ...opts.thresholds };
    if (opts.minLevelDbm0 !== undefined) thresholds.minLevelDbm0 = opts.minLevelDbm0;
    // Blocks 20 dB below one tone at the floor can neither start nor continue a digit: skip their filters.
    this.analyzer = new DtmfBlockAnalyzer(this.sampleRate, rmsForDbm0(thresholds.minLevelDbm0 - SILENCE_BELOW_FLOOR_DB) ** 2);
    this.classifier = new DtmfClassifier(this.sampleRate, thresholds);
    this.history = Array.from({ length: HISTORY }, () => ({ start: -1, half1: new Float64Array(8), half2: new Float64Array(8), energy: new Float64Array(2) }));
  }

  /** Forgets everything, including the sample count: the next sample is index 0. */
  reset(): void {
    this.analyzer.reset();
    for (const h of this.history) h.start = -1;
    this.blocks = 0;
    this.previous = undefined;
    this.active = undefined;
  }

  /** Feeds samples (any count); returns the events decided by them, in order. */
  process(samples: Int16Array): DtmfEvent[] {
    const events: DtmfEvent[] = [];
    let i = 0;
    while (i < samples.length) {
      const { next, block } = this.analyzer.feed(samples, i);
      i = next;
      if (block !== undefined) this.onBlock(block, events);
    }
    return events;
  }

  private onBlock(m: BlockMeasure, events: DtmfEvent[]): void {
    const h = this.history[this.blocks % HISTORY];
    if (h !== undefined) {
      h.start = m.start;
      m.tones.forEach((t, k) => {
        h.half1[k] = t.half1;
        h.half2[k] = t.half2;
      });
      h.energy[0] = (m.quarterEnergy[0] ?? 0) + (m.quarterEnergy[1] ?? 0);
      h.energy[1] = (m.quarterEnergy[2] ?? 0) + (m.quarterEnergy[3] ?? 0);
    }
    const v = this.classifier.strict(m);
    let ended: { digit: DtmfDigit; onset: number; offset: number } | undefined;
    const active = this.active;
    if (active !== undefined) {
      const present = v.ok ? v.digit === active.digit : this.classifier.continues(m, active.row, active.col, active.refLow, active.refHigh);
      active.misses = present ? 0 : active.misses + 1;
      if (v.ok && present) this.follow(active, m);
      if (active.misses >= 2) {
        ended = { digit: active.digit, onset: active.onset, offset: this.offset(active) };
        this.active = undefined;
      }
    }
    let started: DtmfEvent | undefined;
    const prev = this.previous;
    if (this.active === undefined && v.ok && prev?.digit === v.digit && this.classifier.confirm(prev.lowTone, prev.highTone, m, v.row, v.col).ok) {
      const low = m.tones[v.row], high = m.tones[v.col];
      const refHalfLow = this.meanHalf(v.row), refHalfHigh = this.meanHalf(v.col);
      const refPower = (this.blockEnergy(0) + this.blockEnergy(1)) / (2 * this.analyzer.blockSize);
      const onset = this.onset(v.row, v.col, refHalfLow, refHalfHigh, refPower);
      this.active = {
        digit: v.digit,
        row: v.row,
        col: v.col,
        onset,
        refLow: ((low?.raw ?? 0) + prev.low) / 2,
        refHigh: ((high?.raw ?? 0) + prev.high) / 2,
        refHalfLow,
        refHalfHigh,
        refPower,
        misses: 0,
      };
      started = { type: 'start', digit: v.digit, sample: onset };
    }
    if (ended !== undefined) {
      // A digit replaced by another without a pause (not Q.24 signalling, but it happens): the half-block
      // estimates of the two edges may overlap by a few ms; keep them ordered.
      const offset = started === undefined ? ended.offset : Math.max(ended.onset, Math.min(ended.offset, started.sample));
      events.push({ type: 'end', digit: ended.digit, sample: offset, durationMs: Math.round(((offset - ended.onset) * 10000) / this.sampleRate) / 10 });
    }
    if (started !== undefined) events.push(started);
    const lowTone = m.tones[v.ok ? v.row : 0], highTone = m.tones[v.ok ? v.col : 0];
    this.previous =
      v.ok && lowTone !== undefined && highTone !== undefined
        ? { digit: v.digit, low: lowTone.raw, high: highTone.raw, lowTone: { ...lowTone }, highTone: { ...highTone } }
        : undefined;
    this.blocks++;
  }

  /** Moves the active digit's references halfway towards this block's (a strict hit for it). */
  private follow(a: Active, m: BlockMeasure): void {
    const low = m.tones[a.row], high = m.tones[a.col];
    if (low === undefined || high === undefined) return;
    a.refLow = (a.refLow + low.raw) / 2;
    a.refHigh = (a.refHigh + high.raw) / 2;
    a.refHalfLow = (a.refHalfLow + (low.half1 + low.half2) / 2) / 2;
    a.refHalfHigh = (a.refHalfHigh + (high.half1 + high.half2) / 2) / 2;
    a.refPower = (a.refPower + m.meanSquare) / 2;
  }

  /** The past block `back` blocks before the current one (0 = current), if still held. */
  private past(back: number): History | undefined {
    if (back >= HISTORY || back > this.blocks) return undefined;
    const h = this.history[(this.blocks - back) % HISTORY];
    return h !== undefined && h.start >= 0 ? h : undefined;
  }

  /** Mean half-block amplitude of tone k over the current and the previous block. */
  private meanHalf(k: number): number {
    let sum = 0;
    for (const back of [0, 1]) {
      const h = this.past(back);
      sum += (h?.half1[k] ?? 0) + (h?.half2[k] ?? 0);
    }
    return sum / 4;
  }

  /** Σx² over the block `back` blocks ago. */
  private blockEnergy(back: number): number {
    const h = this.past(back);
    return (h?.energy[0] ?? 0) + (h?.energy[1] ?? 0);
  }

  /**
   * How much of one half-block the digit covers, 0..1: its energy against the
   * digit's power (exact for a clean tone but for the ±11 % beat between the
   * two tones); the tones' own amplitudes overrule it when they say the digit
   * is mostly gone (another sound, or the next digit, fills the half).
   */
  private coverage(h: History, second: boolean, a: { row: number; col: number; refHalfLow: number; refHalfHigh: number; refPower: number }): number {
    const amps = second ? h.half2 : h.half1;
    const tone = ((amps[a.row] ?? 0) / a.refHalfLow + (amps[a.col] ?? 0) / a.refHalfHigh) / 2;
    const energy = (h.energy[second ? 1 : 0] ?? 0) / ((this.analyzer.blockSize / 2) * a.refPower);
    return Math.min(1, tone < GONE ? Math.min(tone, energy) : energy);
  }

  /** Onset: walk back from the middle of the first validating block over halves the tone fully covers. */
  private onset(row: number, col: number, refHalfLow: number, refHalfHigh: number, refPower: number): number {
    const half = this.analyzer.blockSize / 2;
    const first = this.past(1);
    if (first === undefined) return 0;
    let pos = first.start + half;
    const before = this.past(2);
    const walk: [History | undefined, boolean][] = [[first, false], [before, true], [before, false]];
    for (const [h, second] of walk) {
      if (h === undefined) break;
      const f = this.coverage(h, second, { row, col, refHalfLow, refHalfHigh, refPower });
      if (f < FULL) {
        pos -= f * half;
        break;
      }
      pos -= half;
    }
    return Math.max(0, Math.round(pos));
  }

  /** Offset: walk forward from the start of the last block the digit was present in (two blocks ago). */
  private offset(a: Active): number {
    const half = this.analyzer.blockSize / 2;
    const last = this.past(2), after = this.past(1);
    if (last === undefined) return a.onset;
    let pos = last.start;
    const walk: [History | undefined, boolean][] = [[last, false], [last, true], [after, false], [after, true]];
    for (const [h, second] of walk) {
      if (h === undefined) break;
      const f = this.coverage(h, second, a);
      if (f < FULL) {
        pos += f * half;
        break;
      }
      pos += half;
    }
    return Math.max(a.onset, Math.round(pos));
  }
}
