// RFC 3262 reliable provisionals (PRACK) and RFC 4028 session timers over the loopback network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SipMessage } from '../message/index.js';
import { pair, type Network } from './test-support/loopback.js';
import { record } from './test-support/recorder.js';

const reqs = (net: Network, method: string): SipMessage[] => net.find((m) => m.kind === 'request' && m.method === method);
const resps = (net: Network, status: number, method: string): SipMessage[] =>
  net.find((m) => m.kind === 'response' && m.status === status && m.headers.get('CSeq')?.endsWith(method) === true);

test('100rel: a reliable 180 is PRACKed with RAck; its retransmissions are not PRACKed again', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob, { extraHeaders: [['Require', '100rel']] });
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  let lostPracks = 0;
  net.drop = (r) => r.message.kind === 'request' && r.message.method === 'PRACK' && lostPracks++ === 0;
  incoming.ring();
  net.settle();
  const ringing = resps(net, 180, 'INVITE')[0];
  assert.equal(ringing?.headers.get('Require'), '100rel');
  const rseq = Number(ringing?.headers.get('RSeq'));
  assert.ok(rseq >= 1);
  net.settle(500); // the 180 is retransmitted at T1 and the PRACK at T1 too (its own NICT)
  net.settle();
  assert.ok(resps(net, 180, 'INVITE').length >= 2);
  const prack = net.wire.filter((r) => r.message.kind === 'request' && r.message.method === 'PRACK');
  assert.equal(new Set(prack.map((r) => r.message.headers.get('Via'))).size, 1); // one transaction only
  assert.equal(prack[0]?.message.headers.get('RAck'), `${rseq} 1 INVITE`);
  assert.equal(resps(net, 200, 'PRACK').length, 1);
  assert.equal(a.progress.length, 1);
  const before = resps(net, 180, 'INVITE').length;
  net.settle(10_000);
  assert.equal(resps(net, 180, 'INVITE').length, before); // PRACKed: no more retransmissions
  incoming.answer();
  net.settle();
  assert.equal(call.state, 'confirmed');
});

test('100rel: a 2xx waits for the PRACK of a reliable 183 with SDP (RFC 3262 §3)', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob, { extraHeaders: [['Require', '100rel']] });
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  net.drop = (r) => r.message.kind === 'request' && r.message.method === 'PRACK' && net.clock.now() < 1000;
  incoming.progress();
  net.settle();
  assert.deepEqual(a.progress, [{ status: 183, reason: 'Session Progress', earlyMedia: true }]);
  assert.equal(a.media.length, 1); // early media
  incoming.answer();
  net.settle();
  assert.equal(resps(net, 200, 'INVITE').length, 0);
  net.settle(1000);
  net.settle(1000);
  assert.equal(resps(net, 200, 'PRACK').length, 1);
  assert.equal(resps(net, 200, 'INVITE').length, 1);
  assert.equal(call.state, 'confirmed');
  assert.equal(a.media.length, 1);
});

test('100rel: no PRACK within 64·T1 → the UAS rejects the INVITE with 500', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob, { extraHeaders: [['Require', '100rel']] });
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  const b = record(incoming);
  net.drop = (r) => r.message.kind === 'request' && r.message.method === 'PRACK';
  incoming.ring();
  net.settle(32_000);
  net.settle();
  assert.deepEqual(b.ended, [{ by: 'local', cause: 'timeout', status: 500 }]);
  assert.equal(a.ended[0]?.status, 500);
});

test('100rel: a 180 without SDP does not hold the 2xx back, and its late PRACK still gets 200 (RFC 3262 §3)', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob, { extraHeaders: [['Require', '100rel']] });
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  // The PRACK is held back until after the 2xx has gone out (as SIPp sends it when we answer at once).
  let dropped = false;
  net.drop = (r) => {
    if (dropped || r.message.kind !== 'request' || r.message.method !== 'PRACK') return false;
    dropped = true;
    return true;
  };
  incoming.ring();
  incoming.answer();
  net.settle();
  assert.equal(resps(net, 200, 'INVITE').length >= 1, true);
  net.settle(1000); // the PRACK's own retransmission arrives after the 2xx
  assert.equal(resps(net, 481, 'PRACK').length, 0);
  assert.equal(resps(net, 200, 'PRACK').length, 1);
  assert.equal(call.state, 'confirmed');
});

test('a PRACK that matches nothing gets 481', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob, { extraHeaders: [['Require', '100rel']] });
  net.settle();
  net.rewrite = (r) => {
    if (r.message.kind === 'request' && r.message.method === 'PRACK') r.message.headers.set('RAck', '999 1 INVITE');
  };
  bob.incoming[0]?.ring();
  net.settle();
  assert.equal(resps(net, 481, 'PRACK').length, 1);
  assert.equal(call.state, 'early');
});

test('unsupported Require → 420 with Unsupported', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob, { extraHeaders: [['Require', 'foo']] });
  const a = record(call);
  net.settle();
  assert.equal(resps(net, 420, 'INVITE')[0]?.headers.get('Unsupported'), 'foo');
  assert.equal(a.ended[0]?.status, 420);
});

test('session timer: the UAS grants refresher=uac; the caller refreshes by UPDATE at half the interval', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob, { sessionTimer: { expiresS: 120, minSeS: 90 } });
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  incoming.answer();
  net.settle();
  assert.equal(reqs(net, 'INVITE')[0]?.headers.get('Session-Expires'), '120');
  assert.equal(reqs(net, 'INVITE')[0]?.headers.get('Min-SE'), '90');
  const ok = resps(net, 200, 'INVITE')[0];
  assert.equal(ok?.headers.get('Session-Expires'), '120;refresher=uac');
  assert.equal(ok?.headers.get('Require'), 'timer');
  net.settle(59_999);
  assert.equal(reqs(net, 'UPDATE').length, 0);
  net.settle(1);
  assert.equal(reqs(net, 'UPDATE').length, 1);
  assert.equal(reqs(net, 'UPDATE')[0]?.headers.get('Session-Expires'), '120;refresher=uac');
  net.settle(60_000);
  assert.equal(reqs(net, 'UPDATE').length, 2);
  net.settle(600_000);
  assert.equal(call.state, 'confirmed');
  assert.equal(incoming.state, 'confirmed');
});

test('session timer: without refreshes the other side sends BYE at expiry − min(32 s, interval/3)', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob, { sessionTimer: { expiresS: 120, minSeS: 90 } });
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  const b = record(incoming);
  incoming.answer();
  net.settle();
  net.drop = (r) => r.message.kind === 'request' && r.message.method === 'UPDATE';
  net.settle(88_000 - 1);
  assert.equal(b.ended.length, 0);
  net.settle(1);
  net.settle();
  assert.deepEqual(b.ended, [{ by: 'local', cause: 'session-expired' }]);
  assert.deepEqual(a.ended, [{ by: 'remote', cause: 'normal' }]);
});

test('session timer: 422 from the UAS → the caller retries with the Min-SE it asked for', () => {
  const { net, alice, bob } = pair();
  bob.incomingOptions = { sessionTimer: { expiresS: 1800, minSeS: 300 } };
  const call = alice.call(bob, { sessionTimer: { expiresS: 120, minSeS: 90 } });
  net.settle();
  assert.equal(resps(net, 422, 'INVITE')[0]?.headers.get('Min-SE'), '300');
  const retry = reqs(net, 'INVITE')[1];
  assert.equal(retry?.headers.get('Session-Expires'), '300');
  assert.equal(retry?.headers.get('CSeq'), '2 INVITE');
  bob.incoming[0]?.answer();
  net.settle();
  assert.equal(call.state, 'confirmed');
  assert.equal(resps(net, 200, 'INVITE')[0]?.headers.get('Session-Expires'), '300;refresher=uac');
});

test('session timer: a peer without UPDATE in Allow is refreshed by re-INVITE with the same SDP version', () => {
  const { net, alice, bob } = pair();
  net.rewrite = (r) => {
    if (r.message.kind === 'response' && r.message.headers.has('Allow')) r.message.headers.set('Allow', 'INVITE, ACK, CANCEL, BYE');
  };
  const call = alice.call(bob, { sessionTimer: { expiresS: 120, minSeS: 90 } });
  net.settle();
  bob.incoming[0]?.answer();
  net.settle();
  net.settle(60_000);
  const invites = reqs(net, 'INVITE');
  assert.equal(invites.length, 2);
  const version = (m: SipMessage | undefined): string | undefined => /^o=\S+ \S+ (\d+)/m.exec(m?.body.toString() ?? '')?.[1];
  assert.equal(version(invites[1]), version(invites[0]));
  assert.equal(call.state, 'confirmed');
});
