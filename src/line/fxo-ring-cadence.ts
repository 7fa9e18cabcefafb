/**
 * Ring cadence matching for the FXO port: does the on/off pattern of the ring
 * bursts seen so far fit the region's ring cadence (`profile.tones.ring`)?
 *
 * Used by the ring detector (ring-detector.ts) to label each burst, never to
 * refuse one: a foreign cadence is still a ring. Distinctive ringing (Telcordia
 * GR-506-CORE's distinctive ringing patterns, e.g. 0.8 s / 0.4 s / 0.8 s /
 * 4 s in place of 2 s / 4 s) and ring patterns of a PBX in front of the line
 * differ from the plan on purpose; the call layer decides what to do with them.
 *
 * Tolerance. A segment matches when it lies within ±`relative` of the nominal
 * length or ±`absoluteMs`, whichever is wider (default ±20 %, at least
 * ±150 ms). Why that wide:
 * - The network's own cadence is not exact: national ringing cadences (ETSI
 *   EN 300 001's national annexes, ITU-T E.180 Supp. 2, GR-506-CORE for North
 *   America) carry tolerances of the order of ±10 %, and PBXs in front of a
 *   line are looser still.
 * - The measurement is coarse: the DAA's ring detector only fires above its
 *   threshold voltage (CPC5622 / Si3050 ring-detect threshold), so the first and
 *   last cycle of a burst may be lost, and the detector decides the end of a
 *   burst from the last edge (ring-detector.ts): up to two ring cycles,
 *   i.e. 120 ms at 16⅔ Hz, on each burst and gap.
 * The first burst of a sequence may be SHORTER than nominal (the exchange may
 * start ringing mid-burst, or the detector may start mid-ring after a restart),
 * never longer.
 */

export interface CadenceTolerance {
  /** Allowed deviation as a share of the nominal segment (0.2 = ±20 %). */
  readonly relative: number;
  /** Allowed deviation in ms, used when larger than the relative one. */
  readonly absoluteMs: number;
}

export const DEFAULT_CADENCE_TOLERANCE: CadenceTolerance = Object.freeze({ relative: 0.2, absoluteMs: 150 });

/** How far a measured segment may deviate from a nominal one, in ms. */
export function segmentToleranceMs(nominalMs: number, tolerance: CadenceTolerance): number {
  return Math.max(nominalMs * tolerance.relative, tolerance.absoluteMs);
}

/**
 * Whether `observed` (ms on, off, on, off…, starting with a ring burst) fits the
 * repeating `cadence` (ms on, off…, even length) at some phase that starts on
 * one of its bursts. `firstIsSequenceStart`: `observed[0]` is the first burst of
 * a ring sequence, which may be cut short. An empty observation, or an unusable
 * cadence (empty, odd length, non-positive segment), gives `undefined`:
 * nothing to judge.
 */
export function cadenceMatches(
  observed: readonly number[],
  cadence: readonly number[],
  tolerance: CadenceTolerance = DEFAULT_CADENCE_TOLERANCE,
  firstIsSequenceStart = false,
): boolean | undefined {
  if (observed.length === 0) return undefined;
  if (cadence.length === 0 || cadence.length % 2 !== 0) return undefined;
  if (cadence.some((d) => !(d > 0 && Number.isFinite(d)))) return undefined;
  for (let phase = 0; phase < cadence.length; phase += 2) {
    if (fitsAt(observed, cadence, phase, tolerance, firstIsSequenceStart)) return true;
  }
  return false;
}

function fitsAt(observed: readonly number[], cadence: readonly number[], phase: number, tolerance: CadenceTolerance, firstShort: boolean): boolean {
  for (let i = 0; i < observed.length; i++) {
    const got = observed[i] ?? 0;
    const want = cadence[(phase + i) % cadence.length] ?? 0;
    const tol = segmentToleranceMs(want, tolerance);
    if (got > want + tol) return false;
    if (got < want - tol && !(i === 0 && firstShort)) return false;
  }
  return true;
}

/** The longest silent segment of a ring cadence (0 for an unusable one). */
export function longestSilenceMs(cadence: readonly number[]): number {
  let longest = 0;
  for (let i = 1; i < cadence.length; i += 2) longest = Math.max(longest, cadence[i] ?? 0);
  return longest;
}
