import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codecsOf, dtmfModeOf, srtpModeOf } from './account-media.js';

test('an account left at its defaults: SRTP required over TLS and off otherwise, RFC 4733 DTMF, PCMU then PCMA', () => {
  assert.equal(srtpModeOf({ transport: 'tls' }), 'require');
  assert.equal(srtpModeOf({ transport: 'udp' }), 'off');
  assert.equal(srtpModeOf({}), 'off');
  assert.equal(srtpModeOf({ transport: 'tls', srtp: 'accept' }), 'accept');
  assert.equal(srtpModeOf({ transport: 'tcp', srtp: 'require' }), 'require');
  assert.equal(dtmfModeOf({}), 'rfc4733');
  assert.equal(dtmfModeOf({ dtmfMode: 'info' }), 'info');
  assert.deepEqual(codecsOf({}), ['PCMU', 'PCMA']);
  assert.deepEqual(codecsOf({ codecs: ['G722', 'PCMA'] }), ['G722', 'PCMA']);
});
