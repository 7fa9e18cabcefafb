import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextInterval, resolveTimerConfig, timerD, timerJ, timerT4Wait, transactionTimeout } from './timers.js';

test('timer values derive from T1, T2 and T4', () => {
  const d = resolveTimerConfig();
  assert.deepEqual([d.t1, d.t2, d.t4, d.trying100Ms], [500, 4000, 5000, 200]);
  assert.equal(transactionTimeout(d), 32_000);
  assert.equal(timerD(d, false), 32_000);
  assert.equal(timerD(d, true), 0);
  assert.equal(timerT4Wait(d, false), 5000);
  assert.equal(timerT4Wait(d, true), 0);
  assert.equal(timerJ(d, false), 32_000);
  assert.equal(timerJ(d, true), 0);
  assert.equal(nextInterval(d, 2000, true), 4000);
  assert.equal(nextInterval(d, 4000, true), 4000);
  assert.equal(nextInterval(d, 4000, false), 8000);
  const c = resolveTimerConfig({ t1: 1000, t2: 3000, t4: 7000 });
  assert.equal(transactionTimeout(c), 64_000);
  assert.equal(timerD(c, false), 64_000, 'D is at least 32 s and never shorter than 64·T1');
  assert.equal(timerT4Wait(c, false), 7000);
  assert.equal(nextInterval(c, 2000, true), 3000);
  assert.throws(() => resolveTimerConfig({ t1: 0 }), RangeError);
});
