/**
 * Shared types for the four RFC 3261 §17 transaction machines (with the RFC 6026
 * 'accepted' state). The machines are pure: `step(state, event) → { state, effects }`.
 * They are generic over the message type `M`; they never look inside a message —
 * the shell (layer.ts) reads what it needs through a `TxAdapter<M>` and passes
 * facts such as the status code in the events.
 */
import { InvalidStateError } from '../../errors.js';

/** RFC 3261 §17 timers, RFC 6026 timers L and M, and the 200 ms "100 Trying" timer of §17.2.1. */
export type TimerName =
  | 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M'
  | 'Trying100';

/** T1, T2 and T4 of RFC 3261 §17 (Table 4), in milliseconds. */
export interface TimerConfig {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
  /**
   * Delay before an INVITE server transaction sends 100 Trying on its own (RFC 3261
   * §17.2.1: "if the TU will not generate a provisional response within 200 ms").
   * `false` disables it.
   */
  readonly trying100Ms: number | false;
}

export const DEFAULT_TIMER_CONFIG: TimerConfig = { t1: 500, t2: 4000, t4: 5000, trying100Ms: 200 };

/** What a machine reports to its transaction user. */
export type TuReport<M> =
  | { readonly kind: 'response'; readonly message: M }
  | { readonly kind: 'request'; readonly message: M }
  | { readonly kind: 'timeout'; readonly timer: TimerName }
  | { readonly kind: 'transportError' };

export type Effect<M> =
  | { readonly type: 'send'; readonly message: M }
  | { readonly type: 'startTimer'; readonly timer: TimerName; readonly ms: number }
  | { readonly type: 'cancelTimer'; readonly timer: TimerName }
  | ({ readonly type: 'toTU' } & TuReport<M>)
  | { readonly type: 'terminated' };

export interface Step<S, M> {
  readonly state: S;
  readonly effects: readonly Effect<M>[];
}

/** Events every machine understands. */
export type TimerEvent = { readonly type: 'timer'; readonly timer: TimerName };
export type TransportErrorEvent = { readonly type: 'transportError' };

/** A response as the machines see it: the message and its status code. */
export type ResponseEvent<M> = { readonly type: 'response'; readonly message: M; readonly status: number };

/** Static facts a machine needs, fixed when the transaction is created. */
export interface MachineContext {
  readonly timers: TimerConfig;
  /** Whether the transport is reliable (TCP, TLS): no retransmissions, zero wait timers. */
  readonly reliable: boolean;
}

export function assertNever(value: never): never {
  throw new InvalidStateError('unexpected value', { value: JSON.stringify(value) });
}

/** The error a machine throws for an event its state does not allow. */
export function illegal(machine: string, state: string, event: string): InvalidStateError {
  return new InvalidStateError(`${machine}: event '${event}' not allowed in state '${state}'`, {
    machine, state, event,
  });
}

export function isProvisional(status: number): boolean {
  return status >= 100 && status <= 199;
}
export function isSuccess(status: number): boolean {
  return status >= 200 && status <= 299;
}
/** 300–699, the "non-2xx final" responses of §17. */
export function isFailure(status: number): boolean {
  return status >= 300 && status <= 699;
}

/** Helpers that keep the machines' effect lists short. */
export const fx = {
  send<M>(message: M): Effect<M> {
    return { type: 'send', message };
  },
  start<M>(timer: TimerName, ms: number): Effect<M> {
    return { type: 'startTimer', timer, ms };
  },
  cancel<M>(timer: TimerName): Effect<M> {
    return { type: 'cancelTimer', timer };
  },
  tu<M>(report: TuReport<M>): Effect<M> {
    return { type: 'toTU', ...report };
  },
  terminated<M>(): Effect<M> {
    return { type: 'terminated' };
  },
};
