/**
 * The resolved endpoints of one server, kept across requests (RFC 3263 §4.3 failover,
 * with RFC 3263 §4.2's list cached for the DNS TTL): the UA sends to `current()`, calls
 * `markFailed()` on a transport error, timeout or 503 and tries what comes next; a failed
 * endpoint is avoided for a while, then preferred again in its DNS order.
 */
import type { Clock } from '../../clock.js';
import type { Endpoint } from '../transport/types.js';
import { resolveServerWithTtl, type ResolveDeps, type ResolveTarget } from './resolver.js';

export const MIN_TTL_S = 30;
export const MAX_TTL_S = 3600;
export const DEFAULT_TTL_S = 300;
export const FAILED_AVOID_MS = 60_000;

export interface FailoverOptions {
  target: ResolveTarget;
  deps: ResolveDeps;
  clock: Clock;
  /** How long a failed endpoint is avoided, ms (default 60 s). */
  avoidMs?: number;
}

function key(e: Endpoint): string {
  return `${e.protocol}|${e.address.toLowerCase()}|${e.port}`;
}

/** Seconds the list may be used: the smallest TTL seen, clamped to 30 s … 1 h; 300 s when unknown. */
export function cacheSeconds(ttl: number | undefined): number {
  if (ttl === undefined) return DEFAULT_TTL_S;
  return Math.min(MAX_TTL_S, Math.max(MIN_TTL_S, ttl));
}

export class FailoverTargets {
  private list: Endpoint[] = [];
  private expiresAt = Number.NEGATIVE_INFINITY;
  /** Endpoint key → clock time until which it is avoided. */
  private readonly avoidUntil = new Map<string, number>();
  private pending: Promise<readonly Endpoint[]> | undefined;
  private readonly avoidMs: number;

  constructor(private readonly opts: FailoverOptions) {
    this.avoidMs = opts.avoidMs ?? FAILED_AVOID_MS;
  }

  /** The resolved list in DNS order (empty before the first refresh). */
  get endpoints(): readonly Endpoint[] {
    return this.list;
  }

  isExpired(): boolean {
    return this.list.length === 0 || this.opts.clock.now() >= this.expiresAt;
  }

  /**
   * Resolves again when the list is empty or expired; otherwise returns it as is.
   * Concurrent calls share one resolution. On failure (ResolveError) the old list is kept.
   */
  refresh(): Promise<readonly Endpoint[]> {
    if (!this.isExpired()) return Promise.resolve(this.list);
    this.pending ??= resolveServerWithTtl(this.opts.target, this.opts.deps)
      .then((r) => {
        this.list = r.endpoints;
        this.expiresAt = this.opts.clock.now() + cacheSeconds(r.ttl) * 1000;
        return this.list;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }

  private avoided(e: Endpoint, now: number): boolean {
    const until = this.avoidUntil.get(key(e));
    return until !== undefined && now < until;
  }

  /**
   * The endpoint to use now: the first one not recently failed. When all have failed
   * recently, the one whose failure is oldest. Undefined only before a successful refresh.
   */
  current(): Endpoint | undefined {
    const now = this.opts.clock.now();
    const fresh = this.list.find((e) => !this.avoided(e, now));
    if (fresh !== undefined) return fresh;
    let best: Endpoint | undefined;
    let bestUntil = Number.POSITIVE_INFINITY;
    for (const e of this.list) {
      const until = this.avoidUntil.get(key(e)) ?? Number.NEGATIVE_INFINITY;
      if (until < bestUntil) {
        best = e;
        bestUntil = until;
      }
    }
    return best;
  }

  /**
   * Records that `endpoint` failed and returns the next one to try, or undefined when
   * every endpoint has failed recently (the request has run out of targets).
   */
  markFailed(endpoint: Endpoint): Endpoint | undefined {
    const now = this.opts.clock.now();
    this.avoidUntil.set(key(endpoint), now + this.avoidMs);
    for (const [k, until] of this.avoidUntil) if (until <= now) this.avoidUntil.delete(k);
    return this.list.find((e) => !this.avoided(e, now));
  }
}
