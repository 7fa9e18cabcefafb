/**
 * The FXO port's AudioPort on a voice modem: 8 kHz frames of 160 samples made
 * from the modem's voice stream (µ-law, A-law, 8-bit unsigned or 16-bit
 * little-endian linear, per AT+VSM), and frames written toward the line sent as
 * DLE-escaped samples while the modem transmits.
 *
 * Clocking (audio-port.ts: the device owns the clock):
 * - receive / duplex: a frame is captured whenever 160 samples have come from
 *   the modem; in duplex one queued frame (or silence) is sent per frame
 *   captured, so writers that answer each captured frame keep pace.
 * - transmit (half duplex): the modem sends nothing back, so a Clock timer
 *   every 20 ms (absolute schedule, no drift) captures a silent frame and
 *   sends one queued frame (or silence), keeping the modem's buffer fed.
 * - none: nothing is captured; writes are dropped (the modem cannot play).
 */
import { aLawDecode, aLawEncode, A_LAW_SILENCE, muLawDecode, muLawEncode, MU_LAW_SILENCE } from '../../audio/g711/index.js';
import type { AudioPort } from '../../audio/port/audio-port.js';
import type { Clock, Timer } from '../../src/clock.js';
import type { SampleEncoding } from './at-responses.js';
import { dleEscape } from './dle-codec.js';
import type { StreamMode } from './modem-session.js';

export const FRAME_MS = 20;
const FRAME = 160;
/** Frames queued toward the line at most; older ones are dropped (a writer running ahead). */
const MAX_QUEUED = 10;

export interface ModemAudioPortOptions {
  readonly clock: Clock;
  /** Writes bytes (already DLE-escaped) to the modem. */
  readonly send: (bytes: Uint8Array) => void;
  /** Reports a listener's exception. */
  readonly onListenerError: (err: unknown) => void;
}

export class ModemAudioPort implements AudioPort {
  readonly sampleRate = 8000;
  readonly frameSamples = FRAME;
  private readonly clock: Clock;
  private readonly send: (bytes: Uint8Array) => void;
  private readonly onListenerError: (err: unknown) => void;
  private listeners: ((f: Int16Array) => void)[] = [];
  private readonly queue: Int16Array[] = [];
  private encoding: SampleEncoding = 'mulaw';
  private mode: StreamMode = 'none';
  private captured = new Int16Array(FRAME);
  private fill = 0;
  /** 16-bit PCM: the odd byte waiting for its partner. */
  private carry: number | undefined;
  private timer: Timer | undefined;
  private nextTickMs = 0;
  private closed = false;
  /** Frames sent to the modem and captured from it (for logs and tests). */
  framesSent = 0;
  framesCaptured = 0;

  constructor(opts: ModemAudioPortOptions) {
    this.clock = opts.clock;
    this.send = opts.send;
    this.onListenerError = opts.onListenerError;
  }

  get queuedFrames(): number {
    return this.queue.length;
  }

  get streamMode(): StreamMode {
    return this.mode;
  }

  onFrame(listener: (captured: Int16Array) => void): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  write(frame: Int16Array): void {
    if (this.closed || (this.mode !== 'transmit' && this.mode !== 'duplex')) return;
    const f = new Int16Array(FRAME);
    f.set(frame.subarray(0, FRAME));
    this.queue.push(f);
    while (this.queue.length > MAX_QUEUED) this.queue.shift();
  }

  /** The voice stream started or stopped (session actions), in `encoding`. */
  setStream(mode: StreamMode, encoding: SampleEncoding | undefined): void {
    if (this.closed) return;
    if (encoding !== undefined) this.encoding = encoding;
    this.mode = mode;
    this.fill = 0;
    this.carry = undefined;
    if (mode === 'none') this.queue.length = 0;
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
    if (mode === 'transmit') {
      this.nextTickMs = this.clock.now();
      this.tick();
    }
  }

  /** Sample bytes from the modem (DLE already removed). */
  received(bytes: Uint8Array): void {
    if (this.closed || (this.mode !== 'receive' && this.mode !== 'duplex')) return;
    for (const sample of this.decode(bytes)) {
      this.captured[this.fill++] = sample;
      if (this.fill === FRAME) {
        const frame = this.captured;
        this.captured = new Int16Array(FRAME);
        this.fill = 0;
        this.capture(frame);
        if (this.mode === 'duplex') this.sendFrame();
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.setStream('none', undefined);
    this.closed = true;
    this.listeners = [];
  }

  private tick(): void {
    this.timer = undefined;
    if (this.closed || this.mode !== 'transmit') return;
    this.capture(new Int16Array(FRAME));
    this.sendFrame();
    this.nextTickMs += FRAME_MS;
    this.timer = this.clock.setTimer(Math.max(0, this.nextTickMs - this.clock.now()), () => this.tick());
  }

  private capture(frame: Int16Array): void {
    this.framesCaptured++;
    for (const l of this.listeners) {
      try {
        l(frame.slice());
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  private sendFrame(): void {
    if (this.mode !== 'transmit' && this.mode !== 'duplex') return;
    const frame = this.queue.shift();
    this.framesSent++;
    this.send(dleEscape(frame === undefined ? this.silence() : this.encode(frame)));
  }

  private silence(): Uint8Array {
    switch (this.encoding) {
      case 'mulaw':
        return new Uint8Array(FRAME).fill(MU_LAW_SILENCE);
      case 'alaw':
        return new Uint8Array(FRAME).fill(A_LAW_SILENCE);
      case 'pcm8':
        return new Uint8Array(FRAME).fill(0x80);
      case 'pcm16':
        return new Uint8Array(FRAME * 2);
    }
  }

  private encode(frame: Int16Array): Uint8Array {
    switch (this.encoding) {
      case 'mulaw':
        return muLawEncode(frame);
      case 'alaw':
        return aLawEncode(frame);
      case 'pcm8':
        return Uint8Array.from(frame, (v) => (v >> 8) + 128);
      case 'pcm16': {
        const out = new Uint8Array(frame.length * 2);
        const view = new DataView(out.buffer);
        frame.forEach((v, i) => view.setInt16(2 * i, v, true));
        return out;
      }
    }
  }

  private decode(bytes: Uint8Array): Int16Array {
    switch (this.encoding) {
      case 'mulaw':
        return muLawDecode(bytes);
      case 'alaw':
        return aLawDecode(bytes);
      case 'pcm8':
        return Int16Array.from(bytes, (b) => (b - 128) << 8);
      case 'pcm16': {
        const all = this.carry === undefined ? bytes : Uint8Array.of(this.carry, ...bytes);
        const n = all.length >> 1;
        this.carry = all.length % 2 === 1 ? all[all.length - 1] : undefined;
        const out = new Int16Array(n);
        const view = new DataView(all.buffer, all.byteOffset, n * 2);
        for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, true);
        return out;
      }
    }
  }
}
