import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { MemoryLogger } from '../log.js';
import { DialtoneError } from '../errors.js';
import { dtmfSamples, DtmfDetector } from '../../audio/dtmf/index.js';
import { muLawDecode } from '../../audio/g711/index.js';
import { rms } from '../../audio/levels.js';
import { ClockedAudioPort } from '../../audio/port/audio-port.js';
import { MediaBridge, type DtmfMode } from './media-bridge.js';
import { parseTelephoneEvent, serializeTelephoneEvent } from './telephone-event.js';
import { serializeComfortNoise, RMS_AT_0_DBOV } from './comfort-noise.js';
import type { NegotiatedCodec, NegotiatedMedia } from '../sip/sdp/types.js';
import { CODECS, FakeMediaSession, clipSource, connect, echoingLine, media, noiseSource, portPair, sineSnrDb, toneSource } from './test-support/media-loop.js';

const AMP = 8000; // about −9 dBm0

interface CallOptions {
  codec?: NegotiatedCodec;
  ptimeMs?: number;
  sourceA?: () => Int16Array;
  sourceB?: () => Int16Array;
  drop?: (n: number) => boolean;
  dtmfMode?: DtmfMode;
  mediaA?: Partial<NegotiatedMedia>;
}

/** Two bridges back to back: port A ⇄ bridge A ⇄ fake network ⇄ bridge B ⇄ port B. */
function call(opts: CallOptions = {}) {
  const clock = new FakeClock();
  const ports = portPair(clock, opts.sourceA, opts.sourceB);
  const sa = new FakeMediaSession(clock, 0xaaaa);
  const sb = new FakeMediaSession(clock, 0xbbbb);
  connect(sa, sb, clock, opts.drop !== undefined ? { drop: opts.drop } : {});
  connect(sb, sa, clock);
  const log = new MemoryLogger();
  const m = media({ codec: opts.codec ?? CODECS.PCMU, ptimeMs: opts.ptimeMs ?? 20 });
  const dtmfMode = opts.dtmfMode ?? 'rfc4733';
  const bridgeA = new MediaBridge({ port: ports.a, session: sa, media: { ...m, ...opts.mediaA }, clock, log, dtmfMode });
  const bridgeB = new MediaBridge({ port: ports.b, session: sb, media: m, clock, log, dtmfMode });
  ports.frameClock.start();
  return { clock, ...ports, sa, sb, bridgeA, bridgeB, log, run: (ms: number) => clock.advance(ms) };
}

/** Audio packets (not telephone events) sent on a session. */
const audioOf = (s: FakeMediaSession) => s.sent.filter((p) => p.payloadType !== 101);

for (const [name, codec, minSnr] of [
  ['PCMU', CODECS.PCMU, 30],
  ['PCMA', CODECS.PCMA, 30],
  ['G722', CODECS.G722, 20],
] as const) {
  test(`a 1 kHz tone crosses the bridges through ${name} with SNR > ${minSnr} dB`, (t) => {
    const tone = toneSource(1000, AMP);
    const c = call({ codec, sourceA: tone.source });
    c.run(3000);
    const heard = c.heardB.samples;
    // Settled after a second (jitter-buffer prebuffer, codec, resampler and PLC delays are all < 100 ms).
    const { snrDb, amplitude } = sineSnrDb(heard, 8000, 24000, 1000);
    t.diagnostic(`${name}: SNR ${snrDb.toFixed(1)} dB, amplitude ${amplitude.toFixed(0)} of ${AMP}`);
    assert.ok(snrDb > minSnr, `${name} SNR ${snrDb.toFixed(1)} dB`);
    assert.ok(Math.abs(20 * Math.log10(amplitude / AMP)) < 0.5, `level kept: ${amplitude}`);
    const st = c.bridgeB.stats();
    assert.equal(st.codec, name);
    assert.equal(st.jitterBuffer.lost, 0);
    assert.ok(st.mos > 4.3, `MOS ${st.mos}`);
    assert.ok(Math.abs(st.rxLevelDbm0 - c.bridgeA.stats().txLevelDbm0) < 0.5, `levels ${st.rxLevelDbm0} vs ${c.bridgeA.stats().txLevelDbm0}`);
    assert.equal(c.bridgeA.stats().errors, 0);
  });
}

test('timestamps advance by 160 per 20 ms packet, the first packet has the marker; the session numbers them', () => {
  const c = call({ sourceA: toneSource(1000, AMP).source });
  c.run(1000);
  const sent = audioOf(c.sa);
  assert.equal(sent.length, 50);
  assert.equal(sent[0]?.marker, true);
  sent.forEach((p, i) => {
    if (i > 0) {
      assert.equal(p.timestamp, (sent[i - 1]!.timestamp + 160) >>> 0);
      assert.equal(p.marker, false);
    }
    assert.equal(p.payload.length, 160);
    assert.equal(p.payloadType, 0);
  });
  assert.deepEqual(c.sa.sendingChanges, [true]);
});

test('30 ms ptime: 240-sample packets, 240 timestamp units apart, two packets per three frames', () => {
  const c = call({ ptimeMs: 30, sourceA: toneSource(1000, AMP).source });
  c.run(1200); // 60 frames
  const sent = audioOf(c.sa);
  assert.equal(sent.length, 40);
  sent.forEach((p, i) => {
    assert.equal(p.payload.length, 240);
    if (i > 0) assert.equal(p.timestamp, (sent[i - 1]!.timestamp + 240) >>> 0);
  });
  // The receiver learns the 30 ms packets and plays a clean tone.
  const { snrDb } = sineSnrDb(c.heardB.samples, 4000, 9000, 1000);
  assert.ok(snrDb > 30, `SNR ${snrDb}`);
});

test('10 and 40 ms ptime packetise the same frames into 80- and 320-sample packets', () => {
  for (const [ptimeMs, size, count] of [
    [10, 80, 100],
    [40, 320, 25],
  ] as const) {
    const c = call({ ptimeMs, sourceA: toneSource(1000, AMP).source });
    c.run(1000);
    const sent = audioOf(c.sa);
    assert.equal(sent.length, count, `${ptimeMs} ms`);
    sent.forEach((p, i) => {
      assert.equal(p.payload.length, size);
      if (i > 0) assert.equal(p.timestamp, (sent[i - 1]!.timestamp + size) >>> 0);
    });
  }
});

test('hold sends nothing, the timeline runs on, and the first packet after resume has the marker', () => {
  const c = call({ sourceA: toneSource(1000, AMP).source });
  c.run(200);
  const before = audioOf(c.sa);
  assert.equal(before.length, 10);
  const last = before.at(-1)!;
  c.bridgeA.update(media({ direction: 'recvonly', remoteDirection: 'sendonly', onHold: true }));
  c.run(400);
  assert.equal(audioOf(c.sa).length, 10, 'nothing sent on hold');
  assert.equal(c.bridgeA.stats().sending, false);
  c.bridgeA.update(media());
  c.run(100);
  const after = audioOf(c.sa).slice(10);
  assert.equal(after.length, 5);
  assert.equal(after[0]?.marker, true);
  assert.equal(after[0]?.timestamp, (last.timestamp + 21 * 160) >>> 0, '20 intervals skipped on hold');
  assert.ok(after.slice(1).every((p) => !p.marker));
  assert.deepEqual(c.sa.sendingChanges, [true, false, true]);
  assert.equal(c.bridgeA.stats().sent.intervalsSkipped, 20);
});

test('recvonly or inactive from the start: nothing is sent; inactive also ignores what arrives', () => {
  const c = call({ sourceA: toneSource(1000, AMP).source, mediaA: { direction: 'inactive', remoteDirection: 'inactive' } });
  c.run(500);
  assert.equal(c.sa.sent.length, 0);
  assert.ok(c.bridgeA.stats().received.ignoredPackets > 0);
  assert.equal(rms(c.heardA.samples), 0);
});

test('a codec change PCMU → PCMA mid-call keeps the timestamps continuous and the audio flowing', () => {
  const c = call({ sourceA: toneSource(1000, AMP).source });
  c.run(1000);
  c.bridgeA.update(media({ codec: CODECS.PCMA }));
  c.bridgeB.update(media({ codec: CODECS.PCMA }));
  c.run(1000);
  const sent = audioOf(c.sa);
  assert.equal(sent.length, 100);
  sent.forEach((p, i) => {
    assert.equal(p.payloadType, i < 50 ? 0 : 8);
    if (i > 0) assert.equal(p.timestamp, (sent[i - 1]!.timestamp + 160) >>> 0);
  });
  assert.equal(sent[50]?.marker, false);
  const { snrDb } = sineSnrDb(c.heardB.samples, 10400, 16000, 1000);
  assert.ok(snrDb > 30, `SNR after the change ${snrDb}`);
  assert.equal(c.bridgeB.stats().codec, 'PCMA');
});

test('a digit dialled on the line goes out as RFC 4733 and its tone is muted in the audio', (t) => {
  const clip = new Int16Array(16000);
  clip.set(dtmfSamples('5', { durationMs: 200, pauseMs: 0 }), 4000); // 0.5 s in, 200 ms
  const c = call({ sourceA: clipSource(clip) });
  c.run(2000);
  const events = c.sa.sent.filter((p) => p.payloadType === 101);
  assert.ok(events.length >= 8, `${events.length} event packets`);
  assert.equal(events[0]?.marker, true);
  assert.ok(events.slice(1).every((p) => !p.marker));
  const ts = events[0]?.timestamp ?? -1;
  assert.ok(events.every((p) => p.timestamp === ts), 'one timestamp for the whole event');
  const parsed = events.map((p) => {
    const r = parseTelephoneEvent(p.payload);
    assert.ok(r.ok);
    return r.value;
  });
  assert.ok(parsed.every((e) => e.event === 5));
  const ends = parsed.filter((e) => e.end);
  assert.equal(ends.length, 3);
  assert.deepEqual(parsed.slice(-3), ends, 'the end packet, three times, last');
  // The event starts at the tone's onset on the audio timeline (within a few ms).
  const first = audioOf(c.sa)[0]!;
  assert.ok(Math.abs(((ts - first.timestamp) >>> 0) - 4000) < 40, `onset at ${(ts - first.timestamp) >>> 0}`);
  assert.ok(Math.abs(ends[0]!.duration - 1600) <= 480, `duration ${ends[0]!.duration}`);

  // The audio sent: the tone leaks for at most ~40 ms before detection, then silence.
  const audio = audioOf(c.sa);
  const decoded = new Int16Array(audio.length * 160);
  audio.forEach((p, i) => decoded.set(muLawDecode(p.payload), i * 160));
  let loud = 0;
  for (let i = 0; i < decoded.length; i += 40) if (rms(decoded, i, i + 40) > 500) loud++;
  t.diagnostic(`${loud * 5} ms of the 200 ms tone leaked into the audio before detection`);
  assert.ok(loud * 5 <= 45 && loud > 0, `${loud * 5} ms of tone leaked`);
  // And the far end does not detect a digit in it.
  const det = new DtmfDetector();
  assert.deepEqual(det.process(decoded).filter((e) => e.type === 'start'), []);
  // The far end reports it once, from the events.
  assert.equal(c.bridgeA.stats().dtmf.lineDigits, 1);
});

test('the far bridge emits a received RFC 4733 digit once', () => {
  const clip = new Int16Array(16000);
  clip.set(dtmfSamples('#', { durationMs: 120, pauseMs: 0 }), 4000);
  const c = call({ sourceA: clipSource(clip) });
  const got: unknown[] = [];
  c.bridgeB.on('digit', (d) => got.push(d));
  c.run(2000);
  assert.deepEqual(got, [{ digit: '#', source: 'rfc4733' }]);
});

test('injected RFC 4733 packets (with the three end copies and a duplicate) give one digit', () => {
  const clock = new FakeClock();
  const { a, frameClock } = portPair(clock);
  const s = new FakeMediaSession(clock);
  const bridge = new MediaBridge({ port: a, session: s, media: media(), clock, log: new MemoryLogger(), dtmfMode: 'rfc4733' });
  const got: { digit: string; source: string }[] = [];
  bridge.on('digit', (d) => got.push(d));
  frameClock.start();
  const pkt = (seq: number, duration: number, end: boolean, marker = false) => ({
    marker,
    payloadType: 101,
    sequence: seq,
    timestamp: 9000,
    ssrc: 7,
    payload: serializeTelephoneEvent({ event: 1, end, volume: 10, duration }),
  });
  s.inject(pkt(1, 160, false, true));
  s.inject(pkt(1, 160, false, true));
  s.inject(pkt(2, 320, false));
  for (let i = 3; i < 6; i++) s.inject(pkt(i, 480, true));
  clock.advance(500);
  assert.deepEqual(got, [{ digit: '1', source: 'rfc4733' }]);
  assert.equal(bridge.stats().received.eventPackets, 6);
  bridge.close();
});

test("'info' mode: a line digit is emitted as 'line-digit' and muted; nothing goes out as RFC 4733", () => {
  const clip = new Int16Array(16000);
  clip.set(dtmfSamples('9', { durationMs: 150, pauseMs: 0 }), 4000);
  const c = call({ sourceA: clipSource(clip), dtmfMode: 'info' });
  const got: unknown[] = [];
  c.bridgeA.on('line-digit', (d) => got.push(d));
  c.run(2000);
  assert.deepEqual(got, [{ digit: '9' }]);
  assert.equal(c.sa.sent.filter((p) => p.payloadType === 101).length, 0);
  assert.ok(c.bridgeA.stats().dtmf.mutedFrames >= 5);
  assert.ok(new DtmfDetector().process(c.heardB.samples).length === 0, 'the far end hears no digit');
});

test("'inband' mode leaves the tone in the audio, and the far bridge reports it as an in-band digit", () => {
  const clip = new Int16Array(16000);
  clip.set(dtmfSamples('7', { durationMs: 150, pauseMs: 0 }), 4000);
  const c = call({ sourceA: clipSource(clip), dtmfMode: 'inband' });
  const got: unknown[] = [];
  c.bridgeB.on('digit', (d) => got.push(d));
  c.run(2000);
  assert.equal(c.sa.sent.filter((p) => p.payloadType === 101).length, 0);
  assert.deepEqual(got, [{ digit: '7', source: 'inband' }]);
  const heard = new DtmfDetector().process(c.heardB.samples).filter((e) => e.type === 'start');
  assert.deepEqual(heard.map((e) => e.digit), ['7']);
});

test('sendDigit: RFC 4733 events, in-band tone, or nothing in info mode; a bad digit throws', () => {
  const c = call();
  c.run(200);
  c.bridgeA.sendDigit('3', 100);
  c.bridgeA.sendDigit('4', 60);
  c.run(1000);
  const events = c.sa.sent.filter((p) => p.payloadType === 101).map((p) => ({ ts: p.timestamp, marker: p.marker, ev: parseTelephoneEvent(p.payload) }));
  const starts = events.filter((e) => e.marker);
  assert.equal(starts.length, 2);
  assert.ok(starts[0]!.ev.ok && starts[0]!.ev.value.event === 3);
  assert.ok(starts[1]!.ev.ok && starts[1]!.ev.value.event === 4);
  assert.ok(starts[1]!.ts > starts[0]!.ts);
  assert.equal(events.filter((e) => e.ev.ok && e.ev.value.end).length, 6);
  assert.throws(() => c.bridgeA.sendDigit('x'), DialtoneError);

  const inband = call({ dtmfMode: 'inband' });
  inband.run(200);
  inband.bridgeA.sendDigit('8', 100);
  inband.run(1000);
  assert.equal(inband.sa.sent.filter((p) => p.payloadType === 101).length, 0);
  const heard = new DtmfDetector().process(inband.heardB.samples).filter((e) => e.type === 'start');
  assert.deepEqual(heard.map((e) => e.digit), ['8']);

  const info = call({ dtmfMode: 'info' });
  info.bridgeA.sendDigit('8');
  info.run(600);
  assert.equal(info.sa.sent.filter((p) => p.payloadType === 101).length, 0);
  assert.equal(new DtmfDetector().process(info.heardB.samples).length, 0);
});

test('5 % loss is concealed: a continuous tone has no silent 10 ms stretch', () => {
  const drop = (n: number) => n > 30 && n % 20 === 7; // one packet in twenty, after the start
  const c = call({ sourceA: toneSource(1000, AMP).source, drop });
  c.run(5000);
  const heard = c.heardB.samples;
  const toneRms = AMP / Math.SQRT2;
  let worst = Infinity;
  for (let i = 8000; i + 80 <= heard.length; i += 80) worst = Math.min(worst, rms(heard, i, i + 80));
  assert.ok(worst > 0.5 * toneRms, `quietest 10 ms: ${worst.toFixed(0)} of ${toneRms.toFixed(0)}`);
  const st = c.bridgeB.stats();
  assert.ok(st.jitterBuffer.lost >= 10, `${st.jitterBuffer.lost} lost`);
  assert.ok(st.lossPercent > 3 && st.lossPercent < 7, `loss ${st.lossPercent}`);
  assert.ok(st.received.concealedUnits >= 2 * st.jitterBuffer.lost);
  assert.ok(st.mos < c.bridgeA.stats().mos, 'loss lowers the MOS');
});

test('comfort noise received plays at the signalled level until audio resumes', () => {
  const clock = new FakeClock();
  const { a, frameClock, heardA } = portPair(clock);
  const s = new FakeMediaSession(clock);
  const bridge = new MediaBridge({ port: a, session: s, media: media({ comfortNoisePt: 13 }), clock, log: new MemoryLogger(), dtmfMode: 'rfc4733' });
  frameClock.start();
  let seq = 1;
  let ts = 1000;
  const audio = () => {
    s.inject({ marker: false, payloadType: 0, sequence: seq++, timestamp: ts, ssrc: 5, payload: new Uint8Array(160).fill(0xff) });
    ts += 160;
  };
  for (let i = 0; i < 10; i++) {
    audio();
    clock.advance(20);
  }
  s.inject({ marker: false, payloadType: 13, sequence: seq++, timestamp: ts, ssrc: 5, payload: serializeComfortNoise({ levelDbov: -40 }) });
  clock.advance(1000);
  const heard = heardA.samples;
  const tail = heard.subarray(heard.length - 4000);
  const levelDbov = 20 * Math.log10(rms(tail) / RMS_AT_0_DBOV);
  assert.ok(Math.abs(levelDbov - -40) < 1, `noise at ${levelDbov.toFixed(2)} dBov`);
  assert.equal(bridge.stats().received.cnLevelDbov, -40);
  // Audio resumes: digital silence (µ-law 0xff) replaces the noise.
  ts += 160 * 20;
  for (let i = 0; i < 20; i++) {
    audio();
    clock.advance(20);
  }
  const after = heardA.samples;
  assert.equal(rms(after, after.length - 800), 0);
  bridge.close();
});

test('close detaches from the port and the session', () => {
  const c = call({ sourceA: toneSource(1000, AMP).source });
  c.run(100);
  c.bridgeA.close();
  c.bridgeA.close();
  const n = c.sa.sent.length;
  c.run(200);
  assert.equal(c.sa.sent.length, n);
  assert.equal(c.sa.listenerCount, 0);
});

test('an unsupported codec is refused with a DialtoneError', () => {
  const clock = new FakeClock();
  const { a } = portPair(clock);
  const bad = { name: 'G729', payloadType: 18, clockRate: 8000, rtpClockRate: 8000 } as unknown as NegotiatedCodec;
  assert.throws(
    () => new MediaBridge({ port: a, session: new FakeMediaSession(clock), media: media({ codec: bad }), clock, log: new MemoryLogger(), dtmfMode: 'rfc4733' }),
    (e: unknown) => e instanceof DialtoneError && e.code === 'unsupported_codec',
  );
});

test('the echo canceller removes the line echo of what the far end sent (and can be turned off)', (t) => {
  const run = (echoCanceller: boolean): number => {
    const clock = new FakeClock();
    const { frameClock, b, heardB } = portPair(clock, undefined, noiseSource());
    const line = echoingLine();
    const a = new ClockedAudioPort({ clock: frameClock, sink: line.sink, source: line.source });
    const sa = new FakeMediaSession(clock, 1);
    const sb = new FakeMediaSession(clock, 2);
    connect(sa, sb, clock);
    connect(sb, sa, clock);
    const log = new MemoryLogger();
    new MediaBridge({ port: a, session: sa, media: media(), clock, log, dtmfMode: 'rfc4733', echoCanceller });
    new MediaBridge({ port: b, session: sb, media: media(), clock, log, dtmfMode: 'rfc4733' });
    frameClock.start();
    clock.advance(4000);
    const heard = heardB.samples;
    return rms(heard, heard.length - 8000);
  };
  const withEc = run(true);
  const without = run(false);
  t.diagnostic(`echo heard back at the far end: ${(20 * Math.log10(without / Math.max(withEc, 1))).toFixed(1)} dB lower with the canceller`);
  assert.ok(without > 500, `the echo comes back without a canceller: ${without.toFixed(0)}`);
  assert.ok(20 * Math.log10(without / Math.max(withEc, 1)) > 20, `echo ${without.toFixed(0)} → ${withEc.toFixed(0)}`);
});

test('tx and rx gains scale the audio each way', () => {
  const clock = new FakeClock();
  const { frameClock, a, b, heardB } = portPair(clock, toneSource(1000, AMP).source);
  const sa = new FakeMediaSession(clock, 1);
  const sb = new FakeMediaSession(clock, 2);
  connect(sa, sb, clock);
  const log = new MemoryLogger();
  new MediaBridge({ port: a, session: sa, media: media({ codec: CODECS.PCMA }), clock, log, dtmfMode: 'rfc4733', txGainDb: -6, echoCanceller: false });
  new MediaBridge({ port: b, session: sb, media: media({ codec: CODECS.PCMA }), clock, log, dtmfMode: 'rfc4733', rxGainDb: -3 });
  frameClock.start();
  clock.advance(2000);
  const { amplitude } = sineSnrDb(heardB.samples, 8000, 16000, 1000);
  const db = 20 * Math.log10(amplitude / AMP);
  assert.ok(Math.abs(db - -9) < 0.3, `${db.toFixed(2)} dB`);
});
