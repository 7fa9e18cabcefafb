import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tonePlan, type TonePlan } from '../../audio/tones/index.js';
import { DtmfDetector, dtmfSamples } from '../../audio/dtmf/index.js';
import { dtmfCallerIdSamples, onHookFskPlan } from '../../audio/caller-id/index.js';
import { InvalidStateError, ValidationError } from '../../src/errors.js';
import type { SimBoardOptions } from './sim-board.js';
import { capture, only, simSetup } from './test-support/harness.js';

const US = tonePlan('US');
const DE = tonePlan('DE');

function setup(plan: TonePlan = US, opts: Partial<SimBoardOptions> = {}): ReturnType<typeof simSetup> {
  return simSetup(plan, opts);
}

function digitsIn(samples: Int16Array): string {
  return new DtmfDetector()
    .process(samples)
    .filter((e) => e.type === 'start')
    .map((e) => e.digit)
    .join('');
}

for (const [plan, kinds] of [
  [US, ['dial', 'ringback', 'busy', 'reorder', 'stutter']],
  [DE, ['dial', 'busy', 'reorder', 'stutter']],
] as const) {
  for (const kind of kinds) {
    test(`${plan.region}: the phone off hook hears ${kind} played into its port`, () => {
      const { h, board } = setup(plan);
      const phone = board.phone(1);
      phone.hook('off');
      h.playTone(board.audio(1), plan[kind]);
      // Ringback is sampled inside its first burst (2 s in the US); its pause is silence.
      h.run(kind === 'dial' || kind === 'stutter' || kind === 'ringback' ? 1500 : 3000);
      assert.equal(phone.state().hearing, kind);
    });
  }
}

test('DE: ringback (1 s on / 4 s off) is told from dial tone once a pause has been heard, and its pause is silence', () => {
  const { h, board } = setup(DE);
  const phone = board.phone(1);
  phone.hook('off');
  h.playTone(board.audio(1), DE.ringback);
  h.run(3000);
  assert.equal(phone.state().hearing, 'silence');
  h.run(2600);
  assert.equal(phone.state().hearing, 'ringback');
});

test('on hook the earpiece hears nothing; off hook it hears the line, and digitsHeard counts from off hook', () => {
  const { h, board } = setup();
  const phone = board.phone(1);
  const stop = h.playTone(board.audio(1), US.dial);
  h.run(1000);
  assert.equal(phone.state().hearing, 'silence');
  stop();
  const stop12 = h.playSamples(board.audio(1), dtmfSamples('12'));
  h.run(600);
  stop12();
  assert.equal(phone.state().digitsHeard, '');
  phone.hook('off');
  h.playSamples(board.audio(1), dtmfSamples('4#'));
  h.run(600);
  assert.equal(phone.state().digitsHeard, '4#');
  phone.hook('on');
  phone.hook('off');
  assert.equal(phone.state().digitsHeard, '');
});

test('speech-like sound is "voice"', () => {
  const { h, board } = setup();
  const phone = board.phone(1);
  phone.hook('off');
  let seed = 1;
  h.feed(() => {
    const f = new Int16Array(160);
    for (let i = 0; i < f.length; i++) {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      f[i] = (seed / 2147483648 - 0.5) * 6000;
    }
    board.audio(1).write(f);
  });
  h.run(2000);
  assert.equal(phone.state().hearing, 'voice');
});

for (const [plan, standard] of [
  [US, 'bell202'],
  [DE, 'v23'],
] as const) {
  test(`${plan.region}: FSK caller ID (${standard}) sent on hook after the first ring is decoded, with rings counted`, () => {
    const { h, board } = setup(plan, { callerIdStandard: standard });
    const phone = board.phone(2);
    const [on, off] = plan.ring.cadence;
    board.setRinging(2, true);
    h.run(on ?? 0);
    board.setRinging(2, false);
    assert.deepEqual([phone.state().ringing, phone.state().rings, phone.state().callerId], [false, 1, null]);
    h.run(500);
    const fsk = onHookFskPlan({ number: '5551234', name: 'ALICE SMITH', time: { month: 1, day: 2, hour: 3, minute: 4 } }, { standard }).fsk;
    h.playSamples(board.audio(2), fsk);
    h.run((off ?? 0) - 500);
    board.setRinging(2, true);
    const s = phone.state();
    assert.equal(s.rings, 2);
    assert.equal(s.ringing, true);
    assert.equal(s.callerId?.number, '5551234');
    assert.equal(s.callerId?.name, 'ALICE SMITH');
    assert.match(s.callerId?.time ?? '', /^2026-01-01T00:00:0\d/);
  });
}

test('DTMF caller ID on hook is decoded (number only)', () => {
  const { h, board } = setup(DE, { callerIdStandard: 'dtmf' });
  h.playSamples(board.audio(1), dtmfCallerIdSamples({ number: '0301234567' }));
  h.run(3000);
  assert.deepEqual(
    { number: board.phone(1).state().callerId?.number, name: board.phone(1).state().callerId?.name },
    { number: '0301234567', name: null },
  );
});

test('rings and caller ID start afresh after 8 s without ringing, and on hang-up', () => {
  const { h, board } = setup();
  const phone = board.phone(1);
  for (let i = 0; i < 3; i++) {
    board.setRinging(1, true);
    h.run(2000);
    board.setRinging(1, false);
    h.run(4000);
  }
  assert.equal(phone.state().rings, 3);
  h.run(4000);
  board.setRinging(1, true);
  assert.equal(phone.state().rings, 1);
  phone.hook('off');
  board.setRinging(1, false);
  assert.equal(phone.state().rings, 1);
  phone.hook('on');
  assert.deepEqual([phone.state().rings, phone.state().callerId], [0, null]);
});

test('pulse dialling: 60 ms breaks, 40 ms makes, 700 ms between digits, on the clock', async () => {
  const { h, board, events } = setup();
  const phone = board.phone(1);
  phone.hook('off');
  const t0 = h.clock.now();
  let done = false;
  const dialled = phone.dial('21', 'pulse').then(() => (done = true));
  await h.runAsync(1200);
  await dialled;
  assert.ok(done);
  const edges = only(events, 'hook').map((e) => [e.atMs - t0, e.offHook]);
  assert.deepEqual(edges, [
    [0, true],
    [0, false],
    [60, true],
    [100, false],
    [160, true],
    [860, false],
    [920, true],
  ]);
  assert.equal(phone.state().hook, 'off');
  assert.equal(board.isOffHook(1), true);
});

test('lifting the handset bounces when hookBounce is on', () => {
  const { h, board, events } = setup(US, { hookBounce: true });
  board.phone(1).hook('off');
  h.run(20);
  assert.deepEqual(
    only(events, 'hook').map((e) => [e.atMs, e.offHook]),
    [
      [0, true],
      [3, false],
      [5, true],
    ],
  );
  assert.equal(board.isOffHook(1), true);
});

test('flash opens the loop for flashMs', async () => {
  const { h, board, events } = setup(US, { flashMs: 300 });
  const phone = board.phone(1);
  phone.hook('off');
  const flashed = phone.flash();
  await h.runAsync(400);
  await flashed;
  assert.deepEqual(
    only(events, 'hook').map((e) => [e.atMs, e.offHook]),
    [
      [0, true],
      [0, false],
      [300, true],
    ],
  );
  await assert.rejects(board.phone(2).flash(), InvalidStateError);
});

test('DTMF dialling goes into the microphone: the box captures the digits', async () => {
  const { h, board } = setup();
  const phone = board.phone(1);
  const mic = capture(board.audio(1));
  phone.hook('off');
  const dialled = phone.dial('159*#D', 'dtmf');
  await h.runAsync(1400);
  await dialled;
  assert.equal(digitsIn(mic.samples()), '159*#D');
});

test('play() reaches the box only while off hook', () => {
  const { h, board } = setup();
  const phone = board.phone(1);
  const mic = capture(board.audio(1));
  void phone.play(dtmfSamples('7'));
  h.run(400);
  phone.hook('off');
  void phone.play(dtmfSamples('8'));
  h.run(400);
  assert.equal(digitsIn(mic.samples()), '8');
});

test('dial refuses digits its mode cannot dial, and dialling on hook', async () => {
  const { board } = setup();
  const phone = board.phone(1);
  await assert.rejects(phone.dial('12', 'dtmf'), InvalidStateError);
  phone.hook('off');
  await assert.rejects(phone.dial('12*', 'pulse'), (e: unknown) => e instanceof ValidationError && e.code === 'invalid' && /cannot dial "\*"/.test(e.message));
  await assert.rejects(phone.dial('12x', 'dtmf'), ValidationError);
});

test('hanging up interrupts a pulse dial', async () => {
  const { h, board } = setup();
  const phone = board.phone(1);
  phone.hook('off');
  const dialled = phone.dial('9', 'pulse');
  h.run(200);
  phone.hook('on');
  await assert.rejects(dialled, InvalidStateError);
  const pending = h.clock.pendingCount();
  h.run(2000);
  assert.equal(board.isOffHook(1), false);
  assert.equal(pending, 0);
});

test('recording returns the last N seconds the earpiece heard; N outside (0, 30] is refused', () => {
  const { h, board } = setup();
  const phone = board.phone(1);
  phone.hook('off');
  h.playTone(board.audio(1), US.dial);
  h.run(2000);
  const rec = phone.recording(1);
  assert.equal(rec.length, 8000);
  assert.ok(rec.some((v) => Math.abs(v) > 1000));
  assert.equal(phone.recording(30).length, 16000);
  assert.throws(() => phone.recording(31), ValidationError);
  assert.throws(() => phone.recording(0), ValidationError);
  assert.throws(() => phone.recording(Number.NaN), ValidationError);
});
