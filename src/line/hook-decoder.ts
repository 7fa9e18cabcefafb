/**
 * Switch-hook decoding: raw hook edges (as the board reports them, with their
 * times) in, `HookEvent`s out — off-hook, on-hook (hang-up), flash and rotary
 * (pulse) digits. Pure and deterministic: no timers and no clock; time comes in
 * the calls, and the runtime asks `nextDeadline()` when to call `poll()`.
 *
 * Two layers:
 * 1. Debouncing. A raw state held shorter than `debounceMs` is contact bounce.
 *    A move away from the debounced state is accepted once the raw input has
 *    held the new state for `debounceMs`; the debounced edge is dated at the
 *    FIRST raw edge of that move (bounce while the contacts settle does not
 *    shift it), so break and make lengths are measured from the real edges. A
 *    return to the old state for `debounceMs` cancels the move.
 * 2. Classifying the debounced breaks (on-hook intervals while off hook):
 *    - shorter than `pulseMinBreakMs`: too short for a dial pulse — bounce or a
 *      line hit; ignored (the make goes on as if it had not happened);
 *    - shorter than `flash.minMs`: a dial pulse. Pulses whose makes are shorter
 *      than `interdigitMs` form one digit (n pulses = digit n, 10 = '0'), sent
 *      once the make after the last pulse has lasted `interdigitMs`, dated at
 *      the end of the last break. More than 10 pulses is no digit: dropped;
 *    - within [flash.minMs, flash.maxMs] (inclusive): a flash, sent at the make
 *      and dated there. Pulses still pending before it are sent first;
 *    - longer than `flash.maxMs`: a hang-up, sent as soon as the break has
 *      lasted `flash.maxMs` with no make pending, dated at the start of the
 *      break. Pulses still pending are dropped (a digit cut short by a hang-up).
 *
 * Pulse timing tolerated (the defaults below are chosen from these):
 * - Bell System: dials adjusted to 9.5–10.5 pulses/s, 61 % break nominal
 *   (58–64 %); central-office receivers accepted about 8–11 pulses/s (AT&T
 *   Specification No. 4566, 1926; the same figures in Telcordia LSSGR,
 *   GR-506-CORE, dial-pulse addressing).
 * - British Post Office / BT: 10 pulses/s (7–12 accepted), 66 % break
 *   (63–72 %) (J. Atkinson, Telephony vol. 1, 1948; BT SIN 351).
 * - ETSI ES 201 187 (pulse dialling for terminals on the analogue PSTN
 *   interface, after the national specifications collected in ETSI EN 300 001
 *   / TBR 21): 10 pulses/s nominal with a break ratio of about 60–67 %.
 * Over 8–12 pulses/s and break ratios 55–70 % a break lasts 46–88 ms and a make
 *   25–56 ms. Hence:
 * - `pulseMinBreakMs` 20: under half the shortest break in that range.
 * - `interdigitMs` 150: over 2.5 times the longest in-train make (56 ms at
 *   8 pulses/s, 55 % break), yet well under the pause between digits of a real
 *   dial (its lost motion gives a few hundred ms; Bell-era dials and pulse-dial
 *   modems leave 600–800 ms).
 * - A region's flash window must start above the longest pulse break it wants
 *   read as a pulse (88 ms covers 8 pulses/s at 70 %; 74 ms covers an
 *   in-tolerance 10 ± 1 pulses/s dial at 67 %).
 *
 * Call order: times should not go backwards. A time earlier than the latest
 * one seen (by `transition` or `poll`) is CLAMPED to it: the edge is taken as
 * happening now, so the decoder's raw state always follows the input; a
 * non-finite time is treated the same way. A transition to the state the raw
 * input already has is ignored.
 *
 * `poll(now)` takes the raw input as unchanged through `now` (edges come in
 * time order); so a hang-up is decided at `poll(breakStart + flash.maxMs)`,
 * while an edge delivered at exactly that time ends a flash.
 */
import { ValidationError } from '../errors.js';
import type { Digit, HookEvent } from './types.js';

export interface HookDecoderOptions {
  /** A break within [minMs, maxMs] (inclusive) is a flash. */
  flash: { minMs: number; maxMs: number };
  /** Default 10: a state held shorter than this is contact bounce and ignored. */
  debounceMs?: number;
  /** Default 150: a make lasting this long ends a pulse digit. */
  interdigitMs?: number;
  /** Default 20: a break shorter than this is not a dial pulse but bounce, and ignored. */
  pulseMinBreakMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 10;
export const DEFAULT_INTERDIGIT_MS = 150;
export const DEFAULT_PULSE_MIN_BREAK_MS = 20;

/** Pulses counted past this are not counted further (the digit is dropped anyway). */
const MAX_PULSES = 11;

const PULSE_DIGITS: readonly Digit[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/**
 * - idle: on hook, and reported so;
 * - off: off hook, no pulses pending;
 * - make: off hook after `pulses` dial pulses, the digit not yet ended;
 * - break: on hook since `breakStart`, still undecided (pulse, flash or hang-up).
 */
type Phase = 'idle' | 'off' | 'make' | 'break';

export class HookDecoder {
  private readonly flashMin: number;
  private readonly flashMax: number;
  private readonly debounceMs: number;
  private readonly interdigitMs: number;
  private readonly pulseMinBreakMs: number;

  /** Latest time seen. */
  private lastMs: number;
  /** Raw input and the time of its last edge. */
  private raw: boolean;
  private rawSince: number;
  /** Debounced state. */
  private clean: boolean;
  /** Start of a move away from `clean` not yet confirmed or cancelled. */
  private candidate: number | undefined;

  private phase: Phase;
  private pulses = 0;
  private makeStart = 0;
  private breakStart = 0;

  constructor(opts: HookDecoderOptions, initial: { offHook: boolean; atMs: number }) {
    this.flashMin = opts.flash.minMs;
    this.flashMax = opts.flash.maxMs;
    this.debounceMs = opts.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.interdigitMs = opts.interdigitMs ?? DEFAULT_INTERDIGIT_MS;
    this.pulseMinBreakMs = opts.pulseMinBreakMs ?? DEFAULT_PULSE_MIN_BREAK_MS;
    const problem = optionsProblem({
      flashMin: this.flashMin,
      flashMax: this.flashMax,
      debounceMs: this.debounceMs,
      interdigitMs: this.interdigitMs,
      pulseMinBreakMs: this.pulseMinBreakMs,
    });
    if (problem !== undefined) throw new ValidationError(`hook decoder: ${problem}`, { hookDecoder: problem });
    const at = Number.isFinite(initial.atMs) ? initial.atMs : 0;
    this.lastMs = at;
    this.raw = initial.offHook;
    this.rawSince = at;
    this.clean = initial.offHook;
    this.phase = initial.offHook ? 'off' : 'idle';
    this.makeStart = at;
    this.breakStart = at;
  }

  /** The debounced hook state (true: off hook). During an undecided break this is false. */
  get offHook(): boolean {
    return this.clean;
  }

  /** A raw transition of the hook input; returns the events certain now. */
  transition(offHook: boolean, atMs: number): HookEvent[] {
    const t = this.clamp(atMs);
    const events: HookEvent[] = [];
    // An edge arrives at t: the input held its old state until just before t.
    this.advance(t, false, events);
    if (offHook === this.raw) return events;
    this.raw = offHook;
    this.rawSince = t;
    if (offHook !== this.clean && this.candidate === undefined) this.candidate = t;
    // With debounceMs 0 the edge is confirmed at once.
    this.advance(t, false, events);
    return events;
  }

  /** The absolute time (ms) at which poll() may have something to decide, or undefined. */
  nextDeadline(): number | undefined {
    if (this.candidate !== undefined) return this.rawSince + this.debounceMs;
    switch (this.phase) {
      case 'break': return this.breakStart + this.flashMax;
      case 'make': return this.makeStart + this.interdigitMs;
      default: return undefined;
    }
  }

  /** Time has passed (nowMs ≥ the deadline): returns the events decided by it. */
  poll(nowMs: number): HookEvent[] {
    const events: HookEvent[] = [];
    this.advance(this.clamp(nowMs), true, events);
    return events;
  }

  private clamp(atMs: number): number {
    if (Number.isFinite(atMs) && atMs > this.lastMs) this.lastMs = atMs;
    return this.lastMs;
  }

  /**
   * Decides all that is certain at `now`. `inclusive`: the raw input is known
   * to hold its state through `now` (poll), not only until just before it.
   */
  private advance(now: number, inclusive: boolean, events: HookEvent[]): void {
    if (this.candidate !== undefined && now - this.rawSince >= this.debounceMs) {
      const at = this.candidate;
      this.candidate = undefined;
      if (this.raw !== this.clean) {
        this.decide(at, false, events);
        this.clean = this.raw;
        this.edge(at, events);
      }
      // Otherwise the input came back and stayed: the move was bounce.
    }
    if (this.candidate !== undefined) this.decide(this.candidate, false, events);
    else this.decide(now, inclusive, events);
  }

  /** Decisions by the passing of time, with the debounced state known up to `horizon`. */
  private decide(horizon: number, inclusive: boolean, events: HookEvent[]): void {
    if (this.phase === 'break') {
      const held = horizon - this.breakStart;
      if (held > this.flashMax || (inclusive && held >= this.flashMax)) {
        this.pulses = 0;
        this.phase = 'idle';
        events.push({ type: 'on-hook', atMs: this.breakStart });
      }
    } else if (this.phase === 'make' && horizon - this.makeStart >= this.interdigitMs) {
      this.endDigit(events);
      this.phase = 'off';
    }
  }

  /** The debounced state changed to `this.clean` at `at`. */
  private edge(at: number, events: HookEvent[]): void {
    if (!this.clean) {
      if (this.phase === 'off' || this.phase === 'make') {
        this.breakStart = at;
        this.phase = 'break';
      }
      return;
    }
    if (this.phase === 'idle') {
      this.phase = 'off';
      events.push({ type: 'off-hook', atMs: at });
      return;
    }
    if (this.phase !== 'break') return;
    const length = at - this.breakStart;
    if (length < this.pulseMinBreakMs) {
      // Not a pulse: the make goes on from where it began.
      this.phase = this.pulses > 0 ? 'make' : 'off';
    } else if (length < this.flashMin) {
      this.pulses = Math.min(this.pulses + 1, MAX_PULSES);
      this.makeStart = at;
      this.phase = 'make';
    } else if (length <= this.flashMax) {
      this.endDigit(events);
      this.phase = 'off';
      events.push({ type: 'flash', atMs: at });
    } else {
      // Only reachable if the hang-up was not decided first; decide it now.
      this.pulses = 0;
      events.push({ type: 'on-hook', atMs: this.breakStart }, { type: 'off-hook', atMs: at });
      this.phase = 'off';
    }
  }

  /** Sends the pending pulses as a digit (if they make one) and clears them. */
  private endDigit(events: HookEvent[]): void {
    const digit = PULSE_DIGITS[this.pulses - 1];
    if (this.pulses > 0 && this.pulses <= 10 && digit !== undefined) {
      events.push({ type: 'pulse-digit', digit, atMs: this.makeStart });
    }
    this.pulses = 0;
  }
}

function optionsProblem(o: { flashMin: number; flashMax: number; debounceMs: number; interdigitMs: number; pulseMinBreakMs: number }): string | undefined {
  const finite = (n: number): boolean => Number.isFinite(n) && n >= 0;
  if (!finite(o.flashMin) || !finite(o.flashMax)) return 'flash window times must be non-negative numbers';
  if (o.flashMin > o.flashMax) return `flash window ${o.flashMin}-${o.flashMax} ms is empty`;
  if (!finite(o.debounceMs)) return 'debounceMs must be a non-negative number';
  if (!finite(o.interdigitMs) || o.interdigitMs === 0) return 'interdigitMs must be a positive number';
  if (!finite(o.pulseMinBreakMs)) return 'pulseMinBreakMs must be a non-negative number';
  return undefined;
}
