/**
 * Call-progress tone descriptions: what a tone is made of (frequencies, level,
 * cadence), a region's full set of tones (a `TonePlan`) and its ring cadence.
 *
 * Conventions (used by the generator, the analyzer and the plans alike):
 * - `levelDbm0` is the level of EACH frequency component (ITU-T E.180 states
 *   dual-frequency tone levels per frequency; so does the North American
 *   precise tone plan, ITU-T E.300 Supp. 3), in dBm0 as defined in ../levels.ts.
 * - `cadence` lists ms on, off, on, off…; `[]` is a continuous tone. A
 *   repeating cadence has an even length. A non-repeating one may end on an
 *   "on" segment; after it the tone is silent and its generator is `done`.
 * - Durations are measured between half-amplitude points: the generator ramps
 *   each edge with a raised cosine centred on that point (see generator.ts).
 * - Amplitude-modulated tones (E.180 writes them "400×25": a 400 Hz carrier
 *   modulated by 25 Hz) carry `modulation`; `frequencies` is then `[carrier]`
 *   and `levelDbm0` is the level of the carrier component. The two sidebands,
 *   carrier ± modulator, each lie 20·log10(depth/2) dB below it.
 */

/** The tone kinds a plan defines, in the order used to break ties. */
export const TONE_KINDS = ['dial', 'ringback', 'busy', 'reorder', 'callWaiting', 'stutter', 'howler', 'confirmation'] as const;
export type ToneKind = (typeof TONE_KINDS)[number];

export interface AmplitudeModulation {
  /** Carrier frequency in Hz; equals `frequencies[0]`. */
  readonly carrier: number;
  /** Modulating frequency in Hz (e.g. 25 for India's "400×25"). */
  readonly modulator: number;
  /** Modulation depth, 0 < depth ≤ 1. */
  readonly depth: number;
}

export interface ToneSpec {
  /** Summed sines in Hz (one or two; four for the receiver-off-hook howler). */
  readonly frequencies: readonly number[];
  readonly modulation?: AmplitudeModulation;
  /** Level of each frequency component (of the carrier, for AM tones), dBm0. */
  readonly levelDbm0: number;
  /** ms on, off, on, off…; `[]` = continuous. */
  readonly cadence: readonly number[];
  /** The cadence repeats; otherwise it plays once and then stays silent. */
  readonly repeat: boolean;
}

export interface RingCadence {
  /** ms ringing, silent, ringing, silent…, repeating; even length. */
  readonly cadence: readonly number[];
}

export interface TonePlan {
  /** ISO 3166-1 alpha-2 code, as in src/config/regions.ts. */
  readonly region: string;
  readonly name: string;
  readonly dial: ToneSpec;
  readonly ringback: ToneSpec;
  readonly busy: ToneSpec;
  /** Congestion / "fast busy". */
  readonly reorder: ToneSpec;
  readonly callWaiting: ToneSpec;
  /** Message-waiting (stuttered / special) dial tone. */
  readonly stutter: ToneSpec;
  /** Off-hook warning (receiver off hook). */
  readonly howler: ToneSpec;
  /** Feature-confirmation tone. */
  readonly confirmation: ToneSpec;
  readonly ring: RingCadence;
}

/** One sine of a tone's spectrum. */
export interface ToneComponent {
  readonly frequency: number;
  readonly levelDbm0: number;
}

/** The sines a tone is the sum of: its frequencies, or an AM tone's carrier and two sidebands. */
export function toneComponents(spec: ToneSpec): ToneComponent[] {
  const m = spec.modulation;
  if (m === undefined) return spec.frequencies.map((frequency) => ({ frequency, levelDbm0: spec.levelDbm0 }));
  const side = spec.levelDbm0 + 20 * Math.log10(m.depth / 2);
  return [
    { frequency: m.carrier - m.modulator, levelDbm0: side },
    { frequency: m.carrier, levelDbm0: spec.levelDbm0 },
    { frequency: m.carrier + m.modulator, levelDbm0: side },
  ];
}

/** Sum of the cadence (one period of a repeating tone); 0 for a continuous one. */
export function cadenceTotalMs(cadence: readonly number[]): number {
  let total = 0;
  for (const d of cadence) total += d;
  return total;
}

/** What is wrong with a spec, or undefined if it is usable. */
export function toneSpecProblem(spec: ToneSpec): string | undefined {
  if (spec.frequencies.length === 0) return 'no frequencies';
  for (const f of spec.frequencies) if (!(f > 0 && Number.isFinite(f))) return `bad frequency ${f}`;
  if (!Number.isFinite(spec.levelDbm0)) return 'bad level';
  for (const d of spec.cadence) if (!(d > 0 && Number.isFinite(d))) return `bad cadence duration ${d}`;
  if (spec.repeat && spec.cadence.length % 2 !== 0) return 'a repeating cadence needs on/off pairs';
  const m = spec.modulation;
  if (m !== undefined) {
    if (spec.frequencies.length !== 1 || spec.frequencies[0] !== m.carrier) return 'an AM tone lists its carrier as its only frequency';
    if (!(m.modulator > 0 && m.modulator < m.carrier)) return 'bad modulator';
    if (!(m.depth > 0 && m.depth <= 1)) return 'bad modulation depth';
  }
  return undefined;
}

/** What is wrong with a ring cadence, or undefined if it is usable. */
export function ringCadenceProblem(ring: RingCadence): string | undefined {
  if (ring.cadence.length === 0 || ring.cadence.length % 2 !== 0) return 'a ring cadence needs on/off pairs';
  for (const d of ring.cadence) if (!(d > 0 && Number.isFinite(d))) return `bad cadence duration ${d}`;
  return undefined;
}
