import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TraceRecord } from './record.js';
import { formatTraceHeader, formatTraceText } from './text.js';

const T = Date.UTC(2026, 10, 21, 10, 0, 0, 123);

function rec(bytes: Buffer | string, over: Partial<TraceRecord> = {}): TraceRecord {
  return {
    wallTime: T,
    direction: 'out',
    protocol: 'udp',
    local: { address: '192.0.2.5', port: 5060 },
    remote: { address: '192.0.2.10', port: 5060 },
    bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
    ...over,
  };
}

const INVITE = 'INVITE sip:1001@192.0.2.5 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n';

test('header line: time, direction arrow, protocol, sender -> receiver, size', () => {
  assert.equal(formatTraceHeader(rec('x'.repeat(523))), '2026-11-21T10:00:00.123Z  → udp 192.0.2.5:5060 -> 192.0.2.10:5060 (523 bytes)');
  assert.equal(
    formatTraceHeader(rec('x', { direction: 'in', protocol: 'tls', remote: { address: '2001:db8::10', port: 5061 } })),
    '2026-11-21T10:00:00.123Z  ← tls [2001:db8::10]:5061 -> 192.0.2.5:5060 (1 byte)',
  );
});

test('messages with CRLF become lines, a blank line between records', () => {
  const text = formatTraceText([rec(INVITE, { direction: 'in' }), rec('SIP/2.0 100 Trying\r\nContent-Length: 0\r\n\r\n')]);
  assert.equal(
    text,
    '2026-11-21T10:00:00.123Z  ← udp 192.0.2.10:5060 -> 192.0.2.5:5060 (' + Buffer.byteLength(INVITE) + ' bytes)\n' +
      'INVITE sip:1001@192.0.2.5 SIP/2.0\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\nContent-Length: 0\n' +
      '\n' +
      '2026-11-21T10:00:00.123Z  → udp 192.0.2.5:5060 -> 192.0.2.10:5060 (41 bytes)\n' +
      'SIP/2.0 100 Trying\nContent-Length: 0\n',
  );
  assert.equal(formatTraceText([]), '');
});

test('UTF-8 is kept; terminal escapes, C1 controls and bidi overrides are escaped', () => {
  const text = formatTraceText([rec('From: "Zoë \u202Eevil" <sip:a@b>\r\nX-Evil: \x1b[2J\x07\u0085\r\nlone\rcr\r\n')]);
  assert.match(text, /From: "Zoë \\u\{202e\}evil" <sip:a@b>\n/);
  assert.match(text, /X-Evil: \\x1b\[2J\\x07\\u\{85\}\n/);
  assert.match(text, /lone\\x0dcr$/m);
  for (const c of ['\x1b', '\x07', '\r', '\u0085', '\u202e']) assert.ok(!text.includes(c), `raw ${JSON.stringify(c)} in output`);
});

test('bytes that are not UTF-8 appear as \\xNN in otherwise textual messages', () => {
  const bytes = Buffer.concat([Buffer.from('MESSAGE sip:a@b SIP/2.0\r\nSubject: caf'), Buffer.from([0xe9]), Buffer.from('\r\n\r\n')]);
  const text = formatTraceText([rec(bytes)]);
  assert.match(text, /Subject: caf\\xe9\n$/);
});

test('binary payloads (RTP) are shown as a hex dump', () => {
  const rtp = Buffer.from([0x80, 0x00, 0x12, 0x34, 0x00, 0x00, 0x00, 0xa0, 0xde, 0xad, 0xbe, 0xef, 0x41, 0x42, 0x00, 0x01, 0xff]);
  const text = formatTraceText([rec(rtp, { local: { address: '192.0.2.5', port: 10000 }, remote: { address: '192.0.2.10', port: 20000 } })]);
  assert.equal(
    text,
    '2026-11-21T10:00:00.123Z  → udp 192.0.2.5:10000 -> 192.0.2.10:20000 (17 bytes)\n' +
      '0000  80 00 12 34 00 00 00 a0 de ad be ef 41 42 00 01  ...4........AB..\n' +
      '0010  ff                                               .\n',
  );
});

test('keep-alives and empty payloads are shown, not blank', () => {
  const text = formatTraceText([rec('\r\n\r\n', { protocol: 'tcp' }), rec('')]);
  assert.match(text, /\(4 bytes\)\n\(keep-alive \\r\\n\\r\\n\)\n/);
  assert.match(text, /\(0 bytes\)\n\(no bytes\)\n$/);
});
