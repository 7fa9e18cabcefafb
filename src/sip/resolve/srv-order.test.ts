import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SrvRecord } from './dns-client.js';
import { isServiceRefused, orderSrv } from './srv-order.js';
import { sequence } from './test-support/fake-dns.js';

const srv = (name: string, priority: number, weight: number): SrvRecord => ({ name, priority, weight, port: 5060 });

test('priority groups come lowest first, whatever the weights', () => {
  const records = [srv('c', 30, 100), srv('a', 10, 0), srv('b', 20, 5)];
  assert.deepEqual(orderSrv(records, sequence(0.99)).map((r) => r.name), ['a', 'b', 'c']);
});

test('running-sum selection: the random number picks the first record whose running sum reaches it', () => {
  const records = [srv('w10', 1, 10), srv('w30', 1, 30), srv('w60', 1, 60)];
  // sum 100: 0 → w10; then sum 90: 0 → w30; then w60.
  assert.deepEqual(orderSrv(records, sequence(0)).map((r) => r.name), ['w10', 'w30', 'w60']);
  // 0.2 → 20 → w30 (running 10, 40); then of w10, w60 (sum 70): 14 → w60 (running 10, 70).
  assert.deepEqual(orderSrv(records, sequence(0.2)).map((r) => r.name), ['w30', 'w60', 'w10']);
  // 0.999 → 100 → w60; then sum 40 → 40 → w30; then w10.
  assert.deepEqual(orderSrv(records, sequence(0.999)).map((r) => r.name), ['w60', 'w30', 'w10']);
});

test('weight-0 records are placed first and win only on a zero draw', () => {
  const records = [srv('heavy', 1, 10), srv('zero', 1, 0)];
  assert.deepEqual(orderSrv(records, sequence(0)).map((r) => r.name), ['zero', 'heavy']);
  assert.deepEqual(orderSrv(records, sequence(0.5)).map((r) => r.name), ['heavy', 'zero']);
});

test('weights shape the first choice over many draws (deterministic generator)', () => {
  let seed = 42;
  const lcg = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const records = [srv('a', 0, 20), srv('b', 0, 80)];
  let bFirst = 0;
  for (let i = 0; i < 5000; i++) if (orderSrv(records, lcg)[0]?.name === 'b') bFirst++;
  assert.ok(bFirst > 3700 && bFirst < 4300, `b first ${bFirst} of 5000`);
});

test('"." targets are dropped and a "."-only RRset means the service is refused', () => {
  assert.deepEqual(orderSrv([srv('.', 0, 0), srv('x', 1, 0)]).map((r) => r.name), ['x']);
  assert.equal(isServiceRefused([srv('.', 0, 0)]), true);
  assert.equal(isServiceRefused([srv('', 0, 0)]), true);
  assert.equal(isServiceRefused([srv('x', 0, 0)]), false);
  assert.equal(isServiceRefused([]), false);
});
