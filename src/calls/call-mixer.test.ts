import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClockedAudioPort, VirtualFrameClock } from '../../audio/port/audio-port.js';
import { FakeClock } from '../clock.js';
import { DirectBridge } from '../rtp/direct-bridge.js';
import { Recorder, sineSnrDb, toneSource } from '../rtp/test-support/media-loop.js';
import { CallMixer } from './call-mixer.js';

/** A line on `frameClock` speaking a tone of `hz`, keeping what it hears. */
function line(frameClock: VirtualFrameClock, hz: number): { port: ClockedAudioPort; heard: Recorder } {
  const heard = new Recorder();
  return { port: new ClockedAudioPort({ clock: frameClock, source: toneSource(hz, 4000).source, sink: heard.sink }), heard };
}

/** Power share of `hz` in the last `n` samples, by the fitted sine. */
function amplitudeOf(r: Recorder, hz: number, n = 4000): number {
  const s = r.samples;
  return sineSnrDb(s, s.length - n, s.length, hz).amplitude;
}

test('a 3-way call: each party hears the other two and not itself', () => {
  const clock = new FakeClock();
  const frames = new VirtualFrameClock(clock);
  const phone = line(frames, 500);
  const far1 = line(frames, 1100);
  const far2 = line(frames, 1700);
  const mixer = new CallMixer({ port: phone.port });
  new DirectBridge(mixer.member(), far1.port);
  new DirectBridge(mixer.member(), far2.port);
  assert.equal(mixer.parties, 3);
  frames.start();
  clock.advance(2000);
  for (const [name, who, hears, not] of [
    ['phone', phone, [1100, 1700], 500],
    ['far 1', far1, [500, 1700], 1100],
    ['far 2', far2, [500, 1100], 1700],
  ] as const) {
    for (const hz of hears) assert.ok(Math.abs(amplitudeOf(who.heard, hz) - 4000) < 50, `${name} hears ${hz} Hz (${amplitudeOf(who.heard, hz)})`);
    assert.ok(amplitudeOf(who.heard, not) < 50, `${name} does not hear itself (${amplitudeOf(who.heard, not)})`);
  }
  assert.equal(mixer.droppedFrames, 0);
});

test('two far ends joined on a frame clock hear each other; a closed member leaves the mix', () => {
  const clock = new FakeClock();
  const frames = new VirtualFrameClock(clock);
  const far1 = line(frames, 900);
  const far2 = line(frames, 1300);
  const mixClock = new VirtualFrameClock(clock);
  const mixer = new CallMixer({ clock: mixClock });
  const m1 = mixer.member();
  const m2 = mixer.member();
  const b1 = new DirectBridge(m1, far1.port);
  new DirectBridge(m2, far2.port);
  frames.start();
  mixClock.start();
  clock.advance(2000);
  assert.ok(Math.abs(amplitudeOf(far1.heard, 1300) - 4000) < 50, 'far 1 hears far 2');
  assert.ok(Math.abs(amplitudeOf(far2.heard, 900) - 4000) < 50, 'far 2 hears far 1');
  b1.close();
  m1.close();
  assert.equal(mixer.parties, 1);
  clock.advance(1000);
  assert.ok(amplitudeOf(far2.heard, 900, 2000) < 50, 'far 2 hears nothing once far 1 left');
  mixer.close();
  assert.throws(() => mixer.member(), /closed/);
});

test('a member whose writer runs ahead of the anchor drops frames instead of building delay', () => {
  const clock = new FakeClock();
  const frames = new VirtualFrameClock(clock);
  const fast = new VirtualFrameClock(clock, { frameMs: 20 / 1.02 });
  const phone = line(frames, 500);
  const far = line(fast, 1100);
  const mixer = new CallMixer({ port: phone.port });
  const m = mixer.member();
  new DirectBridge(m, far.port);
  frames.start();
  fast.start();
  clock.advance(10_000);
  assert.ok(m.queuedFrames <= 3, `queue bounded (${m.queuedFrames})`);
  assert.ok(mixer.droppedFrames > 0 && mixer.droppedFrames < 20, `drops counted (${mixer.droppedFrames})`);
});
