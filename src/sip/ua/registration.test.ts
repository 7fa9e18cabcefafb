import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCredentials } from '../auth/index.js';
import { formatUri, type SipRequest } from '../message/index.js';
import { harness } from './test-support/harness.js';

function creds(r: SipRequest | undefined): ReturnType<typeof parseCredentials> | undefined {
  const v = r?.headers.get('Authorization');
  return v === undefined ? undefined : parseCredentials(v);
}

function nc(r: SipRequest | undefined): string | undefined {
  const c = creds(r);
  return c === undefined || c instanceof Error ? undefined : c.nc;
}

function cseqOf(r: SipRequest): number {
  const c = r.headers.cseq();
  assert.ok(c.ok);
  return c.value.seq;
}

test('first REGISTER is challenged, the retry (SHA-256) gets 200: registered with refresh at expires − 30 s', () => {
  const h = harness();
  h.agent.start();
  assert.equal(h.agent.status().state, 'registering');
  h.settle();
  const [first, second] = h.registrar.requests;
  assert.ok(first !== undefined && second !== undefined);
  assert.equal(h.registrar.requests.length, 2);
  assert.equal(formatUri(first.uri), 'sip:dialtone.test');
  assert.equal(first.headers.get('Authorization'), undefined);
  assert.match(first.headers.get('From') ?? '', /^<sip:alice@dialtone\.test>;tag=\w+$/);
  assert.equal(first.headers.get('To'), '<sip:alice@dialtone.test>');
  assert.equal(first.headers.get('Contact'), '<sip:alice@192.0.2.55:5062;transport=udp>');
  assert.equal(first.headers.get('Expires'), '3600');
  assert.equal(first.headers.get('Max-Forwards'), '70');
  assert.equal(first.headers.get('User-Agent'), 'Dialtone/test');
  assert.match(first.headers.get('Allow') ?? '', /INVITE.*BYE/);
  const via1 = first.headers.topVia();
  const via2 = second.headers.topVia();
  assert.ok(via1.ok && via2.ok);
  assert.notEqual(via1.value.branch, via2.value.branch);
  assert.equal(cseqOf(second), cseqOf(first) + 1);
  const c = creds(second);
  assert.ok(c !== undefined && !(c instanceof Error));
  assert.equal(c.algorithm, 'SHA-256');
  assert.equal(c.nc, '00000001');
  assert.equal(c.username, 'alice');
  assert.deepEqual(h.agent.status(), { state: 'registered', lastStatus: 200, expiresAt: 3_600_000, nextAttemptAt: 3_570_000 });
  assert.deepEqual(h.events.map((e) => e.state), ['registering', 'registered']);
  assert.ok(h.registrar.bindings.has('sip:alice@192.0.2.55:5062;transport=udp'));
});

test('refresh is sent preemptively authorized with nc 00000002, no new challenge', () => {
  const h = harness();
  h.agent.start();
  h.settle();
  h.clock.advance(3_570_000 - 1);
  assert.equal(h.registrar.requests.length, 2);
  h.clock.advance(1);
  assert.equal(h.registrar.requests.length, 3);
  const refresh = h.registrar.requests[2];
  assert.equal(nc(refresh), '00000002');
  assert.equal(h.agent.status().state, 'registered');
  assert.equal(h.agent.status().expiresAt, 3_570_000 + 3_600_000);
  h.clock.advance(3_570_000);
  assert.equal(h.registrar.requests.length, 4);
  assert.equal(nc(h.registrar.requests[3]), '00000003');
});

test('a short granted expiry is refreshed at half time', () => {
  const h = harness({ registrar: { maxExpiresS: 40 } });
  h.agent.start();
  h.settle();
  assert.deepEqual(h.agent.status(), { state: 'registered', lastStatus: 200, expiresAt: 40_000, nextAttemptAt: 20_000 });
  h.clock.advance(20_000);
  assert.equal(h.registrar.requests.length, 3);
  assert.equal(h.agent.status().expiresAt, 60_000);
});

test('wrong password: failed after exactly two REGISTERs, next try after 5 minutes', () => {
  const h = harness({ account: { password: 'wrong' } });
  h.agent.start();
  h.settle();
  assert.equal(h.registrar.requests.length, 2);
  const s = h.agent.status();
  assert.equal(s.state, 'failed');
  assert.equal(s.lastStatus, 401);
  assert.match(s.reason ?? '', /authentication failed/);
  assert.equal(s.nextAttemptAt, 300_000);
  h.clock.advance(299_999);
  assert.equal(h.registrar.requests.length, 2);
  h.clock.advance(1);
  assert.equal(h.registrar.requests.length, 4);
  assert.equal(h.agent.status().nextAttemptAt, 600_000);
});

test('after the credentials are fixed (here at the registrar), stop/start registers at once', async () => {
  const h = harness({ account: { password: 'wrong' } });
  h.agent.start();
  h.settle();
  assert.equal(h.agent.status().state, 'failed');
  h.registrar.users.alice = 'wrong';
  const stopped = h.agent.stop();
  h.settle();
  await stopped;
  h.agent.start();
  h.settle();
  assert.equal(h.agent.status().state, 'registered');
});

test('423 Interval Too Brief: retried at once with Min-Expires', () => {
  const h = harness({ expiresS: 600, registrar: { minExpiresS: 1800 } });
  h.agent.start();
  h.settle();
  assert.deepEqual(h.registrar.expiresSent, ['600', '600', '1800']);
  assert.equal(h.agent.status().state, 'registered');
  assert.equal(h.agent.status().expiresAt, 1_800_000);
  assert.equal(nc(h.registrar.requests[2]), '00000002');
});

test('no answer: failed at Timer F (32 s), retries after 30 s then 60 s, back-off reset by success', () => {
  const h = harness();
  h.registrar.override = { kind: 'drop' };
  h.agent.start();
  h.clock.advance(31_999);
  assert.equal(h.agent.status().state, 'registering');
  h.clock.advance(1);
  assert.equal(h.agent.status().state, 'failed');
  assert.match(h.agent.status().reason ?? '', /timeout/);
  assert.equal(h.agent.status().nextAttemptAt, 62_000);
  assert.ok(h.registrar.received > 1, 'UDP retransmissions');
  h.clock.advance(30_000);
  assert.equal(h.registrar.requests.length, 2);
  assert.equal(h.agent.status().state, 'registering');
  h.clock.advance(32_000);
  assert.equal(h.agent.status().state, 'failed');
  assert.equal(h.agent.status().nextAttemptAt, 94_000 + 60_000);
  h.registrar.override = undefined;
  h.clock.advance(60_000);
  assert.equal(h.agent.status().state, 'registered');
  // A later failure starts the back-off at 30 s again.
  h.registrar.override = { kind: 'reply', status: 500 };
  h.clock.advance(3_570_000);
  assert.equal(h.agent.status().state, 'failed');
  assert.equal(h.agent.status().nextAttemptAt, 154_000 + 3_570_000 + 30_000);
});

test('503 with Retry-After is honoured', () => {
  const h = harness();
  h.registrar.override = { kind: 'reply', status: 503, headers: [['Retry-After', '120 (maintenance)']] };
  h.agent.start();
  h.settle();
  assert.deepEqual(h.agent.status(), { state: 'failed', lastStatus: 503, reason: '503 Service Unavailable', nextAttemptAt: 120_000 });
  h.registrar.override = undefined;
  h.clock.advance(119_999);
  assert.equal(h.registrar.requests.length, 1);
  h.clock.advance(1);
  assert.equal(h.agent.status().state, 'registered');
});

test('403 is a failure retried with back-off', () => {
  const h = harness();
  h.registrar.override = { kind: 'reply', status: 403 };
  h.agent.start();
  h.settle();
  assert.deepEqual(h.agent.status(), { state: 'failed', lastStatus: 403, reason: '403 Forbidden', nextAttemptAt: 30_000 });
});

test('stop() unregisters with Expires: 0 (authorized) and cancels the refresh', async () => {
  const h = harness();
  h.agent.start();
  h.settle();
  const stopped = h.agent.stop();
  assert.equal(h.agent.status().state, 'unregistered');
  h.settle();
  await stopped;
  assert.equal(h.registrar.requests.length, 3);
  const unreg = h.registrar.requests[2];
  assert.equal(unreg?.headers.get('Expires'), '0');
  assert.equal(nc(unreg), '00000002');
  assert.equal(h.registrar.bindings.size, 0);
  h.clock.advance(10_000_000);
  assert.equal(h.registrar.requests.length, 3);
  assert.equal(h.clock.pendingCount(), 0);
});

test('CSeq increments and Call-ID stays constant, across stop/start too', async () => {
  const h = harness();
  h.agent.start();
  h.settle();
  h.clock.advance(3_570_000);
  const stopped = h.agent.stop();
  h.settle();
  await stopped;
  h.agent.start();
  h.settle();
  const rs = h.registrar.requests;
  assert.equal(rs.length, 6); // 2 + refresh + unregister + (challenge, retry) after restart
  assert.deepEqual(rs.map(cseqOf), rs.map((_, i) => cseqOf(rs[0] as SipRequest) + i));
  assert.equal(new Set(rs.map((r) => r.headers.get('Call-ID'))).size, 1);
  assert.equal(new Set(rs.map((r) => r.headers.get('From'))).size, 1);
});

test('dispose() sends nothing and ignores answers in flight', () => {
  const h = harness();
  h.agent.start();
  h.agent.dispose();
  h.settle();
  h.clock.advance(10_000_000);
  assert.equal(h.registrar.requests.length, 1);
  assert.equal(h.agent.status().state, 'registering');
  assert.deepEqual(h.events.map((e) => e.state), ['registering']);
});
