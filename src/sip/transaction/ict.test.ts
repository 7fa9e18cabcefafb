import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError } from '../../errors.js';
import { ictStart, ictStep } from './ict.js';
import { harness, request, responseTo, type FakeMsg } from './test-support/testing.js';
import { DEFAULT_TIMER_CONFIG } from './types.js';

const isInvite = (m: FakeMsg): boolean => m.kind === 'request' && m.method === 'INVITE';
const isAck = (m: FakeMsg): boolean => m.method === 'ACK';

test('ICT over UDP sends INVITE at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s and times out (B) at 32 s', () => {
  const h = harness();
  const tx = h.layer.sendRequest(request('INVITE'), 'proxy', h.clientTU);
  assert.equal(tx.state, 'calling');
  h.clock.advance(40_000);
  assert.deepEqual(h.sentTimes(isInvite), [0, 500, 1500, 3500, 7500, 15_500, 31_500]);
  assert.deepEqual(h.reports, [{ at: 32_000, what: 'timeout', timer: 'B' }]);
  assert.equal(tx.state, 'terminated');
  assert.equal(h.layer.size, 0);
  assert.equal(h.clock.pendingCount(), 0);
});

test('ICT over a reliable transport sends once and times out at 32 s', () => {
  const h = harness();
  h.layer.sendRequest(request('INVITE'), 'proxy', h.clientTU, { reliable: true });
  h.clock.advance(40_000);
  assert.deepEqual(h.sentTimes(), [0]);
  assert.deepEqual(h.reports, [{ at: 32_000, what: 'timeout', timer: 'B' }]);
});

test('ICT: a changed T1 scales Timer A and Timer B', () => {
  const h = harness({ t1: 100 });
  h.layer.sendRequest(request('INVITE'), 'proxy', h.clientTU);
  h.clock.advance(10_000);
  assert.deepEqual(h.sentTimes(isInvite), [0, 100, 300, 700, 1500, 3100, 6300]);
  assert.deepEqual(h.reports, [{ at: 6400, what: 'timeout', timer: 'B' }]);
});

test('ICT: 1xx stops retransmission; 4xx is ACKed by the transaction and the ACK re-sent on a retransmitted 4xx', () => {
  const h = harness();
  const invite = request('INVITE');
  const tx = h.layer.sendRequest(invite, 'proxy', h.clientTU);
  h.clock.advance(600);
  h.layer.receive(responseTo(invite, 180), 'proxy', false);
  assert.equal(tx.state, 'proceeding');
  h.clock.advance(10_000);
  assert.deepEqual(h.sentTimes(isInvite), [0, 500], 'no retransmission in Proceeding');
  h.layer.receive(responseTo(invite, 486), 'proxy', false);
  assert.equal(tx.state, 'completed');
  const acks = h.sent.filter((s) => isAck(s.message));
  assert.equal(acks.length, 1);
  assert.equal(acks[0]?.message.note, 'ack-for-486');
  assert.equal(acks[0]?.message.branch, invite.branch, 'non-2xx ACK shares the INVITE branch');
  h.clock.advance(1000);
  h.layer.receive(responseTo(invite, 486), 'proxy', false);
  assert.deepEqual(h.sentTimes(isAck), [10_600, 11_600]);
  assert.deepEqual(h.reports.map((r) => r.what === 'response' ? r.status : r.what), [180, 486], 'retransmitted 4xx not passed to TU');
  // Timer D: 32 s from entering Completed.
  h.clock.advance(30_999);
  assert.equal(tx.state, 'completed');
  h.clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.equal(h.clock.pendingCount(), 0);
});

test('ICT over a reliable transport: Timer D is zero, the transaction ends at the 4xx', () => {
  const h = harness();
  const invite = request('INVITE');
  const tx = h.layer.sendRequest(invite, 'proxy', h.clientTU, { reliable: true });
  h.layer.receive(responseTo(invite, 503), 'proxy', true);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(h.sent.map((s) => s.message.method), ['INVITE', 'ACK']);
  assert.equal(h.clock.pendingCount(), 0);
});

test('ICT RFC 6026 Accepted: 2xx retransmissions go to the TU until Timer M, then are stray', () => {
  const h = harness();
  const invite = request('INVITE');
  const tx = h.layer.sendRequest(invite, 'proxy', h.clientTU);
  h.clock.advance(100);
  h.layer.receive(responseTo(invite, 200), 'proxy', false);
  assert.equal(tx.state, 'accepted');
  h.clock.advance(5000);
  h.layer.receive(responseTo(invite, 200), 'proxy', false);
  h.layer.receive(responseTo(invite, 180), 'proxy', false); // absorbed in Accepted
  assert.deepEqual(h.reports, [{ at: 100, what: 'response', status: 200 }, { at: 5100, what: 'response', status: 200 }]);
  assert.deepEqual(h.sentTimes(), [0], 'no INVITE retransmission and no ACK from the transaction');
  h.clock.advance(32_000 - 5000 - 1);
  assert.equal(tx.state, 'accepted');
  h.clock.advance(1);
  assert.equal(tx.state, 'terminated');
  h.layer.receive(responseTo(invite, 200), 'proxy', false);
  assert.equal(h.reports.at(-1)?.what, 'strayResponse');
});

test('ICT machine: illegal events throw InvalidStateError; 2xx/6xx in Calling cancel A and B', () => {
  const ctx = { timers: DEFAULT_TIMER_CONFIG, reliable: false, buildAck: (i: string) => `ACK ${i}` };
  const start = ictStart(ctx, 'INVITE');
  assert.deepEqual(start.effects, [
    { type: 'send', message: 'INVITE' }, { type: 'startTimer', timer: 'A', ms: 500 }, { type: 'startTimer', timer: 'B', ms: 32_000 },
  ]);
  const completed = ictStep(start.state, { type: 'response', message: '603', status: 603 });
  assert.equal(completed.state.name, 'completed');
  assert.deepEqual(completed.effects.map((e) => e.type === 'startTimer' || e.type === 'cancelTimer' ? `${e.type}:${e.timer}` : e.type),
    ['cancelTimer:A', 'cancelTimer:B', 'toTU', 'send', 'startTimer:D']);
  assert.throws(() => ictStep(completed.state, { type: 'timer', timer: 'A' }), InvalidStateError);
  const ended = ictStep(completed.state, { type: 'timer', timer: 'D' });
  assert.equal(ended.state.name, 'terminated');
  assert.throws(() => ictStep(ended.state, { type: 'response', message: '200', status: 200 }), InvalidStateError);
  const failed = ictStep(start.state, { type: 'transportError' });
  assert.equal(failed.state.name, 'terminated');
  assert.ok(failed.effects.some((e) => e.type === 'toTU' && e.kind === 'transportError'));
});
