/**
 * The vocabulary of the supervision tree (DESIGN §2): child specs, the context a
 * child gets when it starts, what a started child looks like, and the status tree.
 */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { TreeEvent } from './events.js';

export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** permanent: always restarted; transient: only after an abnormal end; temporary: never (removed when it ends). */
export type RestartPolicy = 'permanent' | 'transient' | 'temporary';

export type ChildKind = 'worker' | 'supervisor';

/** More than `maxRestarts` restarts within `withinMs` makes the supervisor give up. */
export interface RestartIntensity {
  maxRestarts: number;
  withinMs: number;
}

/** OTP's default: 3 restarts in 5 seconds. */
export const DEFAULT_RESTART_INTENSITY: Readonly<RestartIntensity> = Object.freeze({ maxRestarts: 3, withinMs: 5000 });
export const DEFAULT_SHUTDOWN_MS = 5000;

/** What a child is given when it starts; it belongs to that one incarnation. */
export interface ChildContext {
  /** e.g. "dialtone/sip/registration:main". */
  readonly path: string;
  /** A logger whose lines carry `{ path }`. */
  readonly log: Logger;
  readonly clock: Clock;
  /** Reports a fault: the supervisor stops this child and applies its restart policy. */
  fail(err: unknown): void;
  /** Returns `p`; if it rejects, that is a fault of this child. */
  watch<T>(p: Promise<T>): Promise<T>;
  /**
   * The child ended by itself (nothing left to stop). `'normal'` or no reason is a normal
   * exit (transient and temporary children are not restarted); anything else is a fault.
   */
  exit(reason?: unknown): void;
  /**
   * Passes an event of a nested supervision tree up to this child's supervisor (its
   * onTreeEvent listeners). supervisorSpec wires it; plain workers do not need it.
   */
  treeEvent(event: TreeEvent): void;
}

/**
 * A started child. It may also be an EventEmitter: its `'error'` events are faults.
 * Supervisors are children too: they expose their status and health.
 */
export interface Child {
  stop(): void | Promise<void>;
  status?(): SupervisorStatus;
  isHealthy?(): boolean;
}

export interface ChildSpec {
  /** Unique among its siblings; no '/'. */
  id: string;
  start(ctx: ChildContext): Child | Promise<Child>;
  /** Default 'permanent'. */
  restart?: RestartPolicy;
  /** How long stop() may take before the child is abandoned; default 5000; Infinity waits for ever. */
  shutdownMs?: number;
  /** Default 'worker'. */
  kind?: ChildKind;
}

export type SupervisorState = 'starting' | 'running' | 'restarting' | 'stopping' | 'stopped' | 'failed';
export type ChildState = 'running' | 'starting' | 'stopped' | 'failed' | 'restarting';

export interface ChildStatus {
  id: string;
  path: string;
  kind: ChildKind;
  restart: RestartPolicy;
  state: ChildState;
  /** Successful restarts of this child (alone or with its siblings). */
  restarts: number;
  lastError?: string;
  /** clock.wallTime() when the current incarnation finished starting. */
  startedAt?: number;
  /** The children of a nested supervisor. */
  children?: ChildStatus[];
}

export interface SupervisorStatus {
  id: string;
  path: string;
  kind: 'supervisor';
  strategy: Strategy;
  state: SupervisorState;
  /** Restarts this supervisor performed (each one counted toward its intensity). */
  restarts: number;
  children: ChildStatus[];
}
