/** The answering machine's recorder: when a message ends, and what of it is kept (frames pushed by hand: no clock). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageRecorder, type RecorderState } from './message-recorder.js';

const FRAME = 160;
const FRAME_MS = 20;

function speech(i: number): Int16Array {
  return Int16Array.from({ length: FRAME }, (_, k) => Math.round(4000 * Math.sin((2 * Math.PI * 440 * (i * FRAME + k)) / 8000)));
}
/** A quiet line: a little noise, far below the speech threshold. */
function hiss(i: number): Int16Array {
  return Int16Array.from({ length: FRAME }, (_, k) => ((i * 7 + k * 13) % 5) - 2);
}

/** Pushes `ms` of frames; returns the state after each one that changed it, with the ms it happened at. */
function push(rec: MessageRecorder, ms: number, frame: (i: number) => Int16Array): { state: RecorderState; atMs: number } {
  let state = rec.state;
  for (let i = 0; i < ms / FRAME_MS; i++) {
    state = rec.push(frame(i));
    if (state !== 'recording') return { state, atMs: rec.recordedMs };
  }
  return { state, atMs: rec.recordedMs };
}

test('it ends on 5 s of silence after the caller spoke, and keeps the speech and half a second after it', () => {
  const rec = new MessageRecorder();
  assert.equal(push(rec, 1000, hiss).state, 'recording', 'silence before speaking does not end it');
  assert.equal(push(rec, 3000, speech).state, 'recording');
  assert.equal(rec.spoke, true);
  const end = push(rec, 10_000, hiss);
  assert.deepEqual(end, { state: 'ended-silence', atMs: 9000 }, 'ended 5 s after the last speech');
  const m = rec.finish();
  assert.ok(m !== undefined);
  assert.equal(m.durationMs, 4500);
  assert.equal(m.samples.length, 4500 * 8);
  assert.equal(rec.push(speech(0)), 'ended-silence', 'frames after the end are ignored');
});

test('it ends at the maximum length whatever is said, and keeps all of it', () => {
  const rec = new MessageRecorder({ maxMs: 10_000 });
  const end = push(rec, 20_000, speech);
  assert.deepEqual(end, { state: 'ended-max-length', atMs: 10_000 });
  assert.equal(rec.finish()?.durationMs, 10_000);
});

test('the default maximum is 120 s', () => {
  const rec = new MessageRecorder();
  assert.deepEqual(push(rec, 130_000, speech), { state: 'ended-max-length', atMs: 120_000 });
});

test('nothing is kept when the caller never spoke (silence, or a click shorter than 200 ms)', () => {
  const silent = new MessageRecorder();
  assert.equal(push(silent, 30_000, hiss).state, 'recording', 'no speech: silence alone never ends it (the caller hangs up, or 120 s)');
  assert.equal(silent.finish(), undefined);
  const click = new MessageRecorder();
  push(click, 100, speech);
  push(click, 2000, hiss);
  assert.equal(click.spoke, false);
  assert.equal(click.finish(), undefined);
});

test('finish(dropLastMs) cuts off the end (a disconnect tone), and keeps nothing when that was all', () => {
  const rec = new MessageRecorder();
  push(rec, 4000, speech);
  assert.equal(rec.finish(3000)?.durationMs, 1000);
  const short = new MessageRecorder();
  push(short, 1000, speech);
  assert.equal(short.finish(3000), undefined);
});
