import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SipHeaders } from './collection.js';

describe('SipHeaders', () => {
  it('looks names up case-insensitively and through compact forms', () => {
    const h = new SipHeaders([['v', 'SIP/2.0/UDP a;branch=z9hG4bK1'], ['VIA', 'SIP/2.0/UDP b;branch=z9hG4bK2, SIP/2.0/TCP c'], ['i', 'abc'], ['m', '*'], ['X-Odd', 'a, b']]);
    assert.equal(h.get('Call-ID'), 'abc');
    assert.deepEqual(h.getAll('via'), ['SIP/2.0/UDP a;branch=z9hG4bK1', 'SIP/2.0/UDP b;branch=z9hG4bK2', 'SIP/2.0/TCP c']);
    assert.deepEqual(h.getAll('X-Odd'), ['a, b'], 'unknown headers are not split');
    assert.equal(h.count('Via'), 2);
    const vias = h.vias();
    assert.ok(vias.ok && vias.value.length === 3);
    assert.deepEqual(h.contact(), { ok: true, value: { star: true } });
  });

  it('set, append, prepend and remove keep order and drop cached parses', () => {
    const h = new SipHeaders([['From', '<sip:a@b>;tag=1'], ['Via', 'SIP/2.0/UDP x;branch=z9hG4bK1'], ['To', '<sip:c@d>']]);
    const first = h.topVia();
    assert.ok(first.ok && first.value.host === 'x');
    h.prepend('Via', 'SIP/2.0/UDP proxy;branch=z9hG4bK0');
    const top = h.topVia();
    assert.ok(top.ok && top.value.host === 'proxy');
    h.set('from', '<sip:z@b>;tag=2');
    assert.deepEqual(h.fields().map((f) => f.name), ['from', 'Via', 'Via', 'To']);
    const from = h.from();
    assert.ok(from.ok && from.value.tag === '2');
    h.remove('v');
    assert.equal(h.has('Via'), false);
    const none = h.topVia();
    assert.ok(!none.ok && none.error.problem === 'missing');
    h.append('Require', '100rel, timer');
    assert.deepEqual(h.require(), { ok: true, value: ['100rel', 'timer'] });
  });

  it('typed accessors report missing, duplicate and malformed headers', () => {
    const h = new SipHeaders([['CSeq', '1 INVITE'], ['CSeq', '2 INVITE'], ['Max-Forwards', '256'], ['Content-Type', 'application/sdp ; charset=x']]);
    const cseq = h.cseq();
    assert.ok(!cseq.ok && cseq.error.problem === 'duplicate');
    const mf = h.maxForwards();
    assert.ok(!mf.ok && mf.error.problem === 'malformed');
    const to = h.to();
    assert.ok(!to.ok && to.error.problem === 'missing' && to.error.reason === 'Missing To header');
    const ct = h.contentType();
    assert.ok(ct.ok && ct.value.mediaType === 'application/sdp');
    assert.deepEqual(h.route(), { ok: true, value: [] });
  });

  it('parses auth challenges with quoted commas', () => {
    const h = new SipHeaders([['WWW-Authenticate', 'Digest realm="a, b", nonce="n", qop="auth,auth-int", algorithm=SHA-256, stale=FALSE']]);
    assert.deepEqual(h.wwwAuthenticate(), {
      ok: true,
      value: [{ scheme: 'Digest', params: { realm: 'a, b', nonce: 'n', qop: 'auth,auth-int', algorithm: 'SHA-256', stale: 'FALSE' } }],
    });
    const bad = new SipHeaders([['Authorization', 'Digest realm="open']]).authorization();
    assert.equal(bad.ok, false);
  });

  it('reads Contact expires and q, and refuses "*" among others', () => {
    const c = new SipHeaders([['Contact', '<sip:a@b>;expires=60;q=0.5, "B" <sip:c@d>']]).contact();
    assert.ok(c.ok && !c.value.star);
    assert.deepEqual(c.value.contacts.map((x) => [x.expires, x.q, x.displayName]), [[60, 0.5, undefined], [undefined, undefined, 'B']]);
    assert.equal(new SipHeaders([['Contact', '*, <sip:a@b>']]).contact().ok, false);
    assert.equal(new SipHeaders([['Contact', '<sip:a@b>;q=2']]).contact().ok, false);
  });
});
