import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseVia } from './via.js';

describe('parseVia', () => {
  it('reads protocol, transport, sent-by and the routing parameters', () => {
    const v = parseVia('SIP / 2.0 / tls [2001:db8::9]:5061 ;branch=z9hG4bKa;received=198.51.100.7;rport=40000;maddr=224.0.0.1;ttl=16;x');
    assert.ok(typeof v !== 'string');
    assert.deepEqual(
      [v.protocol, v.version, v.transport, v.host, v.port, v.branch, v.received, v.rport, v.maddr, v.ttl],
      ['SIP', '2.0', 'TLS', '[2001:db8::9]', 5061, 'z9hG4bKa', '198.51.100.7', 40000, '224.0.0.1', 16],
    );
  });

  it('tells a bare rport (RFC 3581 request) from a filled one', () => {
    const bare = parseVia('SIP/2.0/UDP host;rport;branch=z9hG4bK1');
    assert.ok(typeof bare !== 'string' && bare.rport === true && bare.port === undefined);
  });

  it('rejects malformed values with a reason', () => {
    for (const bad of ['SIP/2.0 host', 'SIP/2.0/UDP', 'SIP/2.0/UDP host;;', 'SIP/2.0/UDP host;branch=', 'SIP/2.0/UDP host:70000', 'SIP/2.0/UDP ho st', 'SIP/2.0/UDP host;rport=x']) {
      assert.equal(typeof parseVia(bad), 'string', bad);
    }
  });
});
