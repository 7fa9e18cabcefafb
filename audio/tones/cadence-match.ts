/**
 * Cadence matching for the classifier: how well an observed on/off pattern
 * (one flag per block of BLOCK_MS) fits a tone's cadence.
 *
 * The cadence becomes a template with one state per ms over a period — on,
 * off, or "guard" within `guardMs` of an edge, where the observation cannot be
 * trusted (ramps, smoothing, phase quantization). The template is slid over
 * every phase in BLOCK_MS steps; a phase is consistent when at most
 * `tolerance` non-guard blocks disagree. The likelihood is the share of
 * phases that are consistent: the chance that a window at a random moment of
 * this tone looks the way the audio does. Comparing likelihoods ranks tones
 * sensibly on short windows: 0.5 s of steady 425 Hz is consistent with
 * German dial tone at every phase (1.0) but with its 1 s/4 s ringback at only
 * a tenth of them, so "dial" wins; a complete off gap of 240 ms rules out
 * busy (480 ms gaps) altogether.
 */
import type { ToneSpec } from './types.js';

export const BLOCK_MS = 5;

export interface CadenceTemplate {
  /** Template states per ms: 1 on, 0 off, −1 guard. */
  readonly states: Int8Array;
}

/**
 * The template of `spec`. A one-shot cadence gets a silent tail of
 * `windowMs` + 2·guard, so a window never sees it start twice.
 */
export function cadenceTemplate(spec: ToneSpec, guardMs: number, windowMs: number): CadenceTemplate {
  if (spec.cadence.length === 0) return { states: Int8Array.of(1) };
  const durations = spec.cadence.map((d) => Math.max(1, Math.round(d)));
  const total = durations.reduce((a, b) => a + b, 0);
  const period = spec.repeat ? total : total + Math.ceil(windowMs + 2 * guardMs);
  const states = new Int8Array(period);
  const edges: number[] = [0];
  let t = 0;
  durations.forEach((d, i) => {
    states.fill(i % 2 === 0 ? 1 : 0, t, t + d);
    t += d;
    // An edge between segments; at the end only if a one-shot tone stops sounding there.
    if (i < durations.length - 1 || (!spec.repeat && i % 2 === 0)) edges.push(t);
  });
  for (const e of edges) {
    for (let ms = Math.ceil(e - guardMs); ms < e + guardMs; ms++) {
      states[((ms % period) + period) % period] = -1;
    }
  }
  return { states };
}

/** Share of phases at which `mask` fits the template with ≤ `tolerance` disagreeing blocks. */
export function cadenceLikelihood(mask: Uint8Array, template: CadenceTemplate, tolerance: number): number {
  const states = template.states;
  const period = states.length;
  const phases = Math.max(1, Math.ceil(period / BLOCK_MS));
  const centre = Math.floor(BLOCK_MS / 2);
  let consistent = 0;
  for (let p = 0; p < phases; p++) {
    const phi = p * BLOCK_MS;
    let bad = 0;
    for (let b = 0; b < mask.length && bad <= tolerance; b++) {
      const st = states[(phi + b * BLOCK_MS + centre) % period] ?? -1;
      if (st >= 0 && st !== mask[b]) bad++;
    }
    if (bad <= tolerance) consistent++;
  }
  return consistent / phases;
}
