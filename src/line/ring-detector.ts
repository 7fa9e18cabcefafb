/**
 * Ring detection for the FXO port: raw 'ring-detect' edges from the board
 * (board/board.ts: during a burst the detector output follows the ring voltage,
 * active once per cycle) become validated ring bursts, `ring-start` and
 * `ring-end`, each labelled with whether the cadence so far fits the region's.
 *
 * Pure: `(state, edge) -> (state, events)`, time carried in the inputs. The end
 * of a burst is decided by time passing: the owner asks `ringDetectorDeadline`
 * when to call `ringDetectorPoll` (a timer), as re's `telev_poll` does.
 *
 * The model is the ring validation of the Silicon Labs DAAs (Si3050 / Si306x
 * data sheets, "Ring Validation", registers RAS, RMX, RCC, RTO), done in
 * software so that every board (a DAA module with a bare ring-detect
 * optocoupler such as the CPC5622's RING output, or a modem) gets it:
 * 1. Frequency. The time between successive rising edges must be one ring
 *    period for a frequency in [minFrequencyHz, maxFrequencyHz], default
 *    15–70 Hz. TIA-968-B classes ringers by the frequencies they must respond to
 *    (Type B: 15.3–68 Hz); ETSI EN 300 001 lists 25 and 50 Hz in Europe (and
 *    16⅔ Hz in some networks); North America rings at 20 Hz (GR-506-CORE).
 *    An edge too soon or too late restarts the qualification (Si3050: the ring
 *    is "invalidated"), so line noise, clicks and the polarity-reversal blip
 *    of caller-ID alerting are not rings. Dial pulses from an extension come at
 *    about 10 per second (10 Hz), below the band.
 * 2. Duration. A burst is a ring only once its edges have been in band for
 *    `minBurstMs` (Si3050 RCC, 100–1024 ms; default 150 ms), so short
 *    transients never ring the phones.
 * 3. End. After validation the frequency is no longer checked; the burst ends
 *    when no rising edge comes for `endGapMs` (Si3050 RTO, 80–1920 ms; default
 *    100 ms: 2 cycles at 20 Hz, 2.5 at 25 Hz, more than one at 15 Hz). It
 *    must exceed the longest ring period, 1000 / minFrequencyHz.
 * 4. Cadence (fxo-ring-cadence.ts): ring-start reports whether the bursts and
 *    gaps so far, including the gap before this burst, fit the region's cadence;
 *    ring-end adds this burst's length. `undefined` means nothing to judge yet.
 *    A gap longer than `sequenceGapMs` starts a new ring sequence (a new call).
 *
 * Burst times: a burst starts at its first rising edge; it ends one ring period
 * (the mean of the burst's) after its last rising edge.
 */
import { cadenceMatches, DEFAULT_CADENCE_TOLERANCE, type CadenceTolerance } from './fxo-ring-cadence.js';
import type { RegionProfile } from './types.js';

export interface RingDetectorConfig {
  /** Lowest ring frequency accepted, Hz. */
  readonly minFrequencyHz: number;
  /** Highest ring frequency accepted, Hz. */
  readonly maxFrequencyHz: number;
  /** In-band edges must span this long before the burst counts as a ring. */
  readonly minBurstMs: number;
  /** No rising edge for this long ends a burst; must exceed 1000 / minFrequencyHz. */
  readonly endGapMs: number;
  /** The region's ring cadence, ms on, off…, repeating (profile.tones.ring.cadence). */
  readonly cadence: readonly number[];
  readonly cadenceTolerance: CadenceTolerance;
  /** A silence longer than this between bursts starts a new ring sequence. */
  readonly sequenceGapMs: number;
}

export const RING_DETECTOR_DEFAULTS = Object.freeze({
  minFrequencyHz: 15,
  maxFrequencyHz: 70,
  minBurstMs: 150,
  endGapMs: 100,
  sequenceGapMs: 8000,
});

/** The detector settings for a region: its ring cadence and the defaults above, with overrides. */
export function ringDetectorConfig(profile: RegionProfile, overrides: Partial<RingDetectorConfig> = {}): RingDetectorConfig {
  return {
    ...RING_DETECTOR_DEFAULTS,
    cadence: profile.tones.ring.cadence,
    cadenceTolerance: DEFAULT_CADENCE_TOLERANCE,
    ...overrides,
  };
}

/** What is wrong with a configuration, or undefined when it is usable. */
export function ringDetectorConfigProblem(c: RingDetectorConfig): string | undefined {
  if (!(c.minFrequencyHz > 0 && c.maxFrequencyHz > c.minFrequencyHz && Number.isFinite(c.maxFrequencyHz))) return 'need 0 < minFrequencyHz < maxFrequencyHz';
  if (!(c.minBurstMs >= 0 && Number.isFinite(c.minBurstMs))) return 'bad minBurstMs';
  if (!(c.endGapMs > 1000 / c.minFrequencyHz && Number.isFinite(c.endGapMs))) return 'endGapMs must exceed one period of the lowest ring frequency';
  if (!(c.sequenceGapMs > c.endGapMs)) return 'sequenceGapMs must exceed endGapMs';
  return undefined;
}

export type RingDetectorPhase = 'quiet' | 'qualifying' | 'ringing';

export interface RingDetectorState {
  readonly config: RingDetectorConfig;
  readonly phase: RingDetectorPhase;
  /** qualifying / ringing: first and last rising edge of the burst, and how many. */
  readonly firstEdgeMs: number;
  readonly lastEdgeMs: number;
  readonly edges: number;
  /** End of the last validated burst, for the gap before the next. */
  readonly lastEndMs: number | undefined;
  /** Recent segments of this ring sequence: ms on, off, on…, starting with a burst. */
  readonly history: readonly number[];
  /** `history[0]` is the sequence's first burst (it may be cut short). */
  readonly sequenceStart: boolean;
}

export type RingDetectorEvent =
  /** A burst has been validated. `atMs`: when decided; `startMs`: its first edge; `gapMs`: silence since the last burst of this sequence. */
  | { readonly type: 'ring-start'; readonly atMs: number; readonly startMs: number; readonly gapMs: number | undefined; readonly cadenceMatched: boolean | undefined }
  /** The burst is over. `atMs`: when decided (endGapMs after its last edge); `endMs`: its estimated end. */
  | { readonly type: 'ring-end'; readonly atMs: number; readonly endMs: number; readonly burstMs: number; readonly cadenceMatched: boolean | undefined };

export interface RingDetectorResult {
  readonly state: RingDetectorState;
  readonly events: readonly RingDetectorEvent[];
}

/** A quiet detector. Throws RangeError for an unusable configuration (a start-up error, never a runtime one). */
export function initialRingDetector(config: RingDetectorConfig): RingDetectorState {
  const problem = ringDetectorConfigProblem(config);
  if (problem !== undefined) throw new RangeError(`ring detector: ${problem}`);
  return { config, phase: 'quiet', firstEdgeMs: 0, lastEdgeMs: 0, edges: 0, lastEndMs: undefined, history: [], sequenceStart: true };
}

/** The same detector, quiet and with no history (device restored, line seized). */
export function resetRingDetector(state: RingDetectorState): RingDetectorState {
  return { config: state.config, phase: 'quiet', firstEdgeMs: 0, lastEdgeMs: 0, edges: 0, lastEndMs: undefined, history: [], sequenceStart: true };
}

/** When `ringDetectorPoll` must next be called, or undefined when no time-based decision is pending. */
export function ringDetectorDeadline(state: RingDetectorState): number | undefined {
  return state.phase === 'ringing' ? state.lastEdgeMs + state.config.endGapMs : undefined;
}

/** Decides what time passing decides: a burst whose edges stopped `endGapMs` ago has ended. */
export function ringDetectorPoll(state: RingDetectorState, nowMs: number): RingDetectorResult {
  if (state.phase !== 'ringing' || !(nowMs >= state.lastEdgeMs + state.config.endGapMs)) return { state, events: [] };
  const c = state.config;
  const minPeriod = 1000 / c.maxFrequencyHz;
  const maxPeriod = 1000 / c.minFrequencyHz;
  const meanPeriod = state.edges > 1 ? (state.lastEdgeMs - state.firstEdgeMs) / (state.edges - 1) : maxPeriod;
  const endMs = state.lastEdgeMs + Math.min(maxPeriod, Math.max(minPeriod, meanPeriod));
  const burstMs = endMs - state.firstEdgeMs;
  const trimmed = trim([...state.history, burstMs], state.sequenceStart, c.cadence.length);
  const next: RingDetectorState = { ...state, phase: 'quiet', edges: 0, lastEndMs: endMs, history: trimmed.history, sequenceStart: trimmed.sequenceStart };
  const cadenceMatched = cadenceMatches(next.history, c.cadence, c.cadenceTolerance, next.sequenceStart);
  return { state: next, events: [{ type: 'ring-end', atMs: nowMs, endMs, burstMs, cadenceMatched }] };
}

/**
 * One raw edge of the ring-detect output. Only rising (active) edges carry
 * timing; falling ones only let time pass. Edges out of order or at a
 * non-finite time are ignored.
 */
export function ringDetectorEdge(state: RingDetectorState, edge: { readonly active: boolean; readonly atMs: number }): RingDetectorResult {
  const t = edge.atMs;
  if (!Number.isFinite(t)) return { state, events: [] };
  const polled = ringDetectorPoll(state, t);
  const s = polled.state;
  if (!edge.active) return polled;
  if (s.phase !== 'quiet' && t < s.lastEdgeMs) return polled;
  const c = s.config;
  if (s.phase === 'ringing') return { state: { ...s, lastEdgeMs: t, edges: s.edges + 1 }, events: polled.events };
  if (s.phase === 'quiet') return { state: qualifyFrom(s, t), events: polled.events };
  const dt = t - s.lastEdgeMs;
  if (dt < 1000 / c.maxFrequencyHz || dt > 1000 / c.minFrequencyHz) return { state: qualifyFrom(s, t), events: polled.events };
  const grown: RingDetectorState = { ...s, lastEdgeMs: t, edges: s.edges + 1 };
  if (t - s.firstEdgeMs < c.minBurstMs) return { state: grown, events: polled.events };
  return startBurst(grown, t, polled.events);
}

function qualifyFrom(s: RingDetectorState, t: number): RingDetectorState {
  return { ...s, phase: 'qualifying', firstEdgeMs: t, lastEdgeMs: t, edges: 1 };
}

function startBurst(s: RingDetectorState, t: number, before: readonly RingDetectorEvent[]): RingDetectorResult {
  const c = s.config;
  const startMs = s.firstEdgeMs;
  const gap = s.lastEndMs === undefined ? undefined : Math.max(0, startMs - s.lastEndMs);
  const newSequence = gap === undefined || gap > c.sequenceGapMs || s.history.length === 0;
  const trimmed = newSequence ? { history: [], sequenceStart: true } : trim([...s.history, gap ?? 0], s.sequenceStart, c.cadence.length);
  const next: RingDetectorState = { ...s, phase: 'ringing', history: trimmed.history, sequenceStart: trimmed.sequenceStart };
  const cadenceMatched = cadenceMatches(next.history, c.cadence, c.cadenceTolerance, next.sequenceStart);
  return { state: next, events: [...before, { type: 'ring-start', atMs: t, startMs, gapMs: newSequence ? undefined : gap, cadenceMatched }] };
}

/** Keeps at most one and a half cadence periods (at least 4 segments), dropping whole on/off pairs from the front. */
function trim(history: number[], sequenceStart: boolean, cadenceLength: number): { history: number[]; sequenceStart: boolean } {
  const keep = Math.max(4, cadenceLength + cadenceLength / 2 + 1);
  let start = 0;
  while (history.length - start > keep) start += 2;
  return { history: start === 0 ? history : history.slice(start), sequenceStart: sequenceStart && start === 0 };
}

/** A stateful wrapper for code that wants an object: edge / poll / nextDeadline. */
export class RingDetector {
  #state: RingDetectorState;

  constructor(config: RingDetectorConfig) {
    this.#state = initialRingDetector(config);
  }

  get state(): RingDetectorState {
    return this.#state;
  }

  edge(active: boolean, atMs: number): readonly RingDetectorEvent[] {
    const r = ringDetectorEdge(this.#state, { active, atMs });
    this.#state = r.state;
    return r.events;
  }

  poll(nowMs: number): readonly RingDetectorEvent[] {
    const r = ringDetectorPoll(this.#state, nowMs);
    this.#state = r.state;
    return r.events;
  }

  nextDeadline(): number | undefined {
    return ringDetectorDeadline(this.#state);
  }

  reset(): void {
    this.#state = resetRingDetector(this.#state);
  }
}
