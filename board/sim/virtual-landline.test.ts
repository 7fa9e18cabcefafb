import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyCallProgress, tonePlan, type TonePlan } from '../../audio/tones/index.js';
import { dtmfSamples } from '../../audio/dtmf/index.js';
import { CallerIdReceiver, type FskStandard } from '../../audio/caller-id/index.js';
import { InvalidStateError } from '../../src/errors.js';
import type { SimBoardOptions } from './sim-board.js';
import { capture, only, simSetup } from './test-support/harness.js';
import { CPC_MS } from './virtual-landline.js';

const US = tonePlan('US');
const DE = tonePlan('DE');
const FXO = 3;

function setup(plan: TonePlan = US, opts: Partial<SimBoardOptions> = {}): ReturnType<typeof simSetup> {
  return simSetup(plan, opts);
}

function decode(standard: FskStandard, samples: Int16Array): { number?: string; name?: string; sample: number }[] {
  const out: { number?: string; name?: string; sample: number }[] = [];
  for (const ev of new CallerIdReceiver({ standard }).process(samples)) {
    if (ev.type === 'message') out.push({ number: ev.message.info.number, name: ev.message.info.name, sample: ev.sample });
  }
  return out;
}

/** First sample index whose magnitude exceeds `level`, or -1. */
function firstSound(samples: Int16Array, level = 200): number {
  return samples.findIndex((v) => Math.abs(v) > level);
}

/** The landline rings in `plan`'s cadence at `hz` Hz, and sends caller ID in `standard` after the first ring. */
function assertRingsIn({ h, board, events }: ReturnType<typeof simSetup>, plan: TonePlan, standard: FskStandard, hz: number): void {
  const line = board.landline(FXO);
  const box = capture(board.audio(FXO));
  line.ring({ number: '5551234', name: 'ALICE' });
  const [on = 0, off = 0] = plan.ring.cadence;
  h.run(2 * (on + off));
  const edges = only(events, 'ring-detect');
  const half = 500 / hz;
  const perBurst = Math.ceil(on / half);
  // Two whole bursts, and the first edge of the third.
  assert.equal(edges.length, 2 * perBurst + 1);
  const t0 = edges[0]?.atMs ?? 0;
  edges.forEach((e, i) => {
    const burst = Math.floor(i / perBurst);
    const k = i % perBurst;
    assert.equal(e.atMs - t0, burst * (on + off) + k * half, `edge ${i}`);
    assert.equal(e.active, k % 2 === 0, `edge ${i}`);
  });
  assert.equal(line.state().ringing, true);
  assert.equal(line.state().offHook, false);

  const heard = box.samples();
  // Captured frame k spans [20k, 20k + 20) ms of capture time: the frame sent at t covers t − 20 ms.
  // (capture starts with the ring: its samples are timed from the first ring)
  const cidStartMs = (firstSound(heard) / 8000) * 1000 + 20;
  assert.ok(cidStartMs >= on + 500 && cidStartMs < on + 520, `caller ID starts ${cidStartMs} ms in`);
  const msgs = decode(standard, heard);
  assert.equal(msgs.length, 1);
  assert.deepEqual({ number: msgs[0]?.number, name: msgs[0]?.name }, { number: '5551234', name: 'ALICE' });
  assert.ok(((msgs[0]?.sample ?? 0) / 8000) * 1000 < on + off - 200, 'caller ID ends before the second ring');
}

for (const [plan, standard, hz] of [
  [US, 'bell202', 20],
  [DE, 'v23', 25],
] as const) {
  test(`${plan.region}: ring-detect follows the ${hz} Hz ring voltage in the plan's cadence, caller ID (${standard}) after the first ring`, () => {
    assertRingsIn(setup(plan, { callerIdStandard: standard, ringFrequencyHz: hz }), plan, standard, hz);
  });
}

test('after setRegion the landline rings in the new region\'s cadence and frequency, with its caller ID', () => {
  const s = setup(US, { callerIdStandard: 'bell202', ringFrequencyHz: 20 });
  s.h.run(1000);
  s.board.setRegion({ plan: DE, ringFrequencyHz: 25, callerIdStandard: 'v23' });
  assertRingsIn(s, DE, 'v23', 25);
});

test('a given caller-ID burst is played after the first ring instead', () => {
  const { h, board } = setup();
  const box = capture(board.audio(FXO));
  const burst = dtmfSamples('A123C');
  board.landline(FXO).ring({ burst });
  h.run(4000);
  const heard = box.samples();
  // Sent from 500 ms after the 2 s ring; captured frame k spans [20k, 20k + 20) ms of capture time.
  const at = (2500 - 20) * 8;
  assert.equal(firstSound(heard.subarray(0, at)), -1);
  assert.deepEqual(heard.subarray(at, at + burst.length), burst);
});

test('answering: seizing stops ringing, loop current flows on the next clock turn, no dial tone', () => {
  const { h, board, events } = setup();
  const line = board.landline(FXO);
  line.ring({ number: '5551234' });
  h.run(1000);
  board.setSeized(FXO, true);
  assert.equal(only(events, 'loop-current').length, 0, 'not from inside the command');
  const box = capture(board.audio(FXO));
  h.run(7000);
  assert.deepEqual(
    only(events, 'loop-current').map((e) => e.present),
    [true],
  );
  const ring = only(events, 'ring-detect');
  assert.equal(ring.at(-1)?.active, false);
  assert.ok((ring.at(-1)?.atMs ?? Infinity) <= 1000);
  assert.deepEqual([line.state().ringing, line.state().offHook], [false, true]);
  assert.equal(classifyCallProgress(box.samples(), US), 'silence');
});

test('dialling out: dial tone until the first DTMF digit; digits collected', () => {
  const { h, board, events } = setup();
  const line = board.landline(FXO);
  board.setSeized(FXO, true);
  const box = capture(board.audio(FXO));
  h.run(1000);
  assert.equal(only(events, 'loop-current')[0]?.present, true);
  assert.equal(classifyCallProgress(box.samples().subarray(-4000), US), 'dial');
  h.playSamples(board.audio(FXO), dtmfSamples('5551234'));
  h.run(2000);
  assert.equal(line.state().digitsDialed, '5551234');
  assert.equal(classifyCallProgress(box.samples().subarray(-8000), US), 'silence');
});

test('hangup while seized: loop current drops for CPC_MS, then busy tone until the box releases', () => {
  const { h, board, events } = setup(DE);
  const line = board.landline(FXO);
  board.setSeized(FXO, true);
  h.run(500);
  const box = capture(board.audio(FXO));
  const t = h.clock.now();
  line.hangup();
  h.run(4000);
  assert.deepEqual(
    only(events, 'loop-current').map((e) => [e.present, e.atMs - t]),
    [
      [true, -500],
      [false, 0],
      [true, CPC_MS],
    ],
  );
  const heard = box.samples();
  // Silent for the CPC interval (to within the 20 ms frame the busy tone starts in).
  assert.ok(firstSound(heard) >= ((CPC_MS - 20) * 8000) / 1000);
  assert.equal(classifyCallProgress(heard.subarray(-3 * 8000), DE), 'busy');
  board.setSeized(FXO, false);
  h.run(200);
  assert.equal(classifyCallProgress(box.samples().subarray(-800), DE), 'silence');
  assert.equal(line.state().offHook, false);
});

test('hangup while ringing stops the ringing; ringing again is possible, ringing twice is not', () => {
  const { h, board, events } = setup();
  const line = board.landline(FXO);
  line.ring({});
  h.run(1010);
  line.hangup();
  const n = only(events, 'ring-detect').length;
  h.run(10000);
  assert.equal(only(events, 'ring-detect').length, n);
  assert.equal(only(events, 'ring-detect').at(-1)?.active, false);
  assert.equal(line.state().ringing, false);
  line.ring({});
  assert.throws(() => line.ring({}), InvalidStateError);
});

test('the landline hears what the box sends only while seized, and plays toward the box', async () => {
  const { h, board } = setup();
  const line = board.landline(FXO);
  h.playTone(board.audio(FXO), US.busy);
  h.run(1000);
  assert.equal(line.state().hearing, 'silence');
  board.setSeized(FXO, true);
  const box = capture(board.audio(FXO));
  h.run(3000);
  assert.equal(line.state().hearing, 'busy');
  assert.equal(line.recording(2).length, 16000);
  const played = line.play(dtmfSamples('9'));
  await h.runAsync(400);
  await played;
  const heard = box.samples();
  assert.ok(heard.length > 0);
});

test('board commands check the port kind', () => {
  const { board } = setup();
  assert.throws(() => board.setSeized(1, true), /port 1 is an FXS port, not FXO/);
  assert.throws(() => board.setRinging(FXO, true), /not FXS/);
  assert.throws(() => board.landline(9), /no port 9/);
});
