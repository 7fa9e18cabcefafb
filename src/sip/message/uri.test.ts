import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatUri, parseUri, uriParam, type SipUri } from './uri.js';

function parse(text: string): SipUri {
  const r = parseUri(text);
  assert.ok(r.ok, r.ok ? '' : r.error.reason);
  return r.value;
}

describe('parseUri / formatUri', () => {
  it('parses every part of a sip URI, with escapes decoded', () => {
    const u = parse('sips:al%20ice:se%3Acret@[2001:db8::1]:5061;transport=tcp;lr;x=%41?subject=hi%20there&priority=urgent');
    assert.deepEqual(u, {
      kind: 'sip',
      scheme: 'sips',
      user: 'al ice',
      password: 'se:cret',
      host: '[2001:db8::1]',
      port: 5061,
      params: [{ name: 'transport', value: 'tcp' }, { name: 'lr', value: null }, { name: 'x', value: 'A' }],
      headers: [{ name: 'subject', value: 'hi there' }, { name: 'priority', value: 'urgent' }],
    });
    assert.equal(uriParam(u, 'LR'), null);
    assert.equal(uriParam(u, 'maddr'), undefined);
    assert.deepEqual(parse(formatUri(u)), u);
  });

  it('round-trips users that need escaping', () => {
    for (const text of ['sip:%00@h', 'sip:a%40b%3Ac@example.com', 'sip:user;par=u%40x@example.com', 'sip:h.example.com', 'SIP:Bob@EXAMPLE.com:5060']) {
      const u = parse(text);
      assert.deepEqual(parse(formatUri(u)), u, text);
    }
  });

  it('handles tel and other schemes', () => {
    assert.deepEqual(parse('tel:+1-201-555-0123;phone-context=example.com'), {
      kind: 'tel', scheme: 'tel', number: '+1-201-555-0123', params: [{ name: 'phone-context', value: 'example.com' }],
    });
    const other = parse('soap.beep://192.0.2.103:3002');
    assert.deepEqual(other, { kind: 'absolute', scheme: 'soap.beep', opaque: '//192.0.2.103:3002' });
    assert.equal(formatUri(other), 'soap.beep://192.0.2.103:3002');
  });

  it('rejects malformed URIs with a reason', () => {
    for (const text of ['', 'sip:', '<sip:a@b>', ' sip:a@b', 'sip:a@b c', 'sip:a@b:99999', 'sip:a@[::1', 'sip:a%4@b', 'sip:a@b;;lr', 'sip:a@b?x', 'sip:a@-b-', '1sip:x']) {
      const r = parseUri(text);
      assert.ok(!r.ok, text);
      assert.ok(r.error.reason.length > 0);
    }
  });
});
