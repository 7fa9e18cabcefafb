/** Waits for a stop to finish, but no longer than a deadline on the injected clock. */
import type { Clock } from '../clock.js';

export type StopOutcome = { kind: 'stopped' } | { kind: 'threw'; error: unknown } | { kind: 'timeout' };

export interface TimedStop {
  /** How the stop ended, or 'timeout' after `ms`. */
  outcome: Promise<StopOutcome>;
  /** Settles (never rejects) when the stop itself finishes, even after a timeout. */
  settled: Promise<void>;
}

/** Runs `stop` and reports how it ended; `ms` of Infinity waits for ever. */
export function stopWithin(stop: () => void | Promise<void>, ms: number, clock: Clock): TimedStop {
  let done: Promise<void>;
  try {
    done = Promise.resolve(stop());
  } catch (err) {
    done = Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  const finished = done.then((): StopOutcome => ({ kind: 'stopped' }), (error: unknown): StopOutcome => ({ kind: 'threw', error }));
  const settled = finished.then(() => undefined);
  if (!Number.isFinite(ms)) return { outcome: finished, settled };
  const outcome = new Promise<StopOutcome>((resolve) => {
    const timer = clock.setTimer(Math.max(0, ms), () => resolve({ kind: 'timeout' }));
    void finished.then((o) => {
      clock.cancelTimer(timer);
      resolve(o);
    });
  });
  return { outcome, settled };
}
