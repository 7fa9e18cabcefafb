/** The supervision tree (DESIGN §2): supervisors, child specs, and their status and events. */
export { Supervisor, type SupervisorOptions } from './supervisor.js';
export { supervisorSpec, type NestedSupervisorOptions } from './nested.js';
export { SupervisorEscalationError, ChildStartError } from './errors.js';
export type {
  SupervisorEvents, TreeEvent, TreeListener, ChildStartedEvent, ChildFailedEvent, ChildRestartedEvent,
} from './events.js';
export {
  DEFAULT_RESTART_INTENSITY, DEFAULT_SHUTDOWN_MS,
  type Child, type ChildContext, type ChildKind, type ChildSpec, type ChildState, type ChildStatus,
  type RestartIntensity, type RestartPolicy, type Strategy, type SupervisorState, type SupervisorStatus,
} from './types.js';
