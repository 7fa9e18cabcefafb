import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './clock.js';

test('FakeClock fires timers in due order, including ones set while advancing', () => {
  const clock = new FakeClock();
  const fired: string[] = [];
  clock.setTimer(30, () => fired.push('b@30'));
  clock.setTimer(10, () => {
    fired.push('a@10');
    clock.setTimer(5, () => fired.push('c@15'));
  });
  const cancelled = clock.setTimer(20, () => fired.push('never'));
  clock.cancelTimer(cancelled);
  clock.advance(29);
  assert.deepEqual(fired, ['a@10', 'c@15']);
  assert.equal(clock.now(), 29);
  clock.advance(1);
  assert.deepEqual(fired, ['a@10', 'c@15', 'b@30']);
  assert.equal(clock.pendingCount(), 0);
});

test('FakeClock reports time at the moment a timer fires', () => {
  const clock = new FakeClock(1000);
  let seen = -1;
  clock.setTimer(250, () => { seen = clock.now(); });
  clock.advance(1000);
  assert.equal(seen, 1250);
  assert.equal(clock.now(), 2000);
});

test('FakeClock.advanceAsync lets promise callbacks run between timers', async () => {
  const clock = new FakeClock();
  const order: string[] = [];
  clock.setTimer(10, () => {
    void Promise.resolve().then(() => {
      order.push('promise after t10');
      clock.setTimer(1, () => order.push('t11'));
    });
  });
  await clock.advanceAsync(20);
  assert.deepEqual(order, ['promise after t10', 't11']);
});
