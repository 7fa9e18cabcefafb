import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayWindow } from './replay-window.js';
import { DialtoneError } from '../../errors.js';

function receive(window: ReplayWindow, index: number): boolean {
  if (!window.check(index)) return false;
  window.accept(index);
  return true;
}

test('the window accepts new indices once, in any order inside it', () => {
  const window = new ReplayWindow(64);
  assert.equal(window.highestIndex, undefined);
  assert.ok(receive(window, 1000));
  assert.ok(!receive(window, 1000));
  assert.ok(receive(window, 1002));
  assert.ok(receive(window, 1001));
  assert.ok(!receive(window, 1001));
  assert.ok(receive(window, 1002 - 63)); // the oldest slot still inside
  assert.ok(!receive(window, 1002 - 64)); // left of the window
  assert.equal(window.highestIndex, 1002);
});

test('a large jump forgets the old bitmap but keeps rejecting what is now too old', () => {
  const window = new ReplayWindow(128);
  for (let i = 0; i < 10; i++) assert.ok(receive(window, i));
  assert.ok(receive(window, 10_000));
  assert.ok(!receive(window, 5));
  assert.ok(receive(window, 9_999));
  assert.ok(receive(window, 10_000 - 127));
  assert.ok(!receive(window, 10_000 - 128));
});

test('check does not change the window', () => {
  const window = new ReplayWindow();
  window.accept(5);
  assert.ok(window.check(6));
  assert.ok(window.check(6));
  assert.equal(window.highestIndex, 5);
});

test('window sizes below 64 or absurdly large are refused', () => {
  assert.throws(() => new ReplayWindow(32), DialtoneError);
  assert.throws(() => new ReplayWindow(100.5), DialtoneError);
  assert.throws(() => new ReplayWindow(1 << 20), DialtoneError);
  assert.equal(new ReplayWindow(64).size, 64);
});
