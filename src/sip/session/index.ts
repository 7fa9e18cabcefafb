/** INVITE sessions (RFC 3261 §13–15, RFC 3262, RFC 3311, RFC 4028, RFC 3515) and their router. */
export { InviteSession, type IncomingResult } from './invite-session.js';
export { SessionRouter, type SessionRouterHandlers, type SessionRouterOptions } from './session-router.js';
export { ALLOW, SUPPORTED } from './headers.js';
export type { ServerTx } from './core.js';
export {
  DEFAULT_SESSION_TIMER, type CommonSessionOptions, type EndCause, type EndInfo, type IncomingSessionOptions, type InfoEvent,
  type OutgoingSessionOptions, type PartyAddress, type ProgressInfo, type ReferRequest, type RemoteIdentity, type SessionEvents,
  type SessionState, type SessionTimerConfig, type SessionTimers, type TransferProgress,
} from './types.js';
