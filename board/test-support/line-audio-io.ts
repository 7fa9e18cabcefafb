/**
 * The two ends of a line's audio as a device on a hardware port sees them, at the
 * sound card's native rate (48 kHz), for the hardware-board rig (hardware-rig.ts):
 *
 * - `Mic`: what the device says into the port's capture stream: queued samples
 *   (speech, DTMF, caller-ID FSK; made at 48 kHz by the audio/ generators) mixed
 *   with an optional continuous tone (a central office's dial or busy tone).
 * - `Ear`: what the port's playback stream played, brought down to 8 kHz (the
 *   card's resampler, board/alsa/resampler.ts) and analysed the way the simulated
 *   devices do: call-progress hearing (board/sim/hearing.ts), DTMF digits
 *   (audio/dtmf), on-hook FSK caller ID (audio/caller-id), and a recording.
 */
import { CallerIdReceiver, MESSAGE_TYPE, type CallerIdInfo } from '../../audio/caller-id/index.js';
import { DtmfDetector } from '../../audio/dtmf/index.js';
import { SAMPLE_RATE } from '../../audio/pcm.js';
import { ToneGenerator, type TonePlan, type ToneSpec } from '../../audio/tones/index.js';
import { createRateConverter } from '../alsa/resampler.js';
import { AudioHistory, recordingSamples } from '../sim/audio-history.js';
import { HearingClassifier } from '../sim/hearing.js';
import { SampleQueue } from '../sim/sample-queue.js';
import type { Hearing } from '../sim/types.js';

/** The sound cards' native rate in the profile (and so the rate of everything the rig captures and plays). */
export const CARD_RATE = 48000;

/** A sine at the card rate. */
export function sine48(hz: number, ms: number, amplitude = 6000): Int16Array {
  return Int16Array.from({ length: (ms * CARD_RATE) / 1000 }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / CARD_RATE)));
}

export class Mic {
  private readonly queue = new SampleQueue();
  private tone: ToneGenerator | undefined;

  /** Queues samples (card rate) after what is queued; resolves true once they have all been captured. */
  say(pcm: Int16Array): Promise<boolean> {
    return this.queue.play(pcm);
  }

  /** A continuous (or cadenced) tone mixed in from now, or none. */
  setTone(spec: ToneSpec | undefined): void {
    this.tone = spec === undefined ? undefined : new ToneGenerator(spec, { sampleRate: CARD_RATE });
  }

  /** Drops what is queued (its writers hear `false`) and the tone. */
  clear(): void {
    this.queue.clear();
    this.tone = undefined;
  }

  /** The next `n` samples: the tone plus the queue, clamped. */
  read(n: number): Int16Array {
    const out = new Int16Array(n);
    if (this.tone !== undefined) this.tone.next(out);
    this.queue.readInto(out);
    return out;
  }
}

export class Ear {
  readonly history = new AudioHistory();
  private readonly down = createRateConverter(CARD_RATE, SAMPLE_RATE);
  private readonly hearingOf: HearingClassifier;
  private readonly dtmf = new DtmfDetector();
  private readonly cid = new CallerIdReceiver({ standard: 'bell202' });
  private digits = '';
  private lastCallerId: CallerIdInfo | undefined;

  constructor(plan: TonePlan) {
    this.hearingOf = new HearingClassifier(plan, this.history);
  }

  /** Card-rate samples the device played; `listening` false: the earpiece (or line) is cut off, only the caller-ID unit hears. */
  hear(pcm: Int16Array, listening: boolean): void {
    const x = this.down.process(pcm);
    for (const ev of this.cid.process(x)) {
      if (ev.type === 'message' && (ev.message.type === MESSAGE_TYPE.sdmfCallerId || ev.message.type === MESSAGE_TYPE.mdmfCallSetup)) {
        this.lastCallerId = ev.message.info;
      }
    }
    const heard = listening ? x : new Int16Array(x.length);
    this.history.push(heard);
    for (const ev of this.dtmf.process(heard)) if (ev.type === 'start') this.digits += ev.digit;
  }

  /** Listening starts afresh (off hook, seizure): hearing and digits from now on. */
  restart(): void {
    this.hearingOf.restart();
    this.dtmf.reset();
    this.digits = '';
  }

  get hearing(): Hearing {
    return this.hearingOf.current();
  }

  /** DTMF digits heard since the last restart. */
  get digitsHeard(): string {
    return this.digits;
  }

  /** The last caller ID decoded from the line (on hook included), or undefined. */
  get callerId(): CallerIdInfo | undefined {
    return this.lastCallerId;
  }

  forgetCallerId(): void {
    this.lastCallerId = undefined;
  }

  /** The last `seconds` heard, 8 kHz. */
  recording(seconds: number): Int16Array {
    return recordingSamples(this.history, seconds);
  }
}
