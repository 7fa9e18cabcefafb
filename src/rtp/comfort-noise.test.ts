import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dbm0Of, sinePeakForDbm0 } from '../../audio/levels.js';
import {
  ComfortNoiseGenerator,
  DBM0_AT_0_DBOV,
  dbm0ToDbov,
  dbovToDbm0,
  levelDbovOf,
  parseComfortNoise,
  serializeComfortNoise,
} from './comfort-noise.js';

test('payload: level byte is −dBov in 7 bits, coefficients follow', () => {
  assert.deepEqual([...serializeComfortNoise({ levelDbov: -64 })], [64]);
  assert.deepEqual([...serializeComfortNoise({ levelDbov: -40.4, coefficients: Uint8Array.from([1, 200, 127]) })], [40, 1, 200, 127]);
  assert.deepEqual([...serializeComfortNoise({ levelDbov: -300 })], [127]);
  assert.deepEqual([...serializeComfortNoise({ levelDbov: 3 })], [0]);
  const p = parseComfortNoise(Uint8Array.from([70, 9, 8]));
  assert.ok(p.ok);
  assert.equal(p.value.levelDbov, -70);
  assert.deepEqual([...p.value.coefficients], [9, 8]);
  const q = parseComfortNoise(Uint8Array.from([0x80 | 30]));
  assert.ok(q.ok);
  assert.equal(q.value.levelDbov, -30, 'reserved top bit ignored');
  assert.equal(q.value.coefficients.length, 0);
  const zero = parseComfortNoise(Uint8Array.from([0]));
  assert.ok(zero.ok && Object.is(zero.value.levelDbov, 0));
  assert.equal(parseComfortNoise(new Uint8Array(0)).ok, false);
});

test('round trip keeps level and coefficients', () => {
  const coefficients = Uint8Array.from([10, 20, 30, 40, 250]);
  const p = parseComfortNoise(serializeComfortNoise({ levelDbov: -55, coefficients }));
  assert.deepEqual(p, { ok: true, value: { levelDbov: -55, coefficients } });
});

test('levelDbovOf: 0 dBov is a full-scale square wave', () => {
  const square = Int16Array.from({ length: 160 }, (_, i) => (i % 2 === 0 ? 32767 : -32767));
  assert.ok(Math.abs(levelDbovOf(square)) < 1e-9);
  const half = Int16Array.from(square, (v) => Math.round(v / 2));
  assert.ok(Math.abs(levelDbovOf(half) - -6.02) < 0.01);
  assert.equal(levelDbovOf(new Int16Array(160)), -127);
  assert.equal(levelDbovOf(new Int16Array(0)), -127);
});

test('dBov and dBm0 agree with audio/levels.ts: 0 dBov ≈ +6.15 dBm0 (RFC 3389 says 6.18 for µ-law)', () => {
  assert.ok(Math.abs(DBM0_AT_0_DBOV - 6.15) < 0.05);
  const peak = sinePeakForDbm0(-10);
  const sine = Int16Array.from({ length: 8000 }, (_, i) => Math.round(peak * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
  assert.ok(Math.abs(levelDbovOf(sine) - dbm0ToDbov(-10)) < 0.05);
  assert.ok(Math.abs(dbovToDbm0(levelDbovOf(sine)) - dbm0Of(sine)) < 1e-9);
});

test('generator: each frame RMS within 1 dB of the level', () => {
  for (const level of [-10, -20, -30, -45, -60, -70, -80]) {
    const g = new ComfortNoiseGenerator(42);
    g.setLevel(level);
    for (let i = 0; i < 50; i++) {
      const f = g.frame();
      assert.equal(f.length, 160);
      const got = levelDbovOf(f);
      assert.ok(Math.abs(got - level) < 1, `level ${level}: frame ${i} at ${got.toFixed(2)} dBov`);
    }
  }
});

test('generator: level from a parsed payload, odd frame sizes', () => {
  const cn = parseComfortNoise(serializeComfortNoise({ levelDbov: -50 }));
  assert.ok(cn.ok);
  const g = new ComfortNoiseGenerator();
  g.setLevel(cn.value.levelDbov);
  const f = g.frame(80);
  assert.equal(f.length, 80);
  assert.ok(Math.abs(levelDbovOf(f) - -50) < 1);
  assert.equal(g.frame(0).length, 0);
});

test('generator: deterministic per seed, differs across seeds, noise-like', () => {
  const a = new ComfortNoiseGenerator(7);
  const b = new ComfortNoiseGenerator(7);
  const c = new ComfortNoiseGenerator(8);
  for (const g of [a, b, c]) g.setLevel(-30);
  const fa = a.frame(800);
  assert.deepEqual(fa, b.frame(800));
  assert.notDeepEqual(fa, c.frame(800));
  // roughly zero mean and little correlation between neighbours (white)
  let mean = 0;
  let lag1 = 0;
  let power = 0;
  for (let i = 0; i < fa.length; i++) {
    const v = fa[i] ?? 0;
    mean += v;
    power += v * v;
    if (i > 0) lag1 += v * (fa[i - 1] ?? 0);
  }
  assert.ok(Math.abs(mean / fa.length) < 100);
  assert.ok(Math.abs(lag1 / power) < 0.15);
});

test('generator: silent until a level is set, and at −127 dBov', () => {
  const g = new ComfortNoiseGenerator(1);
  assert.ok(g.frame().every((v) => v === 0));
  g.setLevel(-40);
  assert.ok(g.frame().some((v) => v !== 0));
  g.setLevel(-127);
  assert.ok(g.frame().every((v) => v === 0));
});
