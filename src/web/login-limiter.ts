/**
 * Login rate limiting with lockout, per client address: after `maxFailures`
 * failed logins within `windowMs`, further attempts are refused for `lockoutMs`
 * (doubling for each lockout in a row, up to `maxLockoutMs`). A success clears
 * the address's record.
 */
import type { Clock } from '../clock.js';

export interface LoginLimitPolicy {
  maxFailures: number;
  windowMs: number;
  lockoutMs: number;
  maxLockoutMs: number;
  maxTracked: number;
}

export const DEFAULT_LOGIN_LIMIT: LoginLimitPolicy = {
  maxFailures: 5,
  windowMs: 15 * 60 * 1000,
  lockoutMs: 60 * 1000,
  maxLockoutMs: 60 * 60 * 1000,
  maxTracked: 1024,
};

interface Record {
  failures: number[];
  lockouts: number;
  lockedUntil: number;
}

export class LoginLimiter {
  private readonly records = new Map<string, Record>();

  constructor(private readonly clock: Clock, readonly policy: LoginLimitPolicy = DEFAULT_LOGIN_LIMIT) {}

  /** Milliseconds the address must still wait, or 0 when it may try now. */
  retryAfterMs(address: string): number {
    const r = this.records.get(address);
    if (r === undefined) return 0;
    return Math.max(0, r.lockedUntil - this.clock.now());
  }

  recordFailure(address: string): void {
    const now = this.clock.now();
    let r = this.records.get(address);
    if (r === undefined) {
      if (this.records.size >= this.policy.maxTracked) this.evictOldest();
      r = { failures: [], lockouts: 0, lockedUntil: 0 };
      this.records.set(address, r);
    }
    r.failures = r.failures.filter((t) => now - t < this.policy.windowMs);
    r.failures.push(now);
    if (r.failures.length >= this.policy.maxFailures) {
      const duration = Math.min(this.policy.lockoutMs * 2 ** r.lockouts, this.policy.maxLockoutMs);
      r.lockedUntil = now + duration;
      r.lockouts += 1;
      r.failures = [];
    }
  }

  recordSuccess(address: string): void {
    this.records.delete(address);
  }

  private evictOldest(): void {
    const first = this.records.keys().next().value;
    if (first !== undefined) this.records.delete(first);
  }
}
