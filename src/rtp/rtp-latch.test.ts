import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LATCH_PACKETS, normalizeAddress, RtpLatch, socketAddress } from './rtp-latch.js';

const X = { address: '192.0.2.1', port: 40000 };
const Y = { address: '192.0.2.2', port: 50000 };

test('latches after two consecutive in-sequence packets from one address', () => {
  assert.equal(LATCH_PACKETS, 2);
  const l = new RtpLatch();
  assert.equal(l.offer(X, 7, 65535), undefined);
  assert.deepEqual(l.offer(X, 7, 0), X); // across the sequence wrap
  assert.deepEqual(l.latchedTo, X);
  assert.equal(l.offer(Y, 9, 1), undefined); // latched: no more offers taken
  assert.deepEqual(l.latchedTo, X);
});

test('a packet from elsewhere, another SSRC or a sequence gap restarts the count', () => {
  const l = new RtpLatch();
  l.offer(X, 7, 10);
  assert.equal(l.offer(Y, 7, 11), undefined); // other address
  assert.equal(l.offer(X, 7, 12), undefined);
  assert.equal(l.offer(X, 8, 13), undefined); // other SSRC
  assert.equal(l.offer(X, 8, 15), undefined); // gap
  assert.equal(l.offer(X, 8, 15), undefined); // duplicate
  assert.equal(l.offer({ ...X, port: X.port + 2 }, 8, 16), undefined); // same host, other port
  assert.deepEqual(l.offer({ ...X, port: X.port + 2 }, 8, 17), { ...X, port: X.port + 2 });
});

test('admits everything before latching, then only the latched address (any port when asked)', () => {
  const l = new RtpLatch();
  assert.ok(l.admits(Y));
  l.offer(X, 1, 1);
  l.offer(X, 1, 2);
  assert.ok(l.admits(X));
  assert.ok(!l.admits(Y));
  assert.ok(!l.admits({ ...X, port: X.port + 1 }));
  assert.ok(l.admits({ ...X, port: X.port + 1 }, true));
  assert.ok(!l.admits({ ...Y, port: X.port }, true));
  l.reset();
  assert.equal(l.latchedTo, undefined);
  assert.ok(l.admits(Y));
});

test('a latch that needs more packets', () => {
  const l = new RtpLatch(3);
  l.offer(X, 1, 1);
  assert.equal(l.offer(X, 1, 2), undefined);
  assert.deepEqual(l.offer(X, 1, 3), X);
});

test('IPv4-mapped addresses', () => {
  assert.equal(normalizeAddress('::ffff:192.0.2.1'), '192.0.2.1');
  assert.equal(normalizeAddress('::FFFF:192.0.2.1'), '192.0.2.1');
  assert.equal(normalizeAddress('2001:db8::1'), '2001:db8::1');
  assert.equal(normalizeAddress('::ffff:zz'), '::ffff:zz');
  assert.equal(socketAddress('192.0.2.1', 'IPv6'), '::ffff:192.0.2.1');
  assert.equal(socketAddress('192.0.2.1', 'IPv4'), '192.0.2.1');
  assert.equal(socketAddress('2001:db8::1', 'IPv6'), '2001:db8::1');
});
