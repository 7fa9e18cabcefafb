// Packetisation (RFC 4566 §6 a=ptime / a=maxptime) and direction algebra (RFC 3264 §6.1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intersect, mirror, ourDirection } from './direction.js';
import { sendPtime } from './negotiate.js';

test('ptime: the remote a=ptime, capped by a=maxptime, rounded down to what we produce', () => {
  assert.equal(sendPtime(20), 20);
  assert.equal(sendPtime(20, 30), 30);
  assert.equal(sendPtime(20, 60), 40);
  assert.equal(sendPtime(20, 60, 30), 30);
  assert.equal(sendPtime(40, undefined, 20), 20);
  assert.equal(sendPtime(20, 25), 20);
  assert.equal(sendPtime(20, 5), 10);
  assert.equal(sendPtime(20, 0), 20, 'a nonsense ptime is ignored');
});

test('directions: mirror, intersect, and ours from theirs', () => {
  assert.equal(mirror('sendonly'), 'recvonly');
  assert.equal(mirror('recvonly'), 'sendonly');
  assert.equal(mirror('inactive'), 'inactive');
  assert.equal(mirror('sendrecv'), 'sendrecv');
  assert.equal(intersect('sendonly', 'recvonly'), 'inactive');
  assert.equal(ourDirection('sendonly', 'sendrecv'), 'recvonly');
  assert.equal(ourDirection('recvonly', 'sendonly'), 'sendonly');
  assert.equal(ourDirection('sendrecv', 'inactive'), 'inactive');
});
