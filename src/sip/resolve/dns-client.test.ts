import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DnsQueryError } from './errors.js';
import { systemDnsClient, type HostLookup } from './dns-client.js';
import { resolveServer } from './resolver.js';
import { RCODE, TestDnsServer } from './test-support/dns-server.js';

// node's real resolver against a DNS server on 127.0.0.1; no real DNS is asked.
const noHosts: HostLookup = async () => [];

async function withServer(fn: (server: TestDnsServer) => Promise<void>): Promise<void> {
  const server = await TestDnsServer.open();
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

test('A and AAAA with TTLs, SRV and NAPTR records are read through node:dns', () =>
  withServer(async (server) => {
    server
      .set('A', 'pbx.example.net', { answers: [{ type: 'A', address: '192.0.2.1', ttl: 120 }] })
      .set('AAAA', 'pbx.example.net', { answers: [{ type: 'AAAA', address: '2001:db8::1', ttl: 90 }] })
      .set('SRV', '_sip._udp.example.net', { answers: [{ type: 'SRV', priority: 10, weight: 5, port: 5070, target: 'pbx.example.net', ttl: 60 }] })
      .set('NAPTR', 'example.net', {
        answers: [{ type: 'NAPTR', order: 10, preference: 20, flags: 'S', service: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.net', ttl: 60 }],
      });
    const dns = systemDnsClient({ servers: [server.server], timeoutMs: 2000, lookup: noHosts });
    assert.deepEqual(await dns.resolve4('pbx.example.net'), [{ address: '192.0.2.1', ttl: 120 }]);
    assert.deepEqual(await dns.resolve6('pbx.example.net'), [{ address: '2001:db8::1', ttl: 90 }]);
    assert.deepEqual(await dns.resolveSrv('_sip._udp.example.net'), [{ priority: 10, weight: 5, port: 5070, name: 'pbx.example.net' }]);
    assert.deepEqual(await dns.resolveNaptr('example.net'), [{ order: 10, preference: 20, flags: 'S', service: 'SIP+D2U', regexp: '', replacement: '_sip._udp.example.net' }]);
    // The whole RFC 3263 chain over the wire.
    assert.deepEqual(await resolveServer({ host: 'example.net' }, { dns, supported: ['udp', 'tcp'] }), [
      { protocol: 'udp', address: '192.0.2.1', port: 5070, serverName: 'example.net' },
      { protocol: 'udp', address: '2001:db8::1', port: 5070, serverName: 'example.net' },
    ]);
  }));

test('NXDOMAIN and NOERROR-without-data are "no records", not failures', () =>
  withServer(async (server) => {
    server.set('A', 'empty.example.net', { rcode: RCODE.NOERROR });
    const dns = systemDnsClient({ servers: [server.server], timeoutMs: 2000, lookup: noHosts });
    assert.deepEqual(await dns.resolve4('missing.example.net'), []);
    assert.deepEqual(await dns.resolve4('empty.example.net'), []);
    assert.deepEqual(await dns.resolveSrv('_sip._udp.missing.example.net'), []);
    assert.deepEqual(await dns.resolveNaptr('missing.example.net'), []);
  }));

test('SERVFAIL, REFUSED and silence are failures with a reason', () =>
  withServer(async (server) => {
    server.set('A', 'broken.example.net', { rcode: RCODE.SERVFAIL }).set('SRV', '_sip._udp.refused.example.net', { rcode: RCODE.REFUSED }).set('A', 'silent.example.net', 'drop');
    const dns = systemDnsClient({ servers: [server.server], timeoutMs: 300, lookup: noHosts });
    await assert.rejects(dns.resolve4('broken.example.net'), (err: unknown) => err instanceof DnsQueryError && err.sysCode === 'ESERVFAIL' && err.rrtype === 'A');
    await assert.rejects(dns.resolveSrv('_sip._udp.refused.example.net'), (err: unknown) => err instanceof DnsQueryError && err.sysCode === 'EREFUSED');
    const started = Date.now();
    await assert.rejects(
      dns.resolve4('silent.example.net'),
      (err: unknown) => err instanceof DnsQueryError && err.sysCode === 'ETIMEOUT' && err.message === 'A query for silent.example.net failed: the DNS server is not answering (timed out)',
    );
    assert.ok(Date.now() - started < 2000, 'the per-query timeout holds');
  }));

test('names the DNS cannot answer fall back to the system lookup (/etc/hosts, mDNS), without a TTL', () =>
  withServer(async (server) => {
    server.set('A', 'pbx.local', { rcode: RCODE.SERVFAIL });
    const asked: string[] = [];
    const lookup: HostLookup = async (name, family) => {
      asked.push(`${name}/${family}`);
      if (name === 'localhost') return family === 4 ? ['127.0.0.1'] : ['::1'];
      if (name === 'pbx.local' && family === 4) return ['192.168.1.20'];
      return [];
    };
    const dns = systemDnsClient({ servers: [server.server], timeoutMs: 2000, lookup });
    assert.deepEqual(await dns.resolve4('localhost'), [{ address: '127.0.0.1' }]);
    assert.deepEqual(await dns.resolve6('localhost'), [{ address: '::1' }]);
    assert.deepEqual(await dns.resolve4('pbx.local'), [{ address: '192.168.1.20' }], 'a DNS failure is forgiven when the lookup knows the name');
    assert.deepEqual(await dns.resolve6('pbx.local'), []);
    assert.ok(asked.includes('localhost/4'));
    // Without the fallback the DNS answer stands.
    const strict = systemDnsClient({ servers: [server.server], timeoutMs: 2000, lookup, hostsFallback: false });
    assert.deepEqual(await strict.resolve4('localhost'), []);
    await assert.rejects(strict.resolve4('pbx.local'), DnsQueryError);
  }));
