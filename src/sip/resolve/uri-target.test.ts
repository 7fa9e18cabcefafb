import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUri, type SipUriParts } from '../message/uri.js';
import { ResolveError } from './errors.js';
import { targetFromUri } from './uri-target.js';

function sipUri(text: string): SipUriParts {
  const r = parseUri(text);
  assert.ok(r.ok && r.value.kind === 'sip', text);
  return r.value;
}

test('host, port, transport and scheme of a SIP URI become the resolution target', () => {
  assert.deepEqual(targetFromUri(sipUri('sip:alice@example.com')), { host: 'example.com', secure: false });
  assert.deepEqual(targetFromUri(sipUri('sips:alice@example.com:5071')), { host: 'example.com', port: 5071, secure: true });
  assert.deepEqual(targetFromUri(sipUri('sip:[2001:db8::1]:5070;transport=TCP')), { host: '[2001:db8::1]', port: 5070, transport: 'tcp', secure: false });
});

test('maddr overrides the host (RFC 3263 §4)', () => {
  assert.deepEqual(targetFromUri(sipUri('sip:bob@example.com;maddr=192.0.2.9;transport=udp')), { host: '192.0.2.9', transport: 'udp', secure: false });
});

test('a transport we do not know is refused', () => {
  assert.throws(() => targetFromUri(sipUri('sip:bob@example.com;transport=sctp')), (err: unknown) => err instanceof ResolveError && err.code === 'unsupported_transport');
});
