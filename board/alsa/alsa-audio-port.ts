/**
 * `AlsaAudioPort`: the AudioPort (audio/port/audio-port.ts) of a hardware line,
 * over a sound card through audio/alsa's binding. Toward the line logic it is
 * 8 kHz mono, 160-sample frames; toward the card it runs the device at its
 * native rate (AudioDeviceSpec.rate, default 48000) and converts with
 * board/alsa/resampler.ts.
 *
 * Clocks: the capture stream is the port's clock. Captured periods are
 * down-mixed (stereo → mono), decimated to 8 kHz and cut into frames; each
 * frame is one tick: (1) play: the oldest queued frame (silence without one) is
 * interpolated to the device rate and written to the playback ring, with the
 * drift correction of playback-drift.ts (the playback device drains the ring at
 * its own clock); (2) capture: the frame goes to every listener. So a frame
 * written during a tick plays on a later one, as in ClockedAudioPort. The port
 * queue is bounded (maxQueuedFrames, oldest dropped).
 *
 * Faults: xruns are recovered by the binding; they are counted and logged
 * (at most one line per 10 s). An 'error' (AlsaError: ENODEV after a USB
 * unplug...) or a 'close' the port did not ask for on either stream closes both,
 * calls onLost(reason) once and makes the port inert: no frames, write() ignored.
 * close() is idempotent and never calls onLost.
 */
import type { EventEmitter } from 'node:events';
import { AlsaPcm, type AlsaError, type AlsaPcmEvents, type AlsaPcmOptions, type AlsaPcmStats } from '../../audio/alsa/alsa-pcm.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../../audio/pcm.js';
import type { AudioPort } from '../../audio/port/audio-port.js';
import type { Logger } from '../../src/log.js';
import type { AudioDeviceSpec } from '../profiles/profile-types.js';
import { PlaybackDrift, Varispeed, type PlaybackDriftStats } from './playback-drift.js';
import { createRateConverter, type RateConverter } from './resampler.js';
import { PortFrames } from '../../audio/port/port-frames.js';

/** What the port needs of an AlsaPcm (AlsaPcm itself satisfies it; tests pass fakes). */
export interface PcmStream extends Pick<EventEmitter<AlsaPcmEvents>, 'on' | 'off'> {
  readonly rate: number;
  readonly channels: 1 | 2;
  readonly periodFrames: number;
  /** The device buffer, frames. */
  readonly bufferFrames: number;
  write(samples: Int16Array): number;
  stats(): AlsaPcmStats;
  close(): void;
}

export type PcmOpener = (opts: AlsaPcmOptions) => PcmStream;

export interface AlsaAudioPortTuning {
  /** Capture period (default 20 ms: one frame per period). */
  readonly capturePeriodMs?: number;
  /** Playback period (default 10 ms). */
  readonly playbackPeriodMs?: number;
  /** Periods in each device buffer (default 4). */
  readonly periods?: number;
  /** Port queue of frames written and not yet played (default 10 = 200 ms). */
  readonly maxQueuedFrames?: number;
  /** Playback ring watermarks (defaults 20 / 25 / 35 ms; skip above highMs + 25 ms); see playback-drift.ts. */
  readonly lowMs?: number;
  readonly targetMs?: number;
  readonly highMs?: number;
  readonly skipAboveMs?: number;
  /** For ALSA's software PCMs in tests (null, file): pace the I/O threads. */
  readonly pace?: boolean;
}

export interface AlsaAudioPortOptions {
  readonly spec: AudioDeviceSpec;
  readonly log: Logger;
  /** The device went away (USB sound card unplugged) or failed for good: the port reports "hardware fault: <reason>". */
  readonly onLost: (reason: string) => void;
  /** For tests: open functions (default AlsaPcm.openCapture / openPlayback). */
  readonly open?: { readonly capture: PcmOpener; readonly playback: PcmOpener };
  readonly tuning?: AlsaAudioPortTuning;
}

export interface AlsaAudioPortStats {
  readonly device: string;
  readonly nativeRate: number;
  /** Frames captured and handed to listeners (= ticks). */
  readonly captured: number;
  /** Queued frames played; ticks that played silence; frames dropped from a full port queue. */
  readonly played: number;
  readonly silentTicks: number;
  readonly dropped: number;
  readonly queuedFrames: number;
  /** The playback ring and its drift corrections. */
  readonly playback: PlaybackDriftStats & { readonly fillMs: number; readonly smoothedFillMs: number };
  /** Xruns recovered by the binding, per direction. */
  readonly xruns: { readonly capture: number; readonly playback: number };
  /** Samples the playback ring refused (full): 0 unless the watermarks are set beyond its size. */
  readonly ringOverflowSamples: number;
  /** Playback periods the binding padded with silence; capture periods dropped because the event loop was late. */
  readonly deviceUnderruns: number;
  readonly captureDroppedFrames: number;
  /** Exceptions thrown by listeners. */
  readonly listenerErrors: number;
  /** Why the device was lost, once it was. */
  readonly lost: string | undefined;
}

const XRUN_LOG_TICKS = 500; // 10 s of frames

export class AlsaAudioPort implements AudioPort {
  readonly sampleRate = SAMPLE_RATE;
  readonly frameSamples = FRAME_SAMPLES;
  readonly device: string;
  readonly nativeRate: number;
  private readonly log: Logger;
  private readonly onLost: (reason: string) => void;
  private capture: PcmStream | undefined;
  private playback: PcmStream | undefined;
  private readonly down: RateConverter;
  private readonly up: RateConverter;
  private readonly varispeed = new Varispeed();
  private readonly drift: PlaybackDrift;
  private readonly frames: PortFrames;
  /** 8 kHz samples captured and not yet a whole frame. */
  private pending = new Int16Array(0);
  private closing = false;
  private lostReason: string | undefined;
  private lastUnderruns = 0;
  private lastXrunLogTick = -XRUN_LOG_TICKS;
  /** The streams' counters at close, for stats() afterwards. */
  private lastStats: { capture?: AlsaPcmStats; playback?: AlsaPcmStats } = {};
  private counts = { captured: 0, played: 0, silentTicks: 0, listenerErrors: 0, captureXruns: 0, playbackXruns: 0, writeShortfall: 0 };

  /** Opens the device both ways; throws (an AlsaError) when ALSA refuses, with nothing left open. */
  constructor(opts: AlsaAudioPortOptions) {
    this.device = opts.spec.device;
    const rate = opts.spec.rate ?? 48000;
    this.log = opts.log.child({ audio: this.device });
    this.onLost = opts.onLost;
    const t = opts.tuning ?? {};
    this.frames = new PortFrames(FRAME_SAMPLES, t.maxQueuedFrames ?? 10);
    const open = opts.open ?? { capture: (o: AlsaPcmOptions) => AlsaPcm.openCapture(o), playback: (o: AlsaPcmOptions) => AlsaPcm.openPlayback(o) };
    const base = { device: this.device, rate, channels: 1 as const, periods: t.periods ?? 4, ...(t.pace === undefined ? {} : { pace: t.pace }) };
    const capture = open.capture({ ...base, periodFrames: Math.round((rate * (t.capturePeriodMs ?? 20)) / 1000), queuePeriods: 8 });
    let playback: PcmStream;
    try {
      // Ring: room for the skip threshold plus a primed block, in playback periods.
      const periodMs = t.playbackPeriodMs ?? 10;
      const queuePeriods = Math.max(8, Math.ceil(((t.skipAboveMs ?? (t.highMs ?? 35) + 25) + 3 * 20) / periodMs));
      playback = open.playback({ ...base, periodFrames: Math.round((rate * periodMs) / 1000), queuePeriods });
    } catch (err) {
      capture.close();
      throw err;
    }
    this.capture = capture;
    this.playback = playback;
    // The devices may grant other rates than asked: convert from what they run at.
    this.nativeRate = capture.rate;
    this.down = createRateConverter(capture.rate, SAMPLE_RATE);
    this.up = createRateConverter(SAMPLE_RATE, playback.rate);
    this.drift = new PlaybackDrift({
      rate: playback.rate,
      blockFrames: Math.round((playback.rate * FRAME_SAMPLES) / SAMPLE_RATE),
      lowMs: t.lowMs, targetMs: t.targetMs, highMs: t.highMs, skipAboveMs: t.skipAboveMs,
      // The first prime also covers the device buffer, which the binding fills from the ring at once when
      // it starts (a paced software PCM instead takes a period at a time: nothing extra).
      startFrames: t.pace === true ? 0 : playback.bufferFrames,
    });
    capture.on('frames', (pcm) => this.onCaptured(pcm));
    for (const [name, s] of [['capture', capture], ['playback', playback]] as const) {
      s.on('xrun', () => this.onXrun(name));
      s.on('error', (err) => this.lose(`${name}: ${describe(err)}`));
      s.on('close', () => this.lose(`${name} stream closed`));
    }
    this.log.info('audio port open', { rate, captureRate: capture.rate, playbackRate: playback.rate, converters: [this.down.kind, this.up.kind] });
  }

  get queuedFrames(): number {
    return this.frames.queued;
  }

  /** True once closed or lost. */
  get closed(): boolean {
    return this.capture === undefined;
  }

  onFrame(listener: (captured: Int16Array) => void): () => void {
    if (this.closed) return () => {};
    return this.frames.onFrame(listener);
  }

  write(frame: Int16Array): void {
    if (!this.closed) this.frames.write(frame);
  }

  close(): void {
    if (this.closing) return;
    this.shutdown();
    this.log.info('audio port closed');
  }

  stats(): AlsaAudioPortStats {
    const cap = this.capture?.stats() ?? this.lastStats.capture;
    const pb = this.playback?.stats() ?? this.lastStats.playback;
    const d = this.drift.stats();
    const ms = (frames: number): number => (frames * 1000) / (this.playbackRate || 1);
    return {
      device: this.device,
      nativeRate: this.nativeRate,
      captured: this.counts.captured,
      played: this.counts.played,
      silentTicks: this.counts.silentTicks,
      dropped: this.frames.dropped,
      queuedFrames: this.frames.queued,
      playback: { ...d, fillMs: ms(d.fillFrames), smoothedFillMs: ms(d.smoothedFillFrames) },
      xruns: { capture: this.counts.captureXruns, playback: this.counts.playbackXruns },
      deviceUnderruns: pb?.underruns ?? 0,
      captureDroppedFrames: cap?.droppedFrames ?? 0,
      listenerErrors: this.counts.listenerErrors,
      ringOverflowSamples: this.counts.writeShortfall,
      lost: this.lostReason,
    };
  }

  private get playbackRate(): number {
    return this.up.toRate;
  }

  private onCaptured(pcm: Int16Array): void {
    if (this.closed) return;
    const mono = this.capture?.channels === 2 ? downmix(pcm) : pcm;
    const got = this.down.process(mono);
    let all = got;
    if (this.pending.length > 0) {
      all = new Int16Array(this.pending.length + got.length);
      all.set(this.pending);
      all.set(got, this.pending.length);
    }
    let off = 0;
    for (; off + FRAME_SAMPLES <= all.length && !this.closed; off += FRAME_SAMPLES) this.tick(all.slice(off, off + FRAME_SAMPLES));
    this.pending = all.slice(off);
  }

  private tick(frame: Int16Array): void {
    this.play();
    if (this.closed) return;
    this.counts.captured++;
    this.frames.deliver(frame, (call) => {
      try {
        call();
      } catch (err) {
        this.counts.listenerErrors++;
        this.log.error('audio frame listener failed', { err: err instanceof Error ? err.message : String(err) });
      }
    });
  }

  private play(): void {
    const pb = this.playback;
    if (pb === undefined) return;
    const queued = this.frames.next();
    if (queued !== undefined) this.counts.played++;
    else this.counts.silentTicks++;
    const block = this.up.process(queued ?? new Int16Array(FRAME_SAMPLES));
    const st = pb.stats();
    const dry = st.underruns > this.lastUnderruns;
    this.lastUnderruns = st.underruns;
    const plan = this.drift.next(st.queuedFrames, dry);
    if (plan.skip) return; // the varispeed keeps its history; the skipped block is simply lost
    const out = this.varispeed.process(block, plan.delta);
    if (plan.primeFrames > 0) this.put(pb, new Int16Array(plan.primeFrames));
    this.put(pb, out);
  }

  private put(pb: PcmStream, mono: Int16Array): void {
    const samples = pb.channels === 2 ? upmix(mono) : mono;
    const taken = pb.write(samples);
    if (taken < samples.length) this.counts.writeShortfall += samples.length - taken;
  }

  private onXrun(direction: 'capture' | 'playback'): void {
    if (direction === 'capture') this.counts.captureXruns++;
    else this.counts.playbackXruns++;
    if (this.counts.captured - this.lastXrunLogTick >= XRUN_LOG_TICKS) {
      this.lastXrunLogTick = this.counts.captured;
      this.log.warn('audio xrun (recovered)', { direction, capture: this.counts.captureXruns, playback: this.counts.playbackXruns });
    }
  }

  /** The device failed for good: close everything, tell the owner once. */
  private lose(reason: string): void {
    if (this.closing) return;
    this.lostReason = reason;
    this.shutdown();
    this.log.error('audio device lost', { reason });
    try {
      this.onLost(reason);
    } catch (err) {
      this.log.error('onLost failed', { err: err instanceof Error ? err.message : String(err) });
    }
  }

  private shutdown(): void {
    this.closing = true;
    const { capture, playback } = this;
    this.capture = undefined;
    this.playback = undefined;
    this.frames.clear();
    for (const s of [capture, playback]) {
      if (s === undefined) continue;
      const last = s.stats();
      if (s === capture) this.lastStats.capture = last;
      else this.lastStats.playback = last;
      s.close(); // its 'close' event finds `closing` set
    }
  }
}

function describe(err: AlsaError): string {
  return `${err.code}: ${err.message}`;
}

/** Interleaved stereo → mono (the mean of both channels). */
export function downmix(stereo: Int16Array): Int16Array {
  const out = new Int16Array(stereo.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = ((stereo[2 * i] ?? 0) + (stereo[2 * i + 1] ?? 0)) >> 1;
  return out;
}

/** Mono → interleaved stereo (the same on both channels). */
export function upmix(mono: Int16Array): Int16Array {
  const out = new Int16Array(mono.length * 2);
  for (let i = 0; i < mono.length; i++) out[2 * i] = out[2 * i + 1] = mono[i] ?? 0;
  return out;
}
