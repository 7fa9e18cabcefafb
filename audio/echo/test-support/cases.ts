/**
 * The standard echo-canceller cases on the simulated hybrid, shared by the
 * tests (which assert on them) and bench/audio-echo.ts (which prints them).
 *
 * Hybrid: G.168 Annex D model D.2 behind an 8 ms bulk delay, ERL 10 dB,
 * line noise −70 dBm0; far end: speech-like signal at −15 dBm0 (so the echo
 * is about −24 dBm0). A dispersive variant uses model D.4 behind 20 ms at
 * ERL 8 dB. Double talk: near-end speech (another talker) at the echo's
 * level from 5 to 8 s. Path change at 6 s from the D.2 path to D.4 behind
 * 16 ms at ERL 12 dB. Long tail: D.2 behind 70 ms (response to 78 ms).
 * And three more in the spirit of G.168's tests 4 (leak rate), 5 (infinite
 * return loss) and 6 (non-divergence on narrow-band signals).
 */
import type { EchoCancellerOptions } from '../canceller.js';
import type { EchoPath } from './hybrid.js';
import { dbm0Of, sinePeakForDbm0 } from '../../levels.js';
import { echoLevelDbm0, erleDb, fractionFlagged, nearEndThrough, residualDbm0, runScenario, FRAME, type ScenarioResult } from './scenario.js';
import { speechLike } from './speech.js';
import { espeakSpeech } from './espeak.js';

export const HYBRID: EchoPath = { model: 'd2', delayMs: 8, erlDb: 10 };
export const DISPERSIVE: EchoPath = { model: 'd4', delayMs: 20, erlDb: 8 };
export const CHANGED: EchoPath = { model: 'd4', delayMs: 16, erlDb: 12 };
export const LONG: EchoPath = { model: 'd2', delayMs: 70, erlDb: 10 };
export const NOISE_DBM0 = -70;
export const DT_FROM = 5;
export const DT_TO = 8;
export const CHANGE_AT = 6;
/** Far-end text for the espeak-ng variants (about 13 s of speech). */
export const ESPEAK_TEXT =
  'The quick brown fox jumps over the lazy dog. A telephone line reflects part of the speech back to the talker, ' +
  'and the echo canceller removes it. Please call me back tomorrow morning after nine, and bring the report with you.';

export function singleTalk(canceller: EchoCancellerOptions, path: EchoPath = HYBRID, seconds = 10, far?: Int16Array): ScenarioResult {
  return runScenario({ path, seconds, canceller, noiseDbm0: NOISE_DBM0, ...(far === undefined ? {} : { far }) });
}

export function doubleTalk(canceller: EchoCancellerOptions, path: EchoPath = HYBRID, signals: { far?: Int16Array; near?: Int16Array } = {}): ScenarioResult {
  return runScenario({
    path,
    seconds: 12,
    canceller,
    noiseDbm0: NOISE_DBM0,
    ...(signals.far === undefined ? {} : { far: signals.far }),
    near: { levelDbm0: echoLevelDbm0(path), from: DT_FROM, to: DT_TO, ...(signals.near === undefined ? {} : { signal: signals.near }) },
  });
}

export function pathChange(canceller: EchoCancellerOptions): ScenarioResult {
  return runScenario({ path: HYBRID, seconds: 14, canceller, noiseDbm0: NOISE_DBM0, change: { at: CHANGE_AT, path: CHANGED } });
}

/** G.168 test 5 (infinite return loss): converged on HYBRID, the echo vanishes at 5 s. */
export function echoVanishes(canceller: EchoCancellerOptions): ScenarioResult {
  return runScenario({ path: HYBRID, seconds: 10, canceller, noiseDbm0: NOISE_DBM0, change: { at: 5, path: { ...HYBRID, erlDb: 200 } } });
}

/**
 * G.168 test 6 (non-divergence on narrow-band signals): speech for 4 s, then
 * a DTMF-like pair (697 + 1209 Hz, −11 and −9 dBm0) for 5 s, then speech.
 */
export function narrowBand(canceller: EchoCancellerOptions): ScenarioResult {
  const seconds = 14;
  const speech = speechLike({ seconds, levelDbm0: -15, seed: 1 }).samples;
  const far = new Int16Array(seconds * 8000);
  const a = sinePeakForDbm0(-11);
  const b = sinePeakForDbm0(-9);
  for (let i = 0; i < far.length; i++) {
    const t = i / 8000;
    far[i] = t >= 4 && t < 9 ? Math.round(a * Math.sin(2 * Math.PI * 697 * t) + b * Math.sin(2 * Math.PI * 1209 * t)) : speech[i]!;
  }
  return runScenario({ path: HYBRID, seconds, canceller, noiseDbm0: NOISE_DBM0, far });
}

/** G.168 test 4 (leak rate): speech for 5 s, 30 s of silence (line noise only), speech again. */
export function leakRate(canceller: EchoCancellerOptions): ScenarioResult {
  const speech = speechLike({ seconds: 5, levelDbm0: -15, seed: 1 }).samples;
  const far = new Int16Array(40 * 8000);
  far.set(speech);
  far.set(speech, 35 * 8000);
  return runScenario({ path: HYBRID, seconds: 40, canceller, noiseDbm0: NOISE_DBM0, far });
}

/** Frames where the near-end talker is actually talking (not in a pause). */
export function nearTalking(r: ScenarioResult): (f: number) => boolean {
  return (f) => {
    let s = 0;
    for (let i = f * FRAME; i < (f + 1) * FRAME; i++) s += r.near[i]! * r.near[i]!;
    return s / FRAME > 100 * 100;
  };
}

export interface DoubleTalkFigures {
  erleBeforeDb: number;
  erleAfterDb: number;
  nearLevelDb: number;
  nearSnrDb: number;
  detected: number;
  falseAlarms: number;
}

export function doubleTalkFigures(r: ScenarioResult): DoubleTalkFigures {
  const talking = nearTalking(r);
  const through = nearEndThrough(r, DT_FROM, DT_TO);
  return {
    erleBeforeDb: erleDb(r, 2, DT_FROM),
    erleAfterDb: erleDb(r, DT_TO + 0.2, 12),
    nearLevelDb: through.levelDb,
    nearSnrDb: through.snrDb,
    detected: fractionFlagged(r.doubleTalk, DT_FROM, DT_TO, talking),
    falseAlarms: fractionFlagged(r.doubleTalk, 1, 12, (f) => !talking(f) && (f * FRAME < DT_FROM * 8000 || f * FRAME > (DT_TO + 0.1) * 8000)),
  };
}

/** The figures the bench prints (each runs a scenario). */
export function erleTable(): { name: string; value: string }[] {
  const rows: { name: string; value: string }[] = [];
  const lin = singleTalk({ nlp: false });
  rows.push({ name: 'single talk, NLP off: ERLE 0–1 s / 1–2 s / 1–10 s', value: `${f1(erleDb(lin, 0, 1))} / ${f1(erleDb(lin, 1, 2))} / ${f1(erleDb(lin, 1, 10))} dB` });
  const disp = singleTalk({ nlp: false }, DISPERSIVE);
  rows.push({ name: 'single talk, NLP off, D.4 path: ERLE 1–2 s / 3–10 s', value: `${f1(erleDb(disp, 1, 2))} / ${f1(erleDb(disp, 3, 10))} dB` });
  const nlp = singleTalk({ nlp: true, comfortNoise: true });
  rows.push({ name: 'single talk, NLP + comfort noise: ERLE+NLP 2–10 s, Sout level', value: `${f1(erleDb(nlp, 2, 10))} dB, ${f1(residualDbm0(nlp, 2, 10))} dBm0` });
  const quiet = singleTalk({ nlp: true, comfortNoise: false });
  rows.push({ name: 'single talk, NLP, no comfort noise: residual echo 2–10 s', value: `${f1(residualDbm0(quiet, 2, 10))} dBm0` });
  const dt = doubleTalkFigures(doubleTalk({ nlp: false }));
  rows.push({ name: 'double talk, NLP off: ERLE before / after', value: `${f1(dt.erleBeforeDb)} / ${f1(dt.erleAfterDb)} dB` });
  const dtn = doubleTalkFigures(doubleTalk({ nlp: true }));
  rows.push({ name: 'double talk, NLP on: near-end level change, near/rest ratio', value: `${signed(dtn.nearLevelDb)} dB, ${f1(dtn.nearSnrDb)} dB` });
  rows.push({ name: 'double talk: detected / false alarms (frames)', value: `${pct(dtn.detected)} / ${pct(dtn.falseAlarms)}` });
  const pc = pathChange({ nlp: false });
  rows.push({ name: 'echo path change at 6 s: ERLE 3–6 s / 7–8 s / 8–14 s', value: `${f1(erleDb(pc, 3, CHANGE_AT))} / ${f1(erleDb(pc, 7, 8))} / ${f1(erleDb(pc, 8, 14))} dB` });
  const gone = echoVanishes({ nlp: false });
  rows.push({ name: 'echo vanishes at 5 s (G.168 test 5): Sout 5.5–10 s', value: `${f1(dbm0Of(gone.sout, 5.5 * 8000, 10 * 8000))} dBm0 (line noise ${NOISE_DBM0})` });
  const tones = narrowBand({ nlp: false });
  rows.push({ name: 'tones 4–9 s (G.168 test 6): ERLE 2–4 s / 10–14 s', value: `${f1(erleDb(tones, 2, 4))} / ${f1(erleDb(tones, 10, 14))} dB` });
  const leak = leakRate({ nlp: false });
  rows.push({ name: '30 s of silence (G.168 test 4): ERLE 3–5 s / 35–36 s', value: `${f1(erleDb(leak, 3, 5))} / ${f1(erleDb(leak, 35, 36))} dB` });
  const t64 = singleTalk({ nlp: false, tailMs: 64 }, LONG);
  const t128 = singleTalk({ nlp: false, tailMs: 128 }, LONG);
  rows.push({ name: 'echo at 70–78 ms: ERLE 2–10 s, tail 64 / 128 ms', value: `${f1(erleDb(t64, 2, 10))} / ${f1(erleDb(t128, 2, 10))} dB` });
  const speech = espeakSpeech(ESPEAK_TEXT, { levelDbm0: -15 });
  if (speech !== undefined) {
    const seconds = Math.floor(speech.length / 8000);
    const r = singleTalk({ nlp: false }, HYBRID, seconds, speech);
    rows.push({ name: `espeak-ng speech, NLP off: ERLE 1–2 s / 2–${seconds} s`, value: `${f1(erleDb(r, 1, 2))} / ${f1(erleDb(r, 2, seconds))} dB` });
  }
  return rows;
}

/** A level change with its sign, −0.00 shown as +0.00. */
export function signed(v: number): string {
  const r = Math.abs(v) < 0.005 ? 0 : v;
  return `${r >= 0 ? '+' : '−'}${Math.abs(r).toFixed(2)}`;
}

function f1(v: number): string {
  return v.toFixed(1);
}

function pct(v: number): string {
  return `${(100 * v).toFixed(0)} %`;
}
