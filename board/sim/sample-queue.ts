/**
 * `SampleQueue`: audio waiting to be spoken into a simulated line (the phone's
 * microphone, the landline's caller-ID burst or voice), read out one frame per
 * tick of the port's frame clock (DESIGN §3: audio is clocked by the device,
 * never by timers). A writer can wait until its samples have actually gone out
 * (`play` resolves when the last of them was read), which is how the virtual
 * phone's DTMF dialling knows it is done.
 */
import { clamp16 } from '../../audio/pcm.js';

interface Entry {
  readonly pcm: Int16Array;
  pos: number;
  readonly done: (played: boolean) => void;
}

export class SampleQueue {
  private entries: Entry[] = [];

  /** Samples queued and not yet read. */
  get queuedSamples(): number {
    let n = 0;
    for (const e of this.entries) n += e.pcm.length - e.pos;
    return n;
  }

  get idle(): boolean {
    return this.entries.length === 0;
  }

  /**
   * Queues a copy of `pcm` after what is queued; `done(true)` runs once its last
   * sample was read, `done(false)` if it is cleared first.
   */
  enqueue(pcm: Int16Array, done: (played: boolean) => void = () => {}): void {
    if (pcm.length === 0) {
      done(true);
      return;
    }
    this.entries.push({ pcm: pcm.slice(), pos: 0, done });
  }

  /** Queues `pcm`; resolves true once it has been read out, false if it was cleared first. */
  play(pcm: Int16Array): Promise<boolean> {
    return new Promise((resolve) => this.enqueue(pcm, resolve));
  }

  /** Takes the next `n` samples (silence where nothing is queued) and adds them into `into` (clamped). */
  readInto(into: Int16Array): void {
    let i = 0;
    while (i < into.length) {
      const e = this.entries[0];
      if (e === undefined) return;
      const k = Math.min(into.length - i, e.pcm.length - e.pos);
      for (let j = 0; j < k; j++) into[i + j] = clamp16((into[i + j] ?? 0) + (e.pcm[e.pos + j] ?? 0));
      i += k;
      e.pos += k;
      if (e.pos >= e.pcm.length) {
        this.entries.shift();
        e.done(true);
      }
    }
  }

  /** Drops everything queued (each writer is told it was not played). */
  clear(): void {
    const dropped = this.entries;
    this.entries = [];
    for (const e of dropped) e.done(false);
  }
}
