/**
 * Echo-canceller test scenarios on the simulated hybrid, and the G.168-style
 * measurements the tests assert and the bench prints.
 *
 * A scenario: far-end speech (Rin) at an active level of −15 dBm0 (a
 * typical talker level) goes through the hybrid; optional near-end
 * speech over a time window and line noise are added to give Sin; the
 * canceller turns Sin into Sout in 20 ms blocks. The echo path may change
 * part-way through (as in the reconvergence parts of G.168 test 2).
 *
 * ERLE (echo return loss enhancement, as defined in G.168) is measured as
 * 10·log10(P_Sin / P_Sout) over the 20 ms frames of a window in which the
 * echo is present (above −50 dBm0) and no near-end speech is (single talk).
 */
import { dbm0Of, rmsForDbm0 } from '../../levels.js';
import { EchoCanceller, type EchoCancellerOptions } from '../canceller.js';
import { DcBlocker } from '../dc-blocker.js';
import { SimulatedHybrid, type EchoPath } from './hybrid.js';
import { speechLike } from './speech.js';

export const FRAME = 160;
const ECHO_PRESENT = rmsForDbm0(-50) ** 2;

export interface ScenarioOptions {
  canceller?: EchoCancellerOptions;
  path: EchoPath;
  /** Line noise on Sin, dBm0 (default −70). */
  noiseDbm0?: number;
  seconds: number;
  /** Far-end signal (default: speech-like, seed 1, −15 dBm0). */
  far?: Int16Array;
  /** Near-end speech: `signal` (default speech-like, seed 2) at `levelDbm0`, present in [from, to) s. */
  near?: { levelDbm0: number; from: number; to: number; signal?: Int16Array };
  /** Echo path change at `at` seconds. */
  change?: { at: number; path: EchoPath };
}

export interface ScenarioResult {
  rin: Int16Array;
  sin: Int16Array;
  sout: Int16Array;
  /** The echo component of Sin alone. */
  echo: Float64Array;
  /** The near-end speech as added to Sin (zeros outside its window). */
  near: Int16Array;
  /** Per 20 ms frame: the canceller's double-talk and NLP flags after the frame. */
  doubleTalk: Uint8Array;
  nlpActive: Uint8Array;
  canceller: EchoCanceller;
}

export function runScenario(opts: ScenarioOptions): ScenarioResult {
  const n = Math.round(opts.seconds * 8000);
  const rin = fit(opts.far ?? speechLike({ seconds: opts.seconds, levelDbm0: -15, seed: 1 }).samples, n);
  const near = new Int16Array(n);
  if (opts.near !== undefined) {
    const src = opts.near.signal ?? speechLike({ seconds: opts.seconds, levelDbm0: opts.near.levelDbm0, seed: 2, pitchHz: 210 }).samples;
    const from = Math.round(opts.near.from * 8000);
    const to = Math.min(n, Math.round(opts.near.to * 8000));
    for (let i = from; i < to; i++) near[i] = src[(i - from) % src.length]!;
  }
  const hybrid = new SimulatedHybrid({ ...opts.path, noiseDbm0: opts.noiseDbm0 ?? -70 });
  const sin = new Int16Array(n);
  const echo = new Float64Array(n);
  const changeAt = opts.change === undefined ? n : Math.round(opts.change.at * 8000);
  for (const [a, b] of [[0, Math.min(changeAt, n)], [Math.min(changeAt, n), n]] as const) {
    if (a === changeAt && opts.change !== undefined) hybrid.setPath(opts.change.path);
    if (b <= a) continue;
    const part = hybrid.run(rin.subarray(a, b), near.subarray(a, b));
    sin.set(part.sin, a);
    echo.set(part.echo, a);
  }
  const canceller = new EchoCanceller(opts.canceller);
  const sout = new Int16Array(n);
  const frames = Math.floor(n / FRAME);
  const doubleTalk = new Uint8Array(frames);
  const nlpActive = new Uint8Array(frames);
  for (let f = 0; f < frames; f++) {
    const a = f * FRAME;
    sout.set(canceller.process(rin.subarray(a, a + FRAME), sin.subarray(a, a + FRAME)), a);
    const s = canceller.stats();
    doubleTalk[f] = s.doubleTalk ? 1 : 0;
    nlpActive[f] = s.nlpActive ? 1 : 0;
  }
  return { rin, sin, sout, echo, near, doubleTalk, nlpActive, canceller };
}

function fit(signal: Int16Array, n: number): Int16Array {
  if (signal.length === n) return signal;
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = signal[i % signal.length]!;
  return out;
}

function frameEnergy(x: ArrayLike<number>, f: number): number {
  let s = 0;
  for (let i = f * FRAME; i < (f + 1) * FRAME; i++) s += x[i]! * x[i]!;
  return s;
}

/** Frames of [from, to) s with echo present and no near-end speech. */
function singleTalkFrames(r: ScenarioResult, from: number, to: number): number[] {
  const out: number[] = [];
  const last = Math.min(Math.floor(r.sin.length / FRAME), Math.round((to * 8000) / FRAME));
  for (let f = Math.round((from * 8000) / FRAME); f < last; f++) {
    if (frameEnergy(r.echo, f) / FRAME < ECHO_PRESENT) continue;
    if (frameEnergy(r.near, f) > 0) continue;
    out.push(f);
  }
  return out;
}

/** ERLE over the single-talk, echo-present frames of [from, to) s, in dB (NaN if none). */
export function erleDb(r: ScenarioResult, from: number, to: number): number {
  let ps = 0;
  let po = 0;
  for (const f of singleTalkFrames(r, from, to)) {
    ps += frameEnergy(r.sin, f);
    po += frameEnergy(r.sout, f);
  }
  if (ps === 0) return NaN;
  return po === 0 ? Infinity : 10 * Math.log10(ps / po);
}

/** Level of Sout in dBm0 over the single-talk, echo-present frames of [from, to) s. */
export function residualDbm0(r: ScenarioResult, from: number, to: number): number {
  const frames = singleTalkFrames(r, from, to);
  let po = 0;
  for (const f of frames) po += frameEnergy(r.sout, f);
  return dbm0Of([Math.sqrt(po / Math.max(1, frames.length * FRAME))]);
}

/** ERL (Rin → Sin) over the single-talk frames of [from, to) s, in dB. */
export function erlDb(r: ScenarioResult, from: number, to: number): number {
  let pr = 0;
  let ps = 0;
  for (const f of singleTalkFrames(r, from, to)) {
    pr += frameEnergy(r.rin, f);
    ps += frameEnergy(r.echo, f);
  }
  return 10 * Math.log10(pr / ps);
}

/**
 * How the near-end speech comes through during double talk, over the frames
 * of [from, to) s where it is active: its level in Sout relative to its
 * level at the input (dB, 0 = untouched), and the ratio of the near-end
 * speech to everything else in Sout (residual echo, NLP clipping, comfort
 * noise), in dB. The near-end reference goes through the canceller's DC
 * blocker, which Sin does too.
 */
export function nearEndThrough(r: ScenarioResult, from: number, to: number): { levelDb: number; snrDb: number } {
  const dc = new DcBlocker();
  const ref = new Float64Array(r.near.length);
  for (let i = 0; i < ref.length; i++) ref[i] = dc.step(r.near[i]!);
  let pn = 0;
  let po = 0;
  let pd = 0;
  const last = Math.min(Math.floor(r.sin.length / FRAME), Math.round((to * 8000) / FRAME));
  for (let f = Math.round((from * 8000) / FRAME); f < last; f++) {
    if (frameEnergy(r.near, f) / FRAME < ECHO_PRESENT) continue;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i++) {
      pn += ref[i]! * ref[i]!;
      po += r.sout[i]! * r.sout[i]!;
      pd += (r.sout[i]! - ref[i]!) ** 2;
    }
  }
  return { levelDb: 10 * Math.log10(po / pn), snrDb: 10 * Math.log10(pn / pd) };
}

/** Fraction of frames in [from, to) s flagged in `flags` (per-frame 0/1). */
export function fractionFlagged(flags: Uint8Array, from: number, to: number, onlyFrames?: (f: number) => boolean): number {
  let hit = 0;
  let all = 0;
  const last = Math.min(flags.length, Math.round((to * 8000) / FRAME));
  for (let f = Math.round((from * 8000) / FRAME); f < last; f++) {
    if (onlyFrames !== undefined && !onlyFrames(f)) continue;
    all++;
    hit += flags[f]!;
  }
  return all === 0 ? NaN : hit / all;
}

/** The echo's active level in dBm0 for a far end at −15 dBm0 on `path` (to set near-end levels "at the echo level"). */
export function echoLevelDbm0(path: EchoPath, seconds = 4): number {
  const far = speechLike({ seconds, levelDbm0: -15, seed: 1 });
  const { echo } = new SimulatedHybrid(path).run(far.samples);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < echo.length; i++) {
    if (!far.active[i]) continue;
    sum += echo[i]! * echo[i]!;
    count++;
  }
  return dbm0Of([Math.sqrt(sum / Math.max(1, count))]);
}
