/**
 * Test helpers for the FXO machine and the ring detector: a region profile
 * built from the real tone plans, ring-detect edges as a DAA would produce
 * them, and a tiny runtime (`FxoHarness`) that keeps the machine's timers and
 * fires them in time order, as the real runtime does with the Clock.
 */
import { fxoConfig, type FxoConfig } from '../fxo-config.js';
import { createFxoLine, fxoStep } from '../fxo-line.js';
import type { FxoAction, FxoEvent, FxoInput, FxoState, FxoTimerName } from '../fxo-types.js';
import { regionProfile } from '../region-profile.js';
import type { RegionProfile } from '../types.js';

export type RingEdge = { readonly type: 'ring-detect'; readonly active: boolean; readonly atMs: number };

/** The ring-detect edges of one burst: active for half of each cycle of `hz`, from `startMs` for `burstMs`. */
export function ringBurstEdges(startMs: number, burstMs: number, hz = 20): RingEdge[] {
  const period = 1000 / hz;
  const out: RingEdge[] = [];
  for (let t = 0; t < burstMs - period / 2; t += period) {
    out.push({ type: 'ring-detect', active: true, atMs: startMs + t });
    out.push({ type: 'ring-detect', active: false, atMs: startMs + t + period / 2 });
  }
  return out;
}

/** Edges of `count` cadence periods of `cadence` (ms on, off…) starting at `startMs`. */
export function ringCadenceEdges(startMs: number, cadence: readonly number[], count: number, hz = 20): RingEdge[] {
  const out: RingEdge[] = [];
  let t = startMs;
  for (let n = 0; n < count; n++) {
    cadence.forEach((ms, i) => {
      if (i % 2 === 0) out.push(...ringBurstEdges(t, ms, hz));
      t += ms;
    });
  }
  return out;
}

/** Runs the machine like the runtime: applies actions, keeps timers, fires them in order before later inputs. */
export class FxoHarness {
  state: FxoState;
  readonly timers = new Map<FxoTimerName, number>();
  readonly actions: FxoAction[] = [];
  seized = false;
  media = false;
  now = 0;

  constructor(config: FxoConfig | RegionProfile = regionProfile('US')) {
    this.state = createFxoLine('ringDetector' in config ? config : fxoConfig(config));
  }

  /** Events so far, optionally of one type. */
  events(type?: FxoEvent['type']): FxoEvent[] {
    const all = this.actions.flatMap((a) => (a.type === 'event' ? [a.event] : []));
    return type === undefined ? all : all.filter((e) => e.type === type);
  }

  /** DTMF digits played so far. */
  dtmf(): string {
    return this.actions.map((a) => (a.type === 'dtmf' ? a.digits : '')).join('');
  }

  /** Fires every timer due up to `toMs` (in order), then sets the time. */
  advance(toMs: number): void {
    for (;;) {
      let next: [FxoTimerName, number] | undefined;
      for (const entry of this.timers) if (next === undefined || entry[1] < next[1]) next = entry;
      if (next === undefined || next[1] > toMs) break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1]);
      this.step({ type: 'timer', name: next[0], atMs: next[1] });
    }
    this.now = Math.max(this.now, toMs);
  }

  /** Advances to the input's time, then feeds it. */
  feed(...inputs: FxoInput[]): void {
    for (const input of inputs) {
      this.advance(input.atMs);
      this.step(input);
    }
  }

  /** Feeds one input now, without firing timers first; returns its actions. */
  step(input: FxoInput): readonly FxoAction[] {
    const r = fxoStep(this.state, input);
    this.state = r.state;
    for (const a of r.actions) {
      this.actions.push(a);
      if (a.type === 'timer') this.timers.set(a.name, a.atMs);
      else if (a.type === 'cancel-timer') this.timers.delete(a.name);
      else if (a.type === 'seize') this.seized = a.on;
      else if (a.type === 'media') this.media = a.on;
    }
    return r.actions;
  }
}
