import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError } from '../../errors.js';
import { istStart, istStep } from './ist.js';
import { harness, request, responseTo, type FakeMsg } from './test-support/testing.js';
import { DEFAULT_TIMER_CONFIG } from './types.js';

const status = (s: number) => (m: FakeMsg): boolean => m.status === s;

test('IST sends 100 Trying at 200 ms when the TU is silent', () => {
  const h = harness();
  h.layer.receive(request('INVITE'), 'phone', false);
  h.clock.advance(199);
  assert.equal(h.sent.length, 0);
  h.clock.advance(1);
  assert.deepEqual(h.sentTimes(status(100)), [200]);
  assert.equal(h.sent[0]?.dest, 'phone');
});

test('IST sends no 100 Trying when the TU answers within 200 ms', () => {
  const h = harness();
  const invite = request('INVITE');
  h.layer.receive(invite, 'phone', false);
  h.clock.advance(150);
  h.servers[0]?.respond(responseTo(invite, 180));
  h.clock.advance(1000);
  assert.deepEqual(h.sent.map((s) => s.message.status), [180]);
});

test('IST: the 100 Trying delay is configurable and can be disabled', () => {
  const h = harness({ trying100Ms: 50 });
  h.layer.receive(request('INVITE'), 'phone', false);
  h.clock.advance(50);
  assert.deepEqual(h.sentTimes(status(100)), [50]);
  const off = harness({ trying100Ms: false });
  off.layer.receive(request('INVITE'), 'phone', false);
  off.clock.advance(1000);
  assert.equal(off.sent.length, 0);
});

test('IST absorbs INVITE retransmissions by re-sending the last provisional, then the final', () => {
  const h = harness();
  const invite = request('INVITE');
  h.layer.receive(invite, 'phone', false);
  h.layer.receive(invite, 'phone', false); // before any response: nothing to re-send
  h.servers[0]?.respond(responseTo(invite, 180));
  h.layer.receive(invite, 'phone', false);
  h.servers[0]?.respond(responseTo(invite, 486));
  h.layer.receive(invite, 'phone', false);
  assert.deepEqual(h.sent.map((s) => s.message.status), [180, 180, 486, 486]);
  assert.equal(h.reports.filter((r) => r.what === 'newRequest').length, 1);
});

test('IST over UDP retransmits a 4xx per G (capped at T2) until H at 32 s, then reports a timeout', () => {
  const h = harness();
  const invite = request('INVITE');
  h.onNewRequest = (req, tx) => tx.respond(responseTo(req, 486));
  h.layer.receive(invite, 'phone', false);
  const tx = h.servers[0];
  assert.equal(tx?.state, 'completed');
  h.clock.advance(40_000);
  assert.deepEqual(h.sentTimes(status(486)), [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
  assert.deepEqual(h.reports.at(-1), { at: 32_000, what: 'serverTimeout', timer: 'H' });
  assert.equal(tx?.state, 'terminated');
  assert.equal(h.clock.pendingCount(), 0);
});

test('IST: ACK → Confirmed; retransmissions stop; Confirmed lasts I = T4 on UDP', () => {
  const h = harness();
  const invite = request('INVITE');
  h.onNewRequest = (req, tx) => tx.respond(responseTo(req, 404));
  h.layer.receive(invite, 'phone', false);
  h.clock.advance(2000);
  h.layer.receive({ ...invite, method: 'ACK', toTag: 'tt' }, 'phone', false);
  const tx = h.servers[0];
  assert.equal(tx?.state, 'confirmed');
  h.layer.receive({ ...invite, method: 'ACK', toTag: 'tt' }, 'phone', false); // absorbed
  h.layer.receive(invite, 'phone', false); // absorbed
  h.clock.advance(4999);
  assert.equal(tx?.state, 'confirmed');
  h.clock.advance(1);
  assert.equal(tx?.state, 'terminated');
  assert.deepEqual(h.sentTimes(status(404)), [0, 500, 1500]);
  assert.ok(!h.reports.some((r) => r.what === 'ack' || r.what === 'strayAck'), 'ACK for non-2xx stays in the transaction');
});

test('IST over TCP: no G retransmissions and Confirmed lasts 0', () => {
  const h = harness();
  const invite = request('INVITE');
  h.onNewRequest = (req, tx) => tx.respond(responseTo(req, 480));
  h.layer.receive(invite, 'phone', true);
  h.clock.advance(10_000);
  assert.deepEqual(h.sentTimes(), [0]);
  h.layer.receive({ ...invite, method: 'ACK' }, 'phone', true);
  assert.equal(h.servers[0]?.state, 'terminated');
  assert.equal(h.clock.pendingCount(), 0);
});

test('IST RFC 6026 Accepted: INVITE retransmissions absorbed, matching ACK and 2xx retransmissions pass, L ends it', () => {
  const h = harness();
  const invite = request('INVITE');
  h.onNewRequest = (req, tx) => tx.respond(responseTo(req, 200));
  h.layer.receive(invite, 'phone', false);
  const tx = h.servers[0];
  assert.equal(tx?.state, 'accepted');
  h.clock.advance(500);
  h.layer.receive(invite, 'phone', false);
  assert.deepEqual(h.sentTimes(), [0], 'retransmitted INVITE absorbed, 2xx not re-sent by the transaction');
  tx?.respond(responseTo(invite, 200)); // the TU's own 2xx retransmission
  assert.deepEqual(h.sentTimes(), [0, 500]);
  const ack = { ...invite, method: 'ACK', toTag: 'tt' };
  h.layer.receive(ack, 'phone', false);
  assert.deepEqual(h.reports.at(-1), { at: 500, what: 'ack', message: ack });
  assert.throws(() => tx?.respond(responseTo(invite, 486)), InvalidStateError);
  h.clock.advance(31_499);
  assert.equal(tx?.state, 'accepted');
  h.clock.advance(1);
  assert.equal(tx?.state, 'terminated');
  assert.equal(h.clock.pendingCount(), 0);
});

test('IST error boundary: a TU that throws gets a 500 sent for it and the error logged', () => {
  const h = harness();
  h.onNewRequest = () => { throw new Error('boom'); };
  h.layer.receive(request('INVITE'), 'phone', false);
  assert.deepEqual(h.sent.map((s) => s.message.status), [500]);
  assert.equal(h.servers[0]?.state, 'completed');
  assert.ok(h.logger.entries.some((e) => e.level === 'error' && e.fields['err'] === 'boom'));
});

test('IST machine: responses after the final are illegal; T1 change scales G and H', () => {
  const timers = { ...DEFAULT_TIMER_CONFIG, t1: 250, t2: 1000 };
  const start = istStart<string>({ timers, reliable: false, trying100: '100' });
  assert.deepEqual(start.effects, [{ type: 'startTimer', timer: 'Trying100', ms: 200 }]);
  const done = istStep(start.state, { type: 'tuResponse', message: '404', status: 404 });
  assert.deepEqual(done.effects.filter((e) => e.type === 'startTimer'), [
    { type: 'startTimer', timer: 'G', ms: 250 }, { type: 'startTimer', timer: 'H', ms: 16_000 },
  ]);
  assert.throws(() => istStep(done.state, { type: 'tuResponse', message: '500', status: 500 }), InvalidStateError);
  let s = done.state;
  const gs: number[] = [];
  for (let i = 0; i < 4; i++) {
    const r = istStep(s, { type: 'timer', timer: 'G' });
    s = r.state;
    for (const e of r.effects) if (e.type === 'startTimer') gs.push(e.ms);
  }
  assert.deepEqual(gs, [500, 1000, 1000, 1000]);
});
