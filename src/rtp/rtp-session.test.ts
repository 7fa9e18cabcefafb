import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeClock } from '../clock.js';
import { MemoryLogger } from '../log.js';
import { parseRtp, serializeRtp, type RtpPacket } from './packet.js';
import { RtpPortAllocator } from './port-allocator.js';
import { ntpFromWallMs, parseRtcpCompound, SDES_CNAME, serializeRtcpCompound, type RtcpPacket } from './rtcp.js';
import { RtpSession, type RtpSessionOptions } from './rtp-session.js';
import { formatCryptoAttribute, newCryptoAttribute, parseCryptoAttribute } from './srtp/sdes.js';
import type { RtpEndpoint, SrtpKeys } from './types.js';

const HOST = '127.0.0.1';
const E_MINUS_1_5 = Math.E - 1.5;
const b0 = 42000 + 2 * randomInt(0, 4000);
const allocator = new RtpPortAllocator({ min: b0, max: b0 + 399, address: HOST });

// ---------------------------------------------------------------- helpers

interface Opened {
  session: RtpSession;
  log: MemoryLogger;
  got: RtpPacket[];
}

type OpenOptions = Partial<Omit<RtpSessionOptions, 'sockets'>> & { rtcpMux: boolean };

async function open(opts: OpenOptions): Promise<Opened> {
  const sockets = await allocator.allocate({ rtcpMux: opts.rtcpMux });
  const log = new MemoryLogger();
  const session = await RtpSession.open({ clock: new FakeClock(), cname: 'test@dialtone', clockRate: 8000, ...opts, sockets, log });
  const got: RtpPacket[] = [];
  session.onPacket((p) => got.push({ ...p, payload: Uint8Array.from(p.payload) }));
  return { session, log, got };
}

function endpoint(s: RtpSession, rtcpMux: boolean): RtpEndpoint {
  return { address: HOST, rtpPort: s.localPort, rtcpPort: rtcpMux ? s.localPort : s.localPort + 1 };
}

/** Two sessions that know each other's address. */
async function connected(rtcpMux: boolean, a: Partial<OpenOptions> = {}, b: Partial<OpenOptions> = {}): Promise<[Opened, Opened]> {
  const x = await open({ rtcpMux, ...a });
  const y = await open({ rtcpMux, ...b });
  x.session.setRemote(endpoint(y.session, rtcpMux));
  y.session.setRemote(endpoint(x.session, rtcpMux));
  return [x, y];
}

interface Raw {
  socket: Socket;
  port: number;
  got: { msg: Buffer; from: RemoteInfo }[];
  close(): Promise<void>;
}

/** A plain UDP socket that records what it receives. */
async function raw(port = 0): Promise<Raw> {
  const socket = createSocket('udp4');
  const r: Raw = {
    socket, port: 0, got: [],
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on('message', (msg, from) => r.got.push({ msg, from }));
  await new Promise<void>((resolve) => socket.bind(port, HOST, () => resolve()));
  r.port = socket.address().port;
  return r;
}

function sendRaw(socket: Socket, msg: Uint8Array, port: number): Promise<void> {
  return new Promise((resolve) => socket.send(msg, port, HOST, () => resolve()));
}

function rtp(ssrc: number, sequence: number, timestamp = sequence * 160, payload = Uint8Array.of(1, 2, 3)): Buffer {
  return serializeRtp({ marker: false, payloadType: 0, sequence, timestamp, ssrc, payload });
}

async function waitFor(cond: () => boolean, what = 'condition', ms = 2000): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

/** Advances a FakeClock timer by timer, giving real time after each for datagrams to arrive. */
async function advance(clock: FakeClock, ms: number, settleMs = 25): Promise<void> {
  let left = ms;
  for (let due = clock.nextDueIn(); due !== undefined && due <= left; due = clock.nextDueIn()) {
    await clock.advanceAsync(due);
    left -= due;
    await sleep(settleMs);
  }
  await clock.advanceAsync(left);
}

/** Random values for RtpSession: SSRC, initial sequence, then the RTCP intervals. */
function randoms(ssrc: number, seq: number, rest = 0.5): () => number {
  const queue = [ssrc / 2 ** 32, seq / 65536];
  return () => queue.shift() ?? rest;
}

function rtcpOf(msgs: { msg: Buffer }[]): RtcpPacket[][] {
  return msgs.map((m) => {
    const parsed = parseRtcpCompound(m.msg);
    assert.ok(parsed.ok, 'RTCP parses');
    return parsed.packets;
  });
}

async function sendPaced(s: RtpSession, n: number, first = 0): Promise<void> {
  for (let i = first; i < first + n; i++) {
    s.send({ payloadType: 0, payload: Uint8Array.of(i & 0xff, 0xaa), timestamp: i * 160 });
    if (i % 10 === 9) await sleep(1);
  }
}

async function closeAll(...sessions: Opened[]): Promise<void> {
  await Promise.all(sessions.map((o) => o.session.close()));
}

// ---------------------------------------------------------------- media both ways

for (const rtcpMux of [true, false]) {
  test(`two sessions exchange packets both ways (rtcp-mux ${rtcpMux})`, async () => {
    const [a, b] = await connected(rtcpMux);
    try {
      await sendPaced(a.session, 10);
      await sendPaced(b.session, 10, 100);
      // The first packet of a new SSRC is its probation packet (RFC 3550 A.1): 9 of 10 are delivered.
      await waitFor(() => a.got.length === 9 && b.got.length === 9, 'media');
      assert.deepEqual(b.got.map((p) => p.payload[0]), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.deepEqual(a.got.map((p) => p.payload[0]), [101, 102, 103, 104, 105, 106, 107, 108, 109]);
      assert.ok(b.got.every((p) => p.ssrc === a.session.ssrc && p.payloadType === 0));
      const sa = a.session.stats();
      assert.equal(sa.packetsSent, 10);
      assert.equal(sa.octetsSent, 20);
      assert.equal(sa.received?.ssrc, b.session.ssrc);
      assert.equal(sa.received?.packetsReceived, 9);
      assert.equal(sa.discarded, 0);
      assert.equal(sa.latched, true); // locked onto B's (signalled) address
      assert.deepEqual(sa.remote, endpoint(b.session, rtcpMux));
      assert.equal(typeof sa.lastReceivedAt, 'number');
      assert.equal(a.session.localPort % 2, 0);
    } finally {
      await closeAll(a, b);
    }
  });
}

test('sequence numbers go up by one per packet and wrap; timestamps and marker are the caller\'s', async () => {
  const [a, b] = await connected(true, { random: randoms(0x12345678, 65533) });
  try {
    assert.equal(a.session.ssrc, 0x12345678);
    const sent = [
      { timestamp: 1000, marker: true },
      { timestamp: 1160, marker: false },
      { timestamp: 7, marker: true },
      { timestamp: 2 ** 32 - 1, marker: false },
      { timestamp: 2 ** 32 + 5, marker: false }, // the caller's clock may run past 2^32: sent modulo 2^32
    ];
    for (const s of sent) a.session.send({ payloadType: 8, payload: Uint8Array.of(1), ...s });
    await waitFor(() => b.got.length === 4, 'packets');
    assert.deepEqual(b.got.map((p) => p.sequence), [65534, 65535, 0, 1]);
    assert.deepEqual(b.got.map((p) => p.timestamp), [1160, 7, 2 ** 32 - 1, 5]);
    assert.deepEqual(b.got.map((p) => p.marker), [false, true, false, false]);
    assert.deepEqual(b.got.map((p) => p.payloadType), [8, 8, 8, 8]);
    assert.equal(b.session.stats().received?.extendedHighestSequence, 65536 + 1);
  } finally {
    await closeAll(a, b);
  }
});

test('setSending(false) stops RTP but not RTCP; nothing is sent without a remote', async () => {
  const clock = new FakeClock();
  const far = await raw();
  const a = await open({ rtcpMux: true, clock, random: randoms(1, 1) });
  try {
    a.session.send({ payloadType: 0, payload: Uint8Array.of(1), timestamp: 0 }); // no remote yet: dropped
    a.session.setRemote({ address: HOST, rtpPort: far.port, rtcpPort: far.port });
    a.session.setSending(false);
    a.session.send({ payloadType: 0, payload: Uint8Array.of(1), timestamp: 0 });
    await advance(clock, 3000);
    await waitFor(() => far.got.length === 1, 'RTCP');
    assert.equal(a.session.stats().packetsSent, 0);
    assert.equal(rtcpOf(far.got)[0]?.[0]?.type, 'rr');
    a.session.setSending(true);
    a.session.send({ payloadType: 0, payload: Uint8Array.of(1), timestamp: 160 });
    await waitFor(() => far.got.length === 2, 'RTP');
    const p = parseRtp(far.got[1]!.msg);
    assert.ok(p.ok);
    assert.equal(p.packet.sequence, 1);
  } finally {
    await a.session.close();
    await far.close();
  }
});

// ---------------------------------------------------------------- RTCP

test('RTCP schedule (§6.3): first report at half the minimum, then every 5 s (randomised); SR after RTP, else RR', async () => {
  const clock = new FakeClock(0);
  const far = await raw();
  const a = await open({ rtcpMux: true, clock, random: randoms(0xabcdef01, 100), remote: { address: HOST, rtpPort: far.port, rtcpPort: far.port }, cname: 'alice@dialtone' });
  try {
    const first = 2500 / E_MINUS_1_5; // random 0.5 → factor 1
    const next = 5000 / E_MINUS_1_5;
    assert.ok(Math.abs((a.session.nextReportAt ?? 0) - first) < 1e-6);
    await advance(clock, first - 1);
    assert.equal(far.got.length, 0);
    await advance(clock, 2);
    await waitFor(() => far.got.length === 1, 'first report');
    const [rr] = rtcpOf(far.got);
    assert.deepEqual(rr?.map((p) => p.type), ['rr', 'sdes']);
    assert.equal(rr?.[0]?.type === 'rr' && rr[0].ssrc, 0xabcdef01);
    assert.deepEqual(rr?.[1]?.type === 'sdes' && rr[1].chunks[0], { ssrc: 0xabcdef01, items: [{ type: SDES_CNAME, text: 'alice@dialtone' }] });

    // RTP at t ≈ first + 1000, timestamp 8000: the SR at t ≈ first + next extrapolates it at 8 kHz.
    await clock.advanceAsync(1000);
    const sentAt = clock.now();
    const due = a.session.nextReportAt ?? 0;
    assert.ok(Math.abs(due - (first + next)) < 1e-6);
    a.session.send({ payloadType: 0, payload: new Uint8Array(160), timestamp: 8000 });
    a.session.send({ payloadType: 0, payload: new Uint8Array(160), timestamp: 8160 });
    await waitFor(() => far.got.length === 3, 'RTP');
    await advance(clock, due - sentAt + 1);
    await waitFor(() => far.got.length === 4, 'second report');
    const sr = rtcpOf([far.got[3]!])[0]?.[0];
    assert.ok(sr?.type === 'sr');
    assert.equal(sr.packetCount, 2);
    assert.equal(sr.octetCount, 320);
    assert.equal(sr.rtpTimestamp, 8160 + Math.round((due - sentAt) * 8));
    const ntp = ntpFromWallMs(clock.wallTime() - 1);
    assert.equal(sr.ntpSeconds, ntp.seconds);
    assert.equal(sr.ntpFraction, ntp.fraction);

    // No RTP since: back to RR.
    await advance(clock, next);
    await waitFor(() => far.got.length === 5, 'third report');
    assert.equal(rtcpOf([far.got[4]!])[0]?.[0]?.type, 'rr');
  } finally {
    await a.session.close();
    await far.close();
  }
});

/** A relay between A and B (A sends to it; B's replies come back to A) that drops chosen A→B packets. */
async function lossyRelay(b: number, drop: (msg: Buffer) => boolean): Promise<Raw & { dropped: number }> {
  const relay = Object.assign(await raw(), { dropped: 0 });
  let sideA: RemoteInfo | undefined;
  relay.socket.on('message', (msg, from) => {
    if (from.port === b) {
      if (sideA) relay.socket.send(msg, sideA.port, HOST);
      return;
    }
    sideA = from;
    if (drop(msg)) relay.dropped++;
    else relay.socket.send(msg, b, HOST);
  });
  return relay;
}

for (const rtcpMux of [true, false]) {
  test(`RTCP SR/RR: the far end's report shows the loss and a small RTT (rtcp-mux ${rtcpMux})`, async () => {
    const clock = new FakeClock(0);
    // A reports first (random 0 → factor 0.5), B later (0.99 → 1.49): B has A's SR when it reports.
    const a = await open({ rtcpMux, clock, random: randoms(0xa, 1000, 0) });
    const b = await open({ rtcpMux, clock, random: randoms(0xb, 2000, 0.99) });
    const lost = new Set([1005, 1010, 1011, 1030, 1040]);
    const relay = await lossyRelay(b.session.localPort, (msg) => {
      const p = parseRtp(msg);
      return p.ok && p.packet.payloadType === 0 && lost.has(p.packet.sequence);
    });
    try {
      // With rtcp-mux everything goes through the relay; without, RTP does and RTCP goes direct.
      a.session.setRemote({ address: HOST, rtpPort: relay.port, rtcpPort: rtcpMux ? relay.port : b.session.localPort + 1 });
      b.session.setRemote(endpoint(a.session, rtcpMux));
      await sendPaced(a.session, 50);
      await sendPaced(b.session, 20);
      await waitFor(() => b.got.length === 44 && a.got.length === 19, 'media'); // 50 − 5 lost − 1 probation
      assert.equal(relay.dropped, 5);
      assert.equal(b.session.stats().received?.cumulativeLost, 5);

      await advance(clock, 2000); // A's SR (≈1026 ms), B's SR (≈3058 ms) not yet
      assert.equal(a.session.stats().remoteReport, undefined);
      await advance(clock, 1500);
      await waitFor(() => a.session.stats().remoteReport !== undefined, 'B\'s report');
      const report = a.session.stats().remoteReport!;
      assert.equal(report.cumulativeLost, 5);
      assert.equal(report.fractionLost, Math.floor((5 * 256) / 49) / 256);
      assert.ok(report.jitterMs >= 0);
      assert.ok(report.receivedAt > Date.UTC(2026, 0, 1) + 3000 && report.receivedAt <= clock.wallTime());
      assert.ok(report.rttMs !== undefined && report.rttMs >= 0 && report.rttMs < 50, `rtt ${report.rttMs}`);

      // A's next report carries a block about B's stream, with no loss.
      await advance(clock, 5000);
      await waitFor(() => b.session.stats().remoteReport !== undefined, 'A\'s report');
      const back = b.session.stats().remoteReport!;
      assert.equal(back.cumulativeLost, 0);
      assert.equal(back.fractionLost, 0);
      assert.ok(back.rttMs !== undefined && back.rttMs >= 0 && back.rttMs < 50);
      assert.equal(a.session.discardCounts().rtcp_malformed + b.session.discardCounts().rtcp_malformed, 0);
    } finally {
      await closeAll(a, b);
      await relay.close();
    }
  });
}

test('close sends BYE (§6.6), stops the timers, releases the ports, and is idempotent', async () => {
  const clock = new FakeClock();
  const far = await raw();
  const before = allocator.inUse;
  const a = await open({ rtcpMux: false, clock, random: randoms(0x5e55, 1), remote: { address: HOST, rtpPort: far.port, rtcpPort: far.port } });
  assert.equal(allocator.inUse, before + 1);
  const port = a.session.localPort;
  a.session.send({ payloadType: 0, payload: Uint8Array.of(1), timestamp: 0 });
  await waitFor(() => far.got.length === 1, 'RTP');
  assert.equal(clock.pendingCount(), 1);
  const closing = a.session.close();
  assert.equal(a.session.close(), closing);
  await closing;
  assert.equal(clock.pendingCount(), 0);
  assert.equal(allocator.inUse, before);
  await waitFor(() => far.got.length === 2, 'BYE');
  const packets = rtcpOf([far.got[1]!])[0]!;
  assert.deepEqual(packets.map((p) => p.type), ['sr', 'sdes', 'bye']);
  assert.deepEqual(packets[2]?.type === 'bye' && packets[2].ssrcs, [0x5e55]);
  assert.equal(far.got[1]!.from.port, port + 1); // from the RTCP socket
  a.session.send({ payloadType: 0, payload: Uint8Array.of(1), timestamp: 160 }); // ignored after close
  // The ports are free: plain sockets can take them.
  const r1 = await raw(port);
  const r2 = await raw(port + 1);
  await r1.close();
  await r2.close();
  await far.close();
});

test('a session that never sent anything closes without a BYE', async () => {
  const far = await raw();
  const a = await open({ rtcpMux: true, remote: { address: HOST, rtpPort: far.port, rtcpPort: far.port } });
  await a.session.close();
  await sleep(30);
  assert.equal(far.got.length, 0);
  await far.close();
});

// ---------------------------------------------------------------- latching

test('latching: A signalled a wrong port for B still reaches B once B\'s packets arrive from its real port', async () => {
  const clock = new FakeClock();
  const wrong = await raw();
  const a = await open({ rtcpMux: false, clock, random: randoms(0xaa, 10) });
  const b = await open({ rtcpMux: false, clock, random: randoms(0xbb, 20, 0.9) });
  try {
    a.session.setRemote({ address: HOST, rtpPort: wrong.port, rtcpPort: wrong.port + 1 });
    b.session.setRemote(endpoint(a.session, false));
    await sendPaced(a.session, 2);
    await waitFor(() => wrong.got.length === 2, 'packets to the wrong port');
    assert.equal(a.session.stats().latched, false);

    b.session.send({ payloadType: 0, payload: Uint8Array.of(1), timestamp: 0 });
    await sleep(20);
    assert.equal(a.session.stats().latched, false, 'one packet is not enough');
    b.session.send({ payloadType: 0, payload: Uint8Array.of(2), timestamp: 160 });
    await waitFor(() => a.session.stats().latched, 'latch');
    assert.deepEqual(a.session.stats().remote, { address: HOST, rtpPort: b.session.localPort, rtcpPort: b.session.localPort + 1 });
    assert.ok(a.log.entries.some((e) => e.msg.startsWith('symmetric RTP: sending to where')));

    await sendPaced(a.session, 3, 2);
    await waitFor(() => b.got.length === 2, 'A\'s media at B');
    assert.equal(wrong.got.length, 2);
    // RTCP follows: A's report about B's stream reaches B's RTCP port.
    await advance(clock, 4000);
    await waitFor(() => b.session.stats().remoteReport !== undefined, 'A\'s RTCP at B');
  } finally {
    await closeAll(a, b);
    await wrong.close();
  }
});

test('latching: a stray packet from a third socket does not steal the stream; two out of sequence do not either', async () => {
  const stray = await raw();
  const [a, b] = await connected(true);
  try {
    await sendRaw(stray.socket, rtp(0x777, 10), a.session.localPort);
    await sendRaw(stray.socket, rtp(0x777, 20), a.session.localPort);
    await sleep(20);
    assert.equal(a.session.stats().latched, false);
    assert.deepEqual(a.session.stats().remote, endpoint(b.session, true));
    await sendPaced(b.session, 3);
    await sendRaw(stray.socket, rtp(0x777, 21), a.session.localPort); // after B has latched: foreign
    await waitFor(() => a.got.length === 2, 'B\'s media');
    assert.deepEqual(a.session.stats().remote, endpoint(b.session, true));
    assert.equal(a.session.stats().latched, true);
    await sendPaced(a.session, 3);
    await waitFor(() => b.got.length === 2, 'A\'s media at B');
    assert.equal(stray.got.length, 0);
    assert.ok(a.got.every((p) => p.ssrc === b.session.ssrc));
  } finally {
    await closeAll(a, b);
    await stray.close();
  }
});

test('after latching, packets from a third socket are discarded and counted (RTP bleed); setRemote restarts latching', async () => {
  const third = await raw();
  const [a, b] = await connected(true);
  try {
    await sendPaced(b.session, 3);
    await waitFor(() => a.session.stats().latched && a.got.length === 2, 'latch');
    // Valid, in-sequence RTP with B's own SSRC from another address: still refused.
    for (let i = 3; i < 8; i++) await sendRaw(third.socket, rtp(b.session.ssrc, ((b.session.stats().received?.extendedHighestSequence ?? 0) + i) & 0xffff), a.session.localPort);
    await sendRaw(third.socket, Buffer.from([0x80, 200, 0, 1, 0, 0, 0, 1]), a.session.localPort); // RTCP RR, too
    await waitFor(() => a.session.stats().discarded === 6, 'discards');
    assert.equal(a.session.discardCounts().rtp_foreign_source, 5);
    assert.equal(a.session.discardCounts().rtcp_foreign_source, 1);
    assert.equal(a.got.length, 2);
    assert.equal(a.log.entries.filter((e) => e.level === 'warn' && e.fields.reason === 'rtp_foreign_source').length, 1);

    a.session.setRemote({ address: HOST, rtpPort: third.port, rtcpPort: third.port });
    assert.equal(a.session.stats().latched, false);
    assert.equal(a.session.stats().remote?.rtpPort, third.port);
    await sendRaw(third.socket, rtp(0x999, 1), a.session.localPort);
    await sendRaw(third.socket, rtp(0x999, 2), a.session.localPort);
    await waitFor(() => a.session.stats().latched, 'relatch');
    assert.equal(a.session.stats().remote?.rtpPort, third.port);
    assert.equal(a.session.stats().received?.ssrc, 0x999); // the new SSRC took over after probation
  } finally {
    await closeAll(a, b);
    await third.close();
  }
});

test('latch: false sends to the signalled address whatever the source', async () => {
  const other = await raw();
  const [a, b] = await connected(true, { latch: false });
  try {
    await sendRaw(other.socket, rtp(0x42, 1), a.session.localPort);
    await sendRaw(other.socket, rtp(0x42, 2), a.session.localPort);
    await waitFor(() => a.got.length === 1, 'delivery');
    assert.equal(a.session.stats().latched, false);
    assert.deepEqual(a.session.stats().remote, endpoint(b.session, true));
  } finally {
    await closeAll(a, b);
    await other.close();
  }
});

// ---------------------------------------------------------------- SSRC, bad input, listeners

test('a new SSRC replaces the old one only after passing probation', async () => {
  const peer = await raw();
  const a = await open({ rtcpMux: true, latch: false });
  try {
    for (let s = 1; s <= 3; s++) await sendRaw(peer.socket, rtp(0x1111, s), a.session.localPort);
    await waitFor(() => a.got.length === 2, 'first stream');
    await sendRaw(peer.socket, rtp(0x2222, 500), a.session.localPort);
    await sendRaw(peer.socket, rtp(0x1111, 4), a.session.localPort);
    await waitFor(() => a.got.length === 3, 'old stream goes on');
    assert.equal(a.session.stats().received?.ssrc, 0x1111);
    await sendRaw(peer.socket, rtp(0x2222, 600), a.session.localPort);
    await sendRaw(peer.socket, rtp(0x2222, 601), a.session.localPort);
    await waitFor(() => a.got.length === 4, 'new stream');
    assert.equal(a.session.stats().received?.ssrc, 0x2222);
    assert.equal(a.got[3]?.sequence, 601);
    assert.ok(a.log.entries.some((e) => e.msg === 'remote RTP SSRC changed'));
  } finally {
    await a.session.close();
    await peer.close();
  }
});

test('garbage is counted and dropped, never thrown; a throwing listener does not stop the others', async () => {
  const peer = await raw();
  const a = await open({ rtcpMux: true, latch: false });
  const seen: number[] = [];
  a.session.onPacket(() => {
    throw new Error('listener bug');
  });
  const off = a.session.onPacket((p) => seen.push(p.sequence));
  try {
    await sendRaw(peer.socket, Buffer.from('not rtp'), a.session.localPort);
    await sendRaw(peer.socket, Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), a.session.localPort); // version 1
    await sendRaw(peer.socket, Buffer.from([0x80, 201, 0, 9, 0, 0, 0, 1]), a.session.localPort); // RR, bad length
    await waitFor(() => a.session.stats().discarded === 3, 'discards');
    assert.deepEqual(a.session.discardCounts(), {
      rtp_malformed: 2, rtp_srtp: 0, rtp_foreign_source: 0, rtcp_malformed: 1, rtcp_srtp: 0, rtcp_foreign_source: 0,
    });
    for (let s = 1; s <= 3; s++) await sendRaw(peer.socket, rtp(0x3333, s), a.session.localPort);
    await waitFor(() => seen.length === 2, 'delivery');
    assert.equal(a.log.entries.filter((e) => e.msg === 'RTP packet listener threw').length, 2);
    off();
    await sendRaw(peer.socket, rtp(0x3333, 4), a.session.localPort);
    await waitFor(() => a.got.length === 3, 'delivery');
    assert.equal(seen.length, 2);
  } finally {
    await a.session.close();
    await peer.close();
  }
});

test('without rtcp-mux, RTCP that arrives on the RTP port is still read as RTCP, not RTP', async () => {
  const peer = await raw();
  const a = await open({ rtcpMux: false, latch: false });
  try {
    const rr = serializeRtcpCompound([{ type: 'rr', ssrc: 0x4444, reports: [
      { ssrc: a.session.ssrc, fractionLost: 64, cumulativeLost: 3, extendedHighestSequence: 10, jitter: 80, lastSr: 0, delaySinceLastSr: 0 },
    ] }]);
    await sendRaw(peer.socket, rr, a.session.localPort);
    await waitFor(() => a.session.stats().remoteReport !== undefined, 'report');
    const r = a.session.stats().remoteReport!;
    assert.equal(r.fractionLost, 0.25);
    assert.equal(r.cumulativeLost, 3);
    assert.equal(r.jitterMs, 10);
    assert.equal(r.rttMs, undefined); // no SR of ours echoed
    assert.equal(a.session.stats().received, undefined);
    assert.equal(a.session.stats().discarded, 0);
  } finally {
    await a.session.close();
    await peer.close();
  }
});

test('options are checked', async () => {
  const sockets = await allocator.allocate({ rtcpMux: true });
  const base = { sockets, clock: new FakeClock(), log: new MemoryLogger(), cname: 'x', clockRate: 8000 };
  try {
    await assert.rejects(RtpSession.open({ ...base, rtcpMux: false }), /RTCP socket/);
    await assert.rejects(RtpSession.open({ ...base, rtcpMux: true, clockRate: 0 }), /clock rate/);
    await assert.rejects(RtpSession.open({ ...base, rtcpMux: true, cname: '' }), /CNAME/);
    await assert.rejects(RtpSession.open({ ...base, rtcpMux: true, cname: 'x'.repeat(256) }), /CNAME/);
  } finally {
    await sockets.release();
  }
});

// ---------------------------------------------------------------- SRTP

function sdesKeys(): SrtpKeys {
  // As over SDP: a fresh a=crypto line, formatted, parsed back by the other side.
  const parsed = parseCryptoAttribute(formatCryptoAttribute(newCryptoAttribute(1, 'AES_CM_128_HMAC_SHA1_80')));
  assert.ok(parsed.ok);
  const key = parsed.crypto.keyParams[0]!;
  return { suite: parsed.crypto.suite, masterKey: key.key, masterSalt: key.salt };
}

for (const rtcpMux of [true, false]) {
  test(`SRTP and SRTCP both ways (rtcp-mux ${rtcpMux})`, async () => {
    const clock = new FakeClock();
    const ab = sdesKeys();
    const ba: SrtpKeys = { suite: 'AES_CM_128_HMAC_SHA1_32', masterKey: randomBytes(16), masterSalt: randomBytes(14) };
    const [a, b] = await connected(rtcpMux,
      { clock, srtp: { send: ab, receive: ba }, random: randoms(1, 1, 0.2) },
      { clock, srtp: { send: ba, receive: ab }, random: randoms(2, 2, 0.8) });
    try {
      await sendPaced(a.session, 10);
      await sendPaced(b.session, 10, 50);
      await waitFor(() => a.got.length === 9 && b.got.length === 9, 'media');
      assert.deepEqual(b.got.map((p) => [...p.payload]), [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => [i, 0xaa]));
      assert.deepEqual(a.got.map((p) => p.payload[0]), [51, 52, 53, 54, 55, 56, 57, 58, 59]);
      await advance(clock, 10_000);
      await waitFor(() => a.session.stats().remoteReport !== undefined && b.session.stats().remoteReport !== undefined, 'SRTCP reports');
      assert.equal(a.session.stats().discarded + b.session.stats().discarded, 0);
    } finally {
      await closeAll(a, b);
    }
  });
}

test('SRTP on the wire: encrypted payload and an auth tag', async () => {
  const far = await raw();
  const a = await open({ rtcpMux: true, srtp: { send: sdesKeys(), receive: sdesKeys() }, remote: { address: HOST, rtpPort: far.port, rtcpPort: far.port } });
  try {
    const payload = Buffer.alloc(160, 0x55);
    a.session.send({ payloadType: 0, payload, timestamp: 0 });
    await waitFor(() => far.got.length === 1, 'SRTP');
    const wire = far.got[0]!.msg;
    assert.equal(wire.length, 12 + 160 + 10);
    assert.notDeepEqual(wire.subarray(12, 172), payload);
  } finally {
    await a.session.close();
    await far.close();
  }
});

test('SRTP with the wrong key: everything is discarded and counted, nothing delivered, no latch', async () => {
  const clock = new FakeClock();
  const right = sdesKeys();
  const wrong = sdesKeys();
  const elsewhere = await raw();
  // random 0.99: the latest first report the §6.3.1 randomisation allows (a fixed 3 s wait missed it).
  const a = await open({ rtcpMux: true, clock, random: () => 0.99, srtp: { send: right, receive: right } });
  const c = await open({ rtcpMux: true, clock, srtp: { send: wrong, receive: wrong } });
  try {
    a.session.setRemote(endpoint(c.session, true));
    c.session.setRemote({ address: HOST, rtpPort: elsewhere.port, rtcpPort: elsewhere.port });
    await sendPaced(a.session, 10);
    // Up to A's first SRTCP report, whose randomised time (RFC 3550 §6.3.1) may fall beyond 3 s.
    await advance(clock, (a.session.nextReportAt ?? clock.now()) - clock.now() + 1);
    await waitFor(() => c.session.stats().discarded === 11, 'discards');
    assert.equal(c.session.discardCounts().rtp_srtp, 10);
    assert.equal(c.session.discardCounts().rtcp_srtp, 1);
    assert.equal(c.got.length, 0);
    assert.equal(c.session.stats().received, undefined);
    assert.equal(c.session.stats().latched, false);
    assert.equal(c.session.stats().remote?.rtpPort, elsewhere.port);
  } finally {
    await closeAll(a, c);
    await elsewhere.close();
  }
});
