/**
 * The types of the modem session (modem-session.ts): its settings, state,
 * events in and actions out.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { CallerIdField, ModemIdentity, VoiceFormat, VoiceFormatOption } from './at-responses.js';
import type { ShieldedMeaning } from './dle-codec.js';

export interface SessionConfig {
  readonly commandTimeoutMs: number;
  readonly resetTimeoutMs: number;
  /** Times a command is sent again after a timeout (or a required init command after ERROR). */
  readonly retries: number;
  /** Caller-ID lines are reported this long after the last one (or at the next RING). */
  readonly callerIdSettleMs: number;
  /** AT+VCID=1 formatted, 2 unformatted (MESG = hex). */
  readonly callerIdMode: 1 | 2;
  /** A seizure this soon after a RING answers a call (a dial tone code then means the far end left). */
  readonly answerWindowMs: number;
}

export const SESSION_DEFAULTS: SessionConfig = Object.freeze({ commandTimeoutMs: 3000, resetTimeoutMs: 5000, retries: 2, callerIdSettleMs: 400, callerIdMode: 1, answerWindowMs: 10000 });

export type StreamMode = 'none' | 'receive' | 'transmit' | 'duplex';
export type Direction = 'receive' | 'transmit';
export type Purpose = 'reset' | 'echo-off' | 'classes' | 'voice-class' | 'caller-id' | 'ati' | 'gmi' | 'gmm' | 'fmi' | 'fmm' | 'formats' | 'duplex-probe' | 'format' | 'off-hook' | 'stream' | 'stop-stream' | 'on-hook' | 'dial';

export interface SessionCommand {
  readonly purpose: Purpose;
  /** An AT command (sent with CR), or a DLE sequence (`raw`). */
  readonly text: string;
  readonly raw?: Uint8Array;
  readonly expect: 'ok' | 'connect';
  /** ERROR (or, for a DLE sequence, no answer) is not a failure. */
  readonly optional: boolean;
  readonly stream?: StreamMode;
}

export interface ModemInfo {
  readonly identity: ModemIdentity;
  readonly classes: readonly string[];
  readonly formats: readonly VoiceFormatOption[];
  readonly format: VoiceFormat | undefined;
  readonly fullDuplex: boolean;
}

export interface SessionState {
  readonly config: SessionConfig;
  readonly phase: 'stopped' | 'init' | 'ready' | 'lost';
  readonly job: 'init' | 'connect' | 'switch' | 'dial' | 'hangup' | undefined;
  readonly queue: readonly SessionCommand[];
  readonly pending: { readonly command: SessionCommand; readonly sentAtMs: number; readonly attempts: number; readonly lines: readonly string[] } | undefined;
  readonly offHook: boolean;
  readonly stream: StreamMode;
  /** Loop current reported present (a call is up). */
  readonly connected: boolean;
  readonly incoming: boolean;
  readonly want: { readonly offHook: boolean; readonly direction: Direction; readonly dial: string | undefined };
  readonly info: ModemInfo;
  readonly cid: readonly { readonly field: CallerIdField; readonly value: string }[];
  readonly cidDeadline: number | undefined;
  readonly lastRingAtMs: number | undefined;
}

export type SessionEvent =
  /** The transport is open: (re)initialise. */
  | { readonly type: 'start'; readonly atMs: number }
  | { readonly type: 'line'; readonly text: string; readonly atMs: number }
  | { readonly type: 'code'; readonly code: string; readonly meaning: ShieldedMeaning; readonly atMs: number }
  /** The modem ended its data stream (`<DLE><ETX>`). */
  | { readonly type: 'stream-end'; readonly atMs: number }
  | { readonly type: 'tick'; readonly atMs: number }
  | { readonly type: 'seize'; readonly seized: boolean; readonly direction?: Direction; readonly atMs: number }
  | { readonly type: 'direction'; readonly direction: Direction; readonly atMs: number }
  | { readonly type: 'dial'; readonly digits: string; readonly atMs: number }
  | { readonly type: 'transport-lost'; readonly reason: string; readonly atMs: number };

export type SessionAction =
  | { readonly type: 'send'; readonly bytes: Uint8Array; readonly what: string }
  | { readonly type: 'ring'; readonly detail: string }
  | { readonly type: 'caller-id'; readonly info: CallerIdInfo }
  | { readonly type: 'ready'; readonly info: ModemInfo }
  | { readonly type: 'lost'; readonly reason: string }
  | { readonly type: 'stream'; readonly mode: StreamMode; readonly format: VoiceFormat | undefined }
  | { readonly type: 'loop'; readonly present: boolean }
  | { readonly type: 'dtmf'; readonly digit: string }
  | { readonly type: 'notice'; readonly level: 'debug' | 'info' | 'warn'; readonly msg: string; readonly fields?: Record<string, unknown> };

export interface SessionResult {
  readonly state: SessionState;
  readonly actions: readonly SessionAction[];
}
