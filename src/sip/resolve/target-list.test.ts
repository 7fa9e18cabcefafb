import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../clock.js';
import type { Endpoint } from '../transport/types.js';
import { ResolveError } from './errors.js';
import { cacheSeconds, FailoverTargets } from './target-list.js';
import { FakeDns, sequence } from './test-support/fake-dns.js';

const ep = (address: string, port = 5060): Endpoint => ({ protocol: 'udp', address, port, serverName: 'example.com' });

function threeServers(ttl?: number): FakeDns {
  return new FakeDns()
    .addSrv('_sip._udp.example.com', 1, 0, 5060, 'a.example.com')
    .addSrv('_sip._udp.example.com', 2, 0, 5060, 'b.example.com')
    .addSrv('_sip._udp.example.com', 3, 0, 5060, 'c.example.com')
    .addA('a.example.com', '192.0.2.1', ttl)
    .addA('b.example.com', '192.0.2.2', ttl)
    .addA('c.example.com', '192.0.2.3', ttl);
}

function targets(dns: FakeDns, clock: FakeClock, host = 'example.com'): FailoverTargets {
  return new FailoverTargets({ target: { host }, deps: { dns, supported: ['udp'], random: sequence(0) }, clock });
}

test('cache time: the smallest TTL clamped to 30 s … 1 h, 300 s when unknown', () => {
  assert.equal(cacheSeconds(undefined), 300);
  assert.equal(cacheSeconds(0), 30);
  assert.equal(cacheSeconds(120), 120);
  assert.equal(cacheSeconds(86400), 3600);
});

test('the list is reused until the TTL runs out, then resolved again', async () => {
  const clock = new FakeClock();
  const dns = threeServers(120);
  const t = targets(dns, clock);
  assert.equal(t.current(), undefined, 'nothing before the first refresh');
  assert.equal(t.isExpired(), true);
  assert.deepEqual(await t.refresh(), [ep('192.0.2.1'), ep('192.0.2.2'), ep('192.0.2.3')]);
  const asked = dns.queries.length;
  clock.advance(119_999);
  assert.equal(t.isExpired(), false);
  await t.refresh();
  assert.equal(dns.queries.length, asked, 'no DNS while fresh');
  clock.advance(1);
  assert.equal(t.isExpired(), true);
  dns.a.set('a.example.com', [{ address: '192.0.2.11', ttl: 120 }]);
  await t.refresh();
  assert.ok(dns.queries.length > asked);
  assert.deepEqual(t.current(), ep('192.0.2.11'));
});

test('short and unknown TTLs: 30 s floor, 300 s default; concurrent refreshes share one resolution', async () => {
  const clock = new FakeClock();
  const short = targets(threeServers(5), clock);
  await short.refresh();
  clock.advance(29_999);
  assert.equal(short.isExpired(), false);
  clock.advance(1);
  assert.equal(short.isExpired(), true);

  const dns = threeServers(undefined);
  const unknown = targets(dns, clock);
  const [x, y] = await Promise.all([unknown.refresh(), unknown.refresh()]);
  assert.equal(x, y);
  assert.equal(dns.queries.filter((q) => q.startsWith('NAPTR')).length, 1);
  clock.advance(299_999);
  assert.equal(unknown.isExpired(), false);
  clock.advance(1);
  assert.equal(unknown.isExpired(), true);
});

test('markFailed moves on in order; failed endpoints are avoided for 60 s, then preferred again', async () => {
  const clock = new FakeClock();
  const t = targets(threeServers(3600), clock);
  await t.refresh();
  assert.deepEqual(t.current(), ep('192.0.2.1'));
  assert.deepEqual(t.markFailed(ep('192.0.2.1')), ep('192.0.2.2'));
  assert.deepEqual(t.current(), ep('192.0.2.2'), 'the next request starts at the next endpoint');
  clock.advance(10_000);
  assert.deepEqual(t.markFailed(ep('192.0.2.2')), ep('192.0.2.3'));
  clock.advance(10_000);
  assert.equal(t.markFailed(ep('192.0.2.3')), undefined, 'every endpoint failed: the request has run out of targets');
  assert.deepEqual(t.current(), ep('192.0.2.1'), 'all avoided: the one that failed longest ago');
  clock.advance(39_999);
  assert.equal(t.markFailed(ep('192.0.2.3')), undefined);
  clock.advance(1); // 60 s after the first failure: a is tried again, first in DNS order
  assert.deepEqual(t.current(), ep('192.0.2.1'));
  assert.equal(t.markFailed(ep('192.0.2.1')), undefined, 'b and c still within their 60 s');
  clock.advance(10_000);
  assert.deepEqual(t.current(), ep('192.0.2.2'), 'b is free 60 s after its failure');
});

test('a failed re-resolution keeps the old list and reports the error', async () => {
  const clock = new FakeClock();
  const dns = new FakeDns().addA('pbx.example.net', '192.0.2.50', 60);
  const t = new FailoverTargets({ target: { host: 'pbx.example.net', port: 5060 }, deps: { dns, supported: ['udp'] }, clock });
  await t.refresh();
  clock.advance(60_000);
  dns.fail('A', 'pbx.example.net', 'ETIMEOUT').fail('AAAA', 'pbx.example.net', 'ETIMEOUT');
  await assert.rejects(t.refresh(), (err: unknown) => err instanceof ResolveError && err.code === 'dns_failed' && /not answering/.test(err.message));
  assert.deepEqual(t.endpoints, [{ ...ep('192.0.2.50'), serverName: 'pbx.example.net' }]);
  assert.deepEqual(t.current(), { ...ep('192.0.2.50'), serverName: 'pbx.example.net' });
});
