// Call set-up and tear-down over the loopback network (RFC 3261 §13, §15, §9).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChallenge, verifyAuthorization } from '../auth/index.js';
import { createResponse, formatUri } from '../message/index.js';
import { SdpError, SdpSession } from '../sdp/index.js';
import { LoopbackProxy, mediaFor, pair, reparse } from './test-support/loopback.js';
import { record } from './test-support/recorder.js';
import type { SipMessage } from '../message/index.js';

const isReq = (method: string) => (m: SipMessage): boolean => m.kind === 'request' && m.method === method;

test('basic call: INVITE/180/200/ACK, media both ways, BYE from the caller', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  const b = record(incoming);
  assert.equal(incoming.state, 'proceeding');
  assert.deepEqual(incoming.remoteIdentity, { displayName: 'alice', uri: 'sip:alice@192.0.2.1' });
  incoming.ring();
  net.settle();
  assert.equal(call.state, 'early');
  assert.deepEqual(a.progress, [{ status: 180, reason: 'Ringing', earlyMedia: false }]);
  incoming.answer();
  net.settle();
  assert.equal(call.state, 'confirmed');
  assert.equal(incoming.state, 'confirmed');
  assert.equal(a.answered, 1);
  assert.equal(b.answered, 1);
  assert.equal(a.media[0]?.remotePort, 50000);
  assert.equal(b.media[0]?.remotePort, 40000);
  assert.equal(call.negotiated?.codec.name, 'PCMU');
  const invite = net.find(isReq('INVITE'))[0];
  assert.ok(invite?.kind === 'request');
  assert.match(invite.headers.get('Supported') ?? '', /100rel.*timer.*replaces/);
  assert.match(invite.headers.get('Allow') ?? '', /INVITE.*BYE.*UPDATE.*REFER/);
  assert.equal(invite.headers.get('Content-Type'), 'application/sdp');
  assert.equal(net.find(isReq('ACK')).length, 1);
  call.hangup();
  assert.equal(call.state, 'terminating');
  net.settle();
  assert.deepEqual(a.ended, [{ by: 'local', cause: 'normal' }]);
  assert.deepEqual(b.ended, [{ by: 'remote', cause: 'normal' }]);
  assert.equal(call.state, 'terminated');
  assert.deepEqual(net.labels(), ['INVITE', '180 INVITE', '200 INVITE', 'ACK', 'BYE', '200 BYE']);
  // Ended sessions are forgotten after the linger time.
  net.settle(32_000);
  assert.equal(alice.router.sessions().length, 0);
  assert.equal(bob.router.sessions().length, 0);
});

test('BYE from the callee; the caller answers 200 and ends by remote', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  const b = record(incoming);
  incoming.answer();
  net.settle();
  incoming.hangup();
  net.settle();
  assert.deepEqual(a.ended, [{ by: 'remote', cause: 'normal' }]);
  assert.deepEqual(b.ended, [{ by: 'local', cause: 'normal' }]);
  const bye = net.find(isReq('BYE'))[0];
  assert.ok(bye?.kind === 'request');
  // §12.2.1.1: Request-URI = the remote target (alice's Contact), CSeq fresh in bob's space.
  assert.equal(bye.uri.kind === 'sip' ? bye.uri.user : '', 'alice');
});

test('CANCEL before the answer: 200 to CANCEL, 487 to INVITE, ended cancelled on both sides', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  const b = record(incoming);
  incoming.ring();
  net.settle();
  call.hangup();
  net.settle();
  assert.deepEqual(a.ended, [{ by: 'local', cause: 'cancelled', status: 487, reason: 'Request Terminated' }]);
  assert.deepEqual(b.ended, [{ by: 'remote', cause: 'cancelled', status: 487 }]);
  assert.deepEqual(net.labels(), ['INVITE', '180 INVITE', 'CANCEL', '200 CANCEL', '487 INVITE', 'ACK']);
});

test('hangup before any provisional waits for one before sending CANCEL (§9.1)', () => {
  const { net, alice, bob } = pair();
  bob.onInvite = (invite, tx) => { bob.accept(invite, tx); };
  const call = alice.call(bob);
  const a = record(call);
  call.hangup();
  net.settle();
  assert.equal(net.labels().includes('CANCEL'), false);
  net.settle(200); // bob's transaction sends 100 Trying by itself
  net.settle();
  assert.ok(net.labels().includes('CANCEL'));
  assert.equal(a.ended[0]?.cause, 'cancelled');
});

test('a 2xx that crosses our CANCEL is ACKed, then BYEd', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  incoming.ring();
  net.settle();
  call.hangup(); // CANCEL in flight
  incoming.answer(); // 200 in flight
  net.settle();
  net.settle();
  assert.deepEqual(net.labels(alice.at).filter((l) => ['ACK', 'BYE', 'CANCEL'].includes(l)), ['CANCEL', 'ACK', 'BYE']);
  assert.equal(a.ended[0]?.cause, 'cancelled');
  assert.equal(incoming.state, 'terminated');
});

test('busy: 486 ends the caller with cause busy', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  const a = record(call);
  net.settle();
  bob.incoming[0]?.reject(486);
  net.settle();
  assert.deepEqual(a.ended, [{ by: 'remote', cause: 'busy', status: 486, reason: 'Busy Here' }]);
  assert.equal(net.labels().at(-1), 'ACK');
});

test('other failures: 404 → rejected; no answer at all → Timer B timeout', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  const a = record(call);
  net.settle();
  bob.incoming[0]?.reject(404, 'Nobody Here');
  net.settle();
  assert.deepEqual(a.ended, [{ by: 'remote', cause: 'rejected', status: 404, reason: 'Nobody Here' }]);

  const lost = alice.call('sip:nobody@192.0.2.99');
  const l = record(lost);
  net.settle(64 * 500);
  assert.deepEqual(l.ended, [{ by: 'local', cause: 'timeout', status: 408 }]);
});

test('unacceptable offer: the callee answers 488 with Warning itself', () => {
  const { net, alice, bob } = pair();
  let result: ReturnType<typeof bob.accept> | undefined;
  bob.onInvite = (invite, tx) => { result = bob.accept(invite, tx, { media: () => ({ address: '192.0.2.2', port: 50000, codecs: ['G722'], ptimeMs: 20, dtmf: 'inband', direction: 'sendrecv' }) }); };
  const call = alice.call(bob);
  const a = record(call);
  net.settle();
  assert.deepEqual(result, { ok: false, status: 488 });
  const res = net.find((m) => m.kind === 'response' && m.status === 488)[0];
  assert.match(res?.headers.get('Warning') ?? '', /^305 /);
  assert.equal(a.ended[0]?.cause, 'media-failed');
});

test('a 2xx is retransmitted until the ACK; a lost ACK ends the call with BYE after 64·T1', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  const b = record(incoming);
  // Lose every ACK alice sends.
  net.drop = (r) => r.message.kind === 'request' && r.message.method === 'ACK';
  incoming.answer();
  net.settle();
  net.settle(500 + 1000 + 2000);
  const oks = net.wire.filter((r) => r.message.kind === 'response' && r.message.status === 200 && r.from.address === '192.0.2.2');
  assert.equal(oks.length, 4); // at 0, T1, 3·T1, 7·T1
  // Each retransmission is ACKed again by alice (2xx retransmissions reach the TU, RFC 6026).
  assert.equal(net.wire.filter((r) => r.message.kind === 'request' && r.message.method === 'ACK').length, 4);
  net.settle(32_000);
  assert.deepEqual(b.ended, [{ by: 'local', cause: 'timeout', reason: 'no ACK' }]);
  assert.equal(call.state, 'terminated');
});

test('an ACK that arrives stops the 2xx retransmissions', () => {
  const { net, alice, bob } = pair();
  alice.call(bob);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  incoming.answer();
  net.settle();
  net.settle(10_000);
  assert.equal(net.find((m) => m.kind === 'response' && m.status === 200).length, 1);
});

test('offerless INVITE: the offer goes in our 200, the answer comes in the ACK', () => {
  const { net, alice, bob } = pair();
  const answerer = new SdpSession();
  net.rewrite = (r) => {
    const m = r.message;
    if (m.kind === 'request' && m.method === 'INVITE') {
      m.body = Buffer.alloc(0);
      m.headers.remove('Content-Type');
    }
    if (m.kind === 'request' && m.method === 'ACK') {
      const ok = net.find((x) => x.kind === 'response' && x.status === 200)[0];
      const answer = answerer.receiveOffer(ok?.body.toString('utf8') ?? '', mediaFor('192.0.2.1', 40000));
      assert.ok(!(answer instanceof SdpError));
      m.body = Buffer.from(answer.answer);
      m.headers.set('Content-Type', 'application/sdp');
    }
  };
  alice.call(bob);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  const b = record(incoming);
  incoming.answer();
  assert.equal(b.media.length, 0); // nothing negotiated until the ACK
  net.settle();
  assert.equal(b.media.length, 1);
  assert.equal(b.media[0]?.remotePort, 40000);
  assert.equal(incoming.state, 'confirmed');
  const ok = net.find((x) => x.kind === 'response' && x.status === 200)[0];
  assert.match(ok?.body.toString('utf8') ?? '', /^m=audio 50000 RTP\/AVP 0 8/m);
});

test('forking: a 2xx from a second remote tag is ACKed, then BYEd; the first call stays up', () => {
  const { net, alice, bob } = pair();
  const call = alice.call(bob);
  const a = record(call);
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  incoming.answer();
  net.settle();
  const ok = net.find((m) => m.kind === 'response' && m.status === 200)[0];
  assert.ok(ok?.kind === 'response');
  const fork = reparse(ok);
  fork.headers.set('To', (fork.headers.get('To') ?? '').replace(/tag=[^;]+/, 'tag=fork2'));
  alice.layer.receive(fork, bob.at, false);
  net.settle();
  const acks = net.find((m) => m.kind === 'request' && m.method === 'ACK');
  assert.equal(acks.length, 2);
  const bye = net.find((m) => m.kind === 'request' && m.method === 'BYE')[0];
  assert.match(bye?.headers.get('To') ?? '', /tag=fork2/);
  assert.equal(call.state, 'confirmed');
  assert.equal(a.ended.length, 0);
  assert.equal(a.answered, 1);
});

test('407 on the INVITE: retried once with Proxy-Authorization, new CSeq, same Call-ID and From tag', () => {
  const { net, alice, bob } = pair();
  const realm = 'dialtone.test';
  const nonce = 'abc123nonce';
  bob.onInvite = (invite, tx) => {
    const auth = invite.headers.get('Proxy-Authorization');
    const ok = auth !== undefined && verifyAuthorization({
      headerValue: auth, method: 'INVITE', realm, lookupPassword: (u) => (u === 'alice' ? 'secret' : undefined),
      validateNonce: (n) => (n === nonce ? 'ok' : 'invalid'), requestUri: formatUri(invite.uri),
    }).ok;
    if (!ok) {
      tx.respond(createResponse(invite, 407, undefined, { toTag: 'challenge', headers: [['Proxy-Authenticate', formatChallenge({ realm, nonce, algorithm: 'MD5', qop: ['auth'], stale: false, domain: [], userhash: false })]] }));
      return;
    }
    bob.accept(invite, tx);
  };
  const call = alice.call(bob, { credentials: { username: 'alice', password: 'secret' } });
  const a = record(call);
  net.settle();
  bob.incoming[0]?.answer();
  net.settle();
  assert.equal(call.state, 'confirmed');
  assert.equal(a.ended.length, 0);
  const invites = net.find((m) => m.kind === 'request' && m.method === 'INVITE');
  assert.equal(invites.length, 2);
  const [first, second] = invites;
  assert.equal(first?.headers.get('Call-ID'), second?.headers.get('Call-ID'));
  assert.equal(first?.headers.get('From'), second?.headers.get('From'));
  assert.equal(first?.headers.get('CSeq'), '1 INVITE');
  assert.equal(second?.headers.get('CSeq'), '2 INVITE');
  // The 2xx ACK carries the INVITE's credentials (§13.2.2.4... §22.1).
  const ack2xx = net.find((m) => m.kind === 'request' && m.method === 'ACK').at(-1);
  assert.ok(ack2xx?.headers.has('Proxy-Authorization'));
  assert.equal(ack2xx?.headers.get('CSeq'), '2 ACK');
});

test('407 with wrong credentials ends the call with auth-failed', () => {
  const { net, alice, bob } = pair();
  bob.onInvite = (invite, tx) => {
    tx.respond(createResponse(invite, 407, undefined, { toTag: 'c', headers: [['Proxy-Authenticate', formatChallenge({ realm: 'r', nonce: `n${net.wire.length}`, algorithm: 'MD5', qop: ['auth'], stale: false, domain: [], userhash: false })]] }));
  };
  const call = alice.call(bob, { credentials: { username: 'alice', password: 'wrong' } });
  const a = record(call);
  net.settle();
  assert.deepEqual(a.ended, [{ by: 'remote', cause: 'auth-failed', status: 407, reason: 'Proxy Authentication Required' }]);
  assert.equal(net.find((m) => m.kind === 'request' && m.method === 'INVITE').length, 2);
});

test('through a record-routing proxy: in-dialog requests follow the route set', () => {
  const { net, alice, bob } = pair();
  const proxy = new LoopbackProxy(net);
  const call = alice.call(bob, { routeSet: [proxy.route] });
  net.settle();
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  incoming.answer();
  net.settle();
  assert.equal(call.state, 'confirmed');
  call.hangup();
  net.settle();
  const bye = net.wire.find((r) => r.message.kind === 'request' && r.message.method === 'BYE' && r.from.address === '192.0.2.1');
  assert.equal(bye?.to.address, proxy.at.address);
  assert.equal(bye?.message.headers.get('Route'), '<sip:192.0.2.100;lr>');
  const ack = net.wire.find((r) => r.message.kind === 'request' && r.message.method === 'ACK');
  assert.equal(ack?.to.address, proxy.at.address);
  assert.equal(incoming.state, 'terminated');
});

test('loss: dropping every 2nd UDP message at first still completes the call', () => {
  const { net, alice, bob } = pair();
  let n = 0;
  net.drop = (r) => r.n < 12 && n++ % 2 === 1;
  const call = alice.call(bob);
  const a = record(call);
  for (let i = 0; i < 20 && bob.incoming.length === 0; i++) net.settle(500);
  const incoming = bob.incoming[0];
  assert.ok(incoming);
  incoming.answer();
  net.settle(10_000);
  assert.equal(call.state, 'confirmed');
  assert.equal(incoming.state, 'confirmed');
  assert.equal(a.answered, 1);
  call.hangup();
  net.settle(10_000);
  assert.equal(incoming.state, 'terminated');
  assert.equal(call.state, 'terminated');
  assert.ok(net.wire.some((r) => r.dropped));
});
