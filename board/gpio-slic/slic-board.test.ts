/**
 * gpio-slic driver, on the line: ring voltage (F/R frequency and the cadence the
 * caller drives), ring trip, raw hook edges, polarity, per-port isolation and the
 * Board contract's errors. Measured from what the fake GPIO layer recorded.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoardError, type BoardEvent } from '../board.js';
import { Fixture, highSpans, intervals, key, within } from './test-support/slic-fixture.js';

/** Drives `cycles` of on/off cadence through setRinging, as the line logic does. */
function ringCadence(f: Fixture, ring: (on: boolean) => void, onMs: number, offMs: number, cycles: number): void {
  for (let i = 0; i < cycles; i++) {
    ring(true);
    f.clock.advance(onMs);
    ring(false);
    f.clock.advance(offMs);
  }
}

for (const hz of [20, 25]) {
  test(`US cadence (2 s on, 4 s off) × 2 at ${hz} Hz: F/R at ${hz} Hz and RM spans within ±5 %`, () => {
    const f = new Fixture();
    const b = f.board();
    const t0 = f.clock.now();
    ringCadence(f, (on) => b.setRinging(1, on, hz), 2000, 4000, 2);

    const rm = highSpans(f.changes(key(1, 'rm'), t0));
    assert.equal(rm.length, 2);
    for (const [i, [start, end]] of rm.entries()) {
      assert.ok(within(end - start, 2000, 0.05), `burst ${i} lasted ${end - start} ms`);
      if (i > 0) {
        const off = start - (rm[i - 1]?.[1] ?? 0);
        assert.ok(within(off, 4000, 0.05), `silence before burst ${i} lasted ${off} ms`);
      }
      const fr = f.changes(key(1, 'fr')).filter((c) => c.atMs > start && c.atMs < end);
      const gaps = intervals([{ line: '', value: 0, atMs: start }, ...fr], start, end);
      assert.ok(gaps.length > 30, `only ${gaps.length} F/R toggles in burst ${i}`);
      for (const g of gaps) assert.ok(within(1000 / (2 * g), hz, 0.05), `half period ${g} ms is not ${hz} Hz`);
      // Whole cycles over the burst: rising edges of F/R.
      const rises = fr.filter((c) => c.value === 1).length;
      assert.ok(within(rises / ((end - start) / 1000), hz, 0.05), `${rises} cycles in ${end - start} ms`);
      // The first toggle comes half a period after RM.
      assert.ok(within((fr[0]?.atMs ?? Infinity) - start, 500 / hz, 0.05));
    }
    // Between bursts and after: quiet, F/R back at forward polarity.
    assert.equal(f.gpio.value(key(1, 'rm')), 0);
    assert.equal(f.gpio.value(key(1, 'fr')), 0);
    const last = f.changes(key(1, 'fr')).at(-1);
    assert.ok(last !== undefined && last.atMs <= (rm[1]?.[1] ?? 0), 'F/R moved after the last burst ended');
    assert.equal(f.clock.pendingCount(), 0, 'a ring timer is still scheduled');
  });
}

test('default ring frequency is the board option (20 Hz unless told)', () => {
  const f = new Fixture();
  const b = f.board({ ringFrequencyHz: 25 });
  b.setRinging(2, true);
  f.clock.advance(1000);
  b.setRinging(2, false);
  const fr = f.changes(key(2, 'fr'), 0).filter((c) => c.value === 1);
  assert.equal(fr.length, 25);
  assert.throws(() => b.setRinging(2, true, 0), BoardError);
  assert.throws(() => b.setRinging(2, true, Number.NaN), BoardError);
  assert.throws(() => f.board({ ringFrequencyHz: 1000 }), BoardError);
});

test('setRinging is idempotent: on twice keeps the same phase, off twice is quiet', () => {
  const f = new Fixture();
  const b = f.board();
  b.setRinging(1, true, 20);
  f.clock.advance(30);
  b.setRinging(1, true, 20);
  b.setRinging(1, true);
  f.clock.advance(970);
  const gaps = intervals(f.changes(key(1, 'fr')), 1, 1000);
  assert.ok(gaps.every((g) => g === 25), `gaps ${gaps.join(',')}`);
  assert.deepEqual(
    f.changes(key(1, 'rm')).map((c) => c.value),
    [0, 1],
  );
  b.setRinging(1, false);
  b.setRinging(1, false);
  assert.deepEqual(
    f.changes(key(1, 'rm')).map((c) => c.value),
    [0, 1, 0],
  );
  assert.equal(f.clock.pendingCount(), 0);
});

for (const hz of [20, 25]) {
  test(`ring trip at ${hz} Hz: off hook mid-burst stops F/R and RM within one cycle, even before the line logic reacts`, () => {
    const f = new Fixture();
    const b = f.board();
    b.setRinging(1, true, hz);
    f.clock.advance(1007); // in the middle of a half period
    const tripAt = f.clock.now();
    f.gpio.set(key(1, 'shk'), 1);
    // The line logic has not called setRinging(false) yet (it debounces first).
    f.clock.advance(500);
    const lastFr = f.changes(key(1, 'fr')).at(-1);
    const lastRm = f.changes(key(1, 'rm')).at(-1);
    assert.ok(lastFr !== undefined && lastFr.atMs - tripAt <= 1000 / hz, `last F/R change ${lastFr?.atMs}`);
    assert.ok(lastRm !== undefined && lastRm.value === 0 && lastRm.atMs - tripAt <= 1000 / hz, `RM released at ${lastRm?.atMs}`);
    assert.equal(f.gpio.value(key(1, 'fr')), 0);
    assert.deepEqual(f.events, [{ type: 'hook', port: 1, offHook: true, atMs: tripAt }]);
    assert.deepEqual(b.portState(1), { offHook: true, ringRequested: true, ringing: false, frequencyHz: hz, reversed: false });
    // The handset bounces back on hook for a moment: no ring voltage comes back.
    f.gpio.set(key(1, 'shk'), 0);
    f.clock.advance(3);
    f.gpio.set(key(1, 'shk'), 1);
    b.setRinging(1, true, hz);
    f.clock.advance(500);
    assert.equal(f.changes(key(1, 'rm')).at(-1), lastRm);
    // The line logic turns ringing off, then the next burst (phone on hook again) rings.
    b.setRinging(1, false);
    f.gpio.set(key(1, 'shk'), 0);
    b.setRinging(1, true, hz);
    assert.equal(f.gpio.value(key(1, 'rm')), 1);
  });
}

test('setRinging(false) from the caller on the off-hook event stops at once; a burst stops within one cycle', () => {
  const f = new Fixture();
  const b = f.board();
  b.onEvent((e) => {
    if (e.type === 'hook' && e.offHook) b.setRinging(e.port, false);
  });
  b.setRinging(2, true, 20);
  f.clock.advance(512);
  const hookAt = f.clock.now();
  f.gpio.set(key(2, 'shk'), 1);
  f.clock.advance(1000);
  for (const role of ['fr', 'rm'] as const) {
    const last = f.changes(key(2, role)).at(-1);
    assert.ok(last !== undefined && last.atMs - hookAt <= 50, `${role} last changed at ${last?.atMs}`);
  }
  assert.deepEqual(b.portState(2), { offHook: true, ringRequested: false, ringing: false, frequencyHz: undefined, reversed: false });

  // setRinging(false) mid-burst, no hook involved: nothing moves after the call.
  b.setRinging(1, true, 25);
  f.clock.advance(777);
  const offAt = f.clock.now();
  b.setRinging(1, false);
  f.clock.advance(1000);
  assert.ok(f.changes(key(1, 'fr')).every((c) => c.atMs <= offAt));
  assert.equal(f.gpio.value(key(1, 'rm')), 0);
});

test('ringing an off-hook phone makes no ring voltage', () => {
  const f = new Fixture();
  const b = f.board();
  f.gpio.set(key(1, 'shk'), 1);
  assert.equal(b.isOffHook(1), true);
  b.setRinging(1, true, 20);
  f.clock.advance(1000);
  assert.deepEqual(
    f.changes(key(1, 'rm')).map((c) => c.value),
    [0],
  );
  assert.deepEqual(
    f.changes(key(1, 'fr')).map((c) => c.value),
    [0],
  );
});

test('hook edges go up raw with their timestamps: bounce and a pulse-dialled 3 kept', () => {
  const f = new Fixture();
  const b = f.board();
  const shk = key(1, 'shk');
  const at = (ms: number, v: 0 | 1): void => {
    f.clock.advance(ms - f.clock.now());
    f.gpio.set(shk, v);
  };
  // Lift with contact bounce.
  at(100, 1);
  at(101, 0);
  at(103, 1);
  assert.equal(b.isOffHook(1), true);
  // Digit 3 at 10 pps: 60 ms break (on hook), 40 ms make.
  const expected: BoardEvent[] = [
    { type: 'hook', port: 1, offHook: true, atMs: 100 },
    { type: 'hook', port: 1, offHook: false, atMs: 101 },
    { type: 'hook', port: 1, offHook: true, atMs: 103 },
  ];
  for (let i = 0; i < 3; i++) {
    const t = 1000 + i * 100;
    at(t, 0);
    at(t + 60, 1);
    expected.push({ type: 'hook', port: 1, offHook: false, atMs: t }, { type: 'hook', port: 1, offHook: true, atMs: t + 60 });
  }
  at(5000, 0);
  expected.push({ type: 'hook', port: 1, offHook: false, atMs: 5000 });
  assert.deepEqual(f.events, expected);
  assert.equal(b.isOffHook(1), false);
  assert.equal(b.isOffHook(2), false);
});

test('a phone already off hook at start is seen by isOffHook', () => {
  const f = new Fixture();
  const b1 = f.board();
  f.gpio.set(key(2, 'shk'), 1);
  void b1.close();
  const b2 = f.board();
  assert.equal(b2.isOffHook(2), true);
});

test('ringing port 1 leaves port 2 lines untouched', () => {
  const f = new Fixture();
  const b = f.board();
  const before = (['shk', 'rm', 'fr', 'pd'] as const).map((r) => f.gpio.history(key(2, r)).length);
  ringCadence(f, (on) => b.setRinging(1, on, 20), 2000, 4000, 2);
  b.setPolarity(1, true);
  f.gpio.set(key(1, 'shk'), 1);
  const after = (['shk', 'rm', 'fr', 'pd'] as const).map((r) => f.gpio.history(key(2, r)).length);
  assert.deepEqual(after, before);
  assert.equal(f.gpio.value(key(2, 'rm')), 0);
  assert.equal(f.gpio.value(key(2, 'fr')), 0);
  assert.ok(f.events.every((e) => e.type === 'hook' && e.port === 1));
});

test('polarity: F/R held reversed, ringing starts and ends at that level', () => {
  const f = new Fixture();
  const b = f.board();
  assert.ok(b.ports.every((p) => p.kind === 'fxs' && p.polarityReversal && !p.loopCurrentDetect));
  b.setPolarity(1, true);
  b.setPolarity(1, true);
  assert.equal(f.gpio.value(key(1, 'fr')), 1);
  b.setRinging(1, true, 20);
  f.clock.advance(1030);
  assert.equal(f.gpio.value(key(1, 'fr')), 0); // toggled 41 times
  b.setPolarity(1, false); // while ringing: remembered, F/R keeps making the ring
  b.setPolarity(1, true);
  b.setRinging(1, false);
  assert.equal(f.gpio.value(key(1, 'fr')), 1);
  b.setPolarity(1, false);
  assert.equal(f.gpio.value(key(1, 'fr')), 0);
});

test('unknown ports and FXO commands throw BoardError; audio is per port', () => {
  const f = new Fixture();
  const b = f.board();
  assert.equal(b.name, 'gpio-slic');
  assert.deepEqual(
    b.ports.map((p) => p.port),
    [1, 2],
  );
  assert.throws(() => b.setSeized(1, true), BoardError);
  assert.throws(() => b.setSeized(3, true), BoardError);
  assert.throws(() => b.setRinging(3, true), BoardError);
  assert.throws(() => b.setPolarity(0, true), BoardError);
  assert.throws(() => b.isOffHook(9), BoardError);
  assert.throws(() => b.audio(3), BoardError);
  assert.equal(b.audio(1), f.audioPorts[0]);
  assert.equal(b.audio(2), f.audioPorts[1]);
  assert.notEqual(b.audio(1), b.audio(2));
});
