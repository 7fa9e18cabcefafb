/**
 * Types shared by the line layer (DESIGN §4): what the hook decoder makes of raw
 * switch-hook edges, what a digit map says about the digits dialled so far, and
 * a region's line profile (tones, ringing, caller ID, flash timing).
 *
 * The state machines in this folder are pure: `(state, event) -> (state, actions)`,
 * with the time carried in the events (`atMs`, on the injected Clock). The I/O
 * around them (the board, the audio port, timers) is the runtime's.
 */
import type { CallerIdFormat, CallerIdProfile } from '../../audio/caller-id/message.js';
import type { OnHookMethod } from '../../audio/caller-id/on-hook.js';
import type { DtmfCallerIdVariant } from '../../audio/caller-id/dtmf-caller-id.js';
import type { TonePlan } from '../../audio/tones/types.js';

/** A dialled digit (DTMF has A-D too; pulse dialling only 0-9). */
export type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

/** What raw switch-hook transitions mean, decided by `HookDecoder` (hook-decoder.ts). */
export type HookEvent =
  /** The receiver was lifted (after debouncing). */
  | { readonly type: 'off-hook'; readonly atMs: number }
  /** Hung up: on hook for longer than the flash window; `atMs` is when the break began. */
  | { readonly type: 'on-hook'; readonly atMs: number }
  /** A hook flash: on hook for a time inside the flash window, then off again. */
  | { readonly type: 'flash'; readonly atMs: number }
  /** A rotary (pulse) digit: n breaks make digit n, ten make 0. `atMs`: end of its last break. */
  | { readonly type: 'pulse-digit'; readonly digit: Digit; readonly atMs: number };

/** What a digit map says about the digits dialled so far (digit-map.ts). */
export type DigitMapResult =
  /** A pattern matches exactly and no longer one could: dial now. */
  | { readonly kind: 'complete' }
  /** A pattern matches, but a longer one could still match too (or the pattern ends in T): dial after the short interdigit timer. */
  | { readonly kind: 'complete-on-timeout' }
  /** Only a prefix of some pattern so far: wait for more digits (long interdigit timer). */
  | { readonly kind: 'more' }
  /** No pattern can match, whatever comes next. */
  | { readonly kind: 'invalid' };

export interface DigitMatcher {
  /** The digit map's source text, as configured. */
  readonly source: string;
  match(digits: string): DigitMapResult;
}

export type CallerIdStandard = 'bell202' | 'v23' | 'dtmf' | 'none';

/** A country's line settings; every field can be overridden per port. */
export interface RegionProfile {
  /** ISO 3166-1 alpha-2, as in src/config/regions.ts. */
  readonly region: string;
  /** Call-progress tones and ring cadence (audio/tones/plans). */
  readonly tones: TonePlan;
  /** Ring voltage frequency, Hz (20 or 25 in most countries; 16 in Japan). */
  readonly ringFrequencyHz: number;
  readonly callerId: {
    readonly standard: CallerIdStandard;
    /** When the data goes out relative to ringing (audio/caller-id/on-hook.ts). */
    readonly method: OnHookMethod;
    /** FSK only. */
    readonly format: CallerIdFormat;
    readonly profile: CallerIdProfile;
    /** DTMF caller ID only: start/stop digits. */
    readonly dtmfVariant: DtmfCallerIdVariant;
  };
  /** A break this long (ms, inclusive) is a hook flash; shorter is a dial pulse or bounce, longer a hang-up. */
  readonly flash: { readonly minMs: number; readonly maxMs: number };
  /** The digit map used when a line has none configured. */
  readonly digitMap: string;
  /** Star codes for features; a line's configuration may change them. */
  readonly anonymousCallPrefix: string;
}
