/**
 * The vocabulary of an INVITE session (RFC 3261 §13–15): states, options, events and
 * why a call ended. Shared by the session modules and their users.
 */
import type { LocalMediaCapabilities, NegotiatedMedia } from '../sdp/index.js';
import type { TransportProtocol } from '../transport/types.js';

/**
 * calling: INVITE sent, nothing back · proceeding: 100 received / INVITE received ·
 * early: early dialog (1xx with To tag) · confirmed: 2xx sent or received ·
 * terminating: BYE or CANCEL sent, waiting · terminated: over.
 */
export type SessionState = 'calling' | 'proceeding' | 'early' | 'confirmed' | 'terminating' | 'terminated';

export type EndCause =
  | 'normal' | 'busy' | 'rejected' | 'cancelled' | 'timeout' | 'auth-failed' | 'media-failed'
  | 'transport' | 'session-expired' | 'error';

export interface EndInfo {
  readonly by: 'local' | 'remote';
  readonly cause: EndCause;
  readonly status?: number;
  readonly reason?: string;
}

export interface ProgressInfo {
  readonly status: number;
  readonly reason: string;
  /** The provisional carried an SDP answer: media flows before the answer. */
  readonly earlyMedia: boolean;
}

export interface InfoEvent {
  readonly contentType: string | undefined;
  readonly body: string;
}

/** An incoming REFER (RFC 3515), to accept or refuse, then report on with NOTIFY. */
export interface ReferRequest {
  readonly referTo: string;
  readonly referredBy?: string;
  /** 202 Accepted and the first NOTIFY ("SIP/2.0 100 Trying", Subscription-State: active). */
  accept(): void;
  /** A final error response to the REFER (e.g. 603). */
  reject(status: number, reason?: string): void;
  /** A NOTIFY with a sipfrag status line; a final status terminates the subscription. */
  notify(sipfragStatus: number, reason?: string): void;
}

export interface TransferProgress {
  /** The REFER's own final status, or the sipfrag status of a NOTIFY. */
  readonly status: number;
  readonly reason?: string;
  /** Whether this is the last report (REFER refused, or subscription terminated). */
  readonly final: boolean;
}

export interface RemoteIdentity {
  readonly displayName?: string;
  readonly uri: string;
}

export interface SessionEvents {
  state: [SessionState];
  progress: [ProgressInfo];
  media: [NegotiatedMedia];
  answered: [];
  ended: [EndInfo];
  info: [InfoEvent];
  refer: [ReferRequest];
  transfer: [TransferProgress];
}

export interface SessionTimerConfig {
  /** Session-Expires we ask for / grant (RFC 4028), seconds. */
  readonly expiresS: number;
  /** The smallest interval we accept (Min-SE), at least 90. */
  readonly minSeS: number;
}

export const DEFAULT_SESSION_TIMER: SessionTimerConfig = { expiresS: 1800, minSeS: 90 };

/** Protocol timers used by the session itself (2xx and reliable-1xx retransmission). */
export interface SessionTimers {
  readonly t1: number;
  readonly t2: number;
}

export interface CommonSessionOptions {
  readonly contactUser: string;
  readonly transport: TransportProtocol;
  readonly media: () => LocalMediaCapabilities;
  /** false: no RFC 4028 session timer; default 1800 s / Min-SE 90 s. */
  readonly sessionTimer?: SessionTimerConfig | false;
  /** T1/T2 (default 500/4000 ms, RFC 3261 Table 4). */
  readonly timers?: Partial<SessionTimers>;
  /** A number in [0, 1) for glare back-off (RFC 3261 §14.1); crypto-random by default. */
  readonly random?: () => number;
}

export interface PartyAddress {
  readonly uri: string;
  readonly displayName?: string;
}

export interface OutgoingSessionOptions extends CommonSessionOptions {
  readonly from: PartyAddress;
  readonly to: PartyAddress;
  /** Request-URI when it differs from the To URI. */
  readonly requestUri?: string;
  /** Preloaded Route values (e.g. "<sip:proxy.example;lr>"). */
  readonly routeSet?: readonly string[];
  readonly credentials?: { readonly username: string; readonly password: string };
  readonly extraHeaders?: readonly (readonly [string, string])[];
}

export type IncomingSessionOptions = CommonSessionOptions;
