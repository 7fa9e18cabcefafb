// Mid-call changes over the loopback network: hold/resume (RFC 3264 §8.4), glare
// (RFC 3261 §14.1), UPDATE (RFC 3311), INFO, REFER (RFC 3515), in-dialog 481 (RFC 5057).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInDialogRequest, nextLocalSeq } from '../dialog/index.js';
import type { SipMessage } from '../message/index.js';
import { SdpSession } from '../sdp/index.js';
import type { InviteSession } from './invite-session.js';
import { mediaFor, pair, type LoopbackUa, type Network } from './test-support/loopback.js';
import { record, type Recorded } from './test-support/recorder.js';
import type { OutgoingSessionOptions, IncomingSessionOptions } from './types.js';

interface Call {
  net: Network; alice: LoopbackUa; bob: LoopbackUa;
  call: InviteSession; incoming: InviteSession; a: Recorded; b: Recorded;
}

export function established(aliceOpts: Partial<OutgoingSessionOptions> = {}, bobOpts: Partial<IncomingSessionOptions> = {}): Call {
  const { net, alice, bob } = pair();
  bob.incomingOptions = bobOpts;
  const call = alice.call(bob, aliceOpts);
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  const b = record(incoming);
  incoming.answer();
  net.settle();
  assert.equal(call.state, 'confirmed');
  return { net, alice, bob, call, incoming, a, b };
}

const reqs = (net: Network, method: string): SipMessage[] => net.find((m) => m.kind === 'request' && m.method === method);

test('hold and resume by re-INVITE: directions on both sides', () => {
  const { net, call, incoming, a, b } = established();
  call.hold();
  net.settle();
  assert.match(reqs(net, 'INVITE')[1]?.body.toString() ?? '', /a=sendonly/);
  assert.equal(call.negotiated?.direction, 'sendonly');
  assert.equal(incoming.negotiated?.direction, 'recvonly');
  assert.equal(incoming.negotiated?.onHold, true);
  call.resume();
  net.settle();
  assert.equal(call.negotiated?.direction, 'sendrecv');
  assert.equal(incoming.negotiated?.onHold, false);
  assert.deepEqual(a.media.map((m) => m.direction), ['sendrecv', 'sendonly', 'sendrecv']);
  assert.deepEqual(b.media.map((m) => m.direction), ['sendrecv', 'recvonly', 'sendrecv']);
  assert.equal(reqs(net, 'ACK').length, 3);
  // CSeq goes up by one per request in alice's space (§12.2.1.1).
  assert.deepEqual(reqs(net, 'INVITE').map((m) => m.headers.get('CSeq')), ['1 INVITE', '2 INVITE', '3 INVITE']);
});

test('glare: both re-INVITE at once, both get 491, each retries after its §14.1 delay', () => {
  const { net, call, incoming } = established({ random: () => 0.5 }, { random: () => 0.5 });
  call.hold();
  incoming.hold();
  net.settle();
  assert.equal(net.find((m) => m.kind === 'response' && m.status === 491).length, 2);
  const t0 = net.clock.now();
  net.settle(999);
  assert.equal(reqs(net, 'INVITE').length, 3);
  net.settle(1); // bob does not own the Call-ID: 0–2 s → 1000 ms
  assert.equal(reqs(net, 'INVITE').length, 4);
  assert.equal(reqs(net, 'INVITE')[3]?.headers.get('From')?.includes('bob'), true);
  net.settle(3050 - 1000 - 1); // alice owns it: 2.1–4 s → 3050 ms
  assert.equal(reqs(net, 'INVITE').length, 4);
  net.settle(1);
  assert.equal(net.clock.now() - t0, 3050);
  assert.equal(reqs(net, 'INVITE').length, 5);
  net.settle();
  assert.equal(call.negotiated?.direction, 'inactive');
  assert.equal(incoming.negotiated?.direction, 'inactive');
});

test('incoming UPDATE with SDP is answered 200 with SDP and changes the media', () => {
  const { net, alice, call, incoming, b } = established();
  const d = call.dialog;
  assert.ok(d);
  const next = nextLocalSeq(d);
  call.dialog = next.dialog;
  const offer = new SdpSession().createOffer({ ...mediaFor('192.0.2.1', 40100), direction: 'sendonly' });
  const update = buildInDialogRequest(next.dialog, 'UPDATE', { cseq: next.seq, headers: [['Content-Type', 'application/sdp']], body: offer });
  const responses: number[] = [];
  alice.host.sendRequest(update, { onResponse: (m) => { if (m.kind === 'response') responses.push(m.status); } });
  net.settle();
  assert.deepEqual(responses, [200]);
  assert.equal(incoming.negotiated?.remotePort, 40100);
  assert.equal(incoming.negotiated?.onHold, true);
  assert.equal(b.media.length, 2);
  const ok = net.find((m) => m.kind === 'response' && m.status === 200 && m.headers.get('CSeq')?.endsWith('UPDATE') === true)[0];
  assert.match(ok?.body.toString() ?? '', /a=recvonly/);
});

test('INFO both ways: 200 and an info event', () => {
  const { net, call, incoming, b } = established();
  call.sendInfo('application/dtmf-relay', 'Signal=5\r\nDuration=160\r\n');
  net.settle();
  assert.deepEqual(b.info, [{ contentType: 'application/dtmf-relay', body: 'Signal=5\r\nDuration=160\r\n' }]);
  assert.equal(incoming.state, 'confirmed');
});

test('481 to an in-dialog request ends the call (RFC 5057)', () => {
  const { net, call, a } = established();
  net.rewrite = (r) => {
    if (r.message.kind === 'request' && r.message.method === 'INFO') {
      r.message.headers.set('To', (r.message.headers.get('To') ?? '').replace(/tag=[^;]+/, 'tag=gone'));
    }
  };
  call.sendInfo('text/plain', 'x');
  net.settle();
  assert.deepEqual(a.ended, [{ by: 'remote', cause: 'error', status: 481 }]);
});

test('an out-of-order CSeq in the dialog gets 500 (§12.2.2)', () => {
  const { net, alice, call } = established();
  const d = call.dialog;
  assert.ok(d);
  const stale = buildInDialogRequest(d, 'INFO', { cseq: 0 });
  const responses: number[] = [];
  alice.host.sendRequest(stale, { onResponse: (m) => { if (m.kind === 'response') responses.push(m.status); } });
  net.settle();
  assert.deepEqual(responses, [500]);
});

test('REFER: accept sends 202 and NOTIFY 100 Trying; a final notify terminates the subscription', () => {
  const { net, call, incoming, a, b } = established();
  incoming.transfer('sip:carol@192.0.2.3');
  net.settle();
  const refer = a.refers[0];
  assert.ok(refer);
  assert.equal(refer.referTo, 'sip:carol@192.0.2.3');
  assert.equal(refer.referredBy, 'sip:bob@192.0.2.2');
  refer.accept();
  net.settle();
  assert.deepEqual(b.transfers, [{ status: 202, reason: 'Accepted', final: false }, { status: 100, reason: 'Trying', final: false }]);
  const first = reqs(net, 'NOTIFY')[0];
  assert.equal(first?.headers.get('Event'), 'refer');
  assert.equal(first?.headers.get('Subscription-State'), 'active;expires=60');
  assert.equal(first?.headers.get('Content-Type'), 'message/sipfrag;version=2.0');
  refer.notify(200, 'OK');
  net.settle();
  assert.deepEqual(b.transfers.at(-1), { status: 200, reason: 'OK', final: true });
  assert.equal(reqs(net, 'NOTIFY')[1]?.headers.get('Subscription-State'), 'terminated;reason=noresource');
  assert.equal(net.find((m) => m.kind === 'response' && m.headers.get('CSeq')?.endsWith('NOTIFY') === true && m.status === 200).length, 2);
  assert.equal(call.state, 'confirmed');
});

test('REFER rejected: the transferor sees the final status', () => {
  const { net, call, incoming, a, b } = established();
  incoming.transfer('sip:carol@192.0.2.3');
  net.settle();
  a.refers[0]?.reject(603);
  net.settle();
  assert.deepEqual(b.transfers, [{ status: 603, reason: 'Decline', final: true }]);
  assert.equal(call.state, 'confirmed');
});

test('a hold asked for between our 2xx and its ACK waits for the ACK (RFC 3261 §14.1: no re-INVITE while the INVITE is in progress)', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  incoming.answer();
  incoming.hold(); // the phone flashed at once: the 2xx is on its way, no ACK yet
  net.settle();
  const labels = net.labels();
  const ack = labels.indexOf('ACK');
  const reInvite = labels.indexOf('INVITE', 1);
  assert.ok(ack > 0 && reInvite > ack, `bob's re-INVITE goes after alice's ACK: ${labels.join(', ')}`);
  assert.equal(net.find((m) => m.kind === 'response' && (m.status === 491 || m.status === 500)).length, 0, 'nothing refused');
  assert.equal(incoming.negotiated?.direction, 'sendonly');
  assert.equal(call.negotiated?.direction, 'recvonly');
});
