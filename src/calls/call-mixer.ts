/**
 * CallMixer: joins the audio of several call legs in the box, for a 3-way call
 * (the phone and its two far ends) and for two far ends joined after the phone
 * hung up (a transfer the far end could not take as a REFER).
 *
 * Every leg's media path (MediaBridge, DirectBridge) works on an AudioPort. The
 * mixer hands each leg a `member()` port that looks like a line to it: once per
 * frame period the member's listeners get the mix of everyone else ("N − 1",
 * audio/dsp/mixer.ts), and what the leg writes to the member is its
 * contribution to the next mix.
 *
 * The frame period comes from the anchor:
 * - a line's port (the phone in a 3-way call): the device clocks the mix, and
 *   the line itself is a party (it hears the others, they hear it);
 * - a FrameClock (two far ends, no line): a VirtualFrameClock on the Clock.
 *
 * A member keeps at most `MAX_QUEUED` frames: a writer on a faster clock than
 * the anchor loses a frame now and then rather than building up delay (as
 * DirectBridge does), a slower one leaves a frame of silence.
 */
import { conferenceMix } from '../../audio/dsp/mixer.js';
import type { AudioPort } from '../../audio/port/audio-port.js';
import type { FrameClock } from '../../audio/port/frame-clock.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../audio/pcm.js';

const MAX_QUEUED = 3;

export type MixerAnchor = { readonly port: AudioPort } | { readonly clock: FrameClock };

class MemberPort implements AudioPort {
  readonly sampleRate = SAMPLE_RATE;
  readonly frameSamples = FRAME_SAMPLES;
  private readonly queue: Int16Array[] = [];
  private readonly listeners = new Set<(captured: Int16Array) => void>();
  closed = false;
  dropped = 0;

  constructor(private readonly onClose: (m: MemberPort) => void) {}

  get queuedFrames(): number {
    return this.queue.length;
  }

  onFrame(listener: (captured: Int16Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  write(frame: Int16Array): void {
    if (this.closed) return;
    if (this.queue.length >= MAX_QUEUED) {
      this.queue.shift();
      this.dropped++;
    }
    const copy = new Int16Array(FRAME_SAMPLES);
    copy.set(frame.subarray(0, FRAME_SAMPLES));
    this.queue.push(copy);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    this.queue.length = 0;
    this.onClose(this);
  }

  /** This member's contribution to the mix now (silence when nothing came). */
  take(): Int16Array {
    return this.queue.shift() ?? new Int16Array(FRAME_SAMPLES);
  }

  deliver(frame: Int16Array): void {
    for (const l of this.listeners) l(this.listeners.size > 1 ? frame.slice() : frame);
  }
}

export class CallMixer {
  private readonly members: MemberPort[] = [];
  private readonly unsubscribe: () => void;
  private readonly anchorPort: AudioPort | undefined;
  private lineFrame: Int16Array | undefined;
  private over = false;

  constructor(anchor: MixerAnchor) {
    if ('port' in anchor) {
      this.anchorPort = anchor.port;
      this.unsubscribe = anchor.port.onFrame((captured) => {
        this.lineFrame = captured;
        this.tick();
      });
    } else {
      this.unsubscribe = anchor.clock.onTick(() => this.tick());
    }
  }

  /** A new party: the port its media path attaches to. Closing it takes the party out. */
  member(): AudioPort {
    if (this.over) throw new Error('the call mixer is closed');
    const m = new MemberPort((gone) => {
      const i = this.members.indexOf(gone);
      if (i >= 0) this.members.splice(i, 1);
    });
    this.members.push(m);
    return m;
  }

  get parties(): number {
    return this.members.length + (this.anchorPort !== undefined ? 1 : 0);
  }

  /** Frames dropped because a member's writer ran ahead of the anchor's clock. */
  get droppedFrames(): number {
    return this.members.reduce((n, m) => n + m.dropped, 0);
  }

  /** Stops mixing; the members are closed, the anchor port is left open (it belongs to its line). */
  close(): void {
    if (this.over) return;
    this.over = true;
    this.unsubscribe();
    for (const m of [...this.members]) m.close();
  }

  private tick(): void {
    if (this.over) return;
    const members = [...this.members];
    const inputs = members.map((m) => m.take());
    if (this.anchorPort !== undefined) {
      const own = this.lineFrame ?? new Int16Array(FRAME_SAMPLES);
      this.lineFrame = undefined;
      const [toLine, ...toMembers] = conferenceMix([own.length === FRAME_SAMPLES ? own : fit(own), ...inputs]);
      if (toLine !== undefined) this.anchorPort.write(toLine);
      members.forEach((m, i) => m.deliver(toMembers[i] ?? new Int16Array(FRAME_SAMPLES)));
      return;
    }
    const out = conferenceMix(inputs);
    members.forEach((m, i) => m.deliver(out[i] ?? new Int16Array(FRAME_SAMPLES)));
  }
}

function fit(frame: Int16Array): Int16Array {
  const out = new Int16Array(FRAME_SAMPLES);
  out.set(frame.subarray(0, FRAME_SAMPLES));
  return out;
}
