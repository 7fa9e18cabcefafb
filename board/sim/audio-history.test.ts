import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../src/errors.js';
import { AudioHistory, recordingSamples } from './audio-history.js';
import { SampleQueue } from './sample-queue.js';

test('AudioHistory keeps the newest samples across the wrap', () => {
  const h = new AudioHistory(10);
  h.push(Int16Array.of(1, 2, 3, 4, 5, 6, 7));
  assert.deepEqual(h.last(3), Int16Array.of(5, 6, 7));
  h.push(Int16Array.of(8, 9, 10, 11, 12));
  assert.equal(h.total, 12);
  assert.deepEqual(h.last(100), Int16Array.of(3, 4, 5, 6, 7, 8, 9, 10, 11, 12));
  assert.deepEqual(h.since(9), Int16Array.of(10, 11, 12));
  h.push(Int16Array.from({ length: 25 }, (_, i) => i));
  assert.equal(h.total, 37);
  assert.deepEqual(h.last(4), Int16Array.of(21, 22, 23, 24));
});

test('recordingSamples: at most what was heard; seconds outside (0, capacity] refused', () => {
  const h = new AudioHistory(8000 * 2);
  h.push(new Int16Array(8000));
  assert.equal(recordingSamples(h, 0.5).length, 4000);
  assert.equal(recordingSamples(h, 2).length, 8000);
  assert.throws(() => recordingSamples(h, 2.5), ValidationError);
  assert.throws(() => recordingSamples(h, -1), ValidationError);
});

test('SampleQueue reads frames in order, mixes into what is there, and reports playout', async () => {
  const q = new SampleQueue();
  const done = q.play(Int16Array.of(1, 2, 3));
  let cleared: boolean | undefined;
  q.enqueue(Int16Array.of(4, 5), (played) => (cleared = played));
  const f = Int16Array.of(10, 10);
  q.readInto(f);
  assert.deepEqual(f, Int16Array.of(11, 12));
  const g = new Int16Array(2);
  q.readInto(g);
  assert.deepEqual(g, Int16Array.of(3, 4));
  assert.equal(await done, true);
  q.clear();
  assert.equal(cleared, false);
  assert.ok(q.idle);
});
