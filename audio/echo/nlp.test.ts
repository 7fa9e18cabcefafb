import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonLinearProcessor } from './nlp.js';
import { ComfortNoise } from './comfort-noise.js';
import { DcBlocker } from './dc-blocker.js';
import { dbm0OfRms, rms, rmsForDbm0 } from '../levels.js';

test('NLP: passes the residual untouched when not allowed', () => {
  const nlp = new NonLinearProcessor();
  for (let i = 0; i < 1000; i++) assert.equal(nlp.step(10, 1000, false), 10);
});

test('NLP: suppresses a residual far below the echo estimate, and releases within ~1 ms when it rises', () => {
  const nlp = new NonLinearProcessor({ comfortNoise: false });
  let v = 0;
  for (let i = 0; i < 800; i++) v = nlp.step(i % 2 ? 10 : -10, i % 2 ? 3000 : -3000, true);
  assert.equal(v, 0);
  assert.equal(nlp.engaged, true);
  // Near-end speech: the residual jumps above the echo estimate.
  const out: number[] = [];
  for (let i = 0; i < 40; i++) out.push(nlp.step(i % 2 ? 5000 : -5000, i % 2 ? 3000 : -3000, true));
  assert.equal(nlp.engaged, false);
  assert.equal(Math.abs(out[out.length - 1]!), 5000);
  assert.ok(out.findIndex((x) => Math.abs(x) === 5000) <= 16, 'released too slowly');
});

test('NLP: fills with comfort noise at the background level', () => {
  const nlp = new NonLinearProcessor({ comfortNoise: true });
  const noise = rmsForDbm0(-60);
  for (let b = 0; b < 500; b++) nlp.comfort.observe(noise * noise);
  const out = new Float64Array(8000);
  for (let i = 0; i < out.length; i++) out[i] = nlp.step(i % 2 ? 5 : -5, i % 2 ? 3000 : -3000, true);
  assert.ok(Math.abs(dbm0OfRms(rms(out, 800)) + 60) < 1);
});

test('comfort noise: follows the quietest blocks down fast and creeps up slowly', () => {
  const cn = new ComfortNoise();
  const p = (dbm0: number): number => rmsForDbm0(dbm0) ** 2;
  for (let b = 0; b < 50; b++) cn.observe(p(-60));
  assert.ok(Math.abs(dbm0OfRms(Math.sqrt(cn.level)) + 60) < 0.5);
  for (let b = 0; b < 125; b++) cn.observe(p(-20)); // one second of speech
  const up = dbm0OfRms(Math.sqrt(cn.level)) + 60;
  assert.ok(up > 1 && up < 2.5, `rose ${up.toFixed(2)} dB in 1 s`);
});

test('DC blocker: removes DC, passes the voice band', () => {
  const dc = new DcBlocker();
  let last = 0;
  for (let i = 0; i < 8000; i++) last = dc.step(1000);
  assert.ok(Math.abs(last) < 1);
  const out = new Float64Array(8000);
  for (let i = 0; i < out.length; i++) out[i] = dc.step(1000 * Math.sin((2 * Math.PI * 300 * i) / 8000));
  assert.ok(Math.abs(rms(out, 4000) / (1000 / Math.SQRT2) - 1) < 0.01);
});
