/**
 * Supervisor events. A supervisor emits typed events about its direct children;
 * `onTreeEvent` sees the same events for the whole subtree (nested supervisors
 * forward theirs), which is what metrics and the UI subscribe to at the root.
 */
import type { Logger } from '../log.js';
import type { SupervisorEscalationError } from './errors.js';

export interface ChildStartedEvent { path: string }
export interface ChildFailedEvent { path: string; error: Error }
export interface ChildRestartedEvent { path: string; restarts: number }

/** The typed event map of a Supervisor (an EventEmitter). */
export interface SupervisorEvents {
  childStarted: [ChildStartedEvent];
  childFailed: [ChildFailedEvent];
  childRestarted: [ChildRestartedEvent];
  failed: [SupervisorEscalationError];
}

export type TreeEvent =
  | ({ type: 'childStarted' } & ChildStartedEvent)
  | ({ type: 'childFailed' } & ChildFailedEvent)
  | ({ type: 'childRestarted' } & ChildRestartedEvent)
  /** The supervisor at `path` gave up. */
  | { type: 'failed'; path: string; error: SupervisorEscalationError };

export type TreeListener = (event: TreeEvent) => void;

/** Calls a listener; an exception is logged, never passed on to the supervisor. */
export function callSafely(log: Logger, what: string, call: () => void): void {
  try {
    call();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    log.error('event listener threw', { event: what, err: e.message, stack: e.stack });
  }
}
