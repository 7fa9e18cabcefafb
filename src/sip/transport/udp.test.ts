import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { FakeClock, SystemClock } from '../../clock.js';
import { MemoryLogger } from '../../log.js';
import { TransportError } from './errors.js';
import { UdpTransport } from './udp.js';
import type { Endpoint } from './types.js';

function nextMessage(t: UdpTransport): Promise<{ bytes: Buffer; remote: Endpoint }> {
  return new Promise((resolve) => {
    const off = t.onMessage((bytes, remote) => {
      off();
      resolve({ bytes, remote });
    });
  });
}

test('two UDP transports exchange messages over IPv4 and IPv6 loopback, with the sender as remote', async () => {
  const log = new MemoryLogger();
  const clock = new SystemClock();
  const a = await UdpTransport.open({ port: 0, log, clock });
  const b = await UdpTransport.open({ port: 0, log, clock });
  try {
    assert.equal(a.reliable, false);
    assert.ok(a.local.port > 0 && a.local.port !== b.local.port);
    const got = nextMessage(b);
    await a.send(Buffer.from('OPTIONS sip:x SIP/2.0\r\n\r\n'), { protocol: 'udp', address: '127.0.0.1', port: b.local.port });
    const { bytes, remote } = await got;
    assert.equal(bytes.toString(), 'OPTIONS sip:x SIP/2.0\r\n\r\n');
    assert.deepEqual(remote, { protocol: 'udp', address: '127.0.0.1', port: a.local.port });
    const got6 = nextMessage(a);
    await b.send(Buffer.from('SIP/2.0 200 OK\r\n\r\n'), { protocol: 'udp', address: '::1', port: a.local.port });
    assert.deepEqual((await got6).remote, { protocol: 'udp', address: '::1', port: b.local.port });
  } finally {
    await a.close();
    await b.close();
  }
});

test('CRLF keepalives are sent on the clock and not delivered as messages; oversized sends are refused', async () => {
  const log = new MemoryLogger();
  const fake = new FakeClock();
  const a = await UdpTransport.open({ port: 0, address: '127.0.0.1', log, clock: fake });
  const peer = createSocket('udp4');
  await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
  const received: string[] = [];
  const arrived = new Promise<void>((resolve) => peer.on('message', (m) => {
    received.push(m.toString('latin1'));
    if (received.length === 2) resolve();
  }));
  const dest: Endpoint = { protocol: 'udp', address: '127.0.0.1', port: peer.address().port };
  const delivered: string[] = [];
  let markDelivered = (): void => undefined;
  const firstDelivery = new Promise<void>((r) => (markDelivered = r));
  a.onMessage((b) => {
    delivered.push(b.toString());
    markDelivered();
  });
  try {
    a.keepalive(dest, 15_000);
    fake.advance(14_999);
    fake.advance(1);
    fake.advance(15_000);
    await arrived;
    assert.deepEqual(received, ['\r\n\r\n', '\r\n\r\n']);
    a.keepalive(dest, 0);
    assert.equal(fake.pendingCount(), 0);
    // A peer's keepalive is absorbed.
    peer.send('\r\n\r\n', a.local.port, '127.0.0.1');
    peer.send('MESSAGE', a.local.port, '127.0.0.1');
    await firstDelivery; // datagrams from one peer arrive in order on loopback: the keepalive came first
    assert.deepEqual(delivered, ['MESSAGE']);
    await assert.rejects(a.send(Buffer.alloc(70_000), dest), (e: unknown) => e instanceof TransportError && /too large/.test(e.message));
  } finally {
    peer.close();
    await a.close();
  }
  await assert.rejects(a.send(Buffer.from('x'), dest), TransportError);
});

test('binding a port in use fails with a TransportError naming it', async () => {
  const log = new MemoryLogger();
  const clock = new SystemClock();
  const a = await UdpTransport.open({ port: 0, address: '127.0.0.1', log, clock });
  try {
    await assert.rejects(UdpTransport.open({ port: a.local.port, address: '127.0.0.1', log, clock }), (e: unknown) =>
      e instanceof TransportError && e.message.includes(String(a.local.port)) && e.context.sysCode === 'EADDRINUSE');
  } finally {
    await a.close();
  }
});
