import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../errors.js';
import { harness, request, responseTo, type FakeMsg } from './test-support/testing.js';

test('a response whose branch matches no transaction is stray; CSeq method is part of the match', () => {
  const h = harness();
  const invite = request('INVITE');
  const tx = h.layer.sendRequest(invite, 'proxy', h.clientTU);
  h.layer.receive(responseTo(invite, 180, { branch: 'z9hG4bK-other' }), 'proxy', false);
  h.layer.receive(responseTo(invite, 200, { method: 'CANCEL' }), 'proxy', false);
  assert.deepEqual(h.reports.map((r) => r.what), ['strayResponse', 'strayResponse']);
  assert.equal(tx.state, 'calling');
});

test('ACK to a 2xx (new branch) goes to the TU as a stray ACK', () => {
  const h = harness();
  const invite = request('INVITE');
  h.onNewRequest = (r, tx) => tx.respond(responseTo(r, 200));
  h.layer.receive(invite, 'phone', false);
  const ack = { ...invite, method: 'ACK', branch: 'z9hG4bK-ack', toTag: 'tt' };
  h.layer.receive(ack, 'phone', false);
  assert.deepEqual(h.reports.at(-1), { at: 0, what: 'strayAck', message: ack });
});

test('retransmitted INVITE is absorbed; a different sent-by is a different transaction', () => {
  const h = harness();
  const invite = request('INVITE');
  h.layer.receive(invite, 'phone', false);
  h.layer.receive(invite, 'phone', false);
  assert.equal(h.reports.length, 1);
  h.layer.receive({ ...invite, sentBy: 'other.test:5060' }, 'other', false);
  assert.equal(h.reports.length, 2);
  assert.equal(h.layer.size, 2);
});

test('CANCEL is its own transaction and finds the INVITE it cancels', () => {
  const h = harness();
  const invite = request('INVITE');
  h.layer.receive(invite, 'phone', false);
  const cancel: FakeMsg = { ...invite, method: 'CANCEL' };
  h.onNewRequest = (r, tx) => {
    assert.equal(tx.kind, 'nist');
    assert.equal(h.layer.findInviteFor(r), h.servers[0]);
    tx.respond(responseTo(r, 200));
    h.servers[0]?.respond(responseTo(invite, 487));
  };
  h.layer.receive(cancel, 'phone', false);
  assert.equal(h.layer.size, 2);
  assert.deepEqual(h.sent.map((s) => `${s.message.status ?? 0} ${s.message.method}`), ['200 CANCEL', '487 INVITE']);
  assert.equal(h.servers[0]?.state, 'completed');
  assert.equal(h.servers[1]?.state, 'completed');
});

test('RFC 2543 request (no magic cookie) matched by Request-URI, tags, Call-ID, CSeq and top Via', () => {
  const h = harness();
  const old = request('INVITE', { branch: undefined, callId: 'legacy' });
  h.onNewRequest = (r, tx) => { if (r.method === 'INVITE' && r.callId === 'legacy') tx.respond(responseTo(r, 486, { toTag: 'srv' })); };
  h.layer.receive(old, 'phone', false);
  h.layer.receive({ ...old }, 'phone', false); // retransmission (a distinct object)
  assert.equal(h.reports.filter((r) => r.what === 'newRequest').length, 1);
  assert.deepEqual(h.sent.map((s) => s.message.status), [486, 486]);
  h.layer.receive({ ...old, seq: 2 }, 'phone', false); // different CSeq: new transaction
  h.layer.receive({ ...old, ruri: 'sip:carol@ata.test' }, 'phone', false); // different Request-URI
  assert.equal(h.reports.filter((r) => r.what === 'newRequest').length, 3);
  // ACK: To tag must be the one of the response sent.
  h.layer.receive({ ...old, method: 'ACK', toTag: 'wrong' }, 'phone', false);
  assert.equal(h.reports.at(-1)?.what, 'strayAck');
  h.layer.receive({ ...old, method: 'ACK', toTag: 'srv' }, 'phone', false);
  assert.equal(h.servers[0]?.state, 'confirmed');
});

test('a bare magic cookie branch (RFC 4475 badbranch) falls back to RFC 2543 matching', () => {
  // RFC 4475 §3.2.1: "z9hG4bK" with no identifier after it. Matched by the branch alone,
  // two unrelated requests from one phone would be taken for one transaction.
  const h = harness();
  const first = request('INVITE', { branch: 'z9hG4bK', callId: 'bare-1' });
  h.onNewRequest = (r, tx) => tx.respond(responseTo(r, 486, { toTag: 'srv' }));
  h.layer.receive(first, 'phone', false);
  h.layer.receive({ ...first }, 'phone', false); // a retransmission is still absorbed
  h.layer.receive({ ...first, callId: 'bare-2' }, 'phone', false);
  assert.deepEqual(h.reports.filter((r) => r.what === 'newRequest').length, 2);
  assert.deepEqual(h.sent.map((s) => s.message.status), [486, 486, 486]);
});

test('sendRequest refuses ACK and branches without the magic cookie', () => {
  const h = harness();
  assert.throws(() => h.layer.sendRequest(request('ACK'), 'proxy', h.clientTU), ValidationError);
  assert.throws(() => h.layer.sendRequest(request('INVITE', { branch: 'abc' }), 'proxy', h.clientTU), ValidationError);
  h.layer.sendAck(request('ACK', { branch: 'z9hG4bK-a' }), 'proxy');
  assert.equal(h.sent.length, 1);
  assert.equal(h.layer.size, 0);
});

test('transport errors: a throwing send and a later report both reach the TU', () => {
  const h = harness();
  const req = request('OPTIONS');
  const tx = h.layer.sendRequest(req, 'proxy', h.clientTU);
  h.layer.transportError(req);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(h.reports, [{ at: 0, what: 'transportError' }]);
  assert.equal(h.clock.pendingCount(), 0);

  const thrown = harness();
  thrown.failSend = (m) => m.method === 'INVITE';
  const ict = thrown.layer.sendRequest(request('INVITE'), 'proxy', thrown.clientTU);
  assert.equal(ict.state, 'terminated');
  assert.deepEqual(thrown.reports, [{ at: 0, what: 'transportError' }]);
  assert.equal(thrown.clock.pendingCount(), 0);

  const failing = harness();
  const invite = request('INVITE');
  failing.onNewRequest = (r, stx) => stx.respond(responseTo(r, 486));
  failing.layer.receive(invite, 'phone', false);
  const sent = failing.sent[0];
  assert.ok(sent !== undefined);
  failing.layer.transportError(sent.message);
  assert.deepEqual(failing.reports.at(-1), { at: 0, what: 'serverTransportError' });
  assert.equal(failing.layer.size, 0);
});

test('a TU callback that throws is logged and does not wedge the transaction', () => {
  const h = harness();
  const req = request('OPTIONS');
  const tx = h.layer.sendRequest(req, 'proxy', { onResponse: () => { throw new Error('tu bug'); } });
  h.layer.receive(responseTo(req, 200), 'proxy', false);
  assert.equal(tx.state, 'completed');
  assert.ok(h.logger.entries.some((e) => e.level === 'error' && e.fields['callback'] === 'onResponse'));
});

test('dispose leaves no pending timers and forgets every transaction', () => {
  const h = harness();
  h.layer.sendRequest(request('INVITE', { branch: 'z9hG4bK-c1' }), 'proxy', h.clientTU);
  h.layer.sendRequest(request('OPTIONS', { branch: 'z9hG4bK-c2' }), 'proxy', h.clientTU);
  h.onNewRequest = (r, tx) => { if (r.method === 'MESSAGE') tx.respond(responseTo(r, 200)); };
  h.layer.receive(request('INVITE', { branch: 'z9hG4bK-s1' }), 'phone', false);
  h.layer.receive(request('MESSAGE', { branch: 'z9hG4bK-s2' }), 'phone', false);
  assert.ok(h.clock.pendingCount() > 0);
  h.layer.dispose();
  assert.equal(h.clock.pendingCount(), 0);
  assert.equal(h.layer.size, 0);
  h.clock.advance(60_000);
  assert.deepEqual(h.reports.map((r) => r.what), ['newRequest', 'newRequest']);
  assert.throws(() => h.layer.sendRequest(request('OPTIONS'), 'proxy', h.clientTU), ValidationError);
});

test('setTimers changes derived intervals for new transactions', () => {
  const h = harness();
  h.layer.setTimers({ t1: 1000, t2: 2000 });
  h.layer.sendRequest(request('OPTIONS'), 'proxy', h.clientTU);
  h.clock.advance(70_000);
  assert.deepEqual(h.sentTimes().slice(0, 5), [0, 1000, 3000, 5000, 7000]);
  assert.deepEqual(h.reports, [{ at: 64_000, what: 'timeout', timer: 'F' }]);
});
