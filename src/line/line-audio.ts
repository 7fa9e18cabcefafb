/**
 * What a line plays toward its phone (or the landline) when no call's media owns the
 * port: a call-progress tone from the region's plan, or prepared samples (caller-ID
 * FSK or DTMF, a DT-AS alerting signal, DTMF dialled out on the landline), or silence.
 *
 * It writes exactly one frame per frame the port captures (the port's own clock), so
 * it never runs ahead of the device and never builds up latency; while the call's media
 * is on (`mediaOn`), it writes nothing and the media bridge feeds the port instead.
 *
 * Samples take precedence over the tone while they last, then the tone (if any)
 * resumes from where it was. `done` callbacks tell the runtime when samples have been
 * handed to the port in full, for state machines that wait for the end of caller ID.
 */
import type { AudioPort } from '../../audio/port/audio-port.js';
import { ToneGenerator } from '../../audio/tones/generator.js';
import type { ToneKind, TonePlan } from '../../audio/tones/types.js';

interface QueuedSamples {
  readonly pcm: Int16Array;
  offset: number;
  readonly done?: () => void;
}

export class LineAudio {
  private tone: ToneGenerator | undefined;
  private toneKind: ToneKind | null = null;
  private readonly queue: QueuedSamples[] = [];
  private media = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly port: AudioPort,
    private readonly plan: TonePlan,
  ) {
    this.unsubscribe = port.onFrame(() => this.fill());
  }

  /** The tone playing (null: none). */
  get currentTone(): ToneKind | null {
    return this.toneKind;
  }

  get mediaOn(): boolean {
    return this.media;
  }

  /** Plays the region's tone of `kind` from its start, continuously (null: stop). The same tone again keeps its cadence going. */
  setTone(kind: ToneKind | null): void {
    if (kind === this.toneKind) return;
    this.toneKind = kind;
    this.tone = kind === null ? undefined : new ToneGenerator(this.plan[kind], { sampleRate: this.port.sampleRate });
  }

  /** Queues samples to play before any tone, e.g. caller-ID FSK; `done` once they are all written. */
  playSamples(pcm: Int16Array, done?: () => void): void {
    this.queue.push({ pcm, offset: 0, ...(done !== undefined ? { done } : {}) });
  }

  /** Drops queued samples (their `done` is not called): e.g. the phone went off hook during caller ID. */
  cancelSamples(): void {
    this.queue.length = 0;
  }

  /** While on, the call's media feeds the port and this writes nothing. */
  setMedia(on: boolean): void {
    this.media = on;
  }

  close(): void {
    this.unsubscribe();
    this.queue.length = 0;
    this.tone = undefined;
    this.toneKind = null;
  }

  private fill(): void {
    if (this.media) return;
    const frame = new Int16Array(this.port.frameSamples);
    let at = 0;
    while (at < frame.length && this.queue.length > 0) {
      const head = this.queue[0]!;
      const n = Math.min(frame.length - at, head.pcm.length - head.offset);
      frame.set(head.pcm.subarray(head.offset, head.offset + n), at);
      head.offset += n;
      at += n;
      if (head.offset >= head.pcm.length) {
        this.queue.shift();
        head.done?.();
      }
    }
    if (at < frame.length && this.tone !== undefined) {
      const rest = frame.subarray(at);
      this.tone.next(rest);
    }
    this.port.write(frame);
  }
}
