import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { SourceRateLimiter } from './rate-limiter.js';

function drain(limiter: SourceRateLimiter, source: string, max = 1000): number {
  let allowed = 0;
  for (let i = 0; i < max; i++) if (limiter.allow(source)) allowed++;
  return allowed;
}

test('defaults: a burst of 50, then 20 per second', () => {
  const clock = new FakeClock();
  const limiter = new SourceRateLimiter({ clock });
  assert.equal(limiter.ratePerSecond, 20);
  assert.equal(limiter.burst, 50);
  assert.equal(limiter.maxSources, 4096);
  assert.equal(drain(limiter, '203.0.113.66', 100), 50);
  assert.equal(limiter.blockedCount, 50);
  clock.advance(1000);
  assert.equal(drain(limiter, '203.0.113.66', 100), 20);
  assert.equal(limiter.blockedCount, 130);
});

test('tokens refill over time, up to the burst and no further', () => {
  const clock = new FakeClock();
  const limiter = new SourceRateLimiter({ clock, ratePerSecond: 2, burst: 3 });
  assert.equal(drain(limiter, '192.0.2.1', 10), 3);
  assert.equal(limiter.allow('192.0.2.1'), false);
  clock.advance(499);
  assert.equal(limiter.allow('192.0.2.1'), false); // 0.998 tokens
  clock.advance(1);
  assert.equal(limiter.allow('192.0.2.1'), true); // 1 token after 500 ms at 2/s
  assert.equal(limiter.allow('192.0.2.1'), false);
  clock.advance(60_000);
  assert.equal(drain(limiter, '192.0.2.1', 10), 3); // capped at the burst
});

test('sources have their own buckets; IPv4-mapped addresses share the IPv4 bucket', () => {
  const clock = new FakeClock();
  const limiter = new SourceRateLimiter({ clock, ratePerSecond: 1, burst: 2 });
  assert.equal(drain(limiter, '192.0.2.1', 5), 2);
  assert.equal(limiter.allow('::ffff:192.0.2.1'), false);
  assert.equal(drain(limiter, '192.0.2.2', 5), 2);
  assert.equal(drain(limiter, '2001:db8::1', 5), 2);
  assert.equal(limiter.allow('2001:DB8:0::1'), false);
  assert.equal(limiter.trackedSources, 3);
});

test('at most maxSources are tracked; the least recently seen is evicted', () => {
  const clock = new FakeClock();
  const limiter = new SourceRateLimiter({ clock, ratePerSecond: 1, burst: 1, maxSources: 3 });
  assert.equal(limiter.allow('10.0.0.1'), true);
  assert.equal(limiter.allow('10.0.0.2'), true);
  assert.equal(limiter.allow('10.0.0.3'), true);
  assert.equal(limiter.allow('10.0.0.1'), false); // touches .1: .2 is now the least recent
  assert.equal(limiter.allow('10.0.0.4'), true); // evicts .2
  assert.equal(limiter.trackedSources, 3);
  assert.equal(limiter.allow('10.0.0.1'), false); // still tracked, still empty
  assert.equal(limiter.allow('10.0.0.3'), false); // still tracked
  assert.equal(limiter.allow('10.0.0.2'), true); // forgotten, so a fresh bucket (evicts .4)
  assert.equal(limiter.trackedSources, 3);
  for (let i = 0; i < 10_000; i++) limiter.allow(`198.51.${i >> 8}.${i & 0xff}`);
  assert.equal(limiter.trackedSources, 3);
});

test('a clock that does not move adds no tokens; reset forgets everything', () => {
  const clock = new FakeClock();
  const limiter = new SourceRateLimiter({ clock, ratePerSecond: 1000, burst: 5 });
  assert.equal(drain(limiter, '192.0.2.1', 10), 5);
  assert.equal(limiter.blockedCount, 5);
  limiter.reset();
  assert.equal(limiter.blockedCount, 0);
  assert.equal(limiter.trackedSources, 0);
  assert.equal(drain(limiter, '192.0.2.1', 10), 5);
});

test('invalid options are refused with the fields named', () => {
  const clock = new FakeClock();
  assert.throws(
    () => new SourceRateLimiter({ clock, ratePerSecond: 0, burst: 0.5, maxSources: 1.5 }),
    (e: unknown) =>
      e instanceof ValidationError && 'ratePerSecond' in e.fields && 'burst' in e.fields && 'maxSources' in e.fields,
  );
});
