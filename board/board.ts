/**
 * The one interface every board driver implements (DESIGN §4): raw events up,
 * commands down, and one AudioPort per line. Drivers report what the hardware
 * does, as it does it, with timestamps; everything that interprets those edges
 * (debouncing, pulse and flash decoding, ring cadence validation, disconnect
 * detection) lives in `src/line`, so it is the same code for every board.
 *
 * Drivers: `sim` (board/sim/, in process), later `gpio-slic`, `gpio-daa` and
 * `usb-modem` (issue 8).
 *
 * Conventions:
 * - Ports are numbered from 1, FXS ports first, then FXO ports, as in the
 *   provisioning document's `lines[].port`.
 * - Timestamps (`atMs`) are on the Clock the board was built with (the same
 *   Clock the line state machines use), in ms.
 * - Commands are idempotent (setting the ringer on twice is the same as once).
 *   A command for a port that does not exist, or of the wrong kind, throws a
 *   `BoardError`; a command while the device is lost is ignored and reported
 *   through `device-lost` already.
 */
import type { CallerIdInfo } from '../audio/caller-id/message.js';
import type { AudioPort } from '../audio/port/audio-port.js';
import { DialtoneError } from '../src/errors.js';

export type PortKind = 'fxs' | 'fxo';

/** Which way a half-duplex port's audio flows: from the line ('receive') or toward it ('transmit'). */
export type VoiceDirection = 'receive' | 'transmit';

export interface BoardPort {
  /** 1-based port number. */
  readonly port: number;
  readonly kind: PortKind;
  /** FXS: the board can reverse the line's polarity (answer/disconnect supervision). */
  readonly polarityReversal: boolean;
  /** FXO: the board reports loop current (CPC disconnect detection). */
  readonly loopCurrentDetect: boolean;
}

export type BoardEvent =
  /** FXS: the switch-hook input changed (raw, not debounced: contact bounce and dial pulses arrive as they are). */
  | { readonly type: 'hook'; readonly port: number; readonly offHook: boolean; readonly atMs: number }
  /**
   * FXO: the ring detector's output changed (raw: during a ring burst it follows the
   * ring signal, active once per cycle of the 20/25 Hz ring voltage).
   */
  | { readonly type: 'ring-detect'; readonly port: number; readonly active: boolean; readonly atMs: number }
  /** FXO: loop current appeared or vanished (only while seized; a drop is the CPC disconnect signal). */
  | { readonly type: 'loop-current'; readonly port: number; readonly present: boolean; readonly atMs: number }
  /** FXO: another device on the landline went off hook (or back on), seen as a drop in line voltage while not seized. */
  | { readonly type: 'line-in-use'; readonly port: number; readonly inUse: boolean; readonly atMs: number }
  /** FXO: the landline's polarity (tip/ring) changed. */
  | { readonly type: 'line-polarity'; readonly port: number; readonly reversed: boolean; readonly atMs: number }
  /**
   * FXO: caller ID the hardware decoded itself (a voice modem reports it as text after the
   * first ring). Boards that hand the line the FSK audio instead (a DAA) never send it.
   */
  | { readonly type: 'caller-id'; readonly port: number; readonly info: CallerIdInfo; readonly atMs: number }
  /** The hardware behind a port (or the whole board, without `port`) went away, e.g. a USB device unplugged. */
  | { readonly type: 'device-lost'; readonly port?: number; readonly reason: string; readonly atMs: number }
  /** It came back; the port's state is as after start (on hook, not ringing, not seized). */
  | { readonly type: 'device-restored'; readonly port?: number; readonly atMs: number };

export interface Board {
  /** The driver's name: 'sim', 'gpio-slic', ... */
  readonly name: string;
  readonly ports: readonly BoardPort[];
  /** The port's audio: what the line captures (mic / landline) and what plays toward it (earpiece / landline). */
  audio(port: number): AudioPort;
  /** Subscribes to raw events; returns the unsubscribe function. */
  onEvent(listener: (event: BoardEvent) => void): () => void;
  /** FXS: the current raw hook state (for start-up and restarts: a phone may already be off hook). */
  isOffHook(port: number): boolean;
  /** FXS: ring voltage on or off at `frequencyHz` (the region's, 20 or 25 Hz). The line drives the cadence. */
  setRinging(port: number, on: boolean, frequencyHz?: number): void;
  /** FXS: normal or reversed polarity (ignored when `polarityReversal` is false). */
  setPolarity(port: number, reversed: boolean): void;
  /** FXO: take the line off hook (seize) or put it back on hook (release). */
  setSeized(port: number, seized: boolean): void;
  /**
   * FXO, half duplex only: listen to the line ('receive') or play toward it ('transmit').
   * A half-duplex voice modem (board/usb-modem) answers listening and drops what is written
   * to the port until it is told to transmit, so whoever plays to the line (call screening's
   * announcement) says so first, and says 'receive' when it listens again. Full-duplex
   * boards (the sim, a DAA, a full-duplex modem) hear and play at once and may omit it.
   */
  setVoiceDirection?(port: number, direction: VoiceDirection): void;
  /** Stops everything: ringers off, lines released, audio ports closed, events stopped. */
  close(): Promise<void>;
}

export class BoardError extends DialtoneError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('board', message, context);
  }
}

/** The port's description, or a BoardError when the board has no such port of that kind. */
export function portOf(board: Pick<Board, 'name' | 'ports'>, port: number, kind?: PortKind): BoardPort {
  const p = board.ports.find((q) => q.port === port);
  if (p === undefined) throw new BoardError(`the ${board.name} board has no port ${port}`, { port });
  if (kind !== undefined && p.kind !== kind) throw new BoardError(`port ${port} is an ${p.kind.toUpperCase()} port, not ${kind.toUpperCase()}`, { port, kind: p.kind });
  return p;
}
