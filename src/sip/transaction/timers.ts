/**
 * Timer values of RFC 3261 §17 (Table 4) and RFC 6026, derived from T1, T2 and T4.
 * Nothing here is hard-coded except Timer D's 32 s floor, which the RFC states in
 * seconds rather than in T1 units.
 */
import { DEFAULT_TIMER_CONFIG, type TimerConfig } from './types.js';

export function resolveTimerConfig(partial: Partial<TimerConfig> = {}): TimerConfig {
  const cfg: TimerConfig = { ...DEFAULT_TIMER_CONFIG, ...partial };
  for (const key of ['t1', 't2', 't4'] as const) {
    if (!Number.isFinite(cfg[key]) || cfg[key] <= 0) throw new RangeError(`timer ${key} must be a positive number`);
  }
  if (cfg.trying100Ms !== false && (!Number.isFinite(cfg.trying100Ms) || cfg.trying100Ms < 0)) {
    throw new RangeError('trying100Ms must be a non-negative number or false');
  }
  return cfg;
}

/** 64·T1: Timers B, F, H, J (unreliable), L and M. */
export function transactionTimeout(cfg: TimerConfig): number {
  return 64 * cfg.t1;
}

/** The next retransmit interval after `current`: doubled, capped at T2 when `capped`. */
export function nextInterval(cfg: TimerConfig, current: number, capped: boolean): number {
  return capped ? Math.min(2 * current, cfg.t2) : 2 * current;
}

/** Timer D: "at least 32 seconds for unreliable transports, and zero seconds for reliable". */
export function timerD(cfg: TimerConfig, reliable: boolean): number {
  return reliable ? 0 : Math.max(32_000, 64 * cfg.t1);
}

/** Timer I (IST Confirmed) and Timer K (NICT Completed): T4 unreliable, 0 reliable. */
export function timerT4Wait(cfg: TimerConfig, reliable: boolean): number {
  return reliable ? 0 : cfg.t4;
}

/** Timer J (NIST Completed): 64·T1 unreliable, 0 reliable. */
export function timerJ(cfg: TimerConfig, reliable: boolean): number {
  return reliable ? 0 : transactionTimeout(cfg);
}
