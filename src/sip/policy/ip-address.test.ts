import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalIp, parseIp } from './ip-address.js';

test('IPv4 literals are kept, malformed ones are not IPs', () => {
  assert.equal(canonicalIp('192.0.2.5'), '192.0.2.5');
  assert.equal(canonicalIp(' 192.0.2.5 '), '192.0.2.5');
  assert.equal(parseIp('192.0.2.256'), undefined);
  assert.equal(parseIp('192.0.2'), undefined);
  assert.equal(parseIp('192.0.02.5'), undefined);
  assert.equal(parseIp('pbx.example.com'), undefined);
  assert.equal(canonicalIp('PBX.example.com'), 'pbx.example.com');
});

test('IPv4-mapped IPv6 addresses are taken as IPv4, in either notation', () => {
  assert.equal(canonicalIp('::ffff:192.0.2.5'), '192.0.2.5');
  assert.equal(canonicalIp('::FFFF:c000:205'), '192.0.2.5');
  assert.equal(canonicalIp('[::ffff:192.0.2.5]'), '192.0.2.5');
  assert.equal(canonicalIp('0:0:0:0:0:ffff:192.0.2.5'), '192.0.2.5');
  assert.deepEqual(parseIp('::ffff:10.0.0.1')?.bytes, new Uint8Array([10, 0, 0, 1]));
});

test('IPv6 is compared in RFC 5952 canonical form', () => {
  assert.equal(canonicalIp('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalIp('2001:0db8::0001'), '2001:db8::1');
  assert.equal(canonicalIp('[2001:db8::1]'), '2001:db8::1');
  assert.equal(canonicalIp('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1'); // one zero group is not compressed
  assert.equal(canonicalIp('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1'); // the longest run
  assert.equal(canonicalIp('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1'); // the first of equal runs
  assert.equal(canonicalIp('0:0:0:0:0:0:0:0'), '::');
  assert.equal(canonicalIp('::1'), '::1');
  assert.equal(canonicalIp('fe80::1%ETH0'), 'fe80::1%eth0');
  assert.equal(canonicalIp('::192.0.2.5'), '::c000:205'); // IPv4-compatible is not IPv4-mapped
  assert.equal(parseIp('1:2:3:4:5:6:7:8:9'), undefined);
  assert.equal(parseIp('1::2::3'), undefined);
  assert.equal(parseIp('12345::1'), undefined);
  assert.equal(parseIp(':1:2:3:4:5:6:7'), undefined);
  assert.equal(canonicalIp('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
});
