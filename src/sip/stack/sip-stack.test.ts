import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { SystemClock } from '../../clock.js';
import { MemoryLogger } from '../../log.js';
import { MetricsRegistry } from '../../metrics/registry.js';
import { parseMessage, type SipResponse } from '../message/index.js';
import { TransportError } from '../transport/errors.js';
import { retryPortClash, SipStack } from './sip-stack.js';

async function withStack(fn: (stack: SipStack, ask: (text: string) => Promise<SipResponse>, client: Socket) => Promise<void>): Promise<void> {
  const metrics = new MetricsRegistry();
  const stack = await SipStack.start({ port: 0, address: '127.0.0.1', clock: new SystemClock(), log: new MemoryLogger(), metrics, userAgent: 'Dialtone test' });
  const client = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  const port = stack.ports[0]?.port ?? 0;
  const ask = (text: string): Promise<SipResponse> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no response')), 3000);
      client.once('message', (bytes) => {
        clearTimeout(timer);
        const parsed = parseMessage(bytes);
        if (!parsed.ok || parsed.message.kind !== 'response') reject(new Error(`not a response: ${bytes.toString()}`));
        else resolve(parsed.message);
      });
      client.send(Buffer.from(text), port, '127.0.0.1');
    });
  try {
    await fn(stack, ask, client);
  } finally {
    client.close();
    await stack.stop();
  }
}

const request = (method: string, branch: string, extra = '', uri = 'sip:100@127.0.0.1'): string =>
  `${method} ${uri} SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bK${branch};rport\r\nMax-Forwards: 70\r\n` +
  `From: <sip:alice@example.com>;tag=a1\r\nTo: <sip:100@127.0.0.1>\r\nCall-ID: ${branch}@example.com\r\nCSeq: 1 ${method}\r\n${extra}Content-Length: 0\r\n\r\n`;

test('OPTIONS is answered 200 with Allow and a To tag; the top Via gets received and rport (RFC 3581)', async () => {
  await withStack(async (_stack, ask, client) => {
    const res = await ask(request('OPTIONS', 'o1'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('Allow'), 'OPTIONS');
    const to = res.headers.to();
    assert.ok(to.ok && to.value.tag !== undefined && to.value.tag.length > 0);
    const via = res.headers.topVia();
    assert.ok(via.ok);
    assert.equal(via.value.received, '127.0.0.1');
    assert.equal(via.value.rport, client.address().port);
  });
});

test('methods not implemented yet get 405 with Allow; a retransmitted request gets the same response from the transaction', async () => {
  await withStack(async (_stack, ask) => {
    const first = await ask(request('MESSAGE', 'm1'));
    assert.equal(first.status, 405);
    assert.equal(first.headers.get('Allow'), 'OPTIONS');
    const again = await ask(request('MESSAGE', 'm1'));
    assert.equal(again.status, 405);
    assert.equal(again.headers.get('To'), first.headers.get('To'), 'same To tag: the transaction answered, not a new core decision');
  });
});

test('§8.2 refusals: unknown URI scheme 416, unknown Require 420 with Unsupported, CSeq mismatch 400, unparseable request 400 with a Warning', async () => {
  await withStack(async (_stack, ask) => {
    assert.equal((await ask(request('OPTIONS', 'u1', '', 'unknownscheme:foo'))).status, 416);
    const r420 = await ask(request('OPTIONS', 'r1', 'Require: nothingSupportsThis\r\n'));
    assert.equal(r420.status, 420);
    assert.equal(r420.headers.get('Unsupported'), 'nothingSupportsThis');
    assert.equal((await ask(request('OPTIONS', 'c1').replace('CSeq: 1 OPTIONS', 'CSeq: 1 INVITE'))).status, 400);
    const bad = await ask(request('OPTIONS', 'b1').replace('Content-Length: 0', 'Content-Length: 9999'));
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('Warning') ?? '', /^399 dialtone "/);
  });
});

test('TLS listens on the port asked for, or on another free one when that is taken', async () => {
  const { createServer } = await import('node:net');
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  const taken = (busy.address() as { port: number }).port;
  const log = new MemoryLogger();
  const stack = await SipStack.start({ port: 0, address: '127.0.0.1', clock: new SystemClock(), log, metrics: new MetricsRegistry(), userAgent: 'Dialtone test', tls: { port: taken } });
  try {
    const tls = stack.local('tls');
    assert.ok(tls !== undefined && tls.port !== 0 && tls.port !== taken, `TLS on ${String(tls?.port)}`);
    assert.deepEqual(stack.ports.map((p) => p.protocol), ['udp', 'tcp', 'tls']);
  } finally {
    await stack.stop();
    await new Promise<void>((r) => busy.close(() => r()));
  }
});

test('with port 0, a pair whose TCP number is taken elsewhere is tried again on another port; a fixed port is not', async () => {
  const clash = (): TransportError => new TransportError('cannot listen', undefined, 'EADDRINUSE');
  let calls = 0;
  const started = await retryPortClash(0, async () => {
    calls++;
    if (calls < 3) throw clash();
    return 'up';
  });
  assert.deepEqual([started, calls], ['up', 3]);
  calls = 0;
  await assert.rejects(retryPortClash(5060, async () => {
    calls++;
    throw clash();
  }), TransportError);
  assert.equal(calls, 1, 'a configured port is not swapped for another');
  calls = 0;
  await assert.rejects(retryPortClash(0, async () => {
    calls++;
    throw new Error('something else');
  }), /something else/);
  assert.equal(calls, 1);
});
