/**
 * AlsaAudioPort over fake streams (test-support/fake-pcm.ts): capture periods at
 * the device rate become 8 kHz frames, one onFrame per 160 samples; what is
 * written plays at the device rate; a playback clock faster or slower than the
 * capture clock leaves the playback ring between its watermarks (half an hour
 * simulated at 8 kHz; the budget is npm test's time); a lost device calls onLost
 * once and the port goes quiet. Real ALSA: alsa-port-real.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goertzelAmplitude } from '../../audio/goertzel.js';
import { MemoryLogger } from '../../src/log.js';
import { AlsaAudioPort, type AlsaAudioPortOptions } from './alsa-audio-port.js';
import { fakeOpeners, type FakeCapture, type FakePlayback } from './test-support/fake-pcm.js';

function sine(freq: number, rate: number, from: number, n: number, amp = 10000): Int16Array {
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(amp * Math.sin((2 * Math.PI * freq * (from + i)) / rate));
  return x;
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function makePort(rate: number, extra: Partial<AlsaAudioPortOptions> = {}, grant: Parameters<typeof fakeOpeners>[0] = {}) {
  const log = new MemoryLogger();
  const lost: string[] = [];
  const fakes = fakeOpeners(grant);
  const port = new AlsaAudioPort({ spec: { device: 'fake', rate }, log, onLost: (r) => lost.push(r), open: fakes.open, ...extra });
  const capture = fakes.streams.capture as FakeCapture;
  const playback = fakes.streams.playback as FakePlayback;
  return { port, log, lost, capture, playback };
}

/**
 * Runs both device clocks for `seconds`: capture periods every periodFrames/rate,
 * playback periods (1 + ppm·1e-6) times as often as nominal. Calls `each` per tick.
 */
function run(capture: FakeCapture, playback: FakePlayback, seconds: number, ppm: number, source?: (from: number, n: number) => Int16Array): void {
  const tc = capture.periodFrames / capture.rate;
  const tp = playback.periodFrames / playback.rate / (1 + ppm * 1e-6);
  let kc = 0;
  let kp = 0;
  let tpNext = tp * 0.37; // an arbitrary phase between the clocks
  const silence = new Int16Array(capture.periodFrames * capture.channels);
  while (kc * tc < seconds) {
    if (kc * tc <= tpNext) {
      capture.period(source ? source(kc * capture.periodFrames, capture.periodFrames) : silence);
      kc++;
    } else {
      playback.devicePeriod();
      kp++;
      tpNext = tp * (kp + 0.37);
    }
  }
}

describe('AlsaAudioPort over fake streams', () => {
  test('opens both directions at the native rate: 20 ms capture periods, 10 ms playback periods, mono', () => {
    const { port, capture, playback } = makePort(48000);
    assert.deepEqual([capture.opts.rate, capture.opts.periodFrames, capture.opts.channels], [48000, 960, 1]);
    assert.deepEqual([playback.opts.rate, playback.opts.periodFrames, playback.opts.channels], [48000, 480, 1]);
    assert.equal(port.sampleRate, 8000);
    assert.equal(port.frameSamples, 160);
    port.close();
  });

  test('48 kHz capture becomes 160-sample 8 kHz frames, one per 160 samples, tone kept', (t) => {
    for (const periodFrames of [960, 1024, 441]) {
      const { port, capture } = makePort(48000, {}, { capturePeriodFrames: periodFrames });
      const frames: Int16Array[] = [];
      port.onFrame((f) => frames.push(f));
      const total = 48000; // 1 s
      for (let off = 0; off + periodFrames <= total; off += periodFrames) capture.period(sine(1000, 48000, off, periodFrames));
      const expected = Math.floor((Math.floor(total / periodFrames) * periodFrames) / 6 / 160);
      assert.ok(frames.every((f) => f.length === 160));
      assert.ok(Math.abs(frames.length - expected) <= 1, `${frames.length} frames, expected about ${expected}`);
      const all = concat(frames);
      const level = goertzelAmplitude(1000, 8000, all, 4000, 8000 - 160);
      assert.ok(Math.abs(20 * Math.log10(level / 10000)) < 0.1, `1 kHz at ${level}`);
      if (periodFrames === 960) t.diagnostic(`1 kHz captured at 48 kHz: ${(20 * Math.log10(level / 10000)).toFixed(3)} dB after decimation`);
      port.close();
    }
  });

  test('stereo devices: captured channels are averaged, playback is duplicated on both', () => {
    const { port, capture, playback } = makePort(8000, {}, { channels: 2 });
    const frames: Int16Array[] = [];
    port.onFrame((f) => frames.push(f));
    const st = new Int16Array(320);
    for (let i = 0; i < 160; i++) [st[2 * i], st[2 * i + 1]] = [1000, 3000];
    playback.record = true;
    port.write(new Int16Array(160).fill(500));
    for (let i = 0; i < 20; i++) {
      capture.period(st);
      playback.devicePeriod();
      playback.devicePeriod();
    }
    assert.ok(frames.length >= 19 && frames.every((f) => f.every((v) => v === 2000)));
    const played = concat(playback.played);
    const firstSound = played.findIndex((v) => v !== 0);
    assert.ok(firstSound >= 0 && firstSound % 2 === 0 && played[firstSound + 1] === played[firstSound]);
    port.close();
  });

  test('what is written plays at 48 kHz: a 1 kHz tone at its level, images ≥ 60 dB down', (t) => {
    const { port, capture, playback } = makePort(48000);
    playback.record = true;
    let n = 0;
    port.onFrame(() => {
      port.write(sine(1000, 8000, n * 160, 160));
      n++;
    });
    run(capture, playback, 2, 0);
    const out = concat(playback.played);
    const seg = [48000, 48000 + 24000] as const;
    const db = (f: number): number => 20 * Math.log10(goertzelAmplitude(f, 48000, out, seg[0], seg[1]) / 10000);
    t.diagnostic(`played: 1 kHz ${db(1000).toFixed(3)} dB, image 7 kHz ${db(7000).toFixed(1)} dB, 9 kHz ${db(9000).toFixed(1)} dB`);
    assert.ok(Math.abs(db(1000)) < 0.1);
    assert.ok(db(7000) < -60 && db(9000) < -60);
    const s = port.stats();
    assert.equal(s.deviceUnderruns, 0, JSON.stringify(s));
    assert.equal(s.playback.primes, 1);
    port.close();
  });

  for (const [rate, ppm, hours] of [[48000, 1000, 0.05], [48000, -1000, 0.05], [8000, 300, 0.5], [8000, -300, 0.5], [16000, 2000, 0.1]] as const) {
    test(`drift: playback ${ppm > 0 ? 'faster' : 'slower'} than capture by ${Math.abs(ppm)} ppm at ${rate} Hz for ${hours} h: the ring stays between its watermarks`, (t) => {
      const { port, capture, playback } = makePort(rate);
      let minFill = Infinity;
      let maxFill = -Infinity;
      let ticks = 0;
      let afterStart = { primes: 0, underruns: 0 };
      port.onFrame(() => {
        ticks++;
        if (ticks !== 50 && ticks % 7 !== 0) return; // stats() every 7th tick: a sample of every phase of the clocks
        const s = port.stats();
        if (ticks === 50) afterStart = { primes: s.playback.primes, underruns: s.deviceUnderruns };
        else if (ticks > 50) {
          minFill = Math.min(minFill, s.playback.fillMs);
          maxFill = Math.max(maxFill, s.playback.fillMs);
        }
      });
      run(capture, playback, hours * 3600, ppm);
      const s = port.stats();
      const corrected = s.playback.insertedFrames - s.playback.removedFrames;
      const expected = (ppm * 1e-6 * rate * hours * 3600);
      t.diagnostic(
        `${ticks} ticks; ring fill ${minFill.toFixed(1)}..${maxFill.toFixed(1)} ms (smoothed now ${s.playback.smoothedFillMs.toFixed(1)}); ` +
          `net correction ${corrected} frames for ${expected.toFixed(0)} of drift, in ${s.playback.correctedTicks} ticks; ` +
          `skipped ${s.playback.skippedBlocks}, primes ${s.playback.primes}, device underruns ${s.deviceUnderruns}`,
      );
      assert.equal(s.playback.primes, afterStart.primes, 'no re-priming once running');
      assert.equal(s.deviceUnderruns, afterStart.underruns, 'the ring never ran dry once running');
      assert.equal(s.playback.skippedBlocks, 0);
      assert.equal(s.ringOverflowSamples, 0);
      assert.ok(minFill >= 5 && maxFill <= 50, `fill ${minFill}..${maxFill} ms`);
      assert.ok(Math.abs(corrected - expected) <= 0.05 * Math.abs(expected) + (rate * 40) / 1000, `corrected ${corrected} for ${expected}`);
      port.close();
    });
  }

  test('a stalled event loop (a burst of late frames) skips blocks, a dry ring is primed, then it settles', (t) => {
    const { port, capture, playback } = makePort(48000);
    run(capture, playback, 5, 0);
    // 200 ms without capture events: the device plays on (and runs dry), then 10 periods arrive at once.
    for (let i = 0; i < 40; i++) playback.devicePeriod();
    for (let i = 0; i < 10; i++) capture.period(new Int16Array(960));
    run(capture, playback, 30, 0);
    const s = port.stats();
    t.diagnostic(`after a 200 ms stall: primes ${s.playback.primes}, skipped ${s.playback.skippedBlocks}, fill ${s.playback.fillMs.toFixed(1)} ms`);
    assert.ok(s.playback.primes >= 2 && s.playback.skippedBlocks >= 1);
    assert.ok(s.playback.smoothedFillMs >= 20 && s.playback.smoothedFillMs <= 35, `smoothed ${s.playback.smoothedFillMs} ms`);
    port.close();
  });

  test('the port queue: frames written during a tick play on later ticks; beyond 10 the oldest is dropped', () => {
    const { port, capture, playback } = makePort(8000);
    for (let i = 0; i < 12; i++) port.write(new Int16Array(160).fill(i + 1));
    assert.equal(port.queuedFrames, 10);
    assert.equal(port.stats().dropped, 2);
    run(capture, playback, 0.1, 0);
    assert.equal(port.queuedFrames, 5);
    assert.throws(() => port.write(new Int16Array(80)), RangeError);
    port.close();
  });

  test('xruns are counted and logged, the port goes on', () => {
    const { port, log, capture, playback, lost } = makePort(8000);
    capture.xrun();
    playback.xrun();
    playback.xrun();
    assert.deepEqual(port.stats().xruns, { capture: 1, playback: 2 });
    assert.equal(log.entries.filter((e) => e.msg === 'audio xrun (recovered)').length, 1, 'at most one line per 10 s');
    assert.deepEqual(lost, []);
    port.close();
  });

  for (const how of ['capture ENODEV', 'playback EIO', 'playback closed'] as const) {
    test(`${how}: both streams close, onLost once, then silence and no frames`, () => {
      const { port, log, capture, playback, lost } = makePort(48000);
      let frames = 0;
      port.onFrame(() => frames++);
      run(capture, playback, 0.2, 0);
      const before = frames;
      if (how === 'capture ENODEV') capture.fail('ENODEV');
      else if (how === 'playback EIO') playback.fail('EIO');
      else playback.close();
      assert.equal(lost.length, 1);
      assert.match(lost[0] ?? '', how === 'capture ENODEV' ? /^capture: ENODEV: fake: No such device/ : how === 'playback EIO' ? /^playback: EIO/ : /^playback stream closed/);
      assert.ok(capture.closed && playback.closed);
      capture.period(new Int16Array(960)); // a fake would deliver; the port must ignore it
      port.write(new Int16Array(160));
      assert.equal(port.queuedFrames, 0);
      assert.equal(frames, before);
      assert.equal(port.closed, true);
      port.close();
      port.close();
      assert.equal(lost.length, 1);
      assert.equal(port.stats().lost, lost[0]);
      assert.ok(log.entries.some((e) => e.level === 'error' && e.msg === 'audio device lost'));
      assert.deepEqual(port.onFrame(() => undefined)(), undefined);
    });
  }

  test('close() is idempotent, closes both streams once and never calls onLost', () => {
    const { port, capture, playback, lost } = makePort(16000);
    port.close();
    port.close();
    assert.ok(capture.closed && playback.closed);
    assert.deepEqual(lost, []);
    assert.equal(capture.closeCalls, 1);
  });

  test('a playback open failure closes the capture stream and throws', () => {
    const fakes = fakeOpeners();
    const err = new Error('no playback');
    assert.throws(
      () => new AlsaAudioPort({
        spec: { device: 'x' }, log: new MemoryLogger(), onLost: () => undefined,
        open: { capture: fakes.open.capture, playback: () => { throw err; } },
      }),
      (e) => e === err,
    );
    assert.equal(fakes.streams.capture?.closed, true);
    assert.equal(fakes.streams.capture?.opts.rate, 48000, 'the default native rate');
  });
});
