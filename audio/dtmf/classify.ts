/**
 * Per-block DTMF decisions: is this block a valid digit (strict), and does an
 * active digit still continue in it (relaxed)?
 *
 * Requirements (ITU-T Q.24, the North American / Bellcore values; Telcordia
 * GR-506-CORE DTMF receiver requirements and GR-181-CORE practice), and the
 * threshold that sits between "must accept" and "must reject" for each:
 *
 *   frequency  accept ±1.5 %, reject ±3.5 %   → |Δf/f| ≤ 2.5 %, measured over the two validating
 *                                               blocks (`confirm`); ≤ 3.5 % on the coarse per-block value
 *   level      accept ≥ −25 dBm0 per tone     → each tone ≥ −30 dBm0 (option `minLevelDbm0`);
 *              tones at −35 dBm0 are rejected
 *   twist      accept −8 (normal: high group below low) … +4 dB (reverse)
 *              reject ≤ −10 and ≥ +6 dB       → −9 dB ≤ L(high) − L(low) ≤ +5 dB
 *
 * Talk-off guards. Q.24 gives no numbers; Q.23 requires a sender's total
 * distortion products (harmonics, intermodulation) to be ≥ 20 dB below the
 * tones, which is what lets a receiver demand a clean signal:
 *   relative peak  each tone ≥ 4 dB above every other tone of its group
 *                  (plain 106-sample DFT; with 8 dB of twist and 1.5 % of
 *                  error the weak tone's neighbours leak to within 6 dB);
 *   purity         the two tones carry ≥ 87 % (−0.6 dB) of the block's power
 *                  (white noise at 15 dB SNR leaves 97 %, 10 dB SNR 91 %);
 *   products       Q.23's distortion products, each ≥ 16 dB below its tone
 *                  (the weaker tone for intermodulation), measured with a
 *                  Hann window at the frequencies implied by the measured
 *                  tones: 2·fH, 3·fL, 2·fL, fH − fL, fH + fL; a product is
 *                  skipped when it falls within 150 Hz (the window's main
 *                  lobe) of one of the tones, e.g. 2·fL for 2, 3, 6, B, C;
 *   harmonic pair  fH within 10 Hz of 2·fL: one harmonic-rich sound (a sung
 *                  or played G♯5 and its octave make a fair "C"); in-spec
 *                  digits keep ≥ 17 Hz apart even at opposite ±1.5 % errors;
 *   stationarity   each tone's level in the two validating blocks within 3 dB
 *                  (`confirm`);
 *   envelope       each quarter-block's power ≥ −3 dB of the block's: the
 *                  tone fills the block (≤ ~13 samples missing at an edge).
 *                  This is what stops a 20 ms tone (160 samples) from passing
 *                  in two consecutive blocks (it would need 2 × 93).
 *                  A steady two-tone signal varies by < ±20 % per quarter
 *                  (the beat between the tones), far from −3 dB.
 */
import { dbm0OfRms, sinePeakForDbm0 } from '../levels.js';
import { goertzelFilter, goertzelPower } from '../goertzel.js';
import { dtmfDigitAt, type DtmfDigit } from './digits.js';
import { DTMF_FREQUENCIES, type BlockMeasure, type ToneMeasure } from './block-analysis.js';

export interface DtmfThresholds {
  /** Largest accepted |Δf/f| (fine estimate over two blocks; the per-block coarse estimate may be 1 % more). */
  frequencyTolerance: number;
  /** Smallest accepted per-tone level, dBm0. */
  minLevelDbm0: number;
  /** Accepted L(high) − L(low) range, dB. */
  minTwistDb: number;
  maxTwistDb: number;
  /** Each tone must exceed the others of its group by this much, dB. */
  relativePeakDb: number;
  /** Share of the block power the two tones must carry, dB (≤ 0). */
  purityDb: number;
  /** Each checked distortion product must be at least this far below its tone, dB. */
  harmonicRejectDb: number;
  /** Largest change of a tone's level between the two validating blocks, dB. */
  stationarityDb: number;
  /** Smallest quarter-block power relative to the block's, dB (≤ 0). */
  envelopeDb: number;
  /** An active digit continues while both tones stay within this of their reference amplitude, dB. */
  continueDropDb: number;
}

export const DEFAULT_THRESHOLDS: Readonly<DtmfThresholds> = Object.freeze({
  frequencyTolerance: 0.025,
  minLevelDbm0: -30,
  minTwistDb: -9,
  maxTwistDb: 5,
  relativePeakDb: 4,
  purityDb: -0.6,
  harmonicRejectDb: 16,
  stationarityDb: 3,
  envelopeDb: -3,
  continueDropDb: 6,
});

export type RejectReason = 'level' | 'frequency' | 'twist' | 'relative-peak' | 'purity' | 'harmonic' | 'stationarity' | 'envelope';

/** What `confirm` needs of a tone in the first of the two blocks (copied: the analyser reuses its measures). */
export interface PairTone {
  re: number;
  im: number;
  level: number;
  offsetHz: number;
}

export type ConfirmVerdict = { ok: true; lowOffsetHz: number; highOffsetHz: number } | { ok: false; reason: 'frequency' | 'stationarity' };

export type StrictVerdict =
  | { ok: true; digit: DtmfDigit; row: number; col: number; lowDbm0: number; highDbm0: number; twistDb: number }
  | { ok: false; reason: RejectReason };

/** The per-block (coarse) frequency estimate may be off by up to ~10 Hz (block-analysis.ts): allow 1 % more there. */
const COARSE_MARGIN = 0.01;

/** A product is only measurable this far from the digit's tones (the Hann main lobe is ±2 bins ≈ ±151 Hz). */
const PRODUCT_CLEARANCE_HZ = 150;
/** fH this close to 2·fL is taken for a harmonic of one sound. */
const HARMONIC_PAIR_HZ = 10;

const db = (ratio: number): number => 20 * Math.log10(ratio);
const amplitudeDbm0 = (peak: number): number => dbm0OfRms(peak / Math.SQRT2);

/** Index of the strongest of tones[from, from + 4) by raw amplitude, and the runner-up's amplitude. */
function strongest(tones: readonly ToneMeasure[], from: number): { index: number; second: number } {
  let index = from, best = -1, second = 0;
  for (let k = from; k < from + 4; k++) {
    const a = tones[k]?.raw ?? 0;
    if (a > best) {
      second = Math.max(second, best);
      best = a;
      index = k;
    } else second = Math.max(second, a);
  }
  return { index, second };
}

/** Decides blocks for one sample rate and set of thresholds. */
export class DtmfClassifier {
  readonly thresholds: Readonly<DtmfThresholds>;
  private readonly sampleRate: number;
  private readonly minPeak: number;

  constructor(sampleRate: number, thresholds: Readonly<DtmfThresholds> = DEFAULT_THRESHOLDS) {
    this.sampleRate = sampleRate;
    this.thresholds = thresholds;
    this.minPeak = sinePeakForDbm0(thresholds.minLevelDbm0);
  }

  /** The strongest row and column of a block (indices into DTMF_FREQUENCIES: 0..3 and 4..7). */
  peaks(m: BlockMeasure): { row: number; col: number } {
    return { row: strongest(m.tones, 0).index, col: strongest(m.tones, 4).index };
  }

  /** The full Q.24 + talk-off check of one block, cheapest tests first. */
  strict(m: BlockMeasure): StrictVerdict {
    const t = this.thresholds;
    const r = strongest(m.tones, 0), c = strongest(m.tones, 4);
    const low = m.tones[r.index], high = m.tones[c.index];
    const digit = dtmfDigitAt(r.index, c.index - 4);
    if (low === undefined || high === undefined || digit === undefined) return { ok: false, reason: 'level' };
    // Quick reject of silence and quiet signals before any finer test (the window loss is at most 6 dB).
    if (low.raw < this.minPeak / 2 || high.raw < this.minPeak / 2) return { ok: false, reason: 'level' };
    const nl = DTMF_FREQUENCIES[r.index] ?? 0, nh = DTMF_FREQUENCIES[c.index] ?? 0;
    const coarse = t.frequencyTolerance + COARSE_MARGIN;
    if (Math.abs(low.offsetHz) > coarse * nl || Math.abs(high.offsetHz) > coarse * nh) return { ok: false, reason: 'frequency' };
    const fl = nl + low.offsetHz, fh = nh + high.offsetHz;
    if (low.level < this.minPeak || high.level < this.minPeak) return { ok: false, reason: 'level' };
    const twistDb = db(high.level / low.level);
    if (twistDb < t.minTwistDb || twistDb > t.maxTwistDb) return { ok: false, reason: 'twist' };
    if (db(low.raw / Math.max(r.second, 1e-9)) < t.relativePeakDb || db(high.raw / Math.max(c.second, 1e-9)) < t.relativePeakDb) {
      return { ok: false, reason: 'relative-peak' };
    }
    const tonePower = (low.level * low.level + high.level * high.level) / 2;
    if (10 * Math.log10(tonePower / Math.max(m.hannMeanSquare, 1e-9)) < t.purityDb) return { ok: false, reason: 'purity' };
    const floor = 10 ** (t.envelopeDb / 10) * m.meanSquare;
    for (let q = 0; q < 4; q++) {
      if ((m.quarterEnergy[q] ?? 0) < floor * (m.quarterLength[q] ?? 0)) return { ok: false, reason: 'envelope' };
    }
    if (Math.abs(fh - 2 * fl) < HARMONIC_PAIR_HZ) return { ok: false, reason: 'harmonic' };
    const weaker = Math.min(low.level, high.level);
    const products: [number, number][] = [
      [2 * fh, high.level],
      [3 * fl, low.level],
      [2 * fl, low.level],
      [fh - fl, weaker],
      [fh + fl, weaker],
    ];
    for (const [f, level] of products) {
      if (f >= 0.95 * (this.sampleRate / 2) || Math.abs(f - fl) < PRODUCT_CLEARANCE_HZ || Math.abs(f - fh) < PRODUCT_CLEARANCE_HZ) continue;
      const amplitude = Math.sqrt(goertzelPower(goertzelFilter(f, this.sampleRate), m.hannSamples)) * m.hannScale;
      if (db(level / Math.max(amplitude, 1e-9)) < t.harmonicRejectDb) return { ok: false, reason: 'harmonic' };
    }
    return { ok: true, digit, row: r.index, col: c.index, lowDbm0: amplitudeDbm0(low.level), highDbm0: amplitudeDbm0(high.level), twistDb };
  }

  /**
   * The pair check, run when two consecutive blocks pass `strict` for the
   * same digit: the precise frequency of each tone from the phase advance of
   * its full-block Hann DFT between the blocks, (ω₀ + Δ)·N, unwrapped to the
   * multiple of fs/N nearest the coarse estimates; and each tone's level
   * steady from one block to the next.
   */
  confirm(prevLow: PairTone, prevHigh: PairTone, m: BlockMeasure, row: number, col: number): ConfirmVerdict {
    const t = this.thresholds;
    const n = m.samples.length;
    const offsets: number[] = [];
    for (const [k, before] of [[row, prevLow], [col, prevHigh]] as const) {
      const now = m.tones[k];
      const nominal = DTMF_FREQUENCIES[k] ?? 0;
      if (now === undefined) return { ok: false, reason: 'frequency' };
      if (Math.abs(db(now.level / Math.max(before.level, 1e-9))) > t.stationarityDb) return { ok: false, reason: 'stationarity' };
      // arg(X_b · X_{b−1}* · e^(−jω₀N)) = Δ·N (mod 2π)
      const w0n = (2 * Math.PI * nominal * n) / this.sampleRate;
      const pre = now.re * before.re + now.im * before.im, pim = now.im * before.re - now.re * before.im;
      const phase = Math.atan2(pim * Math.cos(w0n) - pre * Math.sin(w0n), pre * Math.cos(w0n) + pim * Math.sin(w0n));
      const step = this.sampleRate / n;
      const fine = (phase / (2 * Math.PI)) * step;
      const coarse = (now.offsetHz + before.offsetHz) / 2;
      const offset = fine + step * Math.round((coarse - fine) / step);
      if (Math.abs(offset) > t.frequencyTolerance * nominal) return { ok: false, reason: 'frequency' };
      offsets.push(offset);
    }
    return { ok: true, lowOffsetHz: offsets[0] ?? 0, highOffsetHz: offsets[1] ?? 0 };
  }

  /**
   * Relaxed check for an active digit: its row and column are still the
   * strongest of their groups and each within `continueDropDb` of the
   * reference amplitudes (raw, as measured while the digit was validated).
   * A block half-covered by the tone still passes, so a single short dropout
   * (≤ 10 ms) never ends a digit, while a 40 ms pause always gives two
   * failing blocks.
   */
  continues(m: BlockMeasure, row: number, col: number, refLow: number, refHigh: number): boolean {
    const p = this.peaks(m);
    if (p.row !== row || p.col !== col) return false;
    const floor = 10 ** (-this.thresholds.continueDropDb / 20);
    return (m.tones[row]?.raw ?? 0) >= floor * refLow && (m.tones[col]?.raw ?? 0) >= floor * refHigh;
  }
}
