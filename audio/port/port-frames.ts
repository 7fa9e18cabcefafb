/**
 * The two halves every AudioPort implementation has, whatever clocks it: the
 * listeners that get each captured frame (each owns its frame: a copy for all but
 * the last), and the bounded playback queue (a write beyond its size drops the
 * oldest frame: a late frame is worth less than the current one).
 */
export class PortFrames {
  private listeners: readonly ((captured: Int16Array) => void)[] = [];
  private readonly queue: Int16Array[] = [];
  /** Frames dropped because the queue was full. */
  dropped = 0;

  constructor(
    readonly frameSamples: number,
    private readonly maxQueued: number,
  ) {
    if (!Number.isInteger(maxQueued) || maxQueued < 1) throw new RangeError(`maxQueuedFrames must be a positive integer, got ${maxQueued}`);
  }

  get queued(): number {
    return this.queue.length;
  }

  onFrame(listener: (captured: Int16Array) => void): () => void {
    const entry = (frame: Int16Array): void => listener(frame);
    this.listeners = [...this.listeners, entry];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== entry);
    };
  }

  /** Hands `frame` to every listener; `guard` runs each call and deals with what it throws. */
  deliver(frame: Int16Array, guard: (call: () => void) => void): void {
    const listeners = this.listeners;
    const last = listeners.length - 1;
    listeners.forEach((listener, i) => guard(() => listener(i === last ? frame : frame.slice())));
  }

  /** Queues a copy of `frame` to play; throws RangeError unless it is frameSamples long. */
  write(frame: Int16Array): void {
    if (frame.length !== this.frameSamples) throw new RangeError(`a frame has ${this.frameSamples} samples, got ${frame.length}`);
    if (this.queue.length >= this.maxQueued) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(frame.slice());
  }

  /** The oldest queued frame, or undefined when none is queued. */
  next(): Int16Array | undefined {
    return this.queue.shift();
  }

  clear(): void {
    this.listeners = [];
    this.queue.length = 0;
  }
}
