import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import {
  MAX_EVENT_DURATION,
  TelephoneEventReceiver,
  TelephoneEventSender,
  digitToEvent,
  eventToDigit,
  parseTelephoneEvent,
  serializeTelephoneEvent,
  type DigitReport,
  type TelephoneEventFrame,
} from './telephone-event.js';

function decode(f: TelephoneEventFrame): { marker: boolean; ts: number; event: number; end: boolean; duration: number } {
  const p = parseTelephoneEvent(f.payload);
  assert.ok(p.ok);
  return { marker: f.marker, ts: f.timestamp, event: p.value.event, end: p.value.end, duration: p.value.duration };
}

/** Runs a sender to completion, one array of frames per packet interval. */
function runToEnd(s: TelephoneEventSender, first: TelephoneEventFrame[], maxTicks = 10_000): TelephoneEventFrame[][] {
  const ticks = [first];
  for (let i = 0; s.active && i < maxTicks; i++) ticks.push(s.tick());
  assert.equal(s.active, false);
  return ticks;
}

function listen(r: TelephoneEventReceiver): DigitReport[] {
  const seen: DigitReport[] = [];
  r.on('digit', (d) => seen.push(d));
  return seen;
}

test('payload layout matches RFC 4733 §2.3: event, E, R, volume, duration', () => {
  const b = serializeTelephoneEvent({ event: 11, end: true, volume: 10, duration: 0x1234 });
  assert.deepEqual([...b], [0x0b, 0x80 | 10, 0x12, 0x34]);
  const notEnd = serializeTelephoneEvent({ event: 5, end: false, volume: 63, duration: 0xffff });
  assert.deepEqual([...notEnd], [5, 0x3f, 0xff, 0xff]);
  // R bit (0x40) is ignored on receipt; E is 0x80; volume is the low 6 bits.
  const p = parseTelephoneEvent(Uint8Array.from([9, 0x80 | 0x40 | 7, 0x03, 0x20]));
  assert.deepEqual(p, { ok: true, value: { event: 9, end: true, volume: 7, duration: 800 } });
  const q = parseTelephoneEvent(Uint8Array.from([1, 0x40 | 20, 0, 160]));
  assert.deepEqual(q, { ok: true, value: { event: 1, end: false, volume: 20, duration: 160 } });
});

test('parse rejects short payloads without throwing; serialize rejects bad fields', () => {
  const r = parseTelephoneEvent(Uint8Array.from([1, 2, 3]));
  assert.equal(r.ok, false);
  assert.equal(parseTelephoneEvent(new Uint8Array(0)).ok, false);
  assert.throws(() => serializeTelephoneEvent({ event: 1, end: false, volume: 64, duration: 0 }), RangeError);
  assert.throws(() => serializeTelephoneEvent({ event: 1, end: false, volume: 0, duration: 0x10000 }), RangeError);
  assert.throws(() => serializeTelephoneEvent({ event: 256, end: false, volume: 0, duration: 0 }), RangeError);
});

test('digit <-> event mapping covers 0-9, *, #, A-D', () => {
  const digits = '0123456789*#ABCD';
  for (let i = 0; i < 16; i++) {
    assert.equal(digitToEvent(digits[i] ?? ''), i);
    assert.equal(eventToDigit(i), digits[i]);
  }
  assert.equal(digitToEvent('a'), 12);
  assert.equal(digitToEvent('E'), undefined);
  assert.equal(digitToEvent('12'), undefined);
  assert.equal(eventToDigit(16), undefined);
  assert.equal(eventToDigit(-1), undefined);
});

test('sender: 100 ms digit at 8000 Hz, 20 ms packets', () => {
  const s = new TelephoneEventSender({ clockRate: 8000 });
  const ticks = runToEnd(s, s.start('5', 1000, 100));
  const packets = ticks.map((t) => t.map(decode));
  // one packet per interval
  assert.ok(packets.every((t) => t.length === 1));
  const flat = packets.flat();
  assert.deepEqual(
    flat.map((p) => [p.marker, p.ts, p.event, p.end, p.duration]),
    [
      [true, 1000, 5, false, 160],
      [false, 1000, 5, false, 320],
      [false, 1000, 5, false, 480],
      [false, 1000, 5, false, 640],
      [false, 1000, 5, true, 800],
      [false, 1000, 5, true, 800],
      [false, 1000, 5, true, 800],
    ],
  );
  const vol = parseTelephoneEvent(ticks[0]?.[0]?.payload ?? new Uint8Array());
  assert.ok(vol.ok && vol.value.volume === 10);
});

test('sender: a duration that is not a multiple of the packet interval ends at the exact duration', () => {
  const s = new TelephoneEventSender({ clockRate: 8000, packetMs: 20, volume: 6 });
  const flat = runToEnd(s, s.start('#', 0, 50)).flat().map(decode);
  assert.deepEqual(flat.map((p) => p.duration), [160, 320, 400, 400, 400]);
  assert.deepEqual(flat.map((p) => p.end), [false, false, true, true, true]);
});

test('sender: long event is split into 0xFFFF segments (§2.5.1.3)', () => {
  const s = new TelephoneEventSender({ clockRate: 8000 });
  const start = 0xfffff000; // also wraps the 32-bit timestamp
  const ms = 20_000; // 160 000 units: segments of 65535, 65535, 28930
  const flat = runToEnd(s, s.start('1', start, ms)).flat().map(decode);
  assert.equal(flat.filter((p) => p.marker).length, 1);
  assert.equal(flat[0]?.marker, true);
  const seg2 = (start + MAX_EVENT_DURATION) >>> 0;
  const seg3 = (start + 2 * MAX_EVENT_DURATION) >>> 0;
  assert.deepEqual([...new Set(flat.map((p) => p.ts))], [start, seg2, seg3]);
  for (const ts of [start, seg2]) {
    const seg = flat.filter((p) => p.ts === ts);
    assert.ok(seg.every((p) => !p.end), 'no E bit before the last segment');
    assert.ok(seg.every((p) => p.duration <= MAX_EVENT_DURATION));
    assert.equal(seg.filter((p) => p.duration === MAX_EVENT_DURATION).length, 3, 'segment end sent three times');
  }
  const last = flat.filter((p) => p.ts === seg3);
  const ends = last.filter((p) => p.end);
  assert.equal(ends.length, 3);
  assert.ok(ends.every((p) => p.duration === 160_000 - 2 * MAX_EVENT_DURATION));
  // durations within a segment never decrease
  for (const ts of [start, seg2, seg3]) {
    const d = flat.filter((p) => p.ts === ts).map((p) => p.duration);
    assert.deepEqual(d, [...d].sort((a, b) => a - b));
  }
});

test('sender: stop() ends an open-ended event; start() while active ends the previous one first', () => {
  const s = new TelephoneEventSender({ clockRate: 8000 });
  const first = s.start('7', 0, Infinity);
  s.tick();
  s.tick();
  const stop = s.stop().map(decode);
  assert.deepEqual(stop.map((p) => [p.end, p.duration]), [[true, 480]]);
  assert.deepEqual(s.tick().map(decode).map((p) => [p.end, p.duration]), [[true, 480]]);
  const next = s.start('8', 2000, 40).map(decode);
  // the one remaining end copy of '7', then the first packet of '8'
  assert.deepEqual(next.map((p) => [p.event, p.end, p.marker, p.ts]), [
    [7, true, false, 0],
    [8, false, true, 2000],
  ]);
  assert.equal(first.length, 1);
  assert.throws(() => s.start('x', 0, 100), RangeError);
  assert.throws(() => s.start('1', 0, 0), RangeError);
});

function feed(r: TelephoneEventReceiver, clock: FakeClock, frames: TelephoneEventFrame[][], ssrc = 0x1234): void {
  for (const tick of frames) {
    for (const f of tick) r.receive({ timestamp: f.timestamp, marker: f.marker, payload: f.payload, ssrc });
    clock.advance(20);
  }
}

function digitStream(digit: string, ts: number, ms: number): TelephoneEventFrame[][] {
  const s = new TelephoneEventSender({ clockRate: 8000 });
  return runToEnd(s, s.start(digit, ts, ms));
}

test('receiver: one digit for a full stream with three end packets', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  feed(r, clock, digitStream('9', 4000, 100));
  clock.advance(1000);
  assert.deepEqual(seen, [
    { digit: '9', durationMs: 20, phase: 'start' },
    { digit: '9', durationMs: 100, phase: 'end' },
  ]);
  assert.equal(clock.pendingCount(), 0);
});

test('receiver: first packets lost', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  feed(r, clock, digitStream('3', 4000, 100).slice(2));
  assert.deepEqual(seen, [
    { digit: '3', durationMs: 60, phase: 'start' },
    { digit: '3', durationMs: 100, phase: 'end' },
  ]);
});

test('receiver: only end packets arrive', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  feed(r, clock, digitStream('*', 4000, 100).slice(-2));
  assert.deepEqual(seen.map((d) => [d.digit, d.phase, d.durationMs]), [
    ['*', 'start', 100],
    ['*', 'end', 100],
  ]);
});

test('receiver: all end packets lost, end inferred after the timeout', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock, endTimeoutMs: 200 });
  const seen = listen(r);
  feed(r, clock, digitStream('4', 4000, 100).slice(0, -3)); // up to duration 640
  assert.equal(seen.length, 1);
  clock.advance(150);
  assert.equal(seen.length, 1, 'not before the timeout');
  clock.advance(100);
  assert.deepEqual(seen[1], { digit: '4', durationMs: 80, phase: 'end' });
  assert.equal(clock.pendingCount(), 0);
});

test('receiver: lost end packets inferred from the next event timestamp', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  feed(r, clock, digitStream('1', 0, 100).slice(0, -3));
  feed(r, clock, digitStream('2', 1600, 100));
  assert.deepEqual(seen.map((d) => `${d.digit}:${d.phase}:${d.durationMs}`), ['1:start:20', '1:end:80', '2:start:20', '2:end:100']);
});

test('receiver: duplicated packets and late redundant ends give one digit', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  const doubled = digitStream('6', 4000, 100).map((t) => [...t, ...t]);
  feed(r, clock, doubled);
  feed(r, clock, doubled.slice(-1)); // a late copy after the end
  clock.advance(1000);
  assert.deepEqual(seen.map((d) => d.phase), ['start', 'end']);
  assert.equal(seen[1]?.durationMs, 100);
});

test('receiver: two identical consecutive digits (distinct timestamps) are two digits', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  feed(r, clock, digitStream('5', 8000, 100));
  clock.advance(60);
  feed(r, clock, digitStream('5', 8000 + 1600, 100));
  assert.deepEqual(seen.map((d) => `${d.digit}:${d.phase}`), ['5:start', '5:end', '5:start', '5:end']);
});

test('receiver: a long, segmented event is one digit with its whole duration', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  feed(r, clock, digitStream('0', 0xffff0000, 20_000));
  assert.deepEqual(seen, [
    { digit: '0', durationMs: 20, phase: 'start' },
    { digit: '0', durationMs: 20_000, phase: 'end' },
  ]);
});

test('receiver: ignores malformed and non-DTMF payloads, and stale packets of older events', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  r.receive({ timestamp: 0, marker: true, payload: Uint8Array.from([1, 2]), ssrc: 1 });
  r.receive({ timestamp: 0, marker: true, payload: serializeTelephoneEvent({ event: 32, end: false, volume: 0, duration: 160 }), ssrc: 1 });
  assert.equal(r.ignored, 2);
  const a = digitStream('1', 10_000, 40);
  const b = digitStream('2', 20_000, 40);
  feed(r, clock, a.slice(0, 1));
  feed(r, clock, b);
  feed(r, clock, a.slice(1)); // older event's packets arriving late
  assert.deepEqual(seen.map((d) => `${d.digit}:${d.phase}`), ['1:start', '1:end', '2:start', '2:end']);
});

test('receiver: dispose cancels the timeout and silences listeners', () => {
  const clock = new FakeClock();
  const r = new TelephoneEventReceiver({ clockRate: 8000, clock });
  const seen = listen(r);
  feed(r, clock, digitStream('8', 0, 100).slice(0, 2));
  r.dispose();
  assert.equal(clock.pendingCount(), 0);
  feed(r, clock, digitStream('9', 1600, 100));
  clock.advance(1000);
  assert.deepEqual(seen.map((d) => d.phase), ['start']);
});
