import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { DialtoneError } from '../errors.js';
import { RtpPortAllocator, type RtpSockets } from './port-allocator.js';

/** An even base port in a range other test files are unlikely to use at the same moment. */
function base(): number {
  return 40000 + 2 * randomInt(0, 5000);
}

function bindSocket(port: number, address = '127.0.0.1'): Promise<Socket> {
  const s = createSocket('udp4');
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind({ port, address, exclusive: true }, () => resolve(s));
  });
}

function close(s: Socket): Promise<void> {
  return new Promise((resolve) => s.close(() => resolve()));
}

function isCode(code: string): (e: unknown) => boolean {
  return (e: unknown) => e instanceof DialtoneError && e.code === code;
}

test('validates the range', () => {
  const bad = [
    { min: 10001, max: 10100 }, // odd
    { min: 1000, max: 1100 }, // below 1024
    { min: 10000, max: 10000 }, // empty
    { min: 10000, max: 9000 },
    { min: 65000, max: 65536 },
    { min: 65536, max: 65538 },
    { min: 10000.5, max: 10100 },
  ];
  for (const opts of bad) assert.throws(() => new RtpPortAllocator(opts), isCode('invalid'), JSON.stringify(opts));
  assert.equal(new RtpPortAllocator({ min: 65534, max: 65535 }).capacity, 1);
  assert.equal(new RtpPortAllocator({ min: 10000, max: 10009 }).capacity, 5);
  assert.equal(new RtpPortAllocator({ min: 10000, max: 10010 }).capacity, 5); // 10010 has no odd partner
});

test('RTP on an even port, RTCP on the next one; rtcp-mux binds only the even port', async () => {
  const b = base();
  const alloc = new RtpPortAllocator({ min: b, max: b + 99, address: '127.0.0.1' });
  const a = await alloc.allocate({ rtcpMux: false });
  const m = await alloc.allocate({ rtcpMux: true });
  try {
    assert.equal(a.port % 2, 0);
    assert.equal(a.rtp.address().port, a.port);
    assert.equal(a.rtp.address().address, '127.0.0.1');
    assert.ok(a.rtcp);
    assert.equal(a.rtcp.address().port, a.port + 1);
    assert.equal(m.port % 2, 0);
    assert.equal(m.rtp.address().port, m.port);
    assert.equal(m.rtcp, undefined);
    assert.notEqual(m.port, a.port);
    assert.equal(alloc.inUse, 2);
  } finally {
    await a.release();
    await m.release();
  }
  assert.equal(alloc.inUse, 0);
});

test('a range of 2 ports holds one pair: the next allocation fails until it is released', async () => {
  const b = base();
  const alloc = new RtpPortAllocator({ min: b, max: b + 1, address: '127.0.0.1' });
  const first = await alloc.allocate({ rtcpMux: false });
  assert.equal(first.port, b);
  await assert.rejects(alloc.allocate({ rtcpMux: false }), isCode('rtp_ports_exhausted'));
  await assert.rejects(alloc.allocate({ rtcpMux: true }), isCode('rtp_ports_exhausted'));
  assert.equal(alloc.inUse, 1);
  await first.release();
  await first.release(); // idempotent
  assert.equal(alloc.inUse, 0);
  const again = await alloc.allocate({ rtcpMux: false });
  assert.equal(again.port, b);
  await again.release();
});

test('walks from a rotating start: a released pair is not handed out again at once, but comes round again', async () => {
  const b = base();
  const alloc = new RtpPortAllocator({ min: b, max: b + 5, address: '127.0.0.1' }); // 3 pairs
  const ports: number[] = [];
  for (let i = 0; i < 4; i++) {
    const s = await alloc.allocate({ rtcpMux: false });
    ports.push(s.port);
    await s.release();
  }
  assert.deepEqual(ports, [b, b + 2, b + 4, b]);
});

test('skips ports other programs hold (RTP or RTCP half), and reports exhaustion when nothing is left', async () => {
  const b = base();
  const alloc = new RtpPortAllocator({ min: b, max: b + 5, address: '127.0.0.1' });
  const blockRtp = await bindSocket(b);
  const blockRtcp = await bindSocket(b + 3);
  const held: RtpSockets[] = [];
  try {
    const s = await alloc.allocate({ rtcpMux: false });
    held.push(s);
    assert.equal(s.port, b + 4);
    await assert.rejects(alloc.allocate({ rtcpMux: false }), (e: unknown) => {
      assert.ok(e instanceof DialtoneError);
      assert.equal(e.code, 'rtp_ports_exhausted');
      assert.equal(e.context.takenByOthers, 2);
      return true;
    });
    await close(blockRtcp);
    // With rtcp-mux the odd port does not matter, but the pair b+2 is free now either way.
    const t = await alloc.allocate({ rtcpMux: false });
    held.push(t);
    assert.equal(t.port, b + 2);
  } finally {
    for (const s of held) await s.release();
    await close(blockRtp);
  }
});

test('concurrent allocations never share a pair', async () => {
  const b = base();
  const alloc = new RtpPortAllocator({ min: b, max: b + 5, address: '127.0.0.1' });
  const all = await Promise.all([0, 1, 2].map(() => alloc.allocate({ rtcpMux: false })));
  try {
    assert.deepEqual(all.map((s) => s.port).sort((x, y) => x - y), [b, b + 2, b + 4]);
    assert.equal(alloc.inUse, 3);
  } finally {
    await Promise.all(all.map((s) => s.release()));
  }
});

test('released ports are really free: another socket can bind them', async () => {
  const b = base();
  const alloc = new RtpPortAllocator({ min: b, max: b + 1, address: '127.0.0.1' });
  const s = await alloc.allocate({ rtcpMux: false });
  await s.release();
  const rtp = await bindSocket(b);
  const rtcp = await bindSocket(b + 1);
  await close(rtp);
  await close(rtcp);
});

test('an address that cannot be bound is an error, not exhaustion', async () => {
  const b = base();
  const alloc = new RtpPortAllocator({ min: b, max: b + 9, address: '192.0.2.1' }); // TEST-NET-1, not local
  await assert.rejects(alloc.allocate({ rtcpMux: false }), isCode('rtp_bind_failed'));
  assert.equal(alloc.inUse, 0);
});

test('dual stack: "::" binds udp6 sockets', async (t) => {
  const b = base();
  const alloc = new RtpPortAllocator({ min: b, max: b + 99, address: '::' });
  let s: RtpSockets;
  try {
    s = await alloc.allocate({ rtcpMux: false });
  } catch (e) {
    t.skip(`no IPv6 here: ${String(e)}`);
    return;
  }
  assert.equal(s.rtp.address().family, 'IPv6');
  assert.equal(s.rtcp?.address().port, s.port + 1);
  await s.release();
});
