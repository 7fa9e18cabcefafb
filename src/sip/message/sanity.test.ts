import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage } from './parse.js';
import { checkRequest, checkResponse } from './sanity.js';
import type { SipRequest, SipResponse } from './message.js';

const BASE = [
  'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
  'To: <sip:a@example.com>',
  'From: <sip:b@example.com>;tag=1',
  'Call-ID: c1',
  'CSeq: 1 OPTIONS',
  'Max-Forwards: 70',
];

function req(start: string, extra: string[] = [], body = ''): SipRequest {
  const lines = [start, ...BASE.filter((l) => !extra.some((e) => e.startsWith('-') && l.startsWith(e.slice(1)))), ...extra.filter((e) => !e.startsWith('-'))];
  const r = parseMessage(Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}`));
  assert.ok(r.ok && r.message.kind === 'request', r.ok ? '' : r.error.reason);
  return r.message;
}

describe('checkRequest (RFC 3261 §8.2)', () => {
  it('passes a good request', () => {
    assert.equal(checkRequest(req('OPTIONS sip:a@example.com SIP/2.0')), undefined);
  });

  it('answers each problem with its status', () => {
    const cases: [SipRequest, number, RegExp?][] = [
      [req('OPTIONS sip:a@example.com SIP/3.0'), 505],
      [req('OPTIONS sip:a@example.com SIP/2.0', ['-From']), 400, /Missing From/],
      [req('OPTIONS sip:a@example.com SIP/2.0', ['-CSeq', 'CSeq: 1 INVITE']), 400, /CSeq method/],
      [req('OPTIONS mailto:a@example.com SIP/2.0'), 416],
      [req('OPTIONS sip:a@example.com SIP/2.0', ['Require: 100rel, foo']), 420],
      [req('OPTIONS sip:a@example.com SIP/2.0', ['Content-Encoding: gzip', 'Content-Type: text/plain'], 'x'), 415],
      [req('OPTIONS sip:a@example.com SIP/2.0', [], 'body without type'), 400, /Content-Type/],
      [req('OPTIONS sip:a@example.com SIP/2.0', ['Contact: <sip:a@b'], ''), 400, /Contact/],
    ];
    for (const [r, status, reason] of cases) {
      const reply = checkRequest(r, { optionTags: ['100rel'] });
      assert.equal(reply?.status, status, JSON.stringify(reply));
      if (reason) assert.match(reply.reason, reason);
    }
    assert.deepEqual(checkRequest(cases[4]?.[0] as SipRequest, { optionTags: ['100rel'] })?.extraHeaders, [['Unsupported', 'foo']]);
  });

  it('tolerates a missing or malformed Max-Forwards; only a proxy answers 483 to 0', () => {
    assert.equal(checkRequest(req('OPTIONS sip:a@example.com SIP/2.0', ['-Max-Forwards'])), undefined);
    assert.equal(checkRequest(req('OPTIONS sip:a@example.com SIP/2.0', ['-Max-Forwards', 'Max-Forwards: 300'])), undefined);
    const zero = req('INVITE sip:a@example.com SIP/2.0', ['-Max-Forwards', 'Max-Forwards: 0', '-CSeq', 'CSeq: 1 INVITE']);
    assert.equal(checkRequest(zero), undefined);
    assert.equal(checkRequest(zero, { proxy: true })?.status, 483);
  });

  it('flags a Content-Length that disagrees with a built body', () => {
    const r = req('OPTIONS sip:a@example.com SIP/2.0', ['Content-Length: 0']);
    r.body = Buffer.from('abc');
    assert.equal(checkRequest(r)?.status, 400);
  });
});

describe('checkResponse (RFC 3261 §8.1.3.3)', () => {
  it('drops responses with two Vias and keeps good ones', () => {
    const text = (vias: string[]): SipResponse => {
      const r = parseMessage(Buffer.from(['SIP/2.0 200 OK', ...vias, ...BASE.slice(1), '', ''].join('\r\n')));
      assert.ok(r.ok && r.message.kind === 'response');
      return r.message;
    };
    assert.equal(checkResponse(text([BASE[0] ?? ''])), undefined);
    assert.match(checkResponse(text([BASE[0] ?? '', 'Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK2'])) ?? '', /more than one Via/);
  });
});
