/**
 * What the box does with a landline call that call screening keeps off the phones
 * (landline-calls.ts decides, call-screening.ts says why), once it has answered it:
 *
 * - refused (blocked, anonymous, or unknown with `reject`): one second of silence,
 *   then the box hangs up, as a call blocker does;
 * - `announce`: the unknown-caller announcement, then the box hangs up;
 * - `message`: the leave-a-message greeting and a 1000 Hz beep of 500 ms, then what
 *   the caller says is recorded (message-recorder.ts) until they hang up, 5 s of
 *   silence after they spoke, or 120 s; the box hangs up and keeps the message
 *   (store.messages) unless it was silent.
 *
 * A half-duplex port (a voice modem) is told to transmit before anything is played
 * and to receive before the recording starts (FxoPort.voiceDirection).
 * The caller hanging up (loop-current drop, disconnect tone, the modem's codes) ends
 * the call at any time; a message being recorded is kept then (minus the disconnect
 * tone the line needed to recognise it). Every such call is `screened` in the history.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { Clock } from '../clock.js';
import type { ConfigStore } from '../config/index.js';
import { toError } from '../errors.js';
import type { FxoEvent } from '../line/fxo-types.js';
import type { FxoPort } from '../line/fxo-port.js';
import type { Logger } from '../log.js';
import { loadPrompt, promptFrames, type PromptName } from './announcement.js';
import type { Call } from './call.js';
import type { ScreeningVerdict } from './call-screening.js';
import { MessageRecorder, type RecorderLimits } from './message-recorder.js';

/** How long a refused landline call is held before the box hangs up: one second of 20 ms frames. */
const HANG_UP_AFTER_FRAMES = 50;
const BEEP_HZ = 1000;
const BEEP_MS = 500;
/** Silence after the beep, so a half-duplex modem has played all of it before it turns to listening. */
const AFTER_BEEP_MS = 100;
/** A disconnect tone takes the line this long to recognise: cut off the end of a message it ended. */
const TONE_DETECTION_MS = 3000;

export interface LandlineScreeningHost {
  readonly log: Logger;
  readonly store: ConfigStore;
  readonly clock: Clock;
  /** The recorder's limits (tests shorten them). */
  readonly recorderLimits?: Partial<RecorderLimits>;
}

type ScreenedVerdict = Exclude<ScreeningVerdict, { action: 'ring' }>;

interface Screened {
  readonly verdict: ScreenedVerdict;
  readonly cause: string;
  readonly callerId: CallerIdInfo | undefined;
  /** When the call was screened (wall clock, ms). */
  readonly receivedAt: number;
  /** Set while a message is being recorded. */
  recorder?: MessageRecorder;
  /** The far end hung up or the call is over: no more frames. */
  done?: boolean;
}

export class LandlineScreening {
  private readonly calls = new Map<Call, Screened>();

  constructor(private readonly host: LandlineScreeningHost) {}

  has(call: Call): boolean {
    return this.calls.has(call);
  }

  /** Takes a call screening keeps off the phones: answers the landline; the rest follows its events. */
  start(call: Call, landline: FxoPort, verdict: ScreenedVerdict, cause: string, callerId: CallerIdInfo | undefined): void {
    const refused = verdict.action === 'reject';
    const s: Screened = { verdict, cause: refused ? `${cause}, answered and hung up` : cause, callerId, receivedAt: this.host.clock.wallTime() };
    this.calls.set(call, s);
    call.onEnded(() => {
      this.calls.delete(call);
      s.done = true;
      // Ended some other way while recording (the box stopping): what was said is still kept.
      if (s.recorder !== undefined) this.finishMessage(landline, s, 0);
    });
    landline.answer();
  }

  /** A landline event for a screened call. */
  onEvent(call: Call, landline: FxoPort, e: FxoEvent): void {
    const s = this.calls.get(call);
    if (s === undefined) return;
    switch (e.type) {
      case 'connected':
        if (s.verdict.action === 'reject') this.hangUpAfter(call, landline, s);
        else this.play(call, landline, s, s.verdict.action === 'message' ? 'leave-message' : 'unknown-caller');
        return;
      case 'disconnected':
        s.done = true;
        call.end({ by: call.caller, disposition: 'screened', cause: this.finishMessage(landline, s, tonesEnded(e.reason) ? TONE_DETECTION_MS : 0) });
        return;
      case 'ring-stopped':
      case 'busy':
        s.done = true;
        call.end({ by: call.caller, disposition: 'screened', cause: this.finishMessage(landline, s, 0) });
        return;
      default:
        return;
    }
  }

  /** Holds the answered line (silent) a second, then hangs up: the call's end releases the line. */
  private hangUpAfter(call: Call, landline: FxoPort, s: Screened): void {
    let left = HANG_UP_AFTER_FRAMES;
    const off = landline.callAudio.onFrame(() => {
      if (--left > 0) return;
      off();
      call.end({ disposition: 'screened', cause: s.cause });
    });
    call.onEnded(off);
  }

  /** Plays a prompt toward the landline (and the beep, before a message); then hangs up, or records. */
  private play(call: Call, landline: FxoPort, s: Screened, prompt: PromptName): void {
    const audio = landline.callAudio;
    let next: () => Int16Array | undefined;
    try {
      const samples = loadPrompt(prompt);
      next = promptFrames(s.verdict.action === 'message' ? withBeep(samples) : samples, audio.frameSamples);
    } catch (err) {
      call.end({ disposition: 'screened', cause: `${s.cause}: ${toError(err).message}` });
      return;
    }
    landline.voiceDirection('transmit');
    const off = audio.onFrame(() => {
      const frame = next();
      if (frame !== undefined) return audio.write(frame);
      off();
      if (s.verdict.action === 'message') this.record(call, landline, s);
      else call.end({ disposition: 'screened', cause: s.cause });
    });
    call.onEnded(off);
  }

  /** Records what the caller says until the recorder has heard enough; the far end hanging up ends it too (onEvent). */
  private record(call: Call, landline: FxoPort, s: Screened): void {
    if (s.done === true || call.ended) return;
    const recorder = new MessageRecorder(this.host.recorderLimits);
    s.recorder = recorder;
    landline.voiceDirection('receive');
    const off = landline.callAudio.onFrame((frame) => {
      if (s.done === true) return off();
      if (recorder.push(frame) === 'recording') return;
      off();
      s.done = true;
      call.end({ disposition: 'screened', cause: this.finishMessage(landline, s, 0) });
    });
    call.onEnded(off);
  }

  /** Keeps the message being recorded (once), and says so in the cause; the plain cause when there was none. */
  private finishMessage(landline: FxoPort, s: Screened, dropLastMs: number): string {
    const recorder = s.recorder;
    if (recorder === undefined) return s.verdict.action === 'message' ? 'screened: unknown caller, hung up during the greeting' : s.cause;
    s.recorder = undefined;
    const message = recorder.finish(dropLastMs);
    const from = s.callerId?.number ?? null;
    if (message === undefined) {
      this.host.log.info('no message left: the caller said nothing', { port: landline.port, from: from ?? 'unknown' });
      return 'screened: unknown caller, no message left';
    }
    try {
      const kept = this.host.store.messages.add({
        receivedAt: s.receivedAt, from, callerName: s.callerId?.name ?? null, port: landline.port, samples: message.samples,
      });
      this.host.log.info('message recorded', { id: kept.id, port: landline.port, from: from ?? 'unknown', durationMs: kept.durationMs });
      return s.cause;
    } catch (err) {
      this.host.log.error('a message could not be kept', { port: landline.port, from: from ?? 'unknown', err: toError(err).message });
      return `screened: unknown caller, message not kept (${toError(err).message})`;
    }
  }
}

function tonesEnded(reason: Extract<FxoEvent, { type: 'disconnected' }>['reason']): boolean {
  return reason === 'busy-tone' || reason === 'reorder-tone' || reason === 'dial-tone';
}

/** The greeting, the beep (1000 Hz, 500 ms, about −10 dBm0, 5 ms ramps) and a little silence. */
export function withBeep(greeting: Int16Array): Int16Array {
  const beep = (BEEP_MS * 8000) / 1000;
  const ramp = 40;
  const out = new Int16Array(greeting.length + beep + (AFTER_BEEP_MS * 8000) / 1000);
  out.set(greeting);
  for (let i = 0; i < beep; i++) {
    const gain = Math.min(1, i / ramp, (beep - 1 - i) / ramp);
    out[greeting.length + i] = Math.round(7000 * gain * Math.sin((2 * Math.PI * BEEP_HZ * i) / 8000));
  }
  return out;
}
