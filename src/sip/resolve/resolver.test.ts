import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialtoneError } from '../../errors.js';
import type { Endpoint, TransportProtocol } from '../transport/types.js';
import { ResolveError } from './errors.js';
import { resolveServer, resolveServerWithTtl, type ResolveTarget } from './resolver.js';
import { FakeDns, sequence } from './test-support/fake-dns.js';

const ALL: readonly TransportProtocol[] = ['udp', 'tcp', 'tls'];

function ep(protocol: TransportProtocol, address: string, port: number): Endpoint {
  return { protocol, address, port };
}

/** The endpoints without their serverName (checked on its own below). */
async function run(dns: FakeDns, target: ResolveTarget, supported: readonly TransportProtocol[] = ALL, random = sequence(0)): Promise<Endpoint[]> {
  const found = await resolveServer(target, { dns, supported, random });
  return found.map(({ serverName: _serverName, ...e }) => e);
}

async function rejectsWith(p: Promise<unknown>, code: string, message: RegExp | string): Promise<ResolveError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ResolveError, `expected ResolveError, got ${String(err)}`);
    assert.ok(err instanceof DialtoneError);
    assert.equal(err.code, code);
    if (typeof message === 'string') assert.equal(err.message, message);
    else assert.match(err.message, message);
    return err;
  }
  assert.fail('expected a rejection');
}

test('numeric IPv4: UDP on 5060 by default, TLS on 5061 for sips, port and transport as given, no DNS', async () => {
  const dns = new FakeDns();
  assert.deepEqual(await run(dns, { host: '192.0.2.10' }), [ep('udp', '192.0.2.10', 5060)]);
  assert.deepEqual(await run(dns, { host: '192.0.2.10', secure: true }), [ep('tls', '192.0.2.10', 5061)]);
  assert.deepEqual(await run(dns, { host: '192.0.2.10', port: 5080 }), [ep('udp', '192.0.2.10', 5080)]);
  assert.deepEqual(await run(dns, { host: '192.0.2.10', transport: 'tcp' }), [ep('tcp', '192.0.2.10', 5060)]);
  assert.deepEqual(await run(dns, { host: '192.0.2.10', transport: 'tls' }), [ep('tls', '192.0.2.10', 5061)]);
  // sips with transport=tcp means TLS over TCP.
  assert.deepEqual(await run(dns, { host: '192.0.2.10', transport: 'tcp', secure: true, port: 5071 }), [ep('tls', '192.0.2.10', 5071)]);
  assert.deepEqual(dns.queries, []);
});

test('numeric IPv6 with or without brackets: the bare address', async () => {
  const dns = new FakeDns();
  assert.deepEqual(await run(dns, { host: '[2001:db8::1]' }), [ep('udp', '2001:db8::1', 5060)]);
  assert.deepEqual(await run(dns, { host: '2001:db8::1', port: 5070, transport: 'tcp' }), [ep('tcp', '2001:db8::1', 5070)]);
  assert.deepEqual(await run(dns, { host: '[::1]', secure: true }), [ep('tls', '::1', 5061)]);
  assert.deepEqual(dns.queries, []);
});

test('a name with an explicit port: only A/AAAA, UDP (TLS for sips), A before AAAA', async () => {
  const dns = new FakeDns().addA('pbx.example.net', '192.0.2.20').addAaaa('pbx.example.net', '2001:db8::20');
  dns.addNaptr('pbx.example.net', 10, 10, 'SIP+D2T', '_sip._tcp.pbx.example.net');
  assert.deepEqual(await run(dns, { host: 'pbx.example.net', port: 5062 }), [ep('udp', '192.0.2.20', 5062), ep('udp', '2001:db8::20', 5062)]);
  assert.deepEqual(await run(dns, { host: 'pbx.example.net', port: 5062, secure: true }), [ep('tls', '192.0.2.20', 5062), ep('tls', '2001:db8::20', 5062)]);
  assert.deepEqual(await run(dns, { host: 'PBX.Example.NET.', port: 5062, transport: 'tcp' }), [ep('tcp', '192.0.2.20', 5062), ep('tcp', '2001:db8::20', 5062)]);
  assert.ok(dns.queries.every((q) => q.startsWith('A ') || q.startsWith('AAAA ')), dns.queries.join());
});

test('NAPTR: supported SIP services only, by order then preference, each followed to SRV then A/AAAA', async () => {
  const dns = new FakeDns()
    .addNaptr('example.net', 20, 10, 'SIP+D2U', '_sip._udp.example.net')
    .addNaptr('example.net', 10, 50, 'SIP+D2T', '_sip._tcp.example.net')
    .addNaptr('example.net', 10, 10, 'SIPS+D2T', '_sips._tcp.example.net')
    .addNaptr('example.net', 5, 10, 'SIP+D2S', '_sip._sctp.example.net') // SCTP: not ours
    .addNaptr('example.net', 5, 10, 'E2U+sip', 'other.example.net') // ENUM: not SIP location
    .addNaptr('example.net', 5, 20, 'SIP+D2U', 'ignored.example.net', 'a') // flag other than "s"
    .addSrv('_sip._udp.example.net', 0, 0, 5060, 'udp.example.net')
    .addSrv('_sip._tcp.example.net', 0, 0, 5060, 'tcp.example.net')
    .addSrv('_sips._tcp.example.net', 0, 0, 5061, 'tls.example.net')
    .addA('udp.example.net', '192.0.2.1')
    .addA('tcp.example.net', '192.0.2.2')
    .addA('tls.example.net', '192.0.2.3');
  assert.deepEqual(await run(dns, { host: 'example.net' }), [ep('tls', '192.0.2.3', 5061), ep('tcp', '192.0.2.2', 5060), ep('udp', '192.0.2.1', 5060)]);
  // Without TLS, its service is skipped.
  assert.deepEqual(await run(dns, { host: 'example.net' }, ['udp', 'tcp']), [ep('tcp', '192.0.2.2', 5060), ep('udp', '192.0.2.1', 5060)]);
  // A sips URI may only use SIPS services.
  assert.deepEqual(await run(dns, { host: 'example.net', secure: true }), [ep('tls', '192.0.2.3', 5061)]);
  assert.ok(!dns.queries.some((q) => q.includes('sctp') || q.includes('ignored') || q.includes('other')));
});

test('NAPTR → SRV → A and AAAA: targets in SRV order, A before AAAA for each, SRV ports', async () => {
  const dns = new FakeDns()
    .addNaptr('voip.example.org', 10, 10, 'SIP+D2U', '_sip._udp.voip.example.org.')
    .addSrv('_sip._udp.voip.example.org', 20, 0, 5070, 'backup.voip.example.org.')
    .addSrv('_sip._udp.voip.example.org', 10, 0, 5080, 'main.voip.example.org.')
    .addA('main.voip.example.org', '198.51.100.1', 600)
    .addAaaa('main.voip.example.org', '2001:db8::1', 120)
    .addA('backup.voip.example.org', '198.51.100.2', 900);
  const r = await resolveServerWithTtl({ host: 'voip.example.org' }, { dns, supported: ['udp'], random: sequence(0) });
  const named = (e: Endpoint): Endpoint => ({ ...e, serverName: 'voip.example.org' });
  assert.deepEqual(r.endpoints, [ep('udp', '198.51.100.1', 5080), ep('udp', '2001:db8::1', 5080), ep('udp', '198.51.100.2', 5070)].map(named));
  assert.equal(r.ttl, 120, 'the smallest address TTL');
  assert.deepEqual(dns.queries.slice(0, 2), ['NAPTR voip.example.org', 'SRV _sip._udp.voip.example.org']);
});

test('no NAPTR: SRV for _sip._udp, _sip._tcp, _sips._tcp in that order, only for supported transports', async () => {
  const dns = new FakeDns()
    .addSrv('_sips._tcp.example.com', 0, 0, 5061, 'sip.example.com')
    .addSrv('_sip._tcp.example.com', 0, 0, 5060, 'sip.example.com')
    .addSrv('_sip._udp.example.com', 0, 0, 5060, 'sip.example.com')
    .addA('sip.example.com', '203.0.113.5');
  assert.deepEqual(await run(dns, { host: 'example.com' }), [ep('udp', '203.0.113.5', 5060), ep('tcp', '203.0.113.5', 5060), ep('tls', '203.0.113.5', 5061)]);
  dns.queries.length = 0;
  assert.deepEqual(await run(dns, { host: 'example.com' }, ['tcp']), [ep('tcp', '203.0.113.5', 5060)]);
  assert.deepEqual(dns.queries.filter((q) => q.startsWith('SRV')), ['SRV _sip._tcp.example.com']);
  // NAPTR present but none usable (SCTP only): SRV as if there were none.
  dns.addNaptr('example.com', 10, 10, 'SIP+D2S', '_sip._sctp.example.com');
  assert.deepEqual(await run(dns, { host: 'example.com' }, ['udp']), [ep('udp', '203.0.113.5', 5060)]);
});

test('an explicit transport: no NAPTR, only that SRV', async () => {
  const dns = new FakeDns()
    .addNaptr('example.com', 10, 10, 'SIP+D2U', '_sip._udp.example.com')
    .addSrv('_sip._udp.example.com', 0, 0, 5060, 'udp.example.com')
    .addSrv('_sip._tcp.example.com', 0, 0, 5090, 'tcp.example.com')
    .addA('udp.example.com', '203.0.113.1')
    .addA('tcp.example.com', '203.0.113.2');
  assert.deepEqual(await run(dns, { host: 'example.com', transport: 'tcp' }), [ep('tcp', '203.0.113.2', 5090)]);
  assert.deepEqual(dns.queries, ['SRV _sip._tcp.example.com', 'A tcp.example.com', 'AAAA tcp.example.com']);
  // No SRV for the transport: A/AAAA of the name on the transport's default port.
  dns.addA('example.com', '203.0.113.9');
  assert.deepEqual(await run(dns, { host: 'example.com', transport: 'tls' }), [ep('tls', '203.0.113.9', 5061)]);
});

test('SRV: lower priority first; within a priority, weighted random selection', async () => {
  const dns = new FakeDns()
    .addSrv('_sip._udp.example.com', 1, 10, 5060, 'light.example.com')
    .addSrv('_sip._udp.example.com', 1, 90, 5060, 'heavy.example.com')
    .addSrv('_sip._udp.example.com', 2, 0, 5060, 'last.example.com')
    .addA('light.example.com', '192.0.2.1')
    .addA('heavy.example.com', '192.0.2.2')
    .addA('last.example.com', '192.0.2.3');
  // random 0 → running sum 10 ≥ 0 → "light" first.
  assert.deepEqual((await run(dns, { host: 'example.com' }, ['udp'], sequence(0))).map((e) => e.address), ['192.0.2.1', '192.0.2.2', '192.0.2.3']);
  // random 0.5 → 50 of 0…100 → "heavy" (running sum 100) first.
  assert.deepEqual((await run(dns, { host: 'example.com' }, ['udp'], sequence(0.5))).map((e) => e.address), ['192.0.2.2', '192.0.2.1', '192.0.2.3']);
});

test('an SRV target of "." means the service is not offered; no A fallback when SRV exists', async () => {
  const dns = new FakeDns()
    .addSrv('_sip._udp.example.com', 0, 0, 0, '.')
    .addSrv('_sip._tcp.example.com', 0, 0, 5060, 'sip.example.com')
    .addA('sip.example.com', '192.0.2.7')
    .addA('example.com', '192.0.2.99');
  assert.deepEqual(await run(dns, { host: 'example.com' }, ['udp', 'tcp']), [ep('tcp', '192.0.2.7', 5060)]);
  const err = await rejectsWith(run(dns, { host: 'example.com' }, ['udp']), 'dns_not_found', 'example.com does not offer SIP service over UDP in DNS');
  assert.deepEqual(err.context, { host: 'example.com' });
  // node:dns reports the root target as "".
  const empty = new FakeDns().addSrv('_sip._udp.example.org', 0, 0, 0, '').addA('example.org', '192.0.2.99');
  await rejectsWith(run(empty, { host: 'example.org' }, ['udp']), 'dns_not_found', /does not offer SIP/);
});

test('no NAPTR and no SRV: A/AAAA of the name on the default port (UDP 5060, TLS 5061 for sips)', async () => {
  const dns = new FakeDns().addA('pbx.example.net', '192.0.2.30').addAaaa('pbx.example.net', '2001:db8::30');
  assert.deepEqual(await run(dns, { host: 'pbx.example.net' }), [ep('udp', '192.0.2.30', 5060), ep('udp', '2001:db8::30', 5060)]);
  assert.deepEqual(await run(dns, { host: 'pbx.example.net', secure: true }), [ep('tls', '192.0.2.30', 5061), ep('tls', '2001:db8::30', 5061)]);
  // Without UDP, TCP is the default.
  assert.deepEqual(await run(dns, { host: 'pbx.example.net' }, ['tcp']), [ep('tcp', '192.0.2.30', 5060), ep('tcp', '2001:db8::30', 5060)]);
});

test('an AAAA-only host resolves to its IPv6 addresses', async () => {
  const dns = new FakeDns().addAaaa('v6.example.net', '2001:db8::66').addAaaa('v6.example.net', '2001:db8::67');
  dns.a.set('v6.example.net', []); // NOERROR, no data
  assert.deepEqual(await run(dns, { host: 'v6.example.net' }), [ep('udp', '2001:db8::66', 5060), ep('udp', '2001:db8::67', 5060)]);
  dns.fail('A', 'v6.example.net', 'ENODATA');
  assert.deepEqual(await run(dns, { host: 'v6.example.net', port: 5070 }), [ep('udp', '2001:db8::66', 5070), ep('udp', '2001:db8::67', 5070)]);
});

test('duplicates are removed, first position kept', async () => {
  const dns = new FakeDns()
    .addSrv('_sip._udp.example.com', 1, 0, 5060, 'a.example.com')
    .addSrv('_sip._udp.example.com', 2, 0, 5060, 'b.example.com')
    .addA('a.example.com', '192.0.2.1')
    .addA('b.example.com', '192.0.2.2')
    .addA('b.example.com', '192.0.2.1');
  assert.deepEqual(await run(dns, { host: 'example.com' }, ['udp']), [ep('udp', '192.0.2.1', 5060), ep('udp', '192.0.2.2', 5060)]);
});

test('nothing in DNS: dns_not_found in plain words', async () => {
  const dns = new FakeDns();
  const err = await rejectsWith(run(dns, { host: 'sip.example.net' }), 'dns_not_found', 'sip.example.net has no address in DNS');
  assert.equal(err.name, 'ResolveError');
  await rejectsWith(run(dns, { host: 'sip.example.net', port: 5060 }), 'dns_not_found', 'sip.example.net has no address in DNS');
  // SRV present, its target has no address.
  dns.addSrv('_sip._udp.sip.example.net', 0, 0, 5060, 'gone.example.net');
  await rejectsWith(run(dns, { host: 'sip.example.net' }, ['udp']), 'dns_not_found', /sip\.example\.net/);
});

test('DNS server failures: dns_failed, "not answering"; partial failures still give what answered', async () => {
  const dns = new FakeDns();
  for (const kind of ['NAPTR', 'A', 'AAAA'] as const) dns.fail(kind, 'sip.example.net', 'ETIMEOUT');
  for (const srv of ['_sip._udp', '_sip._tcp', '_sips._tcp']) dns.fail('SRV', `${srv}.sip.example.net`, 'ETIMEOUT');
  const err = await rejectsWith(run(dns, { host: 'sip.example.net' }), 'dns_failed', 'Could not look up sip.example.net: the DNS server is not answering (timed out)');
  assert.equal((err.context['queries'] as unknown[]).length, 6);

  const servfail = new FakeDns().fail('A', 'pbx.example.net', 'ESERVFAIL').fail('AAAA', 'pbx.example.net', 'ESERVFAIL');
  await rejectsWith(run(servfail, { host: 'pbx.example.net', port: 5060 }), 'dns_failed', /SERVFAIL/);

  // A answers, AAAA times out: the A address is enough.
  const partial = new FakeDns().addA('pbx.example.net', '192.0.2.40').fail('AAAA', 'pbx.example.net', 'ETIMEOUT');
  assert.deepEqual(await run(partial, { host: 'pbx.example.net', port: 5060 }), [ep('udp', '192.0.2.40', 5060)]);
  // A router that breaks NAPTR queries does not stop SRV.
  const brokenNaptr = new FakeDns().fail('NAPTR', 'example.com', 'EREFUSED').addSrv('_sip._udp.example.com', 0, 0, 5060, 'sip.example.com').addA('sip.example.com', '192.0.2.41');
  assert.deepEqual(await run(brokenNaptr, { host: 'example.com' }, ['udp']), [ep('udp', '192.0.2.41', 5060)]);
});

test('a transport the URI needs but we do not run: unsupported_transport', async () => {
  const dns = new FakeDns();
  await rejectsWith(run(dns, { host: 'sip.example.net', secure: true }, ['udp', 'tcp']), 'unsupported_transport', 'sip.example.net needs TLS, which is not enabled');
  await rejectsWith(run(dns, { host: '192.0.2.1', transport: 'tcp' }, ['udp']), 'unsupported_transport', /TCP/);
  await rejectsWith(run(dns, { host: '192.0.2.1', transport: 'udp', secure: true }), 'unsupported_transport', /sips: address cannot use UDP/);
});

test('every endpoint of a name carries the SIP domain as serverName, not the SRV target (RFC 5922 §4); numeric hosts carry none', async () => {
  const dns = new FakeDns()
    .addSrv('_sips._tcp.example.net', 0, 0, 5061, 'tls1.provider.example')
    .addA('tls1.provider.example', '192.0.2.7');
  const found = await resolveServer({ host: 'Example.NET', secure: true }, { dns, supported: ALL });
  assert.deepEqual(found, [{ protocol: 'tls', address: '192.0.2.7', port: 5061, serverName: 'example.net' }]);
  const numeric = await resolveServer({ host: '192.0.2.7', transport: 'tls' }, { dns, supported: ALL });
  assert.equal(numeric[0]?.serverName, undefined);
});
