import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { setTimeout as sleep } from 'node:timers/promises';
import { FakeClock } from '../../clock.js';
import { startImpairment, type Impairment, type ImpairmentOptions } from './impairment.js';

interface Endpoint {
  socket: Socket;
  port: number;
  got: { seq: number; at: number }[];
}

async function endpoint(echo = false): Promise<Endpoint> {
  const socket = createSocket('udp4');
  const ep: Endpoint = { socket, port: 0, got: [] };
  socket.on('message', (msg, rinfo) => {
    ep.got.push({ seq: msg.readUInt16BE(0), at: performance.now() });
    if (echo) socket.send(msg, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
  ep.port = socket.address().port;
  return ep;
}

function packet(seq: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(seq, 0);
  return b;
}

async function sendAll(from: Endpoint, port: number, n: number): Promise<number[]> {
  const sentAt: number[] = [];
  for (let i = 0; i < n; i++) {
    sentAt.push(performance.now());
    await new Promise<void>((resolve) => from.socket.send(packet(i), port, '127.0.0.1', () => resolve()));
    // Pace the burst so the relay's receive buffer never overflows (that would be loss we did not ask for).
    if (i % 16 === 15) await sleep(1);
  }
  return sentAt;
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<void> {
  const until = performance.now() + ms;
  while (!cond()) {
    if (performance.now() > until) throw new Error('timed out waiting');
    await sleep(5);
  }
}

async function withRig(
  opts: Omit<ImpairmentOptions, 'target'>,
  body: (a: Endpoint, b: Endpoint, relay: Impairment) => Promise<void>,
  echo = false,
): Promise<void> {
  const a = await endpoint();
  const b = await endpoint(echo);
  const relay = await startImpairment({ ...opts, target: { address: '127.0.0.1', port: b.port } });
  try {
    await body(a, b, relay);
  } finally {
    await relay.close();
    a.socket.close();
    b.socket.close();
  }
}

test('no impairment: forwards everything, in order', async () => {
  await withRig({ loss: 0 }, async (a, b, relay) => {
    assert.ok(relay.port > 0);
    await sendAll(a, relay.port, 100);
    await waitFor(() => b.got.length === 100);
    assert.deepEqual(
      b.got.map((g) => g.seq),
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.deepEqual(relay.stats, { received: 100, forwarded: 100, dropped: 0, duplicated: 0, reordered: 0 });
  });
});

async function lossRun(seed: number): Promise<number[]> {
  let delivered: number[] = [];
  await withRig({ loss: 0.5, seed }, async (a, b, relay) => {
    await sendAll(a, relay.port, 400);
    await waitFor(() => relay.stats.received === 400 && b.got.length === relay.stats.forwarded);
    await sleep(20);
    assert.equal(b.got.length, relay.stats.forwarded);
    assert.equal(relay.stats.dropped + relay.stats.forwarded, 400);
    delivered = b.got.map((g) => g.seq);
  });
  return delivered;
}

test('loss 0.5 with a seed drops about half, reproducibly', async () => {
  const first = await lossRun(1234);
  assert.ok(first.length > 150 && first.length < 250, `delivered ${first.length} of 400`);
  const second = await lossRun(1234);
  assert.deepEqual(second, first);
  const other = await lossRun(99);
  assert.notDeepEqual(other, first);
});

test('duplicate 1 doubles every packet', async () => {
  await withRig({ duplicate: 1 }, async (a, b, relay) => {
    await sendAll(a, relay.port, 20);
    await waitFor(() => b.got.length === 40);
    await sleep(20);
    assert.equal(b.got.length, 40);
    for (let i = 0; i < 20; i++) assert.equal(b.got.filter((g) => g.seq === i).length, 2);
    assert.equal(relay.stats.duplicated, 20);
    assert.equal(relay.stats.forwarded, 40);
  });
});

test('reorder 1 swaps each pair; a lone held packet is released after the hold time', async () => {
  await withRig({ reorder: 1, reorderHoldMs: 30 }, async (a, b, relay) => {
    await sendAll(a, relay.port, 5);
    await waitFor(() => b.got.length === 5);
    assert.deepEqual(
      b.got.map((g) => g.seq),
      [1, 0, 3, 2, 4],
    );
    assert.equal(relay.stats.reordered, 3);
  });
});

test('delay and jitter are honoured (system clock)', async () => {
  await withRig({ delayMs: 20, jitterMs: 40, seed: 5 }, async (a, b, relay) => {
    const sentAt = await sendAll(a, relay.port, 40);
    await waitFor(() => b.got.length === 40);
    const delays = b.got.map((g) => g.at - (sentAt[g.seq] ?? 0));
    assert.ok(Math.min(...delays) >= 18, `min delay ${Math.min(...delays)}`);
    assert.ok(Math.max(...delays) < 20 + 40 + 150, `max delay ${Math.max(...delays)}`);
    assert.ok(Math.max(...delays) - Math.min(...delays) > 10, 'delays vary');
    assert.equal(relay.stats.forwarded, 40);
  });
});

test('delays run on the injected clock', async () => {
  const clock = new FakeClock();
  await withRig({ delayMs: 30, jitterMs: 20, clock }, async (a, b, relay) => {
    await sendAll(a, relay.port, 10);
    await waitFor(() => relay.stats.received === 10);
    await sleep(20);
    assert.equal(b.got.length, 0, 'held until the clock moves');
    clock.advance(29);
    await sleep(20);
    assert.equal(b.got.length, 0, 'nothing before the fixed delay');
    clock.advance(21);
    await waitFor(() => b.got.length === 10);
    assert.deepEqual(
      [...b.got.map((g) => g.seq)].sort((x, y) => x - y),
      Array.from({ length: 10 }, (_, i) => i),
    );
  });
});

test('replies go back to the last side-A sender, unimpaired unless bothWays', async () => {
  await withRig(
    { duplicate: 1 },
    async (a, b, relay) => {
      await sendAll(a, relay.port, 5);
      await waitFor(() => a.got.length === 10);
      await sleep(20);
      assert.equal(b.got.length, 10);
      assert.equal(a.got.length, 10, 'replies not duplicated');
      assert.equal(relay.stats.received, 5);
    },
    true,
  );
  await withRig(
    { duplicate: 1, bothWays: true },
    async (a, b, relay) => {
      await sendAll(a, relay.port, 5);
      await waitFor(() => a.got.length === 20);
      assert.equal(b.got.length, 10);
      assert.equal(relay.stats.received, 15);
      assert.equal(relay.stats.forwarded, 30);
    },
    true,
  );
});

test('close cancels pending delayed packets', async () => {
  const clock = new FakeClock();
  const a = await endpoint();
  const b = await endpoint();
  const relay = await startImpairment({ target: { address: '127.0.0.1', port: b.port }, delayMs: 50, clock });
  await sendAll(a, relay.port, 3);
  await waitFor(() => relay.stats.received === 3);
  assert.equal(clock.pendingCount(), 3);
  await relay.close();
  assert.equal(clock.pendingCount(), 0);
  await relay.close(); // idempotent
  a.socket.close();
  b.socket.close();
});
