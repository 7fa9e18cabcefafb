import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { RtcpScheduler, UDP_IP_OVERHEAD, type RtcpCensus } from './rtcp-scheduler.js';

const K = Math.E - 1.5;

function make(census: RtcpCensus = { members: 2, senders: 1, weSent: true }, random = () => 0.5) {
  const clock = new FakeClock(0);
  const fired: number[] = [];
  const s = new RtcpScheduler({
    clock, random, sessionBandwidthBps: 80_000, initialPacketSize: 72, census: () => census,
    onDue: () => fired.push(clock.now()),
  });
  return { clock, fired, s };
}

test('first report at half the minimum interval, then the 5 s minimum, each randomised and divided by e − 3/2', () => {
  const { clock, fired, s } = make();
  s.start();
  assert.ok(s.running);
  clock.advance(15_000);
  const first = 2500 / K;
  const next = 5000 / K;
  assert.deepEqual(fired.map((t) => Math.round(t)), [first, first + next, first + 2 * next, first + 3 * next].map(Math.round));
});

test('randomisation spans [0.5, 1.5) of the interval', () => {
  const low = make(undefined, () => 0);
  low.s.start();
  assert.ok(Math.abs((low.s.nextReportAt ?? 0) - 1250 / K) < 1e-9);
  const high = make(undefined, () => 0.999);
  high.s.start();
  assert.ok(Math.abs((high.s.nextReportAt ?? 0) - (2500 * 1.499) / K) < 1e-9);
});

test('a low session bandwidth stretches the interval beyond the minimum (§6.3.1)', () => {
  const clock = new FakeClock(0);
  const s = new RtcpScheduler({
    clock, random: () => 0.5, sessionBandwidthBps: 1000, initialPacketSize: 72,
    census: () => ({ members: 2, senders: 2, weSent: true }), onDue: () => undefined,
  });
  s.start();
  // 5 % of 1000 bit/s = 6.25 octets/s; 2 members × 100 octets → 32 s.
  assert.ok(Math.abs((s.nextReportAt ?? 0) - (32_000 / K)) < 1e-6);
  s.stop();
});

test('stop cancels; onDue may stop the scheduler; start again resumes', () => {
  const { clock, fired, s } = make();
  s.start();
  s.stop();
  assert.equal(clock.pendingCount(), 0);
  assert.equal(s.nextReportAt, undefined);
  clock.advance(10_000);
  assert.equal(fired.length, 0);

  const clock2 = new FakeClock(0);
  let calls = 0;
  const t = new RtcpScheduler({
    clock: clock2, random: () => 0.5, sessionBandwidthBps: 80_000, initialPacketSize: 72,
    census: () => ({ members: 1, senders: 0, weSent: false }),
    onDue: () => {
      calls++;
      t.stop();
    },
  });
  t.start();
  clock2.advance(60_000);
  assert.equal(calls, 1);
  assert.equal(clock2.pendingCount(), 0);
  t.start();
  assert.equal(clock2.pendingCount(), 1);
});

test('average compound size follows §6.3.3 (1/16 weight, UDP/IP headers included)', () => {
  const { s } = make();
  assert.equal(s.averageSize, 72 + UDP_IP_OVERHEAD);
  s.noteCompound(132);
  assert.equal(s.averageSize, (132 + 28) / 16 + (100 * 15) / 16);
});
