import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GeigelDetector } from './geigel.js';

/** Feeds `n` samples of constant |far| and |near|, with block boundaries every 64 samples. */
function feed(g: GeigelDetector, n: number, far: number, near: number, state: { pos: number }): boolean {
  let last = false;
  for (let i = 0; i < n; i++) {
    last = g.step(far, near);
    if (++state.pos % 64 === 0) g.endBlock();
  }
  return last;
}

test('Geigel: echo 6 dB or more below the far-end peak is not double talk', () => {
  const g = new GeigelDetector(16, 0.5, 240, 100);
  const s = { pos: 0 };
  assert.equal(feed(g, 2000, 10000, 4900, s), false);
});

test('Geigel: Sin above half the far-end peak over the tail is double talk, held for the hangover', () => {
  const g = new GeigelDetector(16, 0.5, 240, 100);
  const s = { pos: 0 };
  feed(g, 2000, 10000, 1000, s);
  assert.equal(g.step(10000, 6000), true);
  assert.equal(feed(g, 239, 10000, 1000, s), true);
  assert.equal(feed(g, 2, 10000, 1000, s), false);
});

test('Geigel: remembers the far-end peak over the whole tail, and forgets it after', () => {
  const g = new GeigelDetector(4, 0.5, 0, 100); // a 256-sample tail
  const s = { pos: 0 };
  feed(g, 64, 10000, 0, s);
  feed(g, 200, 1000, 0, s);
  assert.equal(g.step(1000, 4000), false, 'the loud far end 200 samples ago could still echo');
  feed(g, 400, 1000, 0, s);
  assert.equal(g.step(1000, 4000), true);
});

test('Geigel: quiet without far-end signal', () => {
  const g = new GeigelDetector(16, 0.5, 240, 100);
  const s = { pos: 0 };
  assert.equal(feed(g, 1000, 50, 5000, s), false);
});
