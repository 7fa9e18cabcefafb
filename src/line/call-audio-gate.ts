/**
 * The audio port a call's media bridge sees on a line. The line's own sounds
 * (tones, caller ID, DTMF dialled out: LineAudio) and the call's audio never share
 * the port: the line state machine says which one owns it (its `media` action), and
 * this gate follows.
 *
 * - While the call owns the port (`open`), captured frames go to the bridge as they
 *   are and what the bridge writes plays toward the line.
 * - While the line owns it, the bridge still gets one frame per frame period (so its
 *   clock, RTP timestamps and RTCP keep going) but the frame is silence: the far end
 *   does not hear the dial tone, the digits of a second call or the caller-ID burst.
 *   What the bridge writes is dropped; LineAudio writes instead.
 *
 * Closing the gate's listeners never closes the board's port: it belongs to the line.
 */
import type { AudioPort } from '../../audio/port/audio-port.js';

export class CallAudioGate implements AudioPort {
  private open = false;
  private readonly listeners = new Set<(captured: Int16Array) => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly port: AudioPort) {
    this.unsubscribe = port.onFrame((captured) => this.deliver(captured));
  }

  get sampleRate(): number {
    return this.port.sampleRate;
  }

  get frameSamples(): number {
    return this.port.frameSamples;
  }

  get queuedFrames(): number {
    return this.port.queuedFrames;
  }

  /** Whether the call's audio owns the port now. */
  get isOpen(): boolean {
    return this.open;
  }

  setOpen(open: boolean): void {
    this.open = open;
  }

  onFrame(listener: (captured: Int16Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  write(frame: Int16Array): void {
    if (this.open) this.port.write(frame);
  }

  /** Detaches every call listener (the board's port stays open). */
  close(): void {
    this.listeners.clear();
  }

  /** The line is going away: stop listening to the board's port too. */
  dispose(): void {
    this.listeners.clear();
    this.unsubscribe();
  }

  private deliver(captured: Int16Array): void {
    if (this.listeners.size === 0) return;
    const frame = this.open ? captured : new Int16Array(captured.length);
    // A frame belongs to its listener (AudioPort contract): each gets its own when there are several (a conference).
    const copies = this.listeners.size > 1;
    for (const l of this.listeners) l(copies ? frame.slice() : frame);
  }
}
