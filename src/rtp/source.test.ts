import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialtoneError } from '../errors.js';
import { RtpSource } from './source.js';

const RATE = 8000;
const PTIME_TS = 160; // 20 ms of 8 kHz audio

/** Feeds sequence numbers at 20 ms spacing with matching timestamps; returns what receive() said. */
function feed(src: RtpSource, seqs: number[], startMs = 0): boolean[] {
  return seqs.map((seq, i) => src.receive(seq & 0xffff, (seq * PTIME_TS) >>> 0, startMs + i * 20, 160));
}

test('a new source is on probation until MIN_SEQUENTIAL (2) packets arrive in sequence (A.1)', () => {
  const src = new RtpSource(0x1234, RATE);
  assert.deepEqual(feed(src, [1000]), [false]);
  assert.equal(src.stats().packetsReceived, 0);
  assert.equal(src.stats().expected, 0);
  // Out of sequence: probation starts over from this packet.
  assert.equal(src.receive(1005, 0, 20, 160), false);
  assert.equal(src.receive(1006, 160, 40, 160), true);
  assert.equal(src.receive(1007, 320, 60, 160), true);
  const s = src.stats();
  assert.equal(s.packetsReceived, 2);
  assert.equal(s.expected, 2); // base sequence is 1006, the packet that ended probation
  assert.equal(s.cumulativeLost, 0);
  assert.equal(s.extendedHighestSequence, 1007);
  assert.equal(s.bytesReceived, 320);
});

test('sequence numbers wrap at 65535 into a new cycle of the extended sequence number', () => {
  const src = new RtpSource(1, RATE);
  assert.deepEqual(feed(src, [65532, 65533, 65534, 65535, 0, 1, 2]), [false, true, true, true, true, true, true]);
  const s = src.stats();
  assert.equal(s.extendedHighestSequence, 65536 + 2);
  assert.equal(s.expected, 65538 - 65533 + 1);
  assert.equal(s.packetsReceived, 6);
  assert.equal(s.cumulativeLost, 0);
  assert.equal(src.reportBlock(200).extendedHighestSequence, 0x00010002);
});

test('a gap below MAX_DROPOUT is accepted and counted as loss', () => {
  const src = new RtpSource(1, RATE);
  feed(src, [10, 11]);
  assert.equal(src.receive(11 + 2999, 0, 100, 160), true);
  const s = src.stats();
  assert.equal(s.expected, 3000);
  assert.equal(s.packetsReceived, 2);
  assert.equal(s.cumulativeLost, 2998);
});

test('a jump of 3000 or more is dropped once, and resyncs when the next packet follows it', () => {
  const src = new RtpSource(7, RATE);
  feed(src, [100, 101, 102, 103]);
  assert.equal(src.receive(103 + 3000, 0, 100, 160), false);
  // The old stream carries on: the stray packet changed nothing.
  assert.equal(src.receive(104, 104 * PTIME_TS, 120, 160), true);
  assert.equal(src.stats().extendedHighestSequence, 104);
  assert.equal(src.stats().cumulativeLost, 0);
  // The peer restarted at 40000: dropped once, then resynced on 40001 (A.1 init_seq).
  assert.equal(src.receive(40000, 0, 140, 160), false);
  assert.equal(src.receive(40001, 160, 160, 160), true);
  assert.equal(src.receive(40002, 320, 180, 160), true);
  const s = src.stats();
  assert.equal(s.extendedHighestSequence, 40002);
  assert.equal(s.packetsReceived, 2);
  assert.equal(s.expected, 2);
  assert.equal(s.cumulativeLost, 0);
});

test('two unrelated large jumps in a row do not resync', () => {
  const src = new RtpSource(7, RATE);
  feed(src, [100, 101]);
  assert.equal(src.receive(20000, 0, 40, 160), false);
  assert.equal(src.receive(30000, 0, 60, 160), false);
  assert.equal(src.receive(102, 102 * PTIME_TS, 80, 160), true);
  assert.equal(src.stats().extendedHighestSequence, 102);
});

test('duplicates count as received, so cumulative lost goes negative (A.3)', () => {
  const src = new RtpSource(9, RATE);
  feed(src, [0, 1]); // base sequence 1
  for (let seq = 2; seq <= 10; seq++) {
    assert.equal(src.receive(seq, seq * PTIME_TS, seq * 20, 160), true);
    assert.equal(src.receive(seq, seq * PTIME_TS, seq * 20 + 1, 160), true); // the network duplicated it
  }
  const s = src.stats();
  assert.equal(s.expected, 10);
  assert.equal(s.packetsReceived, 19);
  assert.equal(s.cumulativeLost, -9);
  assert.equal(s.duplicates, 9);
  const block = src.reportBlock(300);
  assert.equal(block.cumulativeLost, -9);
  assert.equal(block.fractionLost, 0); // lost_interval ≤ 0 reports 0
});

test('late packets are counted as reordered, late copies of received ones as duplicates', () => {
  const src = new RtpSource(9, RATE);
  feed(src, [0, 1, 2, 3, 5, 6]);
  assert.equal(src.stats().cumulativeLost, 1);
  assert.equal(src.receive(4, 4 * PTIME_TS, 200, 160), true);
  assert.equal(src.receive(3, 3 * PTIME_TS, 210, 160), true);
  const s = src.stats();
  assert.equal(s.reordered, 1);
  assert.equal(s.duplicates, 1);
  assert.equal(s.cumulativeLost, -1);
  assert.equal(s.extendedHighestSequence, 6);
});

test('fraction lost is per report interval; cumulative lost carries on (A.3)', () => {
  const src = new RtpSource(3, RATE);
  feed(src, [0, 1, 2, 3, 7, 8, 9, 10]); // base 1, 4..6 lost
  const first = src.reportBlock(1000);
  assert.equal(first.cumulativeLost, 3);
  assert.equal(first.fractionLost, Math.floor((3 * 256) / 10)); // 76
  assert.equal(src.stats().fractionLostLastInterval, 76 / 256);
  feed(src, [11, 12, 13, 14, 15, 16, 17, 18, 19, 20], 1000);
  const second = src.reportBlock(2000);
  assert.equal(second.fractionLost, 0);
  assert.equal(second.cumulativeLost, 3);
  assert.equal(second.extendedHighestSequence, 20);
  feed(src, [22, 24], 2000); // 2 lost of 4 expected
  assert.equal(src.reportBlock(3000).fractionLost, 128);
});

test('interarrival jitter converges to the injected arrival jitter (A.8)', () => {
  const src = new RtpSource(5, RATE);
  // Packets sent every 20 ms; every other one arrives 10 ms late, so |D| = 10 ms = 80 units each time.
  for (let i = 0; i < 300; i++) src.receive(i, i * PTIME_TS, i * 20 + (i % 2 === 1 ? 10 : 0), 160);
  const s = src.stats();
  assert.ok(Math.abs(s.jitterMs - 10) < 0.01, `jitter ${s.jitterMs} ms`);
  const block = src.reportBlock(6000);
  assert.ok(block.jitter === 79 || block.jitter === 80, `jitter ${block.jitter} timestamp units`);
});

test('jitter follows the estimator step by step and uses the clock rate', () => {
  const src = new RtpSource(5, 48000);
  src.receive(0, 0, 0, 100); // probation
  src.receive(1, 960, 20, 100); // first counted packet, no D yet
  src.receive(2, 1920, 44, 100); // D = 4 ms = 192 units at 48 kHz
  assert.ok(Math.abs(src.stats().jitterMs - (192 / 16 / 48)) < 1e-9);
  src.receive(3, 2880, 60, 100); // D = −4 ms: |D| = 192
  const j = 192 / 16 + (192 - 192 / 16) / 16;
  assert.ok(Math.abs(src.stats().jitterMs - j / 48) < 1e-9);
});

test('steady packets across the 32-bit RTP timestamp wrap show no jitter', () => {
  const src = new RtpSource(5, RATE);
  const start = 2 ** 32 - 5 * PTIME_TS;
  for (let i = 0; i < 20; i++) src.receive(100 + i, (start + i * PTIME_TS) >>> 0, 1000 + i * 20, 160);
  assert.equal(src.stats().jitterMs, 0);
});

test('report blocks carry LSR and DLSR from the last SR of the source (§6.4.1)', () => {
  const src = new RtpSource(0xabcdef01, RATE);
  feed(src, [1, 2, 3]);
  let block = src.reportBlock(100);
  assert.equal(block.lastSr, 0);
  assert.equal(block.delaySinceLastSr, 0);
  src.senderReport(0x12345678, 1000);
  block = src.reportBlock(3500);
  assert.equal(block.ssrc, 0xabcdef01);
  assert.equal(block.lastSr, 0x12345678);
  assert.equal(block.delaySinceLastSr, 2.5 * 65536);
});

test('the constructor refuses a bad SSRC or clock rate', () => {
  assert.throws(() => new RtpSource(-1, RATE), DialtoneError);
  assert.throws(() => new RtpSource(1, 0), DialtoneError);
});
