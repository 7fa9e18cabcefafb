/**
 * ALSA PCM capture and playback for the phones' audio (USB or I2S codecs),
 * through the alsa_pcm addon (audio/alsa/native/). Each open stream has its own
 * native thread doing the blocking ALSA I/O, so the event loop never waits on
 * the sound device:
 *
 * - capture: every period read is emitted as a 'frames' event (an Int16Array of
 *   periodFrames x channels samples, interleaved). Up to queuePeriods periods
 *   wait for the event loop; beyond that the oldest is dropped (droppedFrames).
 * - playback: write() copies samples into a ring of queuePeriods periods and
 *   returns how many it took (0 when full). The thread starts the device once a
 *   period is queued, then writes a period whenever the device has room, padded
 *   with silence when the ring runs short (underruns), so the device never
 *   starves because of us. Latency: what is in the ring + the device buffer.
 * - an xrun (-EPIPE / -ESTRPIPE, or -EIO / -EBADFD that a prepare cures) is
 *   recovered and emitted as 'xrun'; any other error (the device is gone:
 *   -ENODEV after a USB unplug...) stops the stream: 'error' (an AlsaError),
 *   then 'close'. Without an 'error' listener it becomes a process warning
 *   instead of an exception, so a lost device never takes the process down.
 *
 * `pace: true` makes the thread sleep until each period is due: for ALSA's
 * software PCMs (null, file) that never block and would otherwise run flat out.
 * Real devices must not be paced; their I/O blocks at the sample rate.
 *
 * An open stream keeps the event loop alive (like a socket) until close().
 */
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import {
  EV_ERROR,
  EV_FRAMES,
  EV_XRUN,
  tryLoadAlsaAddon,
  type AlsaPcmAddon,
  type NativeHandle,
  type NativeStats,
} from './native-addon.js';

export interface AlsaPcmOptions {
  /** An ALSA PCM name: 'default', 'hw:1,0', 'plughw:CARD=Device,DEV=0', or one defined in a config file. */
  device: string;
  rate: number;
  channels: 1 | 2;
  /** Frames per period (the device may grant a near value: see periodFrames). */
  periodFrames: number;
  /** Periods in the device buffer (2..64). */
  periods: number;
  /** Capture queue / playback ring length in periods (2..1024, default 8). */
  queuePeriods?: number;
  /** sw params: frames queued before the device starts (default: capture 1, playback the buffer). */
  startThreshold?: number;
  /** sw params: frames available before the thread wakes (default one period). */
  availMin?: number;
  /** Pace I/O by the clock: only for software PCMs that never block (null, file). */
  pace?: boolean;
}

export type AlsaPcmStats = NativeStats;

export interface AlsaPcmEvents {
  frames: [Int16Array];
  xrun: [];
  error: [AlsaError];
  close: [];
}

/** An ALSA failure: `code` is the errno name ('ENOENT', 'ENODEV'...), `device` the PCM name. */
export class AlsaError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly errno: number,
    readonly device: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AlsaError';
  }
}

const errnoNames = new Map<number, string>(Object.entries(constants.errno).map(([name, n]) => [n, name]));

/** 'ENODEV' for 19; 'EALSA' for ALSA's own codes and anything unknown. */
export function errnoName(errno: number): string {
  return errnoNames.get(errno) ?? 'EALSA';
}

/** True when the addon is built and loads (ALSA itself may still have no devices). */
export function alsaAvailable(): boolean {
  return !(tryLoadAlsaAddon() instanceof Error);
}

function addon(): AlsaPcmAddon {
  const a = tryLoadAlsaAddon();
  if (a instanceof Error) throw a;
  return a;
}

function checkOptions(o: AlsaPcmOptions): void {
  const int = (v: number | undefined, lo: number, hi: number): boolean => v === undefined || (Number.isInteger(v) && v >= lo && v <= hi);
  const bad =
    typeof o.device !== 'string' || o.device.length === 0 ? 'device' :
    !int(o.rate, 1000, 384000) ? 'rate' :
    o.channels !== 1 && o.channels !== 2 ? 'channels' :
    !int(o.periodFrames, 8, 65536) ? 'periodFrames' :
    !int(o.periods, 2, 64) ? 'periods' :
    !int(o.queuePeriods, 2, 1024) ? 'queuePeriods' :
    !int(o.startThreshold, 1, 1 << 24) ? 'startThreshold' :
    !int(o.availMin, 1, 1 << 24) ? 'availMin' : undefined;
  if (bad !== undefined) throw new RangeError(`AlsaPcm: invalid ${bad}: ${JSON.stringify((o as unknown as Record<string, unknown>)[bad])}`);
}

export class AlsaPcm extends EventEmitter<AlsaPcmEvents> {
  readonly device: string;
  readonly direction: 'capture' | 'playback';
  readonly rate: number;
  readonly channels: 1 | 2;
  /** Frames per period as granted by the device (each 'frames' event carries one period). */
  readonly periodFrames: number;
  /** The device buffer in frames, as granted. */
  readonly bufferFrames: number;
  private readonly native: AlsaPcmAddon;
  private handle: NativeHandle | undefined;
  private lastStats: AlsaPcmStats | undefined;

  /** Opens `opts.device` for capture; throws an AlsaError when ALSA refuses. */
  static openCapture(opts: AlsaPcmOptions): AlsaPcm {
    return new AlsaPcm(opts, 'capture');
  }

  /** Opens `opts.device` for playback; throws an AlsaError when ALSA refuses. */
  static openPlayback(opts: AlsaPcmOptions): AlsaPcm {
    return new AlsaPcm(opts, 'playback');
  }

  private constructor(opts: AlsaPcmOptions, direction: 'capture' | 'playback') {
    super();
    checkOptions(opts);
    this.native = addon();
    this.device = opts.device;
    this.direction = direction;
    const { device, ...rest } = opts;
    try {
      this.handle = this.native.open(device, direction === 'capture', rest, (kind, a, b) => this.onNative(kind, a, b));
    } catch (err) {
      const errno = (err as { errno?: unknown }).errno;
      if (typeof errno !== 'number' || !(err instanceof Error)) throw err;
      throw new AlsaError(err.message, errnoName(errno), errno, device, { cause: err });
    }
    this.rate = this.handle.rate;
    this.channels = this.handle.channels === 2 ? 2 : 1;
    this.periodFrames = this.handle.periodFrames;
    this.bufferFrames = this.handle.bufferFrames;
  }

  get closed(): boolean {
    return this.handle === undefined;
  }

  /**
   * Playback: queues interleaved samples (whole frames); returns how many samples
   * were taken, fewer than given when the ring is full, 0 once closed.
   */
  write(samples: Int16Array): number {
    if (this.direction !== 'playback') throw new TypeError('AlsaPcm: write() on a capture stream');
    if (this.handle === undefined) return 0;
    return this.native.write(this.handle, samples);
  }

  /** Counters since open (the last values once closed). */
  stats(): AlsaPcmStats {
    if (this.handle !== undefined) this.lastStats = this.native.stats(this.handle);
    return { ...(this.lastStats ?? { xruns: 0, droppedFrames: 0, underruns: 0, delayFrames: 0, queuedFrames: 0, frames: 0, threadCpuMs: 0 }) };
  }

  /** Stops the thread and closes the device; emits 'close' once. Safe to call again. */
  close(): void {
    const handle = this.handle;
    if (handle === undefined) return;
    this.lastStats = this.native.stats(handle);
    this.handle = undefined;
    this.native.close(handle);
    this.emit('close');
  }

  /** Test hook: the next `times` device reads or writes fail with `errno` (e.g. os.constants.errno.ENODEV). */
  injectFault(errno: number, times = 1): void {
    if (this.handle !== undefined) this.native.inject(this.handle, errno, times);
  }

  private onNative(kind: number, a: unknown, b: unknown): void {
    if (this.handle === undefined) return;
    if (kind === EV_FRAMES && a instanceof Int16Array) {
      this.emit('frames', a);
    } else if (kind === EV_XRUN) {
      this.emit('xrun');
    } else if (kind === EV_ERROR) {
      const errno = typeof a === 'number' ? a : 0;
      const err = new AlsaError(typeof b === 'string' ? b : 'ALSA I/O failed', errnoName(errno), errno, this.device);
      this.lastStats = this.native.stats(this.handle);
      const handle = this.handle;
      this.handle = undefined;
      this.native.close(handle);
      if (this.listenerCount('error') > 0) this.emit('error', err);
      else process.emitWarning(err);
      this.emit('close');
    }
  }
}
