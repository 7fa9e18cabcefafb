/**
 * DTMF on the media bridge's send side, per frame of line audio:
 *
 * - Digits dialled on the line (detected in the captured audio by the Q.24
 *   receiver, audio/dtmf/detector.ts):
 *   - 'rfc4733' with telephone-event negotiated: sent as RFC 4733 events
 *     (TelephoneEventSender, one packet per 20 ms frame, timestamped on the
 *     send path's RTP clock at the tone's estimated onset), and the audio of
 *     the digit replaced by silence so that the far end does not hear it twice.
 *     The receiver needs two 13.25 ms blocks of tone to decide, so the mute
 *     starts with the frame in which the digit is detected: the first 20–40 ms
 *     of each tone (depending on where the onset falls among the frames) have
 *     already gone out as audio. That blip is accepted: it is shorter than the
 *     40 ms a Q.24 receiver must accept, so a far end that also listens in-band
 *     normally does not take it for a second digit — normally, not surely: at
 *     the long end, a receiver as quick as ours could.
 *   - 'info': reported through `onLineDigit` (the SIP layer sends INFO) and
 *     muted the same way.
 *   - 'inband', or 'rfc4733' without telephone-event negotiated: the tone stays
 *     in the audio and nothing is detected.
 * - Digits to send (`sendDigit`): 'rfc4733' (negotiated) → RFC 4733 events at
 *   the current timestamp; 'inband' (or 'rfc4733' not negotiated) → DTMF tone
 *   samples that replace the line audio for the digit's duration, followed by a
 *   pause; 'info' → nothing here (the SIP layer sends INFO itself). Digits
 *   queue: one starts when the previous one (events or tone) is done.
 */
import { DtmfDetector, DtmfGenerator, isDtmfDigit } from '../../audio/dtmf/index.js';
import { DialtoneError } from '../errors.js';
import type { Logger } from '../log.js';
import { TelephoneEventSender, type TelephoneEventFrame } from './telephone-event.js';

export type DtmfMode = 'rfc4733' | 'inband' | 'info';

/** Silence after an in-band digit sent by `sendDigit`, so a row of digits stays separable (Q.24: ≥ 40 ms). */
const INBAND_PAUSE_MS = 60;
/** Shortest digit sent (Q.24 acceptance needs 40 ms). */
const MIN_DIGIT_MS = 40;

export interface LineDtmfOptions {
  mode: DtmfMode;
  log: Logger;
  /** Called for each digit detected on the line in 'info' mode. */
  onLineDigit: (digit: string) => void;
}

export interface LineDtmfResult {
  /** The frame to send (the input, muted, or replaced by a tone). */
  audio: Int16Array;
  /** RFC 4733 packets to send now. */
  events: TelephoneEventFrame[];
}

export interface LineDtmfStats {
  /** Digits detected in the line audio. */
  lineDigits: number;
  /** Frames of line audio replaced by silence while a detected digit lasted. */
  mutedFrames: number;
  /** Digits sent by sendDigit (as events or tones). */
  sentDigits: number;
}

export class LineDtmf {
  private readonly mode: DtmfMode;
  private readonly log: Logger;
  private readonly onLineDigit: (digit: string) => void;
  private readonly detector = new DtmfDetector();
  private readonly sender = new TelephoneEventSender({ clockRate: 8000, packetMs: 20 });
  private rfc4733 = false;
  /** Samples fed to the detector so far (its sample index of the next frame). */
  private fed = 0;
  /** A detected digit is under way: mute the line audio. */
  private muting = false;
  /** The detected digit is being sent as an event (stop it at its end). */
  private lineEvent = false;
  private readonly queued: { digit: string; durationMs: number }[] = [];
  private tone: DtmfGenerator | undefined;
  private counts = { lineDigits: 0, mutedFrames: 0, sentDigits: 0 };

  constructor(opts: LineDtmfOptions) {
    this.mode = opts.mode;
    this.log = opts.log;
    this.onLineDigit = opts.onLineDigit;
  }

  /** Whether telephone-event is negotiated (changes on re-INVITE). */
  setTelephoneEvent(negotiated: boolean): void {
    this.rfc4733 = negotiated;
  }

  private get sendsEvents(): boolean {
    return this.mode === 'rfc4733' && this.rfc4733;
  }

  /** Line digits are detected (and muted) only when they do not travel in-band. */
  private get detects(): boolean {
    return this.sendsEvents || this.mode === 'info';
  }

  /** Queues a digit toward the network; throws DialtoneError('invalid_digit') for a non-DTMF character. */
  sendDigit(digit: string, durationMs: number): void {
    if (digit.length !== 1 || !isDtmfDigit(digit.toUpperCase())) {
      throw new DialtoneError('invalid_digit', `not a DTMF digit: ${JSON.stringify(digit)}`, { digit });
    }
    if (!(durationMs > 0) || !Number.isFinite(durationMs)) {
      throw new DialtoneError('invalid_digit', `digit duration must be a positive number of ms, got ${durationMs}`, { durationMs });
    }
    if (this.mode === 'info') {
      this.log.debug('dtmf mode is info: the SIP layer sends this digit', { digit });
      return;
    }
    this.queued.push({ digit: digit.toUpperCase(), durationMs: Math.max(MIN_DIGIT_MS, durationMs) });
  }

  /** One frame of line audio (after echo cancellation and gain); `frameTs` is its RTP timestamp. */
  process(frame: Int16Array, frameTs: number): LineDtmfResult {
    const events: TelephoneEventFrame[] = this.sender.tick();
    let audio = frame;
    if (this.detects) {
      const before = this.fed;
      for (const e of this.detector.process(frame)) {
        if (e.type === 'start') {
          this.counts.lineDigits++;
          this.muting = true;
          if (this.sendsEvents) {
            const onsetTs = (frameTs + e.sample - before) >>> 0;
            events.push(...this.sender.start(e.digit, onsetTs, Infinity));
            this.lineEvent = true;
          } else {
            this.onLineDigit(e.digit);
          }
        } else {
          // Muting goes on to the end of this frame, which holds the tone's tail.
          if (this.lineEvent) events.push(...this.sender.stop());
          this.lineEvent = false;
          this.muting = false;
          this.counts.mutedFrames++;
          audio = new Int16Array(frame.length);
        }
      }
      this.fed = before + frame.length;
    }
    if (this.muting) {
      this.counts.mutedFrames++;
      audio = new Int16Array(frame.length);
    }
    if (this.tone === undefined && !this.lineEvent) this.startQueued(frameTs, events);
    if (this.tone !== undefined) {
      audio = this.tone.next(new Int16Array(frame.length));
      if (!this.tone.busy) this.tone = undefined;
    }
    return { audio, events };
  }

  stats(): LineDtmfStats {
    return { ...this.counts };
  }

  private startQueued(frameTs: number, events: TelephoneEventFrame[]): void {
    if (this.sender.active) return;
    const next = this.queued.shift();
    if (next === undefined) return;
    this.counts.sentDigits++;
    if (this.sendsEvents) {
      events.push(...this.sender.start(next.digit, frameTs, next.durationMs));
    } else {
      this.tone = new DtmfGenerator({ durationMs: next.durationMs, pauseMs: INBAND_PAUSE_MS });
      this.tone.queue(next.digit);
    }
  }
}
