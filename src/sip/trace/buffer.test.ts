import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { TraceBuffer, type TraceRecordInit } from './buffer.js';

const WALL0 = Date.UTC(2026, 10, 21, 10, 0, 0);

function rec(text: string, over: Partial<TraceRecordInit> = {}): TraceRecordInit {
  return {
    direction: 'in',
    protocol: 'udp',
    local: { address: '192.0.2.5', port: 5060 },
    remote: { address: '192.0.2.10', port: 5060 },
    bytes: Buffer.from(text),
    ...over,
  };
}

test('defaults: 2000 records, 4 MiB, 10 minutes', () => {
  const b = new TraceBuffer({ clock: new FakeClock() });
  assert.equal(b.maxRecords, 2000);
  assert.equal(b.maxBytes, 4 * 1024 * 1024);
  assert.equal(b.maxAgeMs, 600_000);
  assert.equal(b.size, 0);
  assert.equal(b.bytes, 0);
});

test('records are stamped with the clock wall time unless given one, and copied', () => {
  const clock = new FakeClock(0, WALL0);
  const b = new TraceBuffer({ clock });
  const bytes = Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n');
  const local = { address: '192.0.2.5', port: 5060 };
  assert.equal(b.add(rec('', { bytes, local })), true);
  assert.equal(b.add(rec('ab', { wallTime: WALL0 - 5 })), true);
  bytes.fill(0x41);
  local.port = 1;
  const [first, second] = b.all();
  assert.equal(first?.wallTime, WALL0);
  assert.equal(first?.bytes.toString(), 'OPTIONS sip:x SIP/2.0\r\n\r\n');
  assert.equal(first?.local.port, 5060);
  assert.equal(second?.wallTime, WALL0 - 5);
  assert.equal(b.size, 2);
  assert.equal(b.bytes, 27);
});

test('the count bound drops the oldest', () => {
  const b = new TraceBuffer({ clock: new FakeClock(), maxRecords: 3 });
  for (let i = 0; i < 10; i++) b.add(rec(`m${i}`));
  assert.deepEqual(b.all().map((r) => r.bytes.toString()), ['m7', 'm8', 'm9']);
  assert.equal(b.size, 3);
  assert.equal(b.bytes, 6);
  assert.equal(b.droppedCount, 7);
});

test('the byte budget drops the oldest; a record larger than the budget is refused', () => {
  const b = new TraceBuffer({ clock: new FakeClock(), maxBytes: 10 });
  b.add(rec('aaaa'));
  b.add(rec('bbbb'));
  b.add(rec('cccc'));
  assert.deepEqual(b.all().map((r) => r.bytes.toString()), ['bbbb', 'cccc']);
  assert.equal(b.bytes, 8);
  assert.equal(b.add(rec('x'.repeat(11))), false);
  assert.equal(b.size, 2);
  assert.equal(b.add(rec('y'.repeat(10))), true);
  assert.deepEqual(b.all().map((r) => r.bytes.toString()), ['y'.repeat(10)]);
});

test('records older than maxAge are dropped as the clock moves', () => {
  const clock = new FakeClock(0, WALL0);
  const b = new TraceBuffer({ clock, maxAgeMs: 60_000 });
  b.add(rec('old'));
  clock.advance(30_000);
  b.add(rec('new'));
  assert.equal(b.size, 2);
  clock.advance(30_001);
  assert.equal(b.size, 1);
  assert.equal(b.bytes, 3);
  assert.deepEqual(b.all().map((r) => r.bytes.toString()), ['new']);
  clock.advance(60_000);
  assert.equal(b.size, 0);
});

test('since and lastMinutes select by wall time', () => {
  const clock = new FakeClock(0, WALL0);
  const b = new TraceBuffer({ clock });
  for (let i = 0; i < 5; i++) {
    b.add(rec(`m${i}`));
    clock.advance(60_000);
  }
  // now WALL0 + 5 min; records at +0..+4 min
  assert.deepEqual(b.since(WALL0 + 3 * 60_000).map((r) => r.bytes.toString()), ['m3', 'm4']);
  assert.deepEqual(b.lastMinutes(2).map((r) => r.bytes.toString()), ['m3', 'm4']);
  assert.equal(b.lastMinutes(60).length, 5);
  assert.equal(b.since(WALL0 + 10 * 60_000).length, 0);
});

test('clear empties it; it stays bounded over many adds', () => {
  const b = new TraceBuffer({ clock: new FakeClock(), maxRecords: 100, maxBytes: 1000 });
  for (let i = 0; i < 50_000; i++) b.add(rec(`message ${i}`));
  assert.ok(b.size <= 100);
  assert.ok(b.bytes <= 1000);
  assert.equal(b.all().at(-1)?.bytes.toString(), 'message 49999');
  b.clear();
  assert.equal(b.size, 0);
  assert.equal(b.bytes, 0);
  assert.deepEqual(b.all(), []);
});

test('RTP packets fit too (udp, binary)', () => {
  const b = new TraceBuffer({ clock: new FakeClock() });
  assert.equal(b.add(rec('', { bytes: Buffer.from([0x80, 0x00, 0x12, 0x34, 0, 0, 0, 160]), local: { address: '192.0.2.5', port: 10000 } })), true);
  assert.equal(b.bytes, 8);
});

test('invalid options are refused', () => {
  assert.throws(
    () => new TraceBuffer({ clock: new FakeClock(), maxRecords: 0, maxBytes: -1, maxAgeMs: Number.NaN }),
    (e: unknown) => e instanceof ValidationError && Object.keys(e.fields).length === 3,
  );
});
