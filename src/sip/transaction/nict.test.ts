import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidStateError } from '../../errors.js';
import { nictStart, nictStep } from './nict.js';
import { harness, request, responseTo } from './test-support/testing.js';
import { DEFAULT_TIMER_CONFIG } from './types.js';

test('NICT over UDP retransmits at 0.5, 1.5, 3.5, 7.5, 11.5, 15.5 … s (capped at T2 = 4 s) and F fires at 32 s', () => {
  const h = harness();
  const tx = h.layer.sendRequest(request('OPTIONS'), 'proxy', h.clientTU);
  assert.equal(tx.state, 'trying');
  h.clock.advance(40_000);
  assert.deepEqual(h.sentTimes(), [0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500]);
  assert.deepEqual(h.reports, [{ at: 32_000, what: 'timeout', timer: 'F' }]);
  assert.equal(h.layer.size, 0);
  assert.equal(h.clock.pendingCount(), 0);
});

test('NICT over a reliable transport sends once; F at 32 s', () => {
  const h = harness();
  h.layer.sendRequest(request('REGISTER'), 'proxy', h.clientTU, { reliable: true });
  h.clock.advance(40_000);
  assert.deepEqual(h.sentTimes(), [0]);
  assert.deepEqual(h.reports, [{ at: 32_000, what: 'timeout', timer: 'F' }]);
});

test('NICT in Proceeding retransmits every T2', () => {
  const h = harness();
  const req = request('REGISTER');
  const tx = h.layer.sendRequest(req, 'proxy', h.clientTU);
  h.clock.advance(600);
  h.layer.receive(responseTo(req, 100), 'proxy', false);
  assert.equal(tx.state, 'proceeding');
  h.clock.advance(14_400); // to 15 s
  // The pending E (1 s interval from 0.5 s) fires at 1.5 s, then every T2.
  assert.deepEqual(h.sentTimes(), [0, 500, 1500, 5500, 9500, 13_500]);
});

test('NICT: final response → Completed for K = T4, retransmitted finals absorbed; reliable ends at once', () => {
  const h = harness();
  const req = request('BYE');
  const tx = h.layer.sendRequest(req, 'proxy', h.clientTU);
  h.clock.advance(700);
  h.layer.receive(responseTo(req, 200), 'proxy', false);
  assert.equal(tx.state, 'completed');
  h.layer.receive(responseTo(req, 200), 'proxy', false);
  assert.deepEqual(h.reports, [{ at: 700, what: 'response', status: 200 }]);
  h.clock.advance(4999);
  assert.equal(tx.state, 'completed');
  h.clock.advance(1);
  assert.equal(tx.state, 'terminated');
  assert.deepEqual(h.sentTimes(), [0, 500], 'no retransmission after the final response');

  const r = harness();
  const tcp = r.layer.sendRequest(req, 'proxy', r.clientTU, { reliable: true });
  r.layer.receive(responseTo(req, 404), 'proxy', true);
  assert.equal(tcp.state, 'terminated');
  assert.equal(r.clock.pendingCount(), 0);
});

test('NICT: changed T1/T2/T4 change E, F and K', () => {
  const h = harness({ t1: 200, t2: 1000, t4: 2500 });
  const req = request('OPTIONS');
  h.layer.sendRequest(req, 'proxy', h.clientTU);
  h.clock.advance(4000);
  assert.deepEqual(h.sentTimes(), [0, 200, 600, 1400, 2400, 3400]);
  h.layer.receive(responseTo(req, 200), 'proxy', false);
  h.clock.advance(2499);
  assert.equal(h.layer.size, 1);
  h.clock.advance(1);
  assert.equal(h.layer.size, 0);
  const f = harness({ t1: 200 });
  f.layer.sendRequest(req, 'proxy', f.clientTU);
  f.clock.advance(20_000);
  assert.deepEqual(f.reports, [{ at: 12_800, what: 'timeout', timer: 'F' }]);
});

test('NICT machine: Timer K in Trying is illegal; Terminated accepts nothing', () => {
  const start = nictStart({ timers: DEFAULT_TIMER_CONFIG, reliable: false }, 'MESSAGE');
  assert.throws(() => nictStep(start.state, { type: 'timer', timer: 'K' }), InvalidStateError);
  const done = nictStep(start.state, { type: 'timer', timer: 'F' });
  assert.equal(done.state.name, 'terminated');
  assert.throws(() => nictStep(done.state, { type: 'transportError' }), InvalidStateError);
});
