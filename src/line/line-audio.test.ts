import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockedAudioPort } from '../../audio/port/clocked-audio-port.js';
import { ManualFrameClock } from '../../audio/port/frame-clock.js';
import { classifyCallProgress } from '../../audio/tones/classify.js';
import { tonePlan } from '../../audio/tones/plans/index.js';
import { LineAudio } from './line-audio.js';

function setup(): { clock: ManualFrameClock; heard: Int16Array[]; audio: LineAudio; port: ClockedAudioPort } {
  const clock = new ManualFrameClock();
  const heard: Int16Array[] = [];
  const port = new ClockedAudioPort({ clock, sink: (f) => heard.push(f.slice()) });
  return { clock, heard, audio: new LineAudio(port, tonePlan('US')), port };
}

function joined(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => out.set(f, i * 160));
  return out;
}

test('a tone plays continuously, one frame per tick, and is what the listener classifies', () => {
  const { clock, heard, audio, port } = setup();
  audio.setTone('dial');
  clock.tick(101);
  assert.equal(port.queuedFrames, 1, 'one frame written per tick, never ahead');
  assert.equal(classifyCallProgress(joined(heard.slice(1)), tonePlan('US')), 'dial');
  audio.setTone('busy');
  heard.length = 0;
  clock.tick(150);
  assert.equal(classifyCallProgress(joined(heard.slice(1)), tonePlan('US')), 'busy');
  audio.setTone(null);
  heard.length = 0;
  clock.tick(10);
  assert.ok(heard.slice(1).every((f) => f.every((s) => s === 0)));
});

test('samples play before the tone, in order across frame edges, then done fires once', () => {
  const { clock, heard, audio } = setup();
  const pcm = Int16Array.from({ length: 250 }, (_, i) => i + 1);
  let done = 0;
  audio.playSamples(pcm, () => done++);
  clock.tick(3);
  const out = joined(heard.slice(1));
  assert.deepEqual(Array.from(out.subarray(0, 250)), Array.from(pcm));
  assert.ok(out.subarray(250).every((s) => s === 0));
  assert.equal(done, 1);
});

test('with media on nothing is written; cancelled samples never report done', () => {
  const { clock, audio, port } = setup();
  audio.setTone('dial');
  audio.setMedia(true);
  clock.tick(5);
  assert.equal(port.stats().played, 0);
  audio.setMedia(false);
  let done = 0;
  audio.playSamples(new Int16Array(1000), () => done++);
  clock.tick(2);
  audio.cancelSamples();
  clock.tick(10);
  assert.equal(done, 0);
  audio.close();
  const before = port.stats().played;
  clock.tick(3);
  assert.ok(port.stats().played <= before + 1);
});
