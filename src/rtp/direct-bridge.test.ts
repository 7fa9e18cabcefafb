import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { DialtoneError } from '../errors.js';
import { ClockedAudioPort, ManualFrameClock, VirtualFrameClock } from '../../audio/port/audio-port.js';
import { DirectBridge } from './direct-bridge.js';
import { Recorder, portPair, sineSnrDb, toneSource } from './test-support/media-loop.js';

test('a direct bridge carries a tone each way, unchanged', () => {
  const clock = new FakeClock();
  const { frameClock, a, b, heardA, heardB } = portPair(clock, toneSource(1000, 8000).source, toneSource(440, 5000).source);
  const bridge = new DirectBridge(a, b);
  frameClock.start();
  clock.advance(2000);
  const atB = sineSnrDb(heardB.samples, 800, 16000, 1000);
  const atA = sineSnrDb(heardA.samples, 800, 16000, 440);
  assert.ok(atB.snrDb > 60 && Math.abs(atB.amplitude - 8000) < 2, `A → B ${atB.snrDb} dB, ${atB.amplitude}`);
  assert.ok(atA.snrDb > 60 && Math.abs(atA.amplitude - 5000) < 2, `B → A ${atA.snrDb} dB, ${atA.amplitude}`);
  const st = bridge.stats();
  assert.equal(st.aToB.dropped + st.bToA.dropped, 0);
  assert.equal(st.aToB.written, 100);
  assert.ok(a.stats().underruns === 0 && b.stats().underruns === 0);
  bridge.close();
  clock.advance(100);
  assert.equal(bridge.stats().aToB.frames, 100);
});

test('gainDb applies to both directions', () => {
  const clock = new FakeClock();
  const { frameClock, a, b, heardA, heardB } = portPair(clock, toneSource(1000, 8000).source, toneSource(1000, 8000).source);
  new DirectBridge(a, b, { gainDb: -6.0206 });
  frameClock.start();
  clock.advance(1000);
  assert.ok(Math.abs(sineSnrDb(heardB.samples, 800, 8000, 1000).amplitude - 4000) < 3);
  assert.ok(Math.abs(sineSnrDb(heardA.samples, 800, 8000, 1000).amplitude - 4000) < 3);
});

test('with one clock 1 % fast, the slower port queue stays bounded and the drops are counted', () => {
  const clock = new FakeClock();
  const fast = new VirtualFrameClock(clock, { frameMs: 20 / 1.01 });
  const slow = new VirtualFrameClock(clock);
  const heardB = new Recorder();
  const heardA = new Recorder();
  const a = new ClockedAudioPort({ clock: fast, source: toneSource(1000, 8000).source, sink: heardA.sink });
  const b = new ClockedAudioPort({ clock: slow, source: toneSource(440, 8000).source, sink: heardB.sink });
  const bridge = new DirectBridge(a, b);
  fast.start();
  slow.start();
  let maxB = 0;
  let maxA = 0;
  for (let t = 0; t < 30_000; t += 5) {
    clock.advance(5);
    maxB = Math.max(maxB, b.queuedFrames);
    maxA = Math.max(maxA, a.queuedFrames);
  }
  const st = bridge.stats();
  // 30 s: a captures ~1515 frames, b plays 1500; the surplus (less the 4 frames the cap lets queue) is dropped.
  assert.ok(maxB <= 4, `b queued up to ${maxB}`);
  assert.ok(maxA <= 2, `a queued up to ${maxA}`);
  assert.ok(st.aToB.dropped >= 8 && st.aToB.dropped <= 15, `${st.aToB.dropped} dropped of ${st.aToB.frames}`);
  assert.equal(st.bToA.dropped, 0);
  assert.equal(b.stats().dropped, 0, "the port's own cap is never reached");
  // The tone still arrives (a dropped frame is a 20 ms splice).
  assert.ok(sineSnrDb(heardB.samples, 8000, 16000, 1000).amplitude > 7000);
  bridge.close();
});

test('a direct bridge refuses the same port twice and mismatched ports', () => {
  const fc = new ManualFrameClock();
  const a = new ClockedAudioPort({ clock: fc });
  const b = new ClockedAudioPort({ clock: fc, frameSamples: 80 });
  assert.throws(() => new DirectBridge(a, a), DialtoneError);
  assert.throws(() => new DirectBridge(a, b), DialtoneError);
});
