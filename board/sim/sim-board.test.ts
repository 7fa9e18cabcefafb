import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tonePlan } from '../../audio/tones/index.js';
import type { BoardEvent } from '../board.js';
import { SimBoard } from './sim-board.js';
import { Harness } from './test-support/harness.js';

function board(h: Harness, onListenerError?: (e: unknown) => void): SimBoard {
  return new SimBoard({ clock: h.clock, frameClock: h.frames, plan: tonePlan('US'), hookBounce: false, ...(onListenerError ? { onListenerError } : {}) });
}

test('ports: FXS first, then FXO, each with its own clocked audio port', () => {
  const h = new Harness();
  const b = new SimBoard({ clock: h.clock, frameClock: h.frames, plan: tonePlan('US'), fxs: 3, fxo: 2 });
  assert.equal(b.name, 'sim');
  assert.deepEqual(
    b.ports.map((p) => [p.port, p.kind]),
    [
      [1, 'fxs'],
      [2, 'fxs'],
      [3, 'fxs'],
      [4, 'fxo'],
      [5, 'fxo'],
    ],
  );
  assert.equal(h.frames.subscriberCount, 5);
  assert.notEqual(b.audio(1), b.audio(2));
  assert.equal(b.audio(1).frameSamples, 160);
});

test('events carry clock.now(); a throwing listener does not stop the others', () => {
  const h = new Harness();
  const errors: unknown[] = [];
  const b = board(h, (e) => errors.push(e));
  const seen: BoardEvent[] = [];
  b.onEvent(() => {
    throw new Error('listener bug');
  });
  const off = b.onEvent((e) => seen.push(e));
  h.run(100);
  b.phone(1).hook('off');
  assert.deepEqual(seen, [{ type: 'hook', port: 1, offHook: true, atMs: 100 }]);
  assert.equal(errors.length, 1);
  assert.equal(b.listenerErrors, 1);
  off();
  b.phone(1).hook('on');
  assert.equal(seen.length, 1);
});

test('state() is plain JSON of every port', () => {
  const h = new Harness();
  const b = board(h);
  b.phone(2).hook('off');
  h.run(100);
  const s = b.state();
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  assert.deepEqual(s, {
    fxs: [
      { port: 1, hook: 'on', ringing: false, rings: 0, callerId: null, hearing: 'silence', digitsHeard: '' },
      { port: 2, hook: 'off', ringing: false, rings: 0, callerId: null, hearing: 'silence', digitsHeard: '' },
    ],
    fxo: [{ port: 3, offHook: false, ringing: false, digitsDialed: '', hearing: 'silence' }],
  });
  assert.equal(b.isOffHook(2), true);
});

test('close() stops ringing, timers, audio and events', async () => {
  const h = new Harness();
  const b = board(h);
  const seen: BoardEvent[] = [];
  b.onEvent((e) => seen.push(e));
  b.landline(3).ring({ number: '123' });
  b.setRinging(1, true);
  h.run(100);
  const n = seen.length;
  await b.close();
  h.run(10000);
  assert.equal(seen.length, n);
  assert.equal(h.clock.pendingCount(), 0);
  assert.equal(h.frames.subscriberCount, 0);
  b.setRinging(1, false);
  b.phone(1).hook('off');
  assert.equal(seen.length, n);
});
