/**
 * The interface between a line and the media path: one audio port per line
 * (DESIGN §4, board layer), 8 kHz mono 16-bit, one 20 ms frame at a time,
 * clocked by the device that owns the port — never by a timer of the caller's.
 *
 * A port captures what comes from the line (the phone's microphone on an FXS
 * port, the landline on the FXO port) and hands it to its listeners once per
 * frame period, and plays what is written to it toward the line (earpiece /
 * landline) at its own pace, from a short queue, playing silence when nothing
 * is queued. Writers therefore never need to know the device's timing: they
 * write one frame per frame they receive (or per RTP packet), and the queue
 * absorbs the difference in phase.
 *
 * Implementations: `ClockedAudioPort` (clocked-audio-port.ts), the reference
 * implementation used by the simulated board and the tests, driven by a
 * `FrameClock` (frame-clock.ts). Both are re-exported here.
 *
 * Source: DESIGN.md §3–4 and §7 (the simulated board's virtual audio clock).
 */

export interface AudioPort {
  /** Samples per second (8000). */
  readonly sampleRate: number;
  /** Samples per frame (160 = 20 ms). */
  readonly frameSamples: number;
  /**
   * Called once per frame period with the frame captured from the line (mic /
   * landline). The frame belongs to the listener: it is not reused by the port.
   * Returns a function that removes the listener.
   */
  onFrame(listener: (captured: Int16Array) => void): () => void;
  /**
   * Queues a frame (frameSamples long; copied) to play toward the line
   * (earpiece / landline); played at the port's own clock. Silence is played
   * when nothing is queued.
   */
  write(frame: Int16Array): void;
  /** Frames queued and not yet played. */
  readonly queuedFrames: number;
  /** Stops the port: no more frames are captured or played; later writes are ignored. */
  close(): void;
}

export { ClockedAudioPort, type ClockedAudioPortOptions, type AudioPortStats } from './clocked-audio-port.js';
export { VirtualFrameClock, ManualFrameClock, type FrameClock } from './frame-clock.js';
