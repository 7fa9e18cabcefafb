import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NaptrRecord } from './dns-client.js';
import { selectNaptrServices } from './naptr-services.js';

const naptr = (order: number, preference: number, service: string, replacement: string, flags = 'S'): NaptrRecord => ({ order, preference, service, replacement, flags, regexp: '' });

test('keeps SIP+D2U/D2T and SIPS+D2T with the s flag, sorted by order then preference, case-insensitively', () => {
  const records = [
    naptr(50, 50, 'sip+d2u', '_sip._udp.example.com.'),
    naptr(30, 20, 'SIP+D2T', '_sip._tcp.example.com'),
    naptr(30, 10, 'SIPS+D2T', '_sips._tcp.example.com'),
    naptr(10, 10, 'SIP+D2S', '_sip._sctp.example.com'),
    naptr(10, 10, 'SIPS+D2S', '_sips._sctp.example.com'),
    naptr(10, 10, 'SIP+D2U', '', 'S'),
    naptr(10, 10, 'SIP+D2U', 'x.example.com', 'U'),
  ];
  assert.deepEqual(
    selectNaptrServices(records, { supported: ['udp', 'tcp', 'tls'], secure: false }).map((s) => [s.transport, s.srvName]),
    [
      ['tls', '_sips._tcp.example.com'],
      ['tcp', '_sip._tcp.example.com'],
      ['udp', '_sip._udp.example.com'],
    ],
  );
  assert.deepEqual(selectNaptrServices(records, { supported: ['udp'], secure: false }).map((s) => s.transport), ['udp']);
  assert.deepEqual(selectNaptrServices(records, { supported: ['udp', 'tcp', 'tls'], secure: true }).map((s) => s.transport), ['tls']);
  assert.deepEqual(selectNaptrServices(records, { supported: ['udp', 'tcp'], secure: true }), []);
});
