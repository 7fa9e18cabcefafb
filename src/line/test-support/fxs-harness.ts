/**
 * Test helpers for the FXS line machine: a small digit map, region profiles,
 * a caller-ID planner with chosen data lengths, and a harness that runs the
 * machine against a fake clock (it arms and fires the timers the machine asks
 * for, in time order) and records what it did, with timestamps.
 */
import type { OnHookFskPlan, OnHookMethod } from '../../../audio/caller-id/on-hook.js';
import { fxsInitial, fxsStep } from '../fxs-line.js';
import type { CallerIdPlanner, FxsAction, FxsConfig, FxsInput, FxsState, FxsTimerName } from '../fxs-types.js';
import { regionProfile } from '../region-profile.js';
import type { DigitMapResult, DigitMatcher, RegionProfile } from '../types.js';

/**
 * A fake digit map: exact patterns where 'x' is any digit 0-9 and a trailing
 * 'T' means "complete, but wait the short timer". Enough to drive the machine
 * through every `DigitMapResult` without the real digit-map.ts.
 */
export function fakeDigitMap(patterns: readonly string[]): DigitMatcher {
  return {
    source: patterns.join('|'),
    match(digits: string): DigitMapResult {
      let complete = false;
      let timed = false;
      let more = false;
      for (const p of patterns) {
        const t = p.endsWith('T');
        const body = t ? p.slice(0, -1) : p;
        if (digits.length > body.length) continue;
        let prefix = true;
        for (let i = 0; i < digits.length; i++) {
          const want = body[i];
          const got = digits[i] ?? '';
          if (want === 'x' ? !/[0-9]/.test(got) : want !== got) prefix = false;
        }
        if (!prefix) continue;
        if (digits.length < body.length) more = true;
        else if (t) timed = true;
        else complete = true;
      }
      if (complete && !more) return { kind: 'complete' };
      if (complete || timed) return { kind: 'complete-on-timeout' };
      return more ? { kind: 'more' } : { kind: 'invalid' };
    },
  };
}

/** 911; star codes *xx; *#x (a map that uses '#'); 4-digit extensions that may grow to 7 digits. */
export const TEST_MAP = fakeDigitMap(['911', '*xx', '*#x', '2xxx', '2xxxxxx']);

export function profile(region: 'US' | 'GB' | 'DE', callerId: Partial<RegionProfile['callerId']> = {}): RegionProfile {
  return regionProfile(region, { callerId });
}

/** On-hook plans with chosen lengths: `dataMs` of data (8 samples a ms); no off-hook plan unless `offHookMs`. */
export function fakePlanner(opts: { method: OnHookMethod; dataMs: number; lineReversal?: boolean; offHookMs?: { alertMs: number; fskMs: number } }): CallerIdPlanner {
  const samples = (ms: number): Int16Array => new Int16Array(ms * 8);
  return {
    onHook(): OnHookFskPlan {
      const base = { method: opts.method, lineReversal: opts.lineReversal ?? false, reversalLeadMs: 100, waitMs: 500, ringAfterMs: 200, fsk: samples(opts.dataMs) };
      if (opts.method === 'dt-as') return { ...base, waitMs: 60, alerting: samples(100) };
      if (opts.method === 'rp-as') return { ...base, ringPulseMs: 250 };
      if (opts.method === 'line-reversal') return { ...base, waitMs: 150 };
      return base;
    },
    offHook() {
      const o = opts.offHookMs;
      if (o === undefined) return undefined;
      return { alert: samples(o.alertMs), ackTimeoutMs: 160, ackDigits: ['D', 'A'], fskDelayMs: 60, fsk: samples(o.fskMs) };
    },
  };
}

export interface Logged {
  readonly atMs: number;
  readonly action: FxsAction;
}

/** Runs a line against a fake clock: `send` an input now, `advance` to fire due timers in order. */
export class Harness {
  state: FxsState;
  now: number;
  readonly log: Logged[] = [];
  private readonly timers = new Map<FxsTimerName, number>();

  constructor(config: Partial<FxsConfig> = {}, opts: { atMs?: number; offHook?: boolean } = {}) {
    this.now = opts.atMs ?? 0;
    const full: FxsConfig = { profile: profile('US'), digitMap: TEST_MAP, ...config };
    this.state = fxsInitial(full, this.now, opts.offHook ?? false);
  }

  /** Feeds one input (its `atMs` is the harness clock); returns the actions. */
  send(input: DistributiveOmit<FxsInput, 'atMs'>): FxsAction[] {
    return this.apply({ ...input, atMs: this.now });
  }

  apply(input: FxsInput): FxsAction[] {
    const { state, actions } = fxsStep(this.state, input);
    this.state = state;
    for (const a of actions) {
      this.log.push({ atMs: input.atMs, action: a });
      if (a.type === 'timer') this.timers.set(a.name, a.atMs);
      if (a.type === 'cancel-timer') this.timers.delete(a.name);
    }
    return actions;
  }

  /** Advances the clock to `toMs`, firing every timer that falls due on the way; returns what they did. */
  advance(toMs: number): Logged[] {
    const from = this.log.length;
    for (;;) {
      let next: [FxsTimerName, number] | undefined;
      for (const [name, at] of this.timers) if (at <= toMs && (next === undefined || at < next[1])) next = [name, at];
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1]);
      this.apply({ type: 'timer', name: next[0], atMs: this.now });
    }
    this.now = Math.max(this.now, toMs);
    return this.log.slice(from);
  }

  /** Armed timers as the harness sees them (from the actions). */
  armed(name: FxsTimerName): number | undefined {
    return this.timers.get(name);
  }
}

export type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The actions of one kind, for terse assertions. */
export function only<T extends FxsAction['type']>(actions: readonly FxsAction[], type: T): Extract<FxsAction, { type: T }>[] {
  return actions.filter((a): a is Extract<FxsAction, { type: T }> => a.type === type);
}

export function events(actions: readonly FxsAction[]): string[] {
  return only(actions, 'event').map((a) => a.event.type);
}

export function tones(actions: readonly FxsAction[]): (string | null)[] {
  return only(actions, 'tone').map((a) => a.tone);
}

/** Ringer changes as [atMs, on]. */
export function ringTimeline(log: readonly Logged[]): [number, boolean][] {
  return log.flatMap((l) => (l.action.type === 'ring' ? [[l.atMs, l.action.on] as [number, boolean]] : []));
}
