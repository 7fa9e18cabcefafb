import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../clock.js';
import { JitterBuffer, type JitterOutput, type JitterPacket } from './jitter-buffer.js';
import { int16Diff, int32Diff } from './jitter-seq.js';
import { seededRandom as prng } from '../../audio/seeded-random.js';

// --- a scripted network and device -------------------------------------------------


interface Arrival {
  at: number;
  packet: JitterPacket;
}

interface StreamSpec {
  count: number;
  startSeq?: number;
  startTs?: number;
  ssrc?: number;
  payloadType?: number;
  /** Timestamp step per packet. */
  tsStep?: number;
  /** Time between packets at the sender, in our clock's ms. */
  intervalMs?: number;
  t0?: number;
  /** Extra network delay per packet (ms); undefined = the packet is lost. */
  delay?: (i: number) => number | undefined;
}

function stream(spec: StreamSpec): Arrival[] {
  const out: Arrival[] = [];
  const step = spec.tsStep ?? 160;
  const interval = spec.intervalMs ?? (step / 8000) * 1000;
  for (let i = 0; i < spec.count; i++) {
    const extra = spec.delay === undefined ? 0 : spec.delay(i);
    if (extra === undefined) continue;
    out.push({
      at: (spec.t0 ?? 3) + i * interval + extra,
      packet: {
        sequence: ((spec.startSeq ?? 1000) + i) & 0xffff,
        timestamp: ((spec.startTs ?? 50_000) + i * step) % 2 ** 32,
        ssrc: spec.ssrc ?? 0x1234,
        marker: i === 0,
        payloadType: spec.payloadType ?? 0,
        payload: new Uint8Array([i & 0xff]),
      },
    });
  }
  return out;
}

interface Pulled {
  at: number;
  out: JitterOutput;
}

/** Delivers arrivals at their times and pulls one frame every frameMs, all on a FakeClock. */
class Sim {
  readonly clock = new FakeClock();
  readonly jb: JitterBuffer;
  readonly pulled: Pulled[] = [];
  private arrivals: Arrival[] = [];
  private nextPull = 0;

  constructor(
    private readonly frameMs = 20,
    opts: { minDelayMs?: number; maxDelayMs?: number } = {},
  ) {
    this.jb = new JitterBuffer({ clock: this.clock, clockRate: 8000, frameMs, ...opts });
  }

  send(arrivals: Arrival[]): this {
    this.arrivals.push(...arrivals);
    this.arrivals.sort((a, b) => a.at - b.at);
    return this;
  }

  /** Runs every event before `until`; `onPull` sees each output as it happens. */
  runUntil(until: number, onPull?: (p: Pulled) => void): this {
    for (;;) {
      const arrival = this.arrivals[0];
      const t = Math.min(arrival?.at ?? Infinity, this.nextPull);
      if (t >= until) break;
      this.clock.advance(t - this.clock.now());
      if (arrival !== undefined && arrival.at <= this.nextPull) {
        this.arrivals.shift();
        this.jb.put(arrival.packet);
      } else {
        const p = { at: t, out: this.jb.next() };
        this.pulled.push(p);
        onPull?.(p);
        this.nextPull += this.frameMs;
      }
    }
    return this;
  }

  /** Sequence numbers handed out, in order. */
  playedSeqs(): number[] {
    return this.pulled.flatMap((p) => (p.out.kind === 'packet' ? p.out.packets.map((q) => q.sequence) : []));
  }

  count(kind: JitterOutput['kind']): number {
    return this.pulled.filter((p) => p.out.kind === kind).length;
  }
}

function assertConsecutive(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) {
    assert.equal(int16Diff(seqs[i]!, seqs[i - 1]!), 1, `played ${seqs[i - 1]} then ${seqs[i]} at index ${i}`);
  }
}

function assertAscending(seqs: number[]): void {
  for (let i = 1; i < seqs.length; i++) {
    assert.ok(int16Diff(seqs[i]!, seqs[i - 1]!) > 0, `played ${seqs[i - 1]} then ${seqs[i]} at index ${i}`);
  }
}

// --- tests ---------------------------------------------------------------------------

test('serial arithmetic wraps 16-bit sequence numbers and 32-bit timestamps', () => {
  assert.equal(int16Diff(0, 65535), 1);
  assert.equal(int16Diff(65535, 0), -1);
  assert.equal(int16Diff(10, 10), 0);
  assert.equal(int32Diff(5, 2 ** 32 - 155), 160);
  assert.equal(int32Diff(2 ** 32 - 155, 5), -160);
});

test('silence before the first packet, then the stream starts after the minimum delay', () => {
  const sim = new Sim().send(stream({ count: 10, t0: 103 }));
  sim.runUntil(100);
  assert.ok(sim.pulled.every((p) => p.out.kind === 'silence'));
  sim.runUntil(400);
  const first = sim.pulled.find((p) => p.out.kind === 'packet');
  assert.ok(first !== undefined);
  assert.ok(first.at - 103 >= 20 && first.at - 103 <= 40, `first played ${first.at - 103} ms after arrival`);
  assert.deepEqual(sim.playedSeqs(), Array.from({ length: 10 }, (_, i) => 1000 + i));
});

test('steady stream: delay settles at minDelay, nothing lost or late', () => {
  const sim = new Sim().send(stream({ count: 500 }));
  const delays: number[] = [];
  sim.runUntil(9000, (p) => {
    if (p.at > 1000) delays.push(sim.jb.stats().currentDelayMs);
  });
  for (const d of delays) assert.ok(Math.abs(d - 40) < 1, `delay ${d}`);
  sim.runUntil(11_000);
  const s = sim.jb.stats();
  assert.equal(s.played, 500);
  assert.equal(s.lost, 0);
  assert.equal(s.late, 0);
  assert.equal(s.skewDrops + s.skewInserts + s.overflowDrops, 0);
  assert.equal(s.targetDelayMs, 40);
  assertConsecutive(sim.playedSeqs());
  // Between the first and the last packet every frame is a packet.
  const first = sim.pulled.findIndex((p) => p.out.kind === 'packet');
  assert.ok(sim.pulled.slice(first, first + 500).every((p) => p.out.kind === 'packet'));
});

test('±30 ms random jitter: the delay grows to cover it and late packets stay under 1 %', () => {
  const rnd = prng(42);
  const count = 3000;
  const sim = new Sim().send(stream({ count, t0: 40, delay: () => 30 + (rnd() * 60 - 30) }));
  sim.runUntil(count * 20 - 200);
  const mid = sim.jb.stats();
  assert.ok(mid.currentDelayMs >= 55 && mid.currentDelayMs <= 120, `delay ${mid.currentDelayMs}`);
  assert.ok(mid.targetDelayMs > 40, `target ${mid.targetDelayMs}`);
  sim.runUntil(count * 20 + 1000);
  const s = sim.jb.stats();
  assert.ok(s.late / count < 0.01, `late ${s.late}`);
  assert.ok(s.reordered > 0);
  assert.equal(s.played + s.lost, count);
  assert.ok(s.lost / count < 0.01, `lost ${s.lost}`);
  assert.ok(s.jitterMs > 10, `jitter ${s.jitterMs}`);
  assertAscending(sim.playedSeqs());
});

test('the target rises at once on a late packet and sinks by at most one frame per second', () => {
  const count = 1500;
  // One packet 150 ms late at 5 s; everything else on time.
  const sim = new Sim().send(stream({ count, delay: (i) => (i === 250 ? 150 : 0) }));
  sim.runUntil(5000);
  assert.equal(sim.jb.stats().targetDelayMs, 40);
  const targets: number[] = [];
  const delays: number[] = [];
  let lastDrops = 0;
  let lastDropAt = -Infinity;
  sim.runUntil(count * 20, (p) => {
    const s = sim.jb.stats();
    targets.push(s.targetDelayMs);
    delays.push(s.currentDelayMs);
    if (s.skewDrops > lastDrops) {
      assert.ok(p.at - lastDropAt >= 1000, `drops ${p.at - lastDropAt} ms apart`);
      lastDrops = s.skewDrops;
      lastDropAt = p.at;
    }
  });
  const peak = Math.max(...targets);
  assert.ok(peak >= 150, `target peaked at ${peak}`);
  // 50 pulls per second: the target falls by no more than 20 ms per second.
  for (let i = 50; i < targets.length; i++) assert.ok(targets[i - 50]! - targets[i]! <= 20.5);
  assert.ok(Math.max(...delays) >= 140, 'the delay grew to carry the late packet');
  assert.equal(targets[targets.length - 1], 40, 'back to the minimum after the spike');
  assert.ok(delays[delays.length - 1]! < 75, `delay at the end ${delays[delays.length - 1]}`);
  const s = sim.jb.stats();
  assert.equal(s.played + s.lost + s.skewDrops, count - s.bufferedPackets);
  assert.ok(s.lost <= 1);
});

test('a packet that misses its frame while the buffer is empty is concealed, counted late, and still played', () => {
  const sim = new Sim().send(stream({ count: 100, delay: (i) => (i === 50 ? 50 : 0) }));
  sim.runUntil(3000);
  const s = sim.jb.stats();
  assert.equal(s.late, 1);
  assert.equal(s.lost, 0);
  assert.equal(s.played, 100);
  assert.ok(s.underruns >= 1);
  assertConsecutive(sim.playedSeqs());
});

test('5 % random loss: lost ≈ 5 % and played + lost = sent', () => {
  const rnd = prng(7);
  const count = 4000;
  const sim = new Sim().send(stream({ count, delay: (i) => (i > 0 && i < count - 1 && rnd() < 0.05 ? undefined : 0) }));
  sim.runUntil(count * 20 + 500);
  const s = sim.jb.stats();
  assert.equal(s.played + s.lost, count);
  assert.ok(s.lost / count > 0.035 && s.lost / count < 0.065, `lost ${s.lost}`);
  assert.equal(s.late, 0);
  // One concealed frame per lost packet (the frames after the last packet are the stream's end).
  let lastPacket = sim.pulled.length - 1;
  while (sim.pulled[lastPacket]!.out.kind !== 'packet') lastPacket--;
  const concealed = sim.pulled.slice(0, lastPacket).filter((p) => p.out.kind === 'lost').length;
  assert.equal(concealed, s.lost);
  assertAscending(sim.playedSeqs());
});

test('adjacent pairs swapped in flight are all played in order', () => {
  const count = 400;
  const arrivals = stream({ count });
  for (let i = 0; i + 1 < count; i += 2) {
    const a = arrivals[i]!;
    const b = arrivals[i + 1]!;
    [a.packet, b.packet] = [b.packet, a.packet];
  }
  const sim = new Sim().send(arrivals).runUntil(count * 20 + 500);
  const s = sim.jb.stats();
  assert.equal(s.reordered, count / 2);
  assert.equal(s.played, count);
  assert.equal(s.lost, 0);
  // Only the very first pair can be late: the buffer starts from packet 1, and packet 0
  // arrives 40 ms behind it; it still plays because part of its slot is ahead.
  assert.ok(s.late <= 1);
  assertConsecutive(sim.playedSeqs());
});

test('duplicates are counted and played once', () => {
  const count = 300;
  const arrivals = stream({ count });
  const dups = arrivals.map((a, i) => ({ at: a.at + (i % 3 === 0 ? 5 : 60), packet: { ...a.packet } }));
  const sim = new Sim().send([...arrivals, ...dups]).runUntil(count * 20 + 500);
  const s = sim.jb.stats();
  assert.equal(s.duplicates, count);
  assert.equal(s.played, count);
  assert.equal(s.late + s.lost, 0);
  assertConsecutive(sim.playedSeqs());
});

function skewRun(factor: number): { sim: Sim; delays: number[]; targets: number[]; count: number } {
  const minutes = 5;
  const interval = 20 / factor;
  const count = Math.floor((minutes * 60_000) / interval);
  const sim = new Sim().send(stream({ count, intervalMs: interval }));
  const delays: number[] = [];
  const targets: number[] = [];
  sim.runUntil(minutes * 60_000, (p) => {
    if (p.at < 2000) return;
    const s = sim.jb.stats();
    delays.push(s.currentDelayMs);
    targets.push(s.targetDelayMs);
  });
  return { sim, delays, targets, count };
}

test('sender 1 % fast for 5 minutes: frames are dropped and the delay stays near the target', () => {
  const { sim, delays, targets, count } = skewRun(1.01);
  const s = sim.jb.stats();
  assert.ok(Math.max(...delays) <= Math.max(...targets) + 31, `max delay ${Math.max(...delays)}`);
  assert.ok(Math.min(...delays) >= 30, `min delay ${Math.min(...delays)}`);
  assert.ok(s.skewDrops >= 130 && s.skewDrops <= 160, `skewDrops ${s.skewDrops}`);
  assert.equal(s.lost + s.late + s.overflowDrops, 0);
  assert.equal(s.played + s.skewDrops + s.bufferedPackets, count);
  assertAscending(sim.playedSeqs());
});

test('sender 1 % slow for 5 minutes: frames are inserted, never a run of losses', () => {
  const { sim, delays } = skewRun(0.99);
  const s = sim.jb.stats();
  assert.ok(Math.max(...delays) <= 80, `max delay ${Math.max(...delays)}`);
  assert.ok(Math.min(...delays) >= 20, `min delay ${Math.min(...delays)}`);
  assert.ok(s.skewInserts >= 130 && s.skewInserts <= 170, `skewInserts ${s.skewInserts}`);
  assert.equal(s.lost + s.late + s.underruns, 0);
  const first = sim.pulled.findIndex((p) => p.out.kind === 'packet');
  for (let i = first + 1; i < sim.pulled.length; i++) {
    const run = sim.pulled[i - 1]!.out.kind === 'lost' && sim.pulled[i]!.out.kind === 'lost';
    assert.ok(!run, `two concealed frames in a row at ${sim.pulled[i]!.at}`);
  }
  assertConsecutive(sim.playedSeqs());
});

test('SSRC change mid-stream: one resync, the new stream plays, stragglers of the old one are dropped', () => {
  const a = stream({ count: 200 });
  const b = stream({ count: 200, t0: 200 * 20 + 3, ssrc: 0xbeef, startSeq: 40_000, startTs: 9_000_000, payloadType: 8 });
  const straggler: Arrival = { at: 200 * 20 + 50, packet: { ...a[199]!.packet, sequence: 1000 + 200 } };
  const sim = new Sim().send([...a, ...b, straggler]).runUntil(400 * 20 + 500);
  const s = sim.jb.stats();
  assert.equal(s.resyncs, 1);
  const played = sim.pulled.flatMap((p) => (p.out.kind === 'packet' ? p.out.packets : []));
  const firstB = played.findIndex((p) => p.ssrc === 0xbeef);
  assert.ok(firstB > 0);
  assert.ok(played.slice(firstB).every((p) => p.ssrc === 0xbeef && p.payloadType === 8), 'no old packet after the switch');
  assert.equal(played.length - firstB, 200, 'every packet of the new stream plays');
  assertConsecutive(played.slice(firstB).map((p) => p.sequence));
  assert.equal(s.played + s.flushed, 400);
  assert.equal(s.late, 1);
});

test('a timestamp and sequence jump of minutes restarts once confirmed; a lone stray does not', () => {
  const a = stream({ count: 100 });
  const stray: Arrival = { at: 1000.5, packet: { ...a[50]!.packet, sequence: 30_000, timestamp: 123 } };
  const b = stream({ count: 100, t0: 100 * 20 + 3, startSeq: 20_000, startTs: 400_000_000 });
  const sim = new Sim().send([...a, stray, ...b]).runUntil(200 * 20 + 500);
  const s = sim.jb.stats();
  assert.equal(s.resyncs, 1);
  assert.equal(s.strays, 1);
  assert.equal(s.played + s.flushed, 200);
  const seqs = sim.playedSeqs();
  assert.ok(!seqs.includes(30_000));
  assertConsecutive(seqs.slice(seqs.indexOf(20_000)));
  assert.equal(seqs.indexOf(20_000), 100 - s.flushed);
});

test('30 ms packets with 20 ms pulls: every packet plays in order with continue between', () => {
  const count = 300;
  const sim = new Sim().send(stream({ count, tsStep: 240 })).runUntil(count * 30 + 500);
  const s = sim.jb.stats();
  assert.equal(s.played, count);
  assert.equal(s.lost + s.late + s.skewDrops + s.skewInserts, 0);
  assertConsecutive(sim.playedSeqs());
  // Two packets every three frames, and the consumer's queue never runs short.
  assert.ok(Math.abs(sim.count('continue') - count / 2) <= 1, `continue ${sim.count('continue')}`);
  const first = sim.pulled.findIndex((p) => p.out.kind === 'packet');
  const middle = sim.pulled.slice(first, first + Math.floor((count * 3) / 2));
  assert.ok(middle.every((p) => p.out.kind === 'packet' || p.out.kind === 'continue'));
  let queue = 0;
  for (const p of middle) {
    if (p.out.kind === 'packet') queue += p.out.packets.length * 240;
    assert.ok(queue >= 160, 'the consumer has a full frame');
    queue -= 160;
  }
});

test('10 ms packets with 20 ms pulls: two packets per frame', () => {
  const count = 400;
  const sim = new Sim().send(stream({ count, tsStep: 80 })).runUntil(count * 10 + 500);
  const s = sim.jb.stats();
  assert.equal(s.played, count);
  assert.equal(s.lost + s.late, 0);
  assertConsecutive(sim.playedSeqs());
  const packetFrames = sim.pulled.filter((p) => p.out.kind === 'packet');
  assert.equal(packetFrames.length, count / 2);
  assert.ok(packetFrames.every((p) => p.out.kind === 'packet' && p.out.packets.length === 2));
});

test('sequence 65535→0 and timestamp 2^32→0 wrap mid-stream without a hiccup', () => {
  const rnd = prng(3);
  const count = 600;
  const sim = new Sim()
    .send(stream({ count, startSeq: 65_300, startTs: 2 ** 32 - 300 * 160, delay: () => rnd() * 20 }))
    .runUntil(count * 20 + 500);
  const s = sim.jb.stats();
  assert.equal(s.resyncs, 0);
  assert.equal(s.played, count);
  assert.equal(s.lost + s.late, 0);
  const seqs = sim.playedSeqs();
  assert.ok(seqs.includes(65_535) && seqs.includes(0));
  assertConsecutive(seqs);
});

test('a pause the sender leaves (marker, timestamp gap) is silence, not loss', () => {
  const first = stream({ count: 50 });
  const second = stream({ count: 50, t0: 50 * 20 + 1000 + 3, startSeq: 1050, startTs: 50_000 + 50 * 160 + 8000 });
  const sim = new Sim().send([...first, ...second]).runUntil(100 * 20 + 1500);
  const s = sim.jb.stats();
  assert.equal(s.played, 100);
  assert.equal(s.lost + s.late + s.resyncs, 0);
  assertConsecutive(sim.playedSeqs());
  const firstIdx = sim.pulled.findIndex((p) => p.out.kind === 'packet');
  const gap = sim.pulled.slice(firstIdx + 50, firstIdx + 50 + 45);
  assert.ok(gap.every((p) => p.out.kind === 'silence' || p.out.kind === 'lost'));
  assert.ok(gap.filter((p) => p.out.kind === 'lost').length <= 4, 'at most a short hold before giving up');
});

test('overflow: a burst larger than maxDelay keeps only the newest, the oldest are dropped', () => {
  const sim = new Sim(20, { maxDelayMs: 200 });
  const burst = stream({ count: 60 }).map((a) => ({ ...a, at: 3 }));
  sim.send(burst).runUntil(2);
  sim.runUntil(5);
  const s = sim.jb.stats();
  assert.ok(s.overflowDrops > 0);
  assert.ok(s.bufferedPackets * 20 <= 200 + 3 * 20 + 20, `buffered ${s.bufferedPackets}`);
  sim.runUntil(3000);
  const after = sim.jb.stats();
  assert.equal(after.played + after.overflowDrops + after.skewDrops, 60);
  assert.ok(after.skewDrops <= 3, 'the remaining excess drains at one frame per second');
  assertAscending(sim.playedSeqs());
  assert.equal(sim.playedSeqs().at(-1), 1059);
});

test('reset forgets the stream and the counters', () => {
  const sim = new Sim().send(stream({ count: 20 })).runUntil(300);
  assert.ok(sim.jb.stats().played > 0);
  sim.jb.reset();
  const s = sim.jb.stats();
  assert.equal(s.packetsIn + s.played + s.bufferedPackets, 0);
  assert.equal(sim.jb.next().kind, 'silence');
});
