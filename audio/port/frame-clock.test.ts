import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, Timer } from '../../src/clock.js';
import { ManualFrameClock, VirtualFrameClock } from './frame-clock.js';
import { ClockedAudioPort } from './clocked-audio-port.js';

/**
 * A hand-driven Clock (audio/ imports only the Clock type from src/). Each timer
 * fires `lateness()` ms after it is due, to model a busy event loop.
 */
class TestClock implements Clock {
  private t: number;
  private nextId = 1;
  private readonly pending = new Map<number, { due: number; seq: number; fn: () => void }>();
  private seq = 0;

  constructor(
    start = 0,
    private readonly lateness: () => number = () => 0,
  ) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  wallTime(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const id = this.nextId++;
    this.pending.set(id, { due: this.t + Math.max(0, ms) + this.lateness(), seq: this.seq++, fn });
    return { id };
  }

  cancelTimer(timer: Timer): void {
    this.pending.delete(timer.id);
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  advance(ms: number): void {
    const target = this.t + ms;
    for (;;) {
      let best: [number, { due: number; seq: number; fn: () => void }] | undefined;
      for (const e of this.pending) {
        if (e[1].due <= target && (best === undefined || e[1].due < best[1].due || (e[1].due === best[1].due && e[1].seq < best[1].seq))) best = e;
      }
      if (best === undefined) break;
      this.pending.delete(best[0]);
      this.t = Math.max(this.t, best[1].due);
      best[1].fn();
    }
    this.t = target;
  }
}

test('VirtualFrameClock ticks every 20 ms of the injected clock, from one period after start', () => {
  const clock = new TestClock(1000);
  const fc = new VirtualFrameClock(clock);
  const at: number[] = [];
  fc.onTick(() => at.push(clock.now()));
  clock.advance(100);
  assert.equal(at.length, 0, 'not started');
  fc.start();
  clock.advance(19);
  assert.equal(at.length, 0);
  clock.advance(1);
  assert.deepEqual(at, [1120]);
  clock.advance(1000);
  assert.equal(at.length, 51);
  assert.ok(at.every((t, n) => t === 1120 + 20 * n));
  assert.equal(fc.stats().ticks, 51);
});

test('VirtualFrameClock does not drift when its timers fire late', () => {
  let s = 7;
  const clock = new TestClock(0, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s % 8000) / 1000; // 0–8 ms late, every time
  });
  const fc = new VirtualFrameClock(clock);
  const at: number[] = [];
  fc.onTick(() => at.push(clock.now()));
  fc.start();
  clock.advance(60_000);
  // 3000 periods in a minute: lateness never adds up, each tick is within 8 ms of its deadline.
  assert.ok(at.length === 3000 || at.length === 2999, `${at.length} ticks`);
  at.forEach((t, i) => {
    const due = 20 * (i + 1);
    assert.ok(t >= due && t < due + 8, `tick ${i + 1} at ${t}, due ${due}`);
  });
  assert.equal(fc.stats().skippedTicks, 0);
});

test('after a stall VirtualFrameClock catches up to maxCatchUpFrames, then skips', () => {
  let stall = false;
  const clock = new TestClock(0, () => (stall ? ((stall = false), 130) : 0));
  const fc = new VirtualFrameClock(clock, { maxCatchUpFrames: 5 });
  const at: number[] = [];
  fc.onTick(() => at.push(clock.now()));
  fc.start();
  clock.advance(20); // tick 1 at 20, and tick 2's timer is already set
  stall = true; // so the next timer set, tick 3's (due at 60, set when tick 2 fires), fires 130 ms late
  clock.advance(180); // now 200
  // Due by 200: ticks 1..10. Tick 3's timer fired at 190 with ticks 3..9 overdue (7): 5 run, 2 skipped; then tick 10 at 200.
  assert.deepEqual(at, [20, 40, 190, 190, 190, 190, 190, 200]);
  assert.deepEqual(fc.stats(), { ticks: 8, skippedTicks: 2, subscriberErrors: 0, subscribers: 1 });
  clock.advance(20);
  assert.equal(at.at(-1), 220);
});

test('VirtualFrameClock stops, restarts from now, and keeps ticking past a throwing subscriber', () => {
  const clock = new TestClock();
  const errors: unknown[] = [];
  const fc = new VirtualFrameClock(clock, { onError: (e) => errors.push(e) });
  let a = 0;
  let b = 0;
  fc.onTick(() => {
    a++;
    throw new Error('boom');
  });
  const unsubscribeB = fc.onTick(() => b++);
  fc.start();
  fc.start(); // no second schedule
  clock.advance(100);
  assert.equal(a, 5);
  assert.equal(b, 5);
  assert.equal(errors.length, 5);
  assert.equal(fc.stats().subscriberErrors, 5);
  unsubscribeB();
  fc.stop();
  assert.ok(!fc.running);
  assert.equal(clock.pendingCount, 0);
  clock.advance(100);
  assert.equal(a, 5);
  fc.start(); // at 200: ticks at 220, 240, ...
  clock.advance(45);
  assert.equal(a, 7);
  assert.equal(b, 5);
  assert.throws(() => new VirtualFrameClock(clock, { frameMs: 0 }), RangeError);
});

test('a subscriber may stop the VirtualFrameClock from inside a tick', () => {
  const clock = new TestClock();
  const fc = new VirtualFrameClock(clock);
  let n = 0;
  fc.onTick(() => {
    if (++n === 3) fc.stop();
  });
  fc.start();
  clock.advance(1000);
  assert.equal(n, 3);
  assert.equal(clock.pendingCount, 0);
});

test('ManualFrameClock ticks on demand; unsubscribing inside a tick is safe', () => {
  const fc = new ManualFrameClock();
  const seen: string[] = [];
  const offA = fc.onTick(() => {
    seen.push('a');
    offA();
  });
  fc.onTick(() => seen.push('b'));
  fc.tick(3);
  assert.deepEqual(seen, ['a', 'b', 'b', 'b']);
  assert.equal(fc.ticks, 3);
  assert.equal(fc.subscriberCount, 1);
});

test('a ClockedAudioPort on a VirtualFrameClock moves 50 frames per second of the injected clock', () => {
  const clock = new TestClock();
  const fc = new VirtualFrameClock(clock);
  let played = 0;
  const port = new ClockedAudioPort({ clock: fc, sink: () => played++ });
  let captured = 0;
  port.onFrame((f) => {
    captured++;
    port.write(f);
  });
  fc.start();
  clock.advance(1000);
  assert.equal(captured, 50);
  assert.equal(played, 50);
  assert.equal(port.stats().played, 49);
  port.close();
  fc.stop();
});
