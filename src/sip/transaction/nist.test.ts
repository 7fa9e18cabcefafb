import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError } from '../../errors.js';
import { nistStart, nistStep } from './nist.js';
import { harness, request, responseTo } from './test-support/testing.js';
import { DEFAULT_TIMER_CONFIG } from './types.js';

test('NIST over UDP: final response re-sent on request retransmission; J = 32 s', () => {
  const h = harness();
  const req = request('OPTIONS');
  h.onNewRequest = (r, tx) => tx.respond(responseTo(r, 200));
  h.layer.receive(req, 'phone', false);
  const tx = h.servers[0];
  assert.equal(tx?.state, 'completed');
  h.clock.advance(3000);
  h.layer.receive(req, 'phone', false);
  tx?.respond(responseTo(req, 500)); // "MUST be discarded" in Completed
  assert.deepEqual(h.sent.map((s) => [s.at, s.message.status]), [[0, 200], [3000, 200]]);
  h.clock.advance(28_999);
  assert.equal(tx?.state, 'completed');
  h.clock.advance(1);
  assert.equal(tx?.state, 'terminated');
  assert.equal(h.layer.size, 0);
  h.layer.receive(req, 'phone', false); // after J: a new transaction
  assert.equal(h.reports.filter((r) => r.what === 'newRequest').length, 2);
});

test('NIST over TCP: J = 0', () => {
  const h = harness();
  h.onNewRequest = (r, tx) => tx.respond(responseTo(r, 200));
  h.layer.receive(request('REGISTER'), 'phone', true);
  assert.equal(h.servers[0]?.state, 'terminated');
  assert.equal(h.clock.pendingCount(), 0);
});

test('NIST: retransmissions discarded in Trying, last provisional re-sent in Proceeding', () => {
  const h = harness();
  const req = request('SUBSCRIBE');
  h.layer.receive(req, 'phone', false);
  h.layer.receive(req, 'phone', false);
  assert.equal(h.sent.length, 0);
  const tx = h.servers[0];
  tx?.respond(responseTo(req, 183));
  assert.equal(tx?.state, 'proceeding');
  h.layer.receive(req, 'phone', false);
  assert.deepEqual(h.sent.map((s) => s.message.status), [183, 183]);
  assert.equal(h.reports.filter((r) => r.what === 'newRequest').length, 1);
});

test('NIST machine: timers in Trying and events in Terminated are illegal', () => {
  const start = nistStart<string>({ timers: DEFAULT_TIMER_CONFIG, reliable: false });
  assert.throws(() => nistStep(start.state, { type: 'timer', timer: 'J' }), InvalidStateError);
  const done = nistStep(start.state, { type: 'transportError' });
  assert.equal(done.state.name, 'terminated');
  assert.throws(() => nistStep(done.state, { type: 'request', message: 'x' }), InvalidStateError);
});
