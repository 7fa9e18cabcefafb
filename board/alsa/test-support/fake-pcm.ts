/**
 * Fake ALSA streams for the AlsaAudioPort tests: EventEmitters with the shape of
 * AlsaPcm (board/alsa/alsa-audio-port.ts `PcmStream`), driven by the test.
 *
 * - FakeCapture: the test calls `period(samples)` to deliver a captured period;
 *   `fail(err)` behaves like the binding on a fatal error ('error', then 'close').
 * - FakePlayback: write() fills a bounded ring like the binding's; the test calls
 *   `devicePeriod()` at the playback clock: it takes one period from the ring
 *   (padding with silence and counting an underrun when short) and keeps what
 *   was played (when `record` is set). Before the first period is taken, the
 *   device buffer is filled from the ring at once, as the binding does at start.
 */
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import { AlsaError, type AlsaPcmEvents, type AlsaPcmOptions, type AlsaPcmStats } from '../../../audio/alsa/alsa-pcm.js';
import type { PcmStream } from '../alsa-audio-port.js';

abstract class FakeStream extends EventEmitter<AlsaPcmEvents> implements PcmStream {
  readonly rate: number;
  readonly channels: 1 | 2;
  readonly periodFrames: number;
  readonly bufferFrames: number;
  readonly opts: AlsaPcmOptions;
  closed = false;
  closeCalls = 0;
  protected counters = { xruns: 0, droppedFrames: 0, underruns: 0, frames: 0 };

  constructor(opts: AlsaPcmOptions, grant: { rate?: number; channels?: 1 | 2; periodFrames?: number } = {}) {
    super();
    this.opts = opts;
    this.rate = grant.rate ?? opts.rate;
    this.channels = grant.channels ?? opts.channels;
    this.periodFrames = grant.periodFrames ?? opts.periodFrames;
    this.bufferFrames = this.periodFrames * opts.periods;
  }

  abstract write(samples: Int16Array): number;
  protected abstract queued(): number;

  stats(): AlsaPcmStats {
    return { ...this.counters, delayFrames: this.queued(), queuedFrames: this.queued(), threadCpuMs: 0 };
  }

  close(): void {
    this.closeCalls++;
    if (this.closed) return;
    this.closed = true;
    this.emit('close');
  }

  xrun(): void {
    this.counters.xruns++;
    this.emit('xrun');
  }

  /** Like the binding on a fatal error: closes, emits 'error' then 'close'. */
  fail(code: 'ENODEV' | 'EIO' = 'ENODEV'): void {
    if (this.closed) return;
    this.closed = true;
    const errno = constants.errno[code];
    this.emit('error', new AlsaError(`${this.opts.device}: ${code === 'ENODEV' ? 'No such device' : 'I/O error'}`, code, errno, this.opts.device));
    this.emit('close');
  }
}

export class FakeCapture extends FakeStream {
  write(): number {
    throw new TypeError('write() on a capture stream');
  }
  protected queued(): number {
    return 0;
  }
  /** Delivers one captured period (ignored once closed, as the binding does). */
  period(samples: Int16Array): void {
    if (this.closed) return;
    this.counters.frames += samples.length / this.channels;
    this.emit('frames', samples);
  }
}

export class FakePlayback extends FakeStream {
  /** Everything the device played (interleaved), when `record` is true. */
  readonly played: Int16Array[] = [];
  record = false;
  private ring: Int16Array;
  private head = 0;
  private len = 0;
  private started = false;
  private primed = false;

  constructor(opts: AlsaPcmOptions, grant: { rate?: number; channels?: 1 | 2; periodFrames?: number } = {}) {
    super(opts, grant);
    this.ring = new Int16Array((opts.queuePeriods ?? 8) * this.periodFrames * this.channels);
  }

  write(samples: Int16Array): number {
    if (this.closed) return 0;
    const n = Math.min(samples.length, this.ring.length - this.len);
    for (let i = 0; i < n; i++) this.ring[(this.head + this.len + i) % this.ring.length] = samples[i] ?? 0;
    this.len += n;
    if (this.len >= this.periodFrames * this.channels) this.started = true;
    return n;
  }

  protected queued(): number {
    return this.len / this.channels;
  }

  /** One period at the device clock (nothing before the stream started). */
  devicePeriod(): void {
    if (this.closed || !this.started) return;
    if (!this.primed) {
      this.primed = true;
      for (let i = 1; i < this.bufferFrames / this.periodFrames; i++) this.take(); // the device buffer fills first
    }
    this.take();
  }

  private take(): void {
    const want = this.periodFrames * this.channels;
    const n = Math.min(want, this.len);
    const out = new Int16Array(want);
    for (let i = 0; i < n; i++) out[i] = this.ring[(this.head + i) % this.ring.length] ?? 0;
    this.head = (this.head + n) % this.ring.length;
    this.len -= n;
    if (n < want) this.counters.underruns++;
    this.counters.frames += this.periodFrames;
    if (this.record) this.played.push(out);
  }
}

/** An `open` option for AlsaAudioPort that makes fakes and keeps them for the test. */
export function fakeOpeners(grant: { rate?: number; channels?: 1 | 2; capturePeriodFrames?: number } = {}): {
  open: { capture: (o: AlsaPcmOptions) => FakeCapture; playback: (o: AlsaPcmOptions) => FakePlayback };
  streams: { capture?: FakeCapture; playback?: FakePlayback };
} {
  const streams: { capture?: FakeCapture; playback?: FakePlayback } = {};
  const g = { ...(grant.rate === undefined ? {} : { rate: grant.rate }), ...(grant.channels === undefined ? {} : { channels: grant.channels }) };
  return {
    streams,
    open: {
      capture: (o) => (streams.capture = new FakeCapture(o, { ...g, ...(grant.capturePeriodFrames === undefined ? {} : { periodFrames: grant.capturePeriodFrames }) })),
      playback: (o) => (streams.playback = new FakePlayback(o, g)),
    },
  };
}
