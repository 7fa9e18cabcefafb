// The session router: 481 for unknown dialogs and CANCELs, false for requests it does not
// own, and dispatch of new INVITEs. Over the loopback network.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequest, newBranch, type SipRequest } from '../message/index.js';
import { pair } from './test-support/loopback.js';

function request(method: string, toTag?: string): SipRequest {
  return createRequest({
    method,
    uri: 'sip:bob@192.0.2.2',
    headers: [
      ['Max-Forwards', '70'],
      ['From', '<sip:alice@192.0.2.1>;tag=x1'],
      ['To', toTag === undefined ? '<sip:bob@192.0.2.2>' : `<sip:bob@192.0.2.2>;tag=${toTag}`],
      ['Call-ID', `router-${newBranch()}`],
      ['CSeq', `5 ${method}`],
      ['Contact', '<sip:alice@192.0.2.1>'],
    ],
  });
}

function statusOf(send: (tu: { onResponse: (m: { kind: string; status?: number }) => void }) => void): number[] {
  const out: number[] = [];
  send({ onResponse: (m) => { if (m.kind === 'response' && m.status !== undefined && m.status >= 200) out.push(m.status); } });
  return out;
}

test('in-dialog session requests for an unknown dialog get 481; OPTIONS/MESSAGE are not the router\'s', () => {
  const { net, alice } = pair();
  const bye = statusOf((tu) => alice.host.sendRequest(request('BYE', 'nope'), tu));
  const options = statusOf((tu) => alice.host.sendRequest(request('OPTIONS'), tu));
  const message = statusOf((tu) => alice.host.sendRequest(request('MESSAGE'), tu));
  const notify = statusOf((tu) => alice.host.sendRequest(request('NOTIFY'), tu));
  net.settle();
  assert.deepEqual(bye, [481]);
  assert.deepEqual(options, [200]); // the loopback UA core answers what the router declines
  assert.deepEqual(message, [405]);
  assert.deepEqual(notify, [405]);
});

test('a CANCEL for no INVITE gets 481', () => {
  const { net, alice } = pair();
  const cancel = statusOf((tu) => alice.host.sendRequest(request('CANCEL'), tu));
  net.settle();
  assert.deepEqual(cancel, [481]);
});

test('a CANCEL for an INVITE the application still holds: 200, and the INVITE gets 487', () => {
  const { net, alice, bob } = pair();
  bob.onInvite = () => undefined; // the application is thinking
  const call = alice.call(bob);
  net.settle(200); // 100 Trying
  call.hangup();
  net.settle();
  assert.ok(net.labels().includes('200 CANCEL'));
  assert.ok(net.labels().includes('487 INVITE'));
  assert.equal(call.state, 'terminated');
});

test('sessions() lists live sessions on both sides', () => {
  const { net, alice, bob } = pair();
  alice.call(bob);
  net.settle();
  assert.equal(alice.router.sessions().length, 1);
  assert.equal(bob.router.sessions().length, 1);
  assert.equal(alice.router.sessions()[0]?.callId, bob.router.sessions()[0]?.callId);
});
