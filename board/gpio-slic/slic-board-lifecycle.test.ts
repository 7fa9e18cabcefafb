/**
 * gpio-slic driver, start and stop: which lines are opened at which levels, a
 * start that fails half-way, close() and releaseOnCrash() releasing every line
 * (RM off, F/R forward, PD asserted) — also after a listener, the audio or a GPIO
 * write threw — and no events after close.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoardError } from '../board.js';
import { FaultyGpio, Fixture, key, slicSpec } from './test-support/slic-fixture.js';

const ALL = [1, 2].flatMap((p) => (['shk', 'rm', 'fr', 'pd'] as const).map((r) => key(p, r)));

function assertReleased(f: Fixture): void {
  assert.deepEqual(f.gpio.openLines(), []);
  for (const p of [1, 2]) {
    assert.equal(f.gpio.value(key(p, 'rm')), 0, `RM of port ${p}`);
    assert.equal(f.gpio.value(key(p, 'fr')), 0, `F/R of port ${p}`);
    assert.equal(f.gpio.value(key(p, 'pd')), 1, `PD of port ${p}`);
  }
  assert.equal(f.clock.pendingCount(), 0, 'a ring timer is still scheduled');
}

test('start opens every line: outputs quiet, PD de-asserted (powered up); audio made once per port', () => {
  const f = new Fixture();
  const made: number[] = [];
  const b = f.board({
    audio: (spec) => {
      made.push(spec.port);
      return f.makeAudio();
    },
  });
  assert.deepEqual(made, [1, 2]);
  assert.deepEqual(f.gpio.openLines().sort(), [...ALL].sort());
  for (const p of [1, 2]) {
    assert.equal(f.gpio.value(key(p, 'rm')), 0);
    assert.equal(f.gpio.value(key(p, 'fr')), 0);
    assert.equal(f.gpio.value(key(p, 'pd')), 0);
  }
  b.audio(1);
  b.audio(1);
  assert.deepEqual(made, [1, 2]);
});

test('a port without PD works', () => {
  const f = new Fixture();
  const b = f.board({ ports: [slicSpec(1, false)] });
  assert.equal(f.gpio.isOpen(key(1, 'pd')), false);
  b.setRinging(1, true);
  f.clock.advance(100);
  void b.close();
  assert.deepEqual(f.gpio.openLines(), []);
  assert.equal(f.gpio.value(key(1, 'rm')), 0);
});

test('a line that cannot be opened: what was opened is released, the BoardError names the line', () => {
  for (const failing of [key(1, 'shk'), key(1, 'fr'), key(2, 'rm'), key(2, 'pd')]) {
    const f = new Fixture();
    f.gpio.failOpen.add(failing);
    assert.throws(
      () => f.board(),
      (err: unknown) => err instanceof BoardError && err.message.includes(failing) && err.code === 'board',
      failing,
    );
    assert.deepEqual(f.gpio.openLines(), [], `after failing ${failing}`);
    for (const p of [1, 2]) if (f.gpio.value(key(p, 'rm')) !== undefined) assert.equal(f.gpio.value(key(p, 'rm')), 0);
    for (const a of f.audioPorts) assert.equal(a.closed, true);
  }
});

test('audio that cannot be opened at start: lines and earlier audio released, BoardError names the port', () => {
  const f = new Fixture();
  let n = 0;
  assert.throws(
    () =>
      f.board({
        audio: () => {
          if (++n === 2) throw new Error('no such card');
          return f.makeAudio();
        },
      }),
    (err: unknown) => err instanceof BoardError && /port 2/.test(err.message) && /no such card/.test(err.message),
  );
  assert.deepEqual(f.gpio.openLines(), []);
  assert.equal(f.audioPorts[0]?.closed, true);
});

test('close() while ringing releases every line at its safe level, closes audio, stops events; idempotent', async () => {
  const f = new Fixture();
  const b = f.board();
  b.setRinging(1, true, 20);
  b.setRinging(2, true, 25);
  b.setPolarity(2, true);
  f.clock.advance(1012);
  await b.close();
  assertReleased(f);
  assert.ok(f.audioPorts.every((a) => a.closed));
  const changes = f.gpio.changes.length;
  await b.close();
  b.releaseOnCrash();
  b.setRinging(1, true);
  b.setPolarity(1, true);
  f.gpio.set(key(1, 'shk'), 1); // the phone is lifted after close: no event
  f.clock.advance(5000);
  assert.equal(f.gpio.changes.length, changes);
  assert.equal(f.events.length, 0);
  assert.throws(() => b.setRinging(5, true), BoardError);
});

test('after a listener throws, the other listeners and the ringing go on; the supervisor’s close() releases all', async () => {
  const f = new Fixture();
  const b = f.board();
  b.onEvent(() => {
    throw new Error('listener bug');
  });
  const seen: boolean[] = [];
  b.onEvent((e) => {
    if (e.type === 'hook') seen.push(e.offHook);
  });
  b.setRinging(2, true, 20);
  f.gpio.set(key(1, 'shk'), 1);
  f.clock.advance(500);
  assert.deepEqual(seen, [true]);
  assert.equal(f.events.length, 1);
  assert.equal(b.listenerErrors, 1);
  assert.ok(f.log.entries.some((e) => e.level === 'error' && e.msg.includes('listener') && e.fields['err'] === 'listener bug'));
  assert.equal(f.gpio.value(key(2, 'rm')), 1);
  assert.ok(f.changes(key(2, 'fr'), 400).length > 0, 'port 2 stopped ringing');
  await b.close();
  assertReleased(f);
});

test('audio that throws does not keep the ringer on: close() after it releases every line', async () => {
  const f = new Fixture();
  const b = f.board();
  b.setRinging(1, true, 20);
  f.clock.advance(300);
  const failing = b.audio(1);
  failing.close = () => {
    throw new Error('ALSA: device disconnected');
  };
  await b.close();
  assertReleased(f);
  assert.equal(f.audioPorts[1]?.closed, true, 'the other audio port was not closed');
  assert.ok(f.log.entries.some((e) => e.level === 'error' && e.msg.includes('audio')));
});

test('a GPIO fault while ringing: ringing stops, logged; commands throw BoardError; close() releases all', async () => {
  const f = new Fixture();
  const faulty = new FaultyGpio(f.gpio);
  const b = f.board({ gpio: faulty });
  b.setRinging(1, true, 20);
  b.setRinging(2, true, 20);
  f.clock.advance(100);
  faulty.failWrites.add(key(1, 'fr'));
  f.clock.advance(100);
  assert.equal(f.gpio.value(key(1, 'rm')), 0, 'RM of the faulty port still asserted');
  assert.equal(b.portState(1).ringing, false);
  assert.ok(f.log.entries.some((e) => e.level === 'error' && e.msg.includes('fault')));
  assert.equal(f.gpio.value(key(2, 'rm')), 1, 'the other port stopped ringing');
  assert.throws(() => b.setPolarity(1, true), BoardError);
  // Even RM refusing writes: release still puts every line to its safe level.
  faulty.failWrites.add(key(2, 'rm'));
  b.releaseOnCrash();
  assertReleased(f);
});

test('releaseOnCrash() from a crash handler, with a burst in progress: no phone left ringing', () => {
  const f = new Fixture();
  const b = f.board();
  b.setRinging(1, true, 25);
  f.clock.advance(1234);
  b.releaseOnCrash();
  assertReleased(f);
  f.clock.advance(10_000);
  assert.equal(f.gpio.value(key(1, 'rm')), 0);
});
