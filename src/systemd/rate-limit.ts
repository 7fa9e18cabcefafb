/**
 * Rate limiting for log lines that could otherwise repeat every tick (a failing
 * notification socket, an unhealthy tree): the first occurrence of a key is
 * logged, then at most one line per interval, carrying how many were suppressed.
 */
export class LogRateLimiter {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly now: () => number,
    private readonly intervalMs = 60_000,
  ) {}

  /**
   * Whether to log an occurrence of `key` now; when it is, `suppressed` is how
   * many occurrences were dropped since the last logged one.
   */
  take(key: string): { log: true; suppressed: number } | { log: false } {
    const t = this.now();
    const entry = this.last.get(key);
    if (entry === undefined || t - entry.at >= this.intervalMs) {
      const suppressed = entry?.suppressed ?? 0;
      this.last.set(key, { at: t, suppressed: 0 });
      return { log: true, suppressed };
    }
    entry.suppressed++;
    return { log: false };
  }

  /** Forgets `key`, so its next occurrence is logged at once (e.g. after recovery). */
  reset(key: string): void {
    this.last.delete(key);
  }
}
