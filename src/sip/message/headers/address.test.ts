import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatNameAddr, parseNameAddr } from './address.js';

describe('parseNameAddr', () => {
  it('reads quoted and token display names, the URI and the tag', () => {
    const a = parseNameAddr('"Zoë \\"Z\\" Ng" <sip:zoe@example.com;transport=tcp>;tag=88;x="a;b"');
    assert.ok(typeof a !== 'string');
    assert.equal(a.displayName, 'Zoë "Z" Ng');
    assert.equal(a.tag, '88');
    assert.ok(a.uri.kind === 'sip' && a.uri.params[0]?.name === 'transport');
    assert.deepEqual(a.params[1], { name: 'x', value: 'a;b', quoted: true });
    const again = parseNameAddr(formatNameAddr(a));
    assert.deepEqual(again, a);
  });

  it('gives parameters after a bare addr-spec to the header', () => {
    const a = parseNameAddr('sip:bob@example.com;tag=5;lr');
    assert.ok(typeof a !== 'string' && !a.bracketed);
    assert.equal(a.tag, '5');
    assert.ok(a.uri.kind === 'sip' && a.uri.params.length === 0);
  });

  it('rejects unquoted special display names, open quotes and spaces inside <>', () => {
    for (const bad of ['Bell, Alexander <sip:a@b>', '"open <sip:a@b>', '< sip:a@b >', 'sip:a@b?x=y', '<sip:a@b', '<sip:a@b>;;']) {
      assert.equal(typeof parseNameAddr(bad), 'string', bad);
    }
  });
});
