/**
 * Building blocks shared by the regional tone plans.
 *
 * Sources used across the plans:
 * - ITU-T E.180 (03/98) Supplement 2, "Various tones used in national
 *   networks" (the ITU's per-country listing, published as the annex to ITU
 *   Operational Bulletin 781 and kept at itu.int/ITU-T/inr/forms/files/tones-0203.pdf):
 *   frequencies and cadences, unless a plan cites its national standard.
 *   Values were cross-checked against the Asterisk project's
 *   indications.conf table, which is compiled from the same ITU listing; the
 *   "special dial tone" cadences used as stutter tones come from there.
 * - ITU-T E.300 Supp. 3 "North American precise audible tone plan" and
 *   Telcordia GR-506-CORE (LSSGR signalling): NANP tones and levels,
 *   the receiver-off-hook (ROH) howler and the confirmation tone.
 * - Levels: E.180 Supp. 2 rarely gives one. Where neither it nor a cited
 *   national document does, a plan uses DEFAULT_LEVEL_DBM0 (−16 dBm0 per
 *   component, inside the range national specifications use, roughly −10 to
 *   −24 dBm0) and says so.
 *
 * Where a country defines no tone of some kind, the plan uses the closest
 * recognized practice and marks it `FALLBACK`:
 * - stutter (message-waiting dial tone): the region's dial tone interrupted
 *   0.1 s on / 0.1 s off, the NANP stutter rhythm (GR-506), repeated for as long
 *   as it plays (GR-506 turns steady after 10 bursts; repeating keeps it
 *   recognizable — the line may switch to `dial` itself after 2 s);
 * - howler: the NANP receiver-off-hook tone, 1400+2060+2450+2600 Hz,
 *   0.1/0.1 s. Real ROH is sent at up to +5 dBm analog; the G.711 interface
 *   cannot carry that, so −10 dBm0 per component, the loudest four-tone mix
 *   that stays below the codec's overload point;
 * - confirmation: three 0.1 s bursts of the region's dial tone, 0.1 s apart,
 *   once (GR-506 confirmation tone rhythm).
 */
import type { RingCadence, ToneSpec } from '../types.js';

export const DEFAULT_LEVEL_DBM0 = -16;

/** A tone of summed sines; `cadence` [] = continuous. */
export function tone(frequencies: readonly number[], levelDbm0: number, cadence: readonly number[] = [], repeat = true): ToneSpec {
  return { frequencies, levelDbm0, cadence, repeat };
}

/**
 * An amplitude-modulated tone, E.180 "carrier×modulator". E.180 Supp. 2 gives
 * no depth; 0.9 is the depth common PBX tone tables use for these tones.
 */
export function amTone(carrier: number, modulator: number, levelDbm0: number, cadence: readonly number[] = [], depth = 0.9): ToneSpec {
  return { frequencies: [carrier], modulation: { carrier, modulator, depth }, levelDbm0, cadence, repeat: true };
}

export function ring(...cadence: number[]): RingCadence {
  return { cadence };
}

/** FALLBACK stutter: the dial tone's sound, 0.1 s on / 0.1 s off. */
export function stutterOf(dial: ToneSpec): ToneSpec {
  return { ...dial, cadence: [100, 100], repeat: true };
}

/** FALLBACK confirmation: three 0.1 s bursts of the dial tone's sound, once. */
export function confirmationOf(dial: ToneSpec): ToneSpec {
  return { ...dial, cadence: [100, 100, 100, 100, 100], repeat: false };
}

/** NANP receiver-off-hook tone (GR-506), used as the FALLBACK howler elsewhere. */
export const ROH_HOWLER: ToneSpec = tone([1400, 2060, 2450, 2600], -10, [100, 100]);

/** A single-frequency region's tones that differ only by cadence, at one level. */
export interface SingleFrequencyTones {
  readonly frequency: number;
  readonly levelDbm0?: number;
  readonly ringback: readonly number[];
  readonly busy: readonly number[];
  readonly reorder: readonly number[];
  readonly callWaiting: readonly number[];
}

/** The five common tones of a single-frequency (e.g. 425 Hz) region. */
export function singleFrequency(t: SingleFrequencyTones): {
  dial: ToneSpec;
  ringback: ToneSpec;
  busy: ToneSpec;
  reorder: ToneSpec;
  callWaiting: ToneSpec;
} {
  const level = t.levelDbm0 ?? DEFAULT_LEVEL_DBM0;
  const f = [t.frequency];
  return {
    dial: tone(f, level),
    ringback: tone(f, level, t.ringback),
    busy: tone(f, level, t.busy),
    reorder: tone(f, level, t.reorder),
    callWaiting: tone(f, level, t.callWaiting),
  };
}
