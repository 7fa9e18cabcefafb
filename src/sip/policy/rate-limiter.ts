/**
 * A per-source token bucket for inbound SIP traffic: each source IP may send
 * `burst` requests at once and `ratePerSecond` on average after that. Memory is
 * bounded: at most `maxSources` buckets are kept, the least recently seen
 * evicted first (an evicted source comes back with a full bucket).
 * Sources are keyed by canonical IP (ip-address.ts), so `::ffff:192.0.2.1` and
 * `192.0.2.1` share one bucket.
 */
import type { Clock } from '../../clock.js';
import { ValidationError } from '../../errors.js';
import { canonicalIp } from './ip-address.js';

export interface SourceRateLimiterOptions {
  clock: Clock;
  /** Tokens added per second (the sustained rate). Default 20. */
  ratePerSecond?: number;
  /** Bucket size (the largest burst). Default 50. */
  burst?: number;
  /** How many sources are tracked at most. Default 4096. */
  maxSources?: number;
}

interface Bucket {
  tokens: number;
  /** Clock.now() of the last refill. */
  at: number;
}

export const DEFAULT_RATE_PER_SECOND = 20;
export const DEFAULT_BURST = 50;
export const DEFAULT_MAX_SOURCES = 4096;

export class SourceRateLimiter {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly maxSources: number;
  private readonly clock: Clock;
  /** Insertion order is recency order: the first entry is the least recently seen. */
  private readonly buckets = new Map<string, Bucket>();
  private blocked = 0;

  constructor(options: SourceRateLimiterOptions) {
    this.clock = options.clock;
    this.ratePerSecond = options.ratePerSecond ?? DEFAULT_RATE_PER_SECOND;
    this.burst = options.burst ?? DEFAULT_BURST;
    this.maxSources = options.maxSources ?? DEFAULT_MAX_SOURCES;
    const fields: Record<string, string> = {};
    if (!Number.isFinite(this.ratePerSecond) || this.ratePerSecond <= 0) fields.ratePerSecond = 'must be a positive number';
    if (!Number.isFinite(this.burst) || this.burst < 1) fields.burst = 'must be at least 1';
    if (!Number.isInteger(this.maxSources) || this.maxSources < 1) fields.maxSources = 'must be a positive integer';
    if (Object.keys(fields).length > 0) throw new ValidationError('invalid rate limiter options', fields);
  }

  /** Takes one token from the source's bucket; false (and counted as blocked) when it is empty. */
  allow(source: string): boolean {
    const key = canonicalIp(source);
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, at: now };
    } else {
      this.buckets.delete(key); // re-inserted below as the most recent
      const elapsed = Math.max(0, now - bucket.at) / 1000;
      bucket.tokens = Math.min(this.burst, bucket.tokens + elapsed * this.ratePerSecond);
      bucket.at = now;
    }
    this.buckets.set(key, bucket);
    while (this.buckets.size > this.maxSources) {
      const oldest = this.buckets.keys().next();
      if (oldest.done === true) break;
      this.buckets.delete(oldest.value);
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return true;
    }
    this.blocked++;
    return false;
  }

  /** How many allow() calls were refused since construction (or reset()). */
  get blockedCount(): number {
    return this.blocked;
  }

  /** How many sources currently have a bucket. */
  get trackedSources(): number {
    return this.buckets.size;
  }

  /** Forgets every bucket and the blocked count. */
  reset(): void {
    this.buckets.clear();
    this.blocked = 0;
  }
}
