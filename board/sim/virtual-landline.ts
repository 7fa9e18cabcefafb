/**
 * `VirtualLandline`: the telephone line (the central office, and whoever calls
 * through it) plugged into a simulated FXO port (DESIGN §7 **contract**). What
 * it sends is the port's capture source; what the box plays is the port's sink.
 *
 * The central office it models:
 * - `ring(callerId)`: ring bursts with the region's ring cadence (ring-signal.ts:
 *   raw 'ring-detect' edges once per ring-voltage cycle), and caller ID in the
 *   first ring pause, `waitMs` (500 ms) after the first ring ends (Telcordia
 *   GR-30-CORE; ETSI EN 300 659-1 "data transmission associated with
 *   ringing"): FSK (Bell 202 / V.23, MDMF with the date and time) or DTMF
 *   (framed A…C), per `callerIdStandard`, or the caller's own samples. The
 *   box's on-hook caller-ID path hears it. Ringing goes on until the box
 *   seizes the line (answer) or `hangup()` (the caller gives up).
 * - Seizure: loop current flows ('loop-current' present, reported on the next
 *   clock turn, never from inside the board command). On an outgoing seizure the
 *   office plays dial tone (the plan's) until it hears the first DTMF digit;
 *   every DTMF digit the box sends is collected in `digitsDialed`. After that
 *   the office stays silent (no ringback: the far end is simulated by `play`).
 *   While the line is held (answered or dialled out) it carries what `play`
 *   queues, mixed with any tone.
 * - `hangup()` on a seized line (the far end clears): the office opens the loop
 *   for `CPC_MS` (600 ms, in the 500–800 ms range offices use for calling-party
 *   control; a drop of loop current is the disconnect signal DAAs look for),
 *   then restores it and plays busy tone until the box releases, as European
 *   offices do after the far end hangs up. `setSeized(false)` from the box ends
 *   everything: no loop current, silence.
 * - Audio the box sends is heard only while it holds the line; the caller's
 *   `play` audio goes out in real time and is lost while the line is not seized.
 */
import type { Clock } from '../../src/clock.js';
import { InvalidStateError, ValidationError } from '../../src/errors.js';
import { FRAME_SAMPLES } from '../../audio/pcm.js';
import { DtmfDetector } from '../../audio/dtmf/index.js';
import { onHookDtmfPlan, onHookFskPlan, type CallerIdInfo } from '../../audio/caller-id/index.js';
import { ToneGenerator, type TonePlan } from '../../audio/tones/index.js';
import { AudioHistory, recordingSamples } from './audio-history.js';
import { HearingClassifier } from './hearing.js';
import { RingSignal } from './ring-signal.js';
import { SampleQueue } from './sample-queue.js';
import { TimerGroup } from './timer-group.js';
import type { LandlineState, SimCallerIdStandard } from './types.js';

/** The loop-current interruption that signals the far end's disconnect, ms. */
export const CPC_MS = 600;

/** Who is calling: a number and name (sent per the caller-ID standard), or the caller-ID burst itself. */
export type RingCallerId = { readonly number?: string; readonly name?: string } | { readonly burst: Int16Array };

export type LandlineEvent = { readonly type: 'ring-detect'; readonly active: boolean } | { readonly type: 'loop-current'; readonly present: boolean };

export interface VirtualLandlineOptions {
  readonly port: number;
  readonly clock: Clock;
  readonly plan: TonePlan;
  readonly ringFrequencyHz: number;
  readonly callerIdStandard: SimCallerIdStandard;
  /** Reports a raw edge (the board adds the port and the time). */
  readonly onEdge: (event: LandlineEvent) => void;
}

type Phase =
  | 'idle'
  /** Alerting the box. */
  | 'ringing'
  /** Seized for an outgoing call: dial tone, then digits. */
  | 'outgoing'
  /** Seized to answer: connected to the caller. */
  | 'connected'
  /** The far end cleared while seized: CPC, then busy tone. */
  | 'cleared';

export class VirtualLandline {
  readonly port: number;
  private readonly clock: Clock;
  private plan: TonePlan;
  private standard: SimCallerIdStandard;
  private ringFrequencyHz: number;
  private readonly onEdge: (event: LandlineEvent) => void;
  private readonly timers: TimerGroup;
  /** The ring in progress (made at each ring, in the region's cadence). */
  private ringer: RingSignal | undefined;
  /** What the caller says toward the box (`play`). */
  private readonly voice = new SampleQueue();
  /** The on-hook caller-ID burst. */
  private readonly cid = new SampleQueue();
  private readonly heard = new AudioHistory();
  private hearing: HearingClassifier;
  private readonly dtmf = new DtmfDetector();
  private phase: Phase = 'idle';
  private seized = false;
  private tone: ToneGenerator | undefined;
  private digitsDialed = '';
  private pendingCid: Int16Array | undefined;
  private closed = false;

  constructor(opts: VirtualLandlineOptions) {
    this.port = opts.port;
    this.clock = opts.clock;
    this.plan = opts.plan;
    this.standard = opts.callerIdStandard;
    this.ringFrequencyHz = opts.ringFrequencyHz;
    this.onEdge = opts.onEdge;
    this.timers = new TimerGroup(opts.clock);
    this.hearing = new HearingClassifier(opts.plan, this.heard);
  }

  /**
   * The box's region changed: the office's tones, ring cadence and frequency, and
   * caller-ID standard are the new region's. A ring already under way keeps its cadence.
   */
  setRegion(plan: TonePlan, ringFrequencyHz: number, callerIdStandard: SimCallerIdStandard): void {
    this.plan = plan;
    this.ringFrequencyHz = ringFrequencyHz;
    this.standard = callerIdStandard;
    this.hearing = new HearingClassifier(plan, this.heard);
  }

  /**
   * A call arrives: rings the box with caller ID after the first ring. An
   * InvalidStateError while the line is already ringing or in use.
   */
  ring(callerId: RingCallerId): void {
    if (this.closed) return;
    if (this.phase !== 'idle') throw new InvalidStateError(`the landline on port ${this.port} is ${this.seized ? 'in use' : 'already ringing'}`, { port: this.port });
    try {
      this.pendingCid = this.callerIdSamples(callerId);
    } catch (err) {
      // The caller-ID encoders refuse numbers and names they cannot carry with a RangeError.
      if (!(err instanceof RangeError)) throw err;
      throw new ValidationError(`cannot send this caller ID: ${err.message}`, { callerId: err.message }, { port: this.port });
    }
    this.phase = 'ringing';
    this.ringer = new RingSignal({
      clock: this.clock,
      cadence: this.plan.ring.cadence,
      frequencyHz: this.ringFrequencyHz,
      onDetect: (active) => this.onEdge({ type: 'ring-detect', active }),
      onBurstEnd: (index) => this.onRingEnd(index),
    });
    this.ringer.start();
  }

  /** The caller (or far end) hangs up: stops ringing, or signals the disconnect to a seized box. */
  hangup(): void {
    if (this.closed) return;
    if (this.phase === 'ringing') {
      this.stopRinging();
      this.phase = 'idle';
      return;
    }
    if (!this.seized || this.phase === 'cleared') return;
    this.phase = 'cleared';
    this.timers.cancelAll();
    this.tone = undefined;
    this.voice.clear();
    this.onEdge({ type: 'loop-current', present: false });
    this.timers.after(CPC_MS, () => {
      this.onEdge({ type: 'loop-current', present: true });
      this.tone = new ToneGenerator(this.plan.busy);
    });
  }

  /** Audio from the far end toward the box; resolves when it has been sent. */
  play(pcm: Int16Array): Promise<void> {
    return this.voice.play(pcm).then(() => {});
  }

  /** The last `seconds` (≤ 30) of what the landline heard from the box. */
  recording(seconds: number): Int16Array {
    return recordingSamples(this.heard, seconds);
  }

  state(): LandlineState {
    return {
      port: this.port,
      offHook: this.seized,
      ringing: this.phase === 'ringing',
      digitsDialed: this.digitsDialed,
      hearing: this.hearing.current(),
    };
  }

  // ---- the board's side ----

  /** The box takes the line off hook (answer / dial out) or puts it back. Idempotent. */
  setSeized(seized: boolean): void {
    if (seized === this.seized || this.closed) return;
    this.seized = seized;
    this.timers.cancelAll();
    if (seized) {
      const answering = this.phase === 'ringing';
      this.stopRinging();
      this.digitsDialed = '';
      this.dtmf.reset();
      this.hearing.restart();
      this.phase = answering ? 'connected' : 'outgoing';
      this.tone = answering ? undefined : new ToneGenerator(this.plan.dial);
      // Reported on the next clock turn: the board never calls back into the line from inside its command.
      this.timers.after(0, () => this.onEdge({ type: 'loop-current', present: true }));
    } else {
      this.phase = 'idle';
      this.tone = undefined;
      this.voice.clear();
    }
  }

  /** One frame for the port to capture: what the line carries toward the box. */
  lineFrame(): Int16Array {
    const frame = new Int16Array(FRAME_SAMPLES);
    const voice = new Int16Array(FRAME_SAMPLES);
    this.voice.readInto(voice);
    if (this.seized) {
      if (this.tone !== undefined) this.tone.next(frame);
      if (this.phase !== 'cleared') addInto(frame, voice);
    } else {
      this.cid.readInto(frame);
    }
    return frame;
  }

  /** One frame the box played toward the line. */
  boxFrame(frame: Int16Array): void {
    const heard = this.seized ? frame : new Int16Array(frame.length);
    this.heard.push(heard);
    for (const ev of this.dtmf.process(heard)) {
      if (ev.type !== 'start') continue;
      this.digitsDialed += ev.digit;
      if (this.phase === 'outgoing') this.tone = undefined;
    }
  }

  close(): void {
    this.stopRinging();
    this.timers.cancelAll();
    this.voice.clear();
    this.tone = undefined;
    this.phase = 'idle';
    this.seized = false;
    this.closed = true;
  }

  // ---- internals ----

  private stopRinging(): void {
    this.ringer?.stop();
    this.ringer = undefined;
    this.cid.clear();
    this.pendingCid = undefined;
  }

  private onRingEnd(index: number): void {
    const burst = this.pendingCid;
    if (index !== 0 || burst === undefined) return;
    this.pendingCid = undefined;
    this.timers.after(CID_WAIT_MS, () => {
      if (this.phase === 'ringing') this.cid.enqueue(burst);
    });
  }

  /** The caller-ID samples for the first ring pause, or undefined when none are sent. */
  private callerIdSamples(callerId: RingCallerId): Int16Array | undefined {
    if ('burst' in callerId) return callerId.burst;
    if (this.standard === 'none' || (callerId.number === undefined && callerId.name === undefined)) return undefined;
    const info: CallerIdInfo = { time: this.wallTime() };
    if (callerId.number !== undefined) info.number = callerId.number;
    else info.numberAbsence = 'unavailable';
    if (callerId.name !== undefined) info.name = callerId.name;
    if (this.standard === 'dtmf') return callerId.number === undefined ? undefined : onHookDtmfPlan(info, { method: 'after-first-ring' }).dtmf;
    return onHookFskPlan(info, { standard: this.standard }).fsk;
  }

  /** The date and time caller ID carries (UTC: the simulated office has no time zone). */
  private wallTime(): NonNullable<CallerIdInfo['time']> {
    const d = new Date(this.clock.wallTime());
    return { month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes() };
  }
}

/** Silence after the first ring before the caller-ID data (GR-30: ≥ 500 ms; EN 300 659-1: 500–2000 ms). */
const CID_WAIT_MS = 500;

function addInto(into: Int16Array, from: Int16Array): void {
  for (let i = 0; i < into.length; i++) {
    const v = (into[i] ?? 0) + (from[i] ?? 0);
    into[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}
