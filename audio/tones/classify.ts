/**
 * Call-progress classification: what a listener on the line hears, judged
 * against a region's tone plan. Pure (no state, no clock); meant for the
 * simulated phone's `hearing` (DESIGN §7: the last ~0.5 s of earpiece audio)
 * and for tests, on windows of roughly 0.5 s to 6 s.
 *
 * 1. Silence: the loudest 5 ms block below SILENCE_DBM0 (−45 dBm0).
 * 2. On/off pattern: mean square over a window of W = 10 ms (or, in a plan
 *    with AM tones, one period of the slowest modulator, so the modulation
 *    does not chop the tone) every 5 ms; "on" within 16 dB of the loudest
 *    (the 10 ms mean square of two equal tones 25 Hz apart dips 13 dB at
 *    each beat). Less than 16 ms of clear tone (see the trimming in
 *    `toneChunks`) is too little to judge: "unknown".
 * 3. Frequency content (tone-match.ts): least-squares fits of each tone's
 *    sines to ≤ 64 ms chunks of the "on" audio, frequencies within ±1.5 %.
 *    A tone matches when its sines explain ≥ 80 % of the energy (MIN_PURITY)
 *    and each sine's level lies within −15…+10 dB of the plan's
 *    (LEVEL_WINDOW_DB; covers codec pads and line loss). No match: "voice"
 *    (speech, music, a test tone — DESIGN §7).
 * 4. Cadence (cadence-match.ts): each matching tone's likelihood of showing
 *    this on/off pattern (up to 0.5 % of blocks may disagree); the most likely
 *    of dial, ringback, busy, reorder, callWaiting and stutter wins, ties
 *    going to the first in that (TONE_KINDS) order. Only when none of them
 *    fits but the howler or the confirmation tone does — DESIGN §7 has no name
 *    for those — or when no cadence fits at all, the result is "unknown".
 *
 * What a window can tell (documented limits, by design; classify.test.ts
 * checks each claim for US, GB and DE at every phase):
 * - Where the kinds' frequencies differ (US: dial 350+440, ringback 440+480,
 *   busy/reorder 480+620, call waiting 440), any 0.5 s window holding some
 *   tone is classified right. Only the last few ms of a burst's ramp at the
 *   window's start or end is "unknown" (or "silence").
 * - Where they share frequencies (most of Europe: everything at 425 Hz; also
 *   busy vs reorder, dial vs stutter), the cadence decides, and 0.5 s may not
 *   hold enough of it: 0.5 s of steady tone is "dial" even if it is the first
 *   half of a 1 s ringback burst; a stutter of 0.75 s on / 0.75 s off needs
 *   an edge in the window; German busy 0.48/0.48 and ringback 1/4 look alike
 *   in [0.3 s on, 0.2 s off]; a cadence that contains another (Swiss call
 *   waiting 0.2/0.2/0.2/4 s, congestion 0.2/0.2 s) reads as the other until
 *   the window reaches its long pause. The result is right whenever the
 *   window holds an on or off segment (whole, or cut by the window but longer
 *   than it could be) that no other same-sounding tone of the plan has,
 *   ±20 ms; 3 s windows nearly always hold one (the exceptions start or end
 *   right at a burst, e.g. German call waiting's second burst cut by the
 *   window's start, then 2.8 s of pause: as much a ringback's tail).
 *   A stutter that turns steady after a few bursts is "dial" once steady.
 * - A window wholly inside a cadence's silent part is "silence" (e.g. during
 *   the 4 s pause of ringback); callers wanting a steady answer can hold the
 *   last non-silent result for a cadence period.
 * - Kinds a plan gives identical sound and cadence (AU/JP/PL congestion =
 *   busy) come out as the first in TONE_KINDS order ("busy").
 * - Cost: ~0.1–0.5 ms per 0.5 s window (bench/audio-tones.ts); classify on
 *   demand or every 100 ms or so rather than on every 20 ms frame.
 */
import { SAMPLE_RATE } from '../pcm.js';
import { dbm0OfRms, sinePeakForDbm0 } from '../levels.js';
import { RAMP_MS } from './generator.js';
import { BLOCK_MS, cadenceLikelihood, cadenceTemplate, type CadenceTemplate } from './cadence-match.js';
import { fitTones, type Chunk, type ToneModel } from './tone-match.js';
import { TONE_KINDS, toneComponents, type ToneKind, type TonePlan } from './types.js';

export type CallProgress = 'dial' | 'ringback' | 'busy' | 'reorder' | 'stutter' | 'callwaiting' | 'silence' | 'voice' | 'unknown';

export const SILENCE_DBM0 = -45;
export const MIN_PURITY = 0.8;
export const LEVEL_WINDOW_DB = { below: 15, above: 10 } as const;
/** Share of (non-guard) blocks allowed to disagree with a cadence. */
const CADENCE_TOLERANCE = 0.005;
const ON_THRESHOLD_DB = 16;
const CHUNK_MS = 64;
const MIN_CHUNK_MS = 16;
const MAX_CHUNKS = 4;

export interface CallProgressCandidate {
  readonly kind: ToneKind;
  /** Share of the audio's energy the tone's sines explain. */
  readonly purity: number;
  /** The frequencies and levels match the plan's tone. */
  readonly frequencyMatch: boolean;
  /** Cadence likelihood (0 when the frequencies do not match). */
  readonly likelihood: number;
}

export interface CallProgressAnalysis {
  readonly result: CallProgress;
  /** Level of the loudest 5 ms block, dBm0. */
  readonly peakDbm0: number;
  readonly candidates: readonly CallProgressCandidate[];
}

export function classifyCallProgress(samples: Int16Array, plan: TonePlan, sampleRate = SAMPLE_RATE): CallProgress {
  return analyzeCallProgress(samples, plan, sampleRate).result;
}

/** classifyCallProgress with its evidence, for tests and diagnostics. */
export function analyzeCallProgress(samples: ArrayLike<number>, plan: TonePlan, sampleRate = SAMPLE_RATE): CallProgressAnalysis {
  const blockLen = Math.max(1, Math.round((sampleRate * BLOCK_MS) / 1000));
  const blocks = Math.floor(samples.length / blockLen);
  const windowMs = (blocks * blockLen * 1000) / sampleRate;
  const smoothMs = smoothingMs(plan);
  const ms = smoothedBlockPower(samples, blocks, blockLen, Math.round((smoothMs * sampleRate) / 1000));
  let max = 0;
  for (const v of ms) if (v > max) max = v;
  const peakDbm0 = dbm0OfRms(Math.sqrt(max));
  if (blocks === 0 || peakDbm0 < SILENCE_DBM0) return { result: 'silence', peakDbm0, candidates: [] };

  const mask = new Uint8Array(blocks);
  const threshold = max * 10 ** (-ON_THRESHOLD_DB / 10);
  for (let b = 0; b < blocks; b++) mask[b] = (ms[b] ?? 0) >= threshold ? 1 : 0;

  const trim = Math.round(((0.45 * smoothMs + RAMP_MS / 2 + 1) * sampleRate) / 1000);
  const chunks = toneChunks(mask, blockLen, trim, sampleRate);
  if (chunks.length === 0) return { result: 'unknown', peakDbm0, candidates: [] };
  const specs = TONE_KINDS.map((k) => plan[k]);
  const models: ToneModel[] = specs.map((s) => {
    const comps = toneComponents(s);
    return {
      frequencies: comps.map((c) => c.frequency),
      // Skip fitting tones whose components are 6 dB below even the level window.
      minAmplitudes: comps.map((c) => sinePeakForDbm0(c.levelDbm0 - LEVEL_WINDOW_DB.below - 6)),
    };
  });
  const fits = fitTones(samples, chunks, models, sampleRate);

  const guardMs = smoothMs / 2 + BLOCK_MS / 2 + RAMP_MS / 2 + 1;
  const tolerance = Math.floor(CADENCE_TOLERANCE * blocks);
  const candidates = TONE_KINDS.map((kind, i): CallProgressCandidate => {
    const fit = fits[i];
    const spec = specs[i];
    if (fit === undefined || spec === undefined) return { kind, purity: 0, frequencyMatch: false, likelihood: 0 };
    const levelsOk = toneComponents(spec).every((c, k) => {
      const level = dbm0OfRms((fit.amplitudes[k] ?? 0) / Math.SQRT2);
      return level >= c.levelDbm0 - LEVEL_WINDOW_DB.below && level <= c.levelDbm0 + LEVEL_WINDOW_DB.above;
    });
    const frequencyMatch = levelsOk && fit.purity >= MIN_PURITY;
    const likelihood = frequencyMatch ? cadenceLikelihood(mask, template(spec, guardMs, windowMs), tolerance) : 0;
    return { kind, purity: fit.purity, frequencyMatch, likelihood };
  });

  if (!candidates.some((c) => c.frequencyMatch)) return { result: 'voice', peakDbm0, candidates };
  let best: CallProgressCandidate | undefined;
  for (const c of candidates) {
    if (c.likelihood > 0 && REPORTED.has(c.kind) && (best === undefined || c.likelihood > best.likelihood)) best = c;
  }
  if (best === undefined) return { result: 'unknown', peakDbm0, candidates };
  return { result: best.kind === 'callWaiting' ? 'callwaiting' : (best.kind as CallProgress), peakDbm0, candidates };
}

const REPORTED: ReadonlySet<ToneKind> = new Set(['dial', 'ringback', 'busy', 'reorder', 'callWaiting', 'stutter']);

/** 10 ms, or one period of the plan's slowest AM modulator. */
function smoothingMs(plan: TonePlan): number {
  let ms = 10;
  for (const k of TONE_KINDS) {
    const m = plan[k].modulation;
    if (m !== undefined) ms = Math.max(ms, 1000 / m.modulator);
  }
  return ms;
}

function smoothedBlockPower(x: ArrayLike<number>, blocks: number, blockLen: number, window: number): Float64Array {
  const n = blocks * blockLen;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] ?? 0) + (x[i] ?? 0) ** 2;
  const out = new Float64Array(blocks);
  for (let b = 0; b < blocks; b++) {
    const c = b * blockLen + blockLen / 2;
    const lo = Math.max(0, Math.floor(c - window / 2));
    const hi = Math.min(n, Math.ceil(c + window / 2));
    out[b] = hi > lo ? ((prefix[hi] ?? 0) - (prefix[lo] ?? 0)) / (hi - lo) : 0;
  }
  return out;
}

/** Chunks of ≤ 64 ms from the "on" runs, trimmed clear of edges; at most MAX_CHUNKS, spread evenly. */
function toneChunks(mask: Uint8Array, blockLen: number, trim: number, fs: number): Chunk[] {
  const size = Math.round((CHUNK_MS * fs) / 1000);
  const min = Math.round((MIN_CHUNK_MS * fs) / 1000);
  const all: Chunk[] = [];
  for (let b = 0; b <= mask.length; b++) {
    if (b < mask.length && mask[b] === 1) continue;
    let a = b;
    while (a > 0 && mask[a - 1] === 1) a--;
    if (a === b) continue;
    const run = { start: a * blockLen, end: b * blockLen };
    const start = run.start + (a > 0 ? trim : 0);
    const end = run.end - (b < mask.length ? trim : 0);
    const pieces = Math.ceil((end - start) / size);
    for (let p = 0; p < pieces; p++) {
      const s = start + Math.floor(((end - start) * p) / pieces);
      const e = start + Math.floor(((end - start) * (p + 1)) / pieces);
      if (e - s >= min) all.push({ start: s, end: e });
    }
  }
  if (all.length <= MAX_CHUNKS) return all;
  return Array.from({ length: MAX_CHUNKS }, (_, i) => all[Math.floor((i * all.length) / MAX_CHUNKS)] ?? all[0]).filter(
    (c): c is Chunk => c !== undefined,
  );
}

const templates = new WeakMap<object, Map<string, CadenceTemplate>>();

/** cadenceTemplate, cached per spec object and guard/window. */
function template(spec: TonePlan[ToneKind], guardMs: number, windowMs: number): CadenceTemplate {
  let bySpec = templates.get(spec);
  if (bySpec === undefined) {
    bySpec = new Map();
    templates.set(spec, bySpec);
  }
  const key = `${guardMs}/${spec.repeat ? 0 : Math.round(windowMs)}`;
  let t = bySpec.get(key);
  if (t === undefined) {
    t = cadenceTemplate(spec, guardMs, windowMs);
    bySpec.set(key, t);
  }
  return t;
}

