import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRequest, createResponse, newBranch, newCallId, newTag } from './build.js';
import { parseMessage } from './parse.js';
import { serializeMessage } from './serialize.js';
import { SAMPLE_INVITE } from './samples.test-data.js';
import type { SipRequest } from './message.js';

function invite(): SipRequest {
  const r = parseMessage(Buffer.from(SAMPLE_INVITE.replace('Via: SIP', 'Via: SIP/2.0/TCP proxy.example.net;branch=z9hG4bKp1\r\nVia: SIP').replace('CSeq:', 'Timestamp: 54\r\nCSeq:')));
  assert.ok(r.ok && r.message.kind === 'request');
  return r.message;
}

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('copies every Via in order, From, To, Call-ID and CSeq, and nothing else', () => {
    const req = invite();
    const res = createResponse(req, 486);
    assert.equal(res.reason, 'Busy Here');
    assert.deepEqual(res.headers.getAll('Via'), req.headers.getAll('Via'));
    assert.equal(res.headers.getAll('Via').length, 2);
    for (const name of ['From', 'To', 'Call-ID', 'CSeq']) assert.equal(res.headers.get(name), req.headers.get(name));
    assert.deepEqual(res.headers.fields().map((f) => f.name), ['Via', 'Via', 'From', 'To', 'Call-ID', 'CSeq']);
  });

  it('adds the To tag when given and absent, but not to 100 Trying, which copies Timestamp', () => {
    const req = invite();
    const ringing = createResponse(req, 180, undefined, { toTag: 'abc123' });
    const to = ringing.headers.to();
    assert.ok(to.ok && to.value.tag === 'abc123');
    const trying = createResponse(req, 100, undefined, { toTag: 'abc123' });
    const to100 = trying.headers.to();
    assert.ok(to100.ok && to100.value.tag === undefined);
    assert.equal(trying.headers.get('Timestamp'), '54');
    assert.equal(ringing.headers.has('Timestamp'), false);
  });

  it('keeps an existing To tag', () => {
    const req = invite();
    req.headers.set('To', '<sip:bob@example.net>;tag=old');
    const to = createResponse(req, 200, 'OK', { toTag: 'new' }).headers.to();
    assert.ok(to.ok && to.value.tag === 'old');
  });
});

describe('serializeMessage', () => {
  it('recomputes Content-Length in bytes for a multi-byte UTF-8 body', () => {
    const body = 'Grüße, 电话 ☎\r\n';
    const req = createRequest({
      method: 'MESSAGE',
      uri: 'sip:bob@example.net',
      headers: [['v', 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx'], ['Content-Length', '3'], ['c', 'text/plain;charset=utf-8']],
      body,
    });
    const bytes = serializeMessage(req);
    const text = bytes.toString('utf8');
    assert.match(text, new RegExp(`\r\nContent-Length: ${Buffer.byteLength(body)}\r\n`));
    assert.notEqual(Buffer.byteLength(body), body.length);
    assert.match(text, /^MESSAGE sip:bob@example\.net SIP\/2\.0\r\nVia: SIP\/2\.0\/UDP 192\.0\.2\.1;branch=z9hG4bKx\r\nContent-Length: \d+\r\nContent-Type: /);
    const again = parseMessage(bytes);
    assert.ok(again.ok && again.message.body.toString('utf8') === body);
  });

  it('appends Content-Length when missing and writes canonical long names', () => {
    const req = createRequest({ method: 'OPTIONS', uri: 'sip:example.net', headers: [['i', 'x@y'], ['cseq', '1 OPTIONS'], ['WWW-authenticate', 'Digest realm="a"']] });
    const text = serializeMessage(req).toString('utf8');
    assert.equal(text, 'OPTIONS sip:example.net SIP/2.0\r\nCall-ID: x@y\r\nCSeq: 1 OPTIONS\r\nWWW-Authenticate: Digest realm="a"\r\nContent-Length: 0\r\n\r\n');
  });

  it('refuses to emit a header value with CR or LF', () => {
    const req = createRequest({ method: 'OPTIONS', uri: 'sip:example.net', headers: [['Subject', 'a\r\nInjected: yes']] });
    assert.throws(() => serializeMessage(req), /CR or LF/);
  });
});

describe('identifiers', () => {
  it('are random and carry the magic cookie', () => {
    assert.match(newBranch(), /^z9hG4bK[A-Za-z0-9_-]{16}$/);
    assert.notEqual(newTag(), newTag());
    assert.match(newCallId('192.0.2.1'), /^[0-9a-f]{32}@192\.0\.2\.1$/);
  });
});

describe('answering a message the parser refused', () => {
  it('builds a 400 from the headers kept in SipParseError.partial', async () => {
    const { copyResponseHeaders } = await import('./build.js');
    const r = parseMessage(Buffer.from(SAMPLE_INVITE.replace(/Content-Length: \d+/, 'Content-Length: 99999')));
    assert.ok(!r.ok && r.error.partial?.headersOk && r.error.partial.headers);
    const h = copyResponseHeaders(r.error.partial.headers, 400);
    assert.deepEqual(h.fields().map((f) => f.name), ['Via', 'From', 'To', 'Call-ID', 'CSeq']);
    assert.match(r.error.reason, /exceeds/);
    assert.equal(r.error.rfcSection, '18.3');
  });
});
