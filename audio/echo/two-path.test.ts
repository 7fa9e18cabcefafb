import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TwoPathSwitch } from './two-path.js';

function repeat(t: TwoPathSwitch, n: number, sin: number, fg: number, bg: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(t.decide(sin, fg, bg));
  return out;
}

test('two-path: copies the background when it clearly beats foreground and Sin', () => {
  const t = new TwoPathSwitch();
  assert.ok(repeat(t, 10, 100, 100, 10).includes('copy'));
  assert.ok(t.backgroundGainDb > 5);
});

test('two-path: no copy when the background is only marginally better (double talk)', () => {
  const t = new TwoPathSwitch();
  repeat(t, 10, 100, 100, 10); // converged once
  assert.deepEqual(new Set(repeat(t, 50, 200, 100, 90)), new Set(['none']));
});

test('two-path: a diverged background is put back to the foreground', () => {
  const t = new TwoPathSwitch();
  repeat(t, 10, 100, 100, 1);
  assert.ok(repeat(t, 20, 100, 1, 50).includes('reset-background'));
});

test('two-path: a foreground that adds energy for 128 ms is cleared, once', () => {
  const t = new TwoPathSwitch();
  repeat(t, 10, 100, 100, 1); // copy: foreground live
  const actions = repeat(t, 40, 10, 100, 100);
  assert.equal(actions.filter((a) => a === 'clear-foreground').length, 1);
  assert.ok(actions.indexOf('clear-foreground') >= 15);
});
