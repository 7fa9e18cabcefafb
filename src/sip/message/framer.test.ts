import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SipParseError } from './errors.js';
import { SipStreamFramer } from './framer.js';
import { parseMessage } from './parse.js';
import { SAMPLE_INVITE, SAMPLE_REGISTER } from './samples.test-data.js';

describe('SipStreamFramer', () => {
  it('frames back-to-back messages and reports keep-alives (RFC 5626 §4.4.1)', () => {
    const f = new SipStreamFramer();
    const out = f.push(Buffer.from(`\r\n\r\n${SAMPLE_INVITE}\r\n${SAMPLE_REGISTER}`));
    assert.equal(out[0], 'ping');
    assert.ok(Buffer.isBuffer(out[1]));
    assert.equal(out[2], 'pong');
    assert.ok(Buffer.isBuffer(out[3]));
    assert.equal(out.length, 4);
    const first = out[1];
    assert.ok(Buffer.isBuffer(first));
    const inv = parseMessage(first, { transport: 'stream' });
    assert.ok(inv.ok && inv.message.kind === 'request' && inv.message.method === 'INVITE' && inv.message.body.length > 100);
  });

  it('waits for the body, one byte at a time', () => {
    const f = new SipStreamFramer();
    const bytes = Buffer.from(SAMPLE_INVITE);
    const got: unknown[] = [];
    for (let i = 0; i < bytes.length; i++) got.push(...f.push(bytes.subarray(i, i + 1)));
    assert.equal(got.length, 1);
    assert.ok((got[0] as Buffer).equals(bytes));
  });

  it('requires Content-Length and bounds sizes', () => {
    const noLength = new SipStreamFramer().push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n'));
    assert.ok(noLength[0] instanceof SipParseError && /mandatory/.test(noLength[0].reason));
    const big = new SipStreamFramer({ maxBodyBytes: 10 }).push(Buffer.from('OPTIONS sip:a@b SIP/2.0\r\nl: 11\r\n\r\n'));
    assert.ok(big[0] instanceof SipParseError && /exceeds/.test(big[0].reason));
    const f = new SipStreamFramer({ maxHeaderBytes: 100 });
    const head = f.push(Buffer.from(`OPTIONS sip:a@b SIP/2.0\r\nX: ${'a'.repeat(200)}`));
    assert.ok(head[0] instanceof SipParseError && /too large/.test(head[0].reason));
    assert.equal(f.pending, 0, 'the buffer is dropped after an error');
  });
});
