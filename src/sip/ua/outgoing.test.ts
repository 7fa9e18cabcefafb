import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock, flushAsync } from '../../clock.js';
import { MemoryLogger } from '../../log.js';
import { createRequest, createResponse, newCallId, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import { sipTxAdapter } from '../stack/tx-adapter.js';
import { TransactionLayer } from '../transaction/index.js';
import type { Endpoint, TransportProtocol } from '../transport/types.js';
import { Outgoing } from './outgoing.js';

const A: Endpoint = { protocol: 'udp', address: '192.0.2.1', port: 5060 };
const B: Endpoint = { protocol: 'udp', address: '192.0.2.2', port: 5060 };

interface Sent { message: SipMessage; dest: Endpoint }

function setup(targets: Endpoint[] | Error, transports: TransportProtocol[] = ['udp', 'tcp']) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const layer = new TransactionLayer<SipMessage, Endpoint>({
    clock, logger: new MemoryLogger(), adapter: sipTxAdapter, tu: { onNewRequest: () => undefined },
    send: (message, dest) => sent.push({ message, dest }),
  });
  const outcomes: string[] = [];
  const failed: string[] = [];
  const make = (request: SipRequest): Outgoing => new Outgoing({
    layer,
    resolve: () => (targets instanceof Error ? Promise.reject(targets) : Promise.resolve([...targets])),
    sentBy: () => Promise.resolve({ host: '192.0.2.99', port: 5062 }),
    transports,
    log: new MemoryLogger(),
    onEndpointFailed: (d) => failed.push(d.address),
  }, request, {
    onResponse: (r) => outcomes.push(`response ${(r as SipResponse).status}`),
    onTimeout: (_tx, timer) => outcomes.push(`timeout ${timer}`),
    onTransportError: () => outcomes.push('transport error'),
  });
  const answer = (i: number, status: number): void => {
    const req = sent[i]?.message as SipRequest;
    layer.receive(createResponse(req, status, undefined, { toTag: 'x' }), sent[i]!.dest, false);
  };
  return { clock, sent, layer, outcomes, failed, make, answer };
}

function invite(body = ''): SipRequest {
  return createRequest({
    method: 'INVITE', uri: 'sip:bob@example.net',
    headers: [['Max-Forwards', '70'], ['From', '<sip:alice@example.net>;tag=1'], ['To', '<sip:bob@example.net>'],
      ['Call-ID', newCallId()], ['CSeq', '1 INVITE'], ['Contact', '<sip:alice@192.0.2.99:5062>']],
    body,
  });
}

test('adds a top Via with a fresh branch, rport and our sent-by; the request itself is left alone', async () => {
  const h = setup([A]);
  const req = invite();
  h.make(req).start().catch(assert.fail);
  await flushAsync();
  const via = (h.sent[0]?.message as SipRequest).headers.topVia();
  assert.ok(via.ok);
  assert.equal(via.value.host, '192.0.2.99');
  assert.equal(via.value.port, 5062);
  assert.match(via.value.branch ?? '', /^z9hG4bK/);
  assert.equal(req.headers.has('Via'), false);
});

test('a 503 before any provisional response moves on to the next address (RFC 3263 §4.3)', async () => {
  const h = setup([A, B]);
  h.make(invite()).start().catch(assert.fail);
  await flushAsync();
  h.answer(0, 503);
  await flushAsync();
  const second = h.sent.find((s) => s.dest.address === B.address && (s.message as SipRequest).method === 'INVITE');
  assert.ok(second, 'INVITE re-sent to the second address');
  assert.deepEqual(h.outcomes, []);
  assert.deepEqual(h.failed, [A.address]);
  h.answer(h.sent.indexOf(second), 486);
  assert.deepEqual(h.outcomes, ['response 486']);
});

test('a timeout on every address reaches the TU once, from the last one', async () => {
  const h = setup([A, B]);
  h.make(createRequest({
    method: 'OPTIONS', uri: 'sip:example.net',
    headers: [['From', '<sip:a@example.net>;tag=1'], ['To', '<sip:example.net>'], ['Call-ID', 'c1'], ['CSeq', '1 OPTIONS'], ['Max-Forwards', '70']],
  })).start().catch(assert.fail);
  await flushAsync();
  await h.clock.advanceAsync(32_000);
  await flushAsync();
  await h.clock.advanceAsync(32_000);
  assert.deepEqual(h.outcomes, ['timeout F']);
  assert.deepEqual(h.failed, [A.address, B.address]);
});

test('a request over 1300 bytes goes over TCP with a TCP Via (RFC 3261 §18.1.1)', async () => {
  const h = setup([A]);
  h.make(invite('v=0\r\n' + 'a=x:'.padEnd(1400, 'y') + '\r\n')).start().catch(assert.fail);
  await flushAsync();
  assert.equal(h.sent[0]?.dest.protocol, 'tcp');
  const via = (h.sent[0]?.message as SipRequest).headers.topVia();
  assert.ok(via.ok);
  assert.equal(via.value.transport.toUpperCase(), 'TCP');
});

test('a large request stays on UDP when the stack has no TCP', async () => {
  const h = setup([A], ['udp']);
  h.make(invite('v=0\r\n' + 'a=x:'.padEnd(1400, 'y') + '\r\n')).start().catch(assert.fail);
  await flushAsync();
  assert.equal(h.sent[0]?.dest.protocol, 'udp');
});

test('CANCEL waits for a provisional response, then copies the INVITE\'s Via, Call-ID, From, To and CSeq number (§9.1)', async () => {
  const h = setup([A]);
  const out = h.make(invite());
  out.start().catch(assert.fail);
  await flushAsync();
  out.cancel();
  assert.equal(h.sent.filter((s) => (s.message as SipRequest).method === 'CANCEL').length, 0, 'no CANCEL before a provisional');
  h.answer(0, 180);
  const cancel = h.sent.find((s) => (s.message as SipRequest).method === 'CANCEL')?.message as SipRequest | undefined;
  assert.ok(cancel);
  const inv = h.sent[0]?.message as SipRequest;
  assert.equal(cancel.headers.get('Via'), inv.headers.get('Via'));
  assert.equal(cancel.headers.get('Call-ID'), inv.headers.get('Call-ID'));
  assert.equal(cancel.headers.get('To'), inv.headers.get('To'));
  assert.equal(cancel.headers.get('CSeq'), '1 CANCEL');
  assert.equal(cancel.headers.has('Contact'), false);
});

test('cancelling before the request left answers 487 locally and sends nothing', async () => {
  const h = setup([A]);
  const out = h.make(invite());
  const started = out.start();
  out.cancel();
  await started;
  assert.deepEqual(h.outcomes, ['response 487']);
  assert.equal(h.sent.length, 0);
});

test('a name that does not resolve ends in a local 503 naming the reason', async () => {
  const h = setup(new Error('sip.example.net has no address in DNS'));
  await h.make(invite()).start();
  assert.deepEqual(h.outcomes, ['response 503']);
  assert.equal(h.sent.length, 0);
});
