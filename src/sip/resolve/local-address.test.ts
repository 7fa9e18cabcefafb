import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { ResolveError } from './errors.js';
import { localAddressFor } from './local-address.js';

/** Whether this machine can bind the IPv6 loopback. */
function hasIpv6Loopback(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp6');
    s.once('error', () => {
      s.close();
      resolve(false);
    });
    s.bind(0, '::1', () => {
      s.close();
      resolve(true);
    });
  });
}

test('the local address toward IPv4 loopback is 127.0.0.1', async () => {
  assert.equal(await localAddressFor('127.0.0.1', 5060), '127.0.0.1');
});

test('the local address toward IPv6 loopback is ::1, brackets accepted', async (t) => {
  if (!(await hasIpv6Loopback())) {
    t.skip('no IPv6 loopback on this machine');
    return;
  }
  assert.equal(await localAddressFor('::1', 5060), '::1');
  assert.equal(await localAddressFor('[::1]', 5061), '::1');
});

test('a host name is refused: resolve first', async () => {
  await assert.rejects(localAddressFor('pbx.example.net', 5060), (err: unknown) => err instanceof ResolveError && err.code === 'no_route');
});
