/**
 * The simulated board's plain-JSON shapes, as the web API returns them
 * (DESIGN §7 **contract**: `GET /api/sim`, `GET /api/sim/fxs/:port`,
 * `GET /api/sim/fxo/:port`).
 */

/** The caller-ID signalling of the simulated network (the same names as the line layer's region profile). */
export type SimCallerIdStandard = 'bell202' | 'v23' | 'dtmf' | 'none';

/** What a listener on the line hears (DESIGN §7), classified by hearing.ts. */
export type Hearing = 'silence' | 'dial' | 'ringback' | 'busy' | 'reorder' | 'stutter' | 'callwaiting' | 'voice';

/** Caller ID as the virtual phone's display shows it. */
export interface SimCallerId {
  /** The calling number, or null when withheld / unavailable. */
  readonly number: string | null;
  /** The calling name, or null when the network sent none. */
  readonly name: string | null;
  /** When the phone received it: ISO 8601, from the Clock's wall time. */
  readonly time: string;
}

/** `GET /api/sim/fxs/:port`. */
export interface PhoneState {
  readonly port: number;
  /** Where the handset is (during a flash or dial pulses it stays 'off'). */
  readonly hook: 'on' | 'off';
  /** The ringer has ring voltage right now (the board's setRinging). */
  readonly ringing: boolean;
  /** Ring bursts of the current call so far. */
  readonly rings: number;
  readonly callerId: SimCallerId | null;
  readonly hearing: Hearing;
  /** DTMF digits heard in the earpiece since the phone last went off hook. */
  readonly digitsHeard: string;
}

/** `GET /api/sim/fxo/:port`. */
export interface LandlineState {
  readonly port: number;
  /** The box has seized the line. */
  readonly offHook: boolean;
  /** The landline is alerting the box (a call is ringing, bursts and pauses alike). */
  readonly ringing: boolean;
  /** DTMF digits the box has sent since it last seized the line. */
  readonly digitsDialed: string;
  /** What the landline hears from the box. */
  readonly hearing: Hearing;
}
