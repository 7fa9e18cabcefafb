/**
 * The echo canceller against the simulated hybrid (test-support/), measured
 * the G.168 way (ERLE over single-talk frames with echo present; residual
 * echo level; behaviour under double talk and echo path change). The figures
 * are printed as a table at the end.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { espeakSpeech } from './test-support/espeak.js';
import { erlDb, erleDb, residualDbm0 } from './test-support/scenario.js';
import {
  CHANGE_AT,
  DISPERSIVE,
  ESPEAK_TEXT,
  HYBRID,
  LONG,
  NOISE_DBM0,
  doubleTalk,
  doubleTalkFigures,
  echoVanishes,
  leakRate,
  narrowBand,
  pathChange,
  signed,
  singleTalk,
} from './test-support/cases.js';
import { dbm0Of } from '../levels.js';

const table: [string, string][] = [];
function report(name: string, value: string): void {
  table.push([name, value]);
}
after(() => {
  const w = Math.max(...table.map(([n]) => n.length));
  console.log(`\nEcho canceller on the simulated hybrid (G.168 D.2 + 8 ms, ERL 10 dB, noise ${NOISE_DBM0} dBm0; far end −15 dBm0):`);
  for (const [n, v] of table) console.log(`  ${n.padEnd(w)}  ${v}`);
});

test('single talk, NLP off: converges within about a second and then cancels ≥ 25 dB', () => {
  const r = singleTalk({ nlp: false });
  const first = erleDb(r, 1, 2);
  const converged = erleDb(r, 1, 10);
  report('ERL of the hybrid (speech)', `${erlDb(r, 0, 10).toFixed(1)} dB`);
  report('single talk, NLP off: ERLE 0–1 s', `${erleDb(r, 0, 1).toFixed(1)} dB`);
  report('single talk, NLP off: ERLE 1–2 s', `${first.toFixed(1)} dB`);
  report('single talk, NLP off: ERLE 1–10 s', `${converged.toFixed(1)} dB`);
  assert.ok(first >= 20, `ERLE 1–2 s ${first.toFixed(1)} dB`);
  assert.ok(converged >= 25, `ERLE 1–10 s ${converged.toFixed(1)} dB`);
  const s = r.canceller.stats();
  assert.equal(s.converged, true);
  assert.ok(s.erleDb > 20, `own ERLE estimate ${s.erleDb.toFixed(1)} dB`);
  assert.ok(Math.abs(s.erlDb - erlDb(r, 0, 10)) < 3, `own ERL estimate ${s.erlDb.toFixed(1)} dB`);
  assert.equal(s.divergenceResets, 0);
});

test('single talk, NLP off, dispersive path (G.168 D.4 behind 20 ms): ≥ 25 dB after 3 s', () => {
  const r = singleTalk({ nlp: false }, DISPERSIVE);
  const v = erleDb(r, 3, 10);
  report('single talk, NLP off, D.4 path: ERLE 1–2 s', `${erleDb(r, 1, 2).toFixed(1)} dB`);
  report('single talk, NLP off, D.4 path: ERLE 3–10 s', `${v.toFixed(1)} dB`);
  assert.ok(v >= 25, `ERLE 3–10 s ${v.toFixed(1)} dB`);
});

test('single talk, NLP on without comfort noise: residual echo ≤ −65 dBm0', () => {
  const r = singleTalk({ nlp: true, comfortNoise: false });
  const level = residualDbm0(r, 2, 10);
  report('single talk, NLP, no comfort noise: Sout level 2–10 s', `${level.toFixed(1)} dBm0`);
  assert.ok(level <= -65, `residual ${level.toFixed(1)} dBm0`);
});

test('single talk, NLP on with comfort noise: ERLE+NLP ≥ 40 dB, noise at the line-noise level', () => {
  const r = singleTalk({ nlp: true, comfortNoise: true });
  const total = erleDb(r, 2, 10);
  const level = residualDbm0(r, 2, 10);
  report('single talk, NLP + comfort noise: ERLE+NLP 2–10 s', `${total.toFixed(1)} dB`);
  report('single talk, NLP + comfort noise: Sout level 2–10 s', `${level.toFixed(1)} dBm0`);
  assert.ok(total >= 40, `ERLE+NLP ${total.toFixed(1)} dB`);
  // What is left is comfort noise matching the line noise (−70 dBm0), not echo.
  assert.ok(Math.abs(level - NOISE_DBM0) <= 3, `Sout ${level.toFixed(1)} dBm0`);
  assert.ok(Math.abs(r.canceller.stats().noiseDbm0 - NOISE_DBM0) <= 3);
});

test('double talk at the echo level: no divergence, near-end speech passes', () => {
  const lin = doubleTalkFigures(doubleTalk({ nlp: false }));
  report('double talk, NLP off: ERLE 2–5 s (before)', `${lin.erleBeforeDb.toFixed(1)} dB`);
  report('double talk, NLP off: ERLE 8.2–12 s (after)', `${lin.erleAfterDb.toFixed(1)} dB`);
  assert.ok(lin.erleAfterDb >= 25, `ERLE after double talk ${lin.erleAfterDb.toFixed(1)} dB`);
  assert.ok(lin.erleAfterDb >= lin.erleBeforeDb - 3, 'the filter lost ground during double talk');

  const r = doubleTalk({ nlp: true, comfortNoise: true });
  const f = doubleTalkFigures(r);
  report('double talk, NLP on: near-end level in Sout vs input', `${signed(f.nearLevelDb)} dB`);
  report('double talk, NLP on: near-end / (residual + clipping)', `${f.nearSnrDb.toFixed(1)} dB`);
  report('double talk detected (near-end talking frames)', `${(100 * f.detected).toFixed(0)} %`);
  report('double talk false alarms (single-talk frames)', `${(100 * f.falseAlarms).toFixed(0)} %`);
  assert.ok(Math.abs(f.nearLevelDb) <= 1.5, `near-end level changed by ${f.nearLevelDb.toFixed(2)} dB`);
  assert.ok(f.nearSnrDb >= 20, `near-end speech distorted: ${f.nearSnrDb.toFixed(1)} dB`);
  assert.ok(f.detected >= 0.5, `double talk detected in ${(100 * f.detected).toFixed(0)} % of frames`);
  assert.ok(f.falseAlarms <= 0.15, `false double talk in ${(100 * f.falseAlarms).toFixed(0)} % of frames`);
  assert.equal(r.canceller.stats().divergenceResets, 0);
});

test('echo path change: converges again', () => {
  const r = pathChange({ nlp: false });
  const before = erleDb(r, 3, CHANGE_AT);
  const reconverged = erleDb(r, CHANGE_AT + 2, 14);
  report('path change D.2/8 ms → D.4/16 ms: ERLE before', `${before.toFixed(1)} dB`);
  report('path change: ERLE first second after', `${erleDb(r, CHANGE_AT, CHANGE_AT + 1).toFixed(1)} dB`);
  report('path change: ERLE 2–8 s after', `${reconverged.toFixed(1)} dB`);
  assert.ok(before >= 30, `ERLE before ${before.toFixed(1)} dB`);
  assert.ok(reconverged >= 25, `ERLE after ${reconverged.toFixed(1)} dB`);
  assert.ok(r.canceller.stats().pathChanges >= 1);
});

test('tail: an echo at 70–78 ms needs the 128 ms tail; 64 ms cannot reach it', () => {
  const short = erleDb(singleTalk({ nlp: false, tailMs: 64 }, LONG), 2, 10);
  const long = erleDb(singleTalk({ nlp: false, tailMs: 128 }, LONG), 2, 10);
  report('echo at 70–78 ms, tail 64 ms: ERLE 2–10 s', `${short.toFixed(1)} dB`);
  report('echo at 70–78 ms, tail 128 ms: ERLE 2–10 s', `${long.toFixed(1)} dB`);
  assert.ok(short < 6, `64 ms tail ERLE ${short.toFixed(1)} dB`);
  assert.ok(long >= 25, `128 ms tail ERLE ${long.toFixed(1)} dB`);
});

test('echo path opens (G.168 test 5, infinite return loss): nothing is added to Sin', () => {
  const r = echoVanishes({ nlp: false });
  const level = dbm0Of(r.sout, 5.5 * 8000, 10 * 8000);
  report('echo vanishes at 5 s: Sout level 5.5–10 s', `${level.toFixed(1)} dBm0`);
  assert.ok(level <= NOISE_DBM0 + 2, `Sout ${level.toFixed(1)} dBm0`);
});

test('narrow-band far end (G.168 test 6: a DTMF-like pair for 5 s) does not make it diverge', () => {
  const r = narrowBand({ nlp: false });
  const before = erleDb(r, 2, 4);
  const during = erleDb(r, 4.5, 9);
  const afterTones = erleDb(r, 10, 14);
  report('tones 4–9 s: ERLE before / during / after', `${before.toFixed(1)} / ${during.toFixed(1)} / ${afterTones.toFixed(1)} dB`);
  assert.ok(during > 0, 'the canceller added to Sin during the tones');
  assert.ok(afterTones >= Math.min(25, before - 3), `ERLE after the tones ${afterTones.toFixed(1)} dB`);
});

test('no leakage (G.168 test 4): still converged after 30 s of silence', () => {
  const r = leakRate({ nlp: false });
  const resumed = erleDb(r, 35, 36);
  report('after 30 s of silence: ERLE first second', `${resumed.toFixed(1)} dB`);
  assert.ok(resumed >= 25, `ERLE ${resumed.toFixed(1)} dB`);
});

const NEAR_TEXT = 'Hello, can you hear me? I think there is an echo on this line, but it seems to be gone now. Thank you very much.';
const farSpeech = espeakSpeech(ESPEAK_TEXT, { levelDbm0: -15 });

test('espeak-ng speech: single talk and double talk', { skip: farSpeech === undefined ? 'espeak-ng not installed' : false }, () => {
  const far = farSpeech!;
  const seconds = Math.floor(far.length / 8000);
  const r = singleTalk({ nlp: false }, HYBRID, seconds, far);
  const v = erleDb(r, 2, seconds);
  report('espeak-ng speech, NLP off: ERLE 1–2 s', `${erleDb(r, 1, 2).toFixed(1)} dB`);
  report(`espeak-ng speech, NLP off: ERLE 2–${seconds} s`, `${v.toFixed(1)} dB`);
  assert.ok(v >= 25, `ERLE ${v.toFixed(1)} dB`);

  const near = espeakSpeech(NEAR_TEXT, { voice: 'en+f3', pitch: 70, levelDbm0: -24 });
  assert.ok(near !== undefined);
  const f = doubleTalkFigures(doubleTalk({ nlp: true }, HYBRID, { far, near }));
  report('espeak-ng double talk: ERLE after / near-end level change', `${f.erleAfterDb.toFixed(1)} dB / ${signed(f.nearLevelDb)} dB`);
  assert.ok(Math.abs(f.nearLevelDb) <= 1.5, `near-end level changed by ${f.nearLevelDb.toFixed(2)} dB`);
});
