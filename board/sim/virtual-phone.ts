/**
 * `VirtualPhone`: an analog telephone on a simulated FXS port (DESIGN §7
 * **contract**). It speaks and listens through the port's audio like a real
 * phone: its microphone is the port's capture source, its earpiece the port's
 * sink, and its switch hook produces raw 'hook' edges for the line layer to
 * debounce and decode (board/board.ts).
 *
 * - Hook: `hook('off')` closes the loop; with `hookBounce` the contacts chatter
 *   once (closed, open 3 ms later, closed again 2 ms after that), as a real
 *   switch hook does for a few ms. While the loop is open (on hook, a dial
 *   pulse's break, a flash) the microphone and earpiece are cut off: the box
 *   captures silence, and the earpiece hears nothing.
 * - Pulse dialling: 10 pulses per second, 60 ms break / 40 ms make (the
 *   60/40 break ratio of ITU-T Q.112 / Telcordia LSSGR), n breaks for digit n,
 *   ten for 0, 700 ms from one digit's last break to the next digit's first,
 *   all on the injected Clock. DTMF: the digits' tones into the microphone
 *   (audio/dtmf, ITU-T Q.23; 100 ms tone, 100 ms pause); `dial` resolves when
 *   the last one has been captured. Dial requests run one after the other; a
 *   hook change or a flash interrupts the one in progress, which rejects.
 * - Ringing: `rings` counts the ringer's off→on transitions. A call is new
 *   when the ringer starts, or caller ID arrives on hook, after ≥ 8 s
 *   (`NEW_CALL_GAP_MS`, longer than any region's ring pause) without either:
 *   then `rings` and `callerId` start afresh. Hanging up ends the call and
 *   clears them too.
 * - Caller ID: the phone's CID unit listens to the line always, on hook
 *   included (on-hook data transmission, Telcordia GR-30-CORE, ETSI EN 300
 *   659-1): FSK of the configured standard (Bell 202 for 'dtmf'/'none') and
 *   DTMF caller ID, both from audio/caller-id.
 * - `hearing` (hearing.ts), `digitsHeard` (audio/dtmf DtmfDetector) and
 *   `recording` come from what the earpiece heard since it went off hook.
 * - `onEarpiece` taps what the earpiece hears, frame by frame (silence while
 *   the loop is open), for the web page's virtual phone panel.
 */
import type { Clock } from '../../src/clock.js';
import { InvalidStateError, ValidationError } from '../../src/errors.js';
import { FRAME_SAMPLES } from '../../audio/pcm.js';
import { DtmfDetector, dtmfSamples, isDtmfDigit } from '../../audio/dtmf/index.js';
import { CallerIdReceiver, DtmfCallerIdReceiver, MESSAGE_TYPE, type CallerIdInfo } from '../../audio/caller-id/index.js';
import type { TonePlan } from '../../audio/tones/index.js';
import { AudioHistory, recordingSamples } from './audio-history.js';
import { HearingClassifier } from './hearing.js';
import { SampleQueue } from './sample-queue.js';
import { TimerGroup } from './timer-group.js';
import type { PhoneState, SimCallerId, SimCallerIdStandard } from './types.js';

export const PULSE_BREAK_MS = 60;
export const PULSE_MAKE_MS = 40;
export const INTERDIGIT_MS = 700;
export const NEW_CALL_GAP_MS = 8000;
/** Contact bounce on lifting: [ms after the first closure, closed?]. */
const BOUNCE: readonly (readonly [number, boolean])[] = [
  [3, false],
  [5, true],
];

export type DialMode = 'dtmf' | 'pulse';

export interface VirtualPhoneOptions {
  readonly port: number;
  readonly clock: Clock;
  readonly plan: TonePlan;
  readonly callerIdStandard: SimCallerIdStandard;
  readonly flashMs: number;
  readonly hookBounce: boolean;
  /** Reports a raw switch-hook edge (the board turns it into a 'hook' event). */
  readonly onHookEdge: (offHook: boolean) => void;
}

/** The digits a mode can dial, or a ValidationError naming the first it cannot. */
function checkDigits(digits: string, mode: DialMode): void {
  for (const c of digits) {
    const ok = mode === 'pulse' ? c >= '0' && c <= '9' : isDtmfDigit(c);
    if (!ok) {
      const what = mode === 'pulse' ? 'pulse dialling has only the digits 0-9' : 'DTMF has only 0-9, *, # and A-D';
      throw new ValidationError(`cannot dial ${JSON.stringify(c)}: ${what}`, { digits: `${JSON.stringify(c)} cannot be dialled by ${mode}` }, { digits, mode });
    }
  }
}

/** The FSK a phone decodes for the office's caller-ID standard (V.23 in Europe, Bell 202 elsewhere; DTMF caller ID has its own receiver). */
function fskReceiver(standard: SimCallerIdStandard): CallerIdReceiver {
  return new CallerIdReceiver({ standard: standard === 'v23' ? 'v23' : 'bell202' });
}

export class VirtualPhone {
  readonly port: number;
  private readonly clock: Clock;
  private readonly flashMs: number;
  private readonly hookBounce: boolean;
  private readonly onHookEdge: (offHook: boolean) => void;
  private readonly timers: TimerGroup;
  private readonly mic = new SampleQueue();
  private readonly earpiece = new AudioHistory();
  private hearing: HearingClassifier;
  private readonly dtmf = new DtmfDetector();
  private fskCid: CallerIdReceiver;
  private readonly dtmfCid = new DtmfCallerIdReceiver();
  /** The raw switch: the loop is closed. */
  private loopClosed = false;
  /** The handset is lifted (stays true through a flash or dial pulses). */
  private handsetOff = false;
  private ringing = false;
  private rings = 0;
  private callerId: SimCallerId | null = null;
  private lastCallActivity = -Infinity;
  private digitsHeard = '';
  /** The dial or flash in progress: its `fail` interrupts it. */
  private busy: { fail: (why: string) => void } | undefined;
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private earpieceListeners: readonly ((frame: Int16Array) => void)[] = [];

  constructor(opts: VirtualPhoneOptions) {
    this.port = opts.port;
    this.clock = opts.clock;
    this.flashMs = opts.flashMs;
    this.hookBounce = opts.hookBounce;
    this.onHookEdge = opts.onHookEdge;
    this.timers = new TimerGroup(opts.clock);
    this.hearing = new HearingClassifier(opts.plan, this.earpiece);
    this.fskCid = fskReceiver(opts.callerIdStandard);
  }

  /** The box's region changed: what the earpiece hears is judged by its tones, caller ID decoded in its FSK. */
  setRegion(plan: TonePlan, callerIdStandard: SimCallerIdStandard): void {
    this.hearing = new HearingClassifier(plan, this.earpiece);
    this.fskCid = fskReceiver(callerIdStandard);
  }

  /** The raw switch-hook state, as the board reports it (`isOffHook`). */
  get offHook(): boolean {
    return this.loopClosed;
  }

  /** Lifts the handset ('off') or hangs up ('on'); interrupts a dial or flash in progress. Idempotent. */
  hook(position: 'off' | 'on'): void {
    if (this.closed) return;
    const off = position === 'off';
    this.interrupt(off ? 'the handset was lifted' : 'the phone was hung up');
    this.timers.cancelAll();
    if (off === this.handsetOff) {
      this.setLoop(off);
      return;
    }
    this.handsetOff = off;
    if (off) {
      this.digitsHeard = '';
      this.dtmf.reset();
      this.hearing.restart();
      this.setLoop(true);
      if (this.hookBounce) {
        const t0 = this.clock.now();
        for (const [ms, closed] of BOUNCE) this.timers.at(t0 + ms, () => this.setLoop(closed));
      }
    } else {
      this.setLoop(false);
      this.mic.clear();
      // Hanging up ends the call: the next one starts with no rings and no caller ID.
      this.rings = 0;
      this.callerId = null;
      this.lastCallActivity = -Infinity;
    }
  }

  /** A hook flash: the loop opens for `flashMs`, then closes; resolves when it has. */
  flash(): Promise<void> {
    if (!this.handsetOff) return Promise.reject(new InvalidStateError('cannot flash: the phone is on hook', { port: this.port }));
    if (this.busy !== undefined) return Promise.reject(new InvalidStateError('cannot flash while dialling or flashing', { port: this.port }));
    return new Promise((resolve, reject) => {
      this.busy = { fail: (why) => reject(new InvalidStateError(`the flash was interrupted: ${why}`, { port: this.port })) };
      this.setLoop(false);
      this.timers.after(this.flashMs, () => {
        this.busy = undefined;
        this.setLoop(true);
        resolve();
      });
    });
  }

  /**
   * Dials `digits` by DTMF tones or dial pulses; resolves when the last is out.
   * Throws (rejects with) a ValidationError for digits the mode cannot dial and
   * an InvalidStateError when the phone is on hook.
   */
  dial(digits: string, mode: DialMode): Promise<void> {
    try {
      checkDigits(digits, mode);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    if (!this.handsetOff) return Promise.reject(new InvalidStateError('cannot dial: the phone is on hook', { port: this.port }));
    const run = (): Promise<void> => {
      if (!this.handsetOff) return Promise.reject(new InvalidStateError('cannot dial: the phone is on hook', { port: this.port }));
      return mode === 'dtmf' ? this.dialDtmf(digits) : this.dialPulses(digits);
    };
    const result = this.queue.then(run);
    this.queue = result.catch(() => {});
    return result;
  }

  /** Queues audio into the microphone (heard by the box only while the loop is closed). */
  play(pcm: Int16Array): Promise<void> {
    return this.mic.play(pcm).then(() => {});
  }

  /**
   * Calls `listener` with each frame the earpiece hears (FRAME_SAMPLES at 8 kHz, a
   * fresh copy each; silence while the loop is open); returns the unsubscribe.
   */
  onEarpiece(listener: (frame: Int16Array) => void): () => void {
    this.earpieceListeners = [...this.earpieceListeners, listener];
    return () => {
      this.earpieceListeners = this.earpieceListeners.filter((l) => l !== listener);
    };
  }

  /** The last `seconds` (≤ 30) of what the earpiece heard. */
  recording(seconds: number): Int16Array {
    return recordingSamples(this.earpiece, seconds);
  }

  state(): PhoneState {
    return {
      port: this.port,
      hook: this.handsetOff ? 'off' : 'on',
      ringing: this.ringing,
      rings: this.rings,
      callerId: this.callerId,
      hearing: this.hearing.current(),
      digitsHeard: this.digitsHeard,
    };
  }

  // ---- the board's side ----

  /** The board's setRinging. */
  setRinger(on: boolean): void {
    if (on === this.ringing || this.closed) return;
    const now = this.clock.now();
    if (on) {
      if (now - this.lastCallActivity >= NEW_CALL_GAP_MS) this.newCall();
      this.rings++;
    }
    this.ringing = on;
    this.lastCallActivity = now;
  }

  /** One frame for the port to capture: the microphone, or silence while the loop is open. */
  micFrame(): Int16Array {
    const frame = new Int16Array(FRAME_SAMPLES);
    this.mic.readInto(frame);
    return this.loopClosed ? frame : new Int16Array(FRAME_SAMPLES);
  }

  /** One frame the port played toward the phone. */
  lineFrame(frame: Int16Array): void {
    for (const ev of this.fskCid.process(frame)) {
      if (ev.type === 'message' && (ev.message.type === MESSAGE_TYPE.sdmfCallerId || ev.message.type === MESSAGE_TYPE.mdmfCallSetup)) {
        this.onCallerId(ev.message.info);
      }
    }
    for (const ev of this.dtmfCid.process(frame)) if (ev.type === 'message') this.onCallerId(ev.value.info);
    const heard = this.loopClosed ? frame : new Int16Array(frame.length);
    this.earpiece.push(heard);
    for (const ev of this.dtmf.process(heard)) if (ev.type === 'start') this.digitsHeard += ev.digit;
    for (const listener of this.earpieceListeners) {
      try {
        listener(heard.slice());
      } catch {
        // A listener's fault (e.g. a closed web socket) must not stop the line's audio.
      }
    }
  }

  close(): void {
    this.interrupt('the board was closed');
    this.timers.cancelAll();
    this.mic.clear();
    this.ringing = false;
    this.earpieceListeners = [];
    this.closed = true;
  }

  // ---- internals ----

  private setLoop(closed: boolean): void {
    if (closed === this.loopClosed || this.closed) return;
    this.loopClosed = closed;
    this.onHookEdge(closed);
  }

  private interrupt(why: string): void {
    const b = this.busy;
    this.busy = undefined;
    if (b !== undefined) b.fail(why);
  }

  private newCall(): void {
    this.rings = 0;
    this.callerId = null;
  }

  private onCallerId(info: CallerIdInfo): void {
    const now = this.clock.now();
    if (!this.handsetOff && !this.ringing && now - this.lastCallActivity >= NEW_CALL_GAP_MS) this.newCall();
    this.callerId = { number: info.number ?? null, name: info.name ?? null, time: new Date(this.clock.wallTime()).toISOString() };
    this.lastCallActivity = now;
  }

  private dialDtmf(digits: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.busy = {
        fail: (why) => {
          this.mic.clear();
          reject(new InvalidStateError(`dialling was interrupted: ${why}`, { port: this.port }));
        },
      };
      this.mic.enqueue(dtmfSamples(digits), (played) => {
        if (!played) return;
        this.busy = undefined;
        resolve();
      });
    });
  }

  private dialPulses(digits: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.busy = { fail: (why) => reject(new InvalidStateError(`dialling was interrupted: ${why}`, { port: this.port })) };
      let t = this.clock.now();
      [...digits].forEach((d, i) => {
        if (i > 0) t += INTERDIGIT_MS - PULSE_MAKE_MS;
        const pulses = d === '0' ? 10 : Number(d);
        for (let p = 0; p < pulses; p++) {
          this.timers.at(t, () => this.setLoop(false));
          t += PULSE_BREAK_MS;
          this.timers.at(t, () => this.setLoop(true));
          t += PULSE_MAKE_MS;
        }
      });
      this.timers.at(t, () => {
        this.busy = undefined;
        resolve();
      });
    });
  }
}
