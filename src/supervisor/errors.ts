/** Errors raised by supervisors. */
import { DialtoneError } from '../errors.js';

/** A supervisor exceeded its restart intensity, stopped its children and gave up. */
export class SupervisorEscalationError extends DialtoneError {
  constructor(
    /** The supervisor that gave up. */
    readonly path: string,
    /** The child whose fault was one too many. */
    readonly childPath: string,
    readonly lastError: Error,
  ) {
    super('supervisor_escalation', `supervisor ${path} gave up after too many restarts; last fault in ${childPath}: ${lastError.message}`,
      { path, child: childPath }, { cause: lastError });
  }
}

/** A child failed to start (at supervisor start or by startChild). */
export class ChildStartError extends DialtoneError {
  constructor(readonly path: string, cause: Error) {
    super('child_start_failed', `child ${path} failed to start: ${cause.message}`, { path }, { cause });
  }
}
