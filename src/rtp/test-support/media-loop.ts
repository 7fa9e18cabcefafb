/**
 * Test support for the media bridges: an in-memory RtpMediaSession that records
 * what it is asked to send and lets a test inject received packets, two of
 * them wired back to back (optionally losing or delaying packets on the way),
 * audio ports on a virtual frame clock, and signal helpers (tone source,
 * sine-fit SNR).
 */
import type { Clock } from '../../clock.js';
import { ClockedAudioPort, VirtualFrameClock } from '../../../audio/port/audio-port.js';
import { fitAmplitude, fitSines, fitValue } from '../../../audio/tones/sine-fit.js';
import type { RtpPacket } from '../packet.js';
import type { OutgoingRtp, RtpEndpoint, RtpMediaSession, RtpSessionStats } from '../types.js';
import type { NegotiatedCodec, NegotiatedMedia } from '../../sip/sdp/types.js';

export const CODECS: Record<'PCMU' | 'PCMA' | 'G722', NegotiatedCodec> = {
  PCMU: { name: 'PCMU', payloadType: 0, clockRate: 8000, rtpClockRate: 8000 },
  PCMA: { name: 'PCMA', payloadType: 8, clockRate: 8000, rtpClockRate: 8000 },
  G722: { name: 'G722', payloadType: 9, clockRate: 16000, rtpClockRate: 8000 },
};

export function media(overrides: Partial<NegotiatedMedia> = {}): NegotiatedMedia {
  return {
    remoteAddress: '192.0.2.1',
    remotePort: 40000,
    codec: CODECS.PCMU,
    telephoneEvent: { payloadType: 101, events: '0-15' },
    ptimeMs: 20,
    direction: 'sendrecv',
    remoteDirection: 'sendrecv',
    onHold: false,
    ...overrides,
  };
}

export interface SentPacket extends OutgoingRtp {
  sequence: number;
  /** Clock time of the send call. */
  at: number;
}

/** An RtpMediaSession in memory: `sent` records every send, `inject` delivers a packet to the listeners. */
export class FakeMediaSession implements RtpMediaSession {
  readonly localPort = 50000;
  readonly sent: SentPacket[] = [];
  readonly sendingChanges: boolean[] = [];
  ssrc: number;
  private seq = 1000;
  private listeners: ((p: RtpPacket) => void)[] = [];
  /** Where sent packets go (see `connect`). */
  peer: ((p: RtpPacket) => void) | undefined;

  constructor(
    private readonly clock: Clock,
    ssrc = 0x1234,
  ) {
    this.ssrc = ssrc;
  }

  send(packet: OutgoingRtp): void {
    const sequence = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    this.sent.push({ ...packet, sequence, at: this.clock.now() });
    this.peer?.({
      marker: packet.marker ?? false,
      payloadType: packet.payloadType,
      sequence,
      timestamp: packet.timestamp,
      ssrc: this.ssrc,
      payload: Uint8Array.from(packet.payload),
    });
  }

  onPacket(listener: (packet: RtpPacket) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  inject(packet: RtpPacket): void {
    for (const l of this.listeners) l(packet);
  }

  setRemote(_remote: RtpEndpoint | undefined): void {}

  setSending(on: boolean): void {
    this.sendingChanges.push(on);
  }

  stats(): RtpSessionStats {
    return { localPort: this.localPort, latched: false, ssrc: this.ssrc, packetsSent: this.sent.length, octetsSent: 0, discarded: 0 };
  }

  async close(): Promise<void> {}
}

/**
 * Wires a's sends to b's listeners (one way). `drop(n)` decides the fate of the
 * n-th packet (0-based); `delayMs` holds each packet on the clock's timers.
 */
export function connect(a: FakeMediaSession, b: FakeMediaSession, clock: Clock, opts: { drop?: (n: number, p: RtpPacket) => boolean; delayMs?: number } = {}): void {
  let n = 0;
  a.peer = (p) => {
    if (opts.drop?.(n++, p) === true) return;
    if (opts.delayMs === undefined) b.inject(p);
    else clock.setTimer(opts.delayMs, () => b.inject(p));
  };
}

/** A continuous sine source, one frame per call. */
export function toneSource(freq: number, amplitude: number, frameSamples = 160): { source: () => Int16Array; on: boolean } {
  let n = 0;
  const state = {
    on: true,
    source: (): Int16Array => {
      const f = new Int16Array(frameSamples);
      for (let i = 0; i < frameSamples; i++, n++) f[i] = state.on ? Math.round(amplitude * Math.sin((2 * Math.PI * freq * n) / 8000)) : 0;
      return f;
    },
  };
  return state;
}

/** Plays `samples` once, then silence. */
export function clipSource(samples: Int16Array, frameSamples = 160): () => Int16Array {
  let pos = 0;
  return () => {
    const f = new Int16Array(frameSamples);
    f.set(samples.subarray(pos, Math.min(samples.length, pos + frameSamples)));
    pos += frameSamples;
    return f;
  };
}

/** A sink that keeps everything played. */
export class Recorder {
  private chunks: Int16Array[] = [];
  readonly sink = (f: Int16Array): void => {
    this.chunks.push(f.slice());
  };
  get samples(): Int16Array {
    const out = new Int16Array(this.chunks.length * 160);
    this.chunks.forEach((c, i) => out.set(c, i * 160));
    return out;
  }
  get frames(): number {
    return this.chunks.length;
  }
}

/** SNR in dB of a sine of `freq` in samples[start, end): the fitted sine against the residual. */
export function sineSnrDb(samples: ArrayLike<number>, start: number, end: number, freq: number, rate = 8000): { snrDb: number; amplitude: number } {
  const omegas = [(2 * Math.PI * freq) / rate];
  const fit = fitSines(samples, start, end, omegas);
  let noise = 0;
  for (let n = start; n < end; n++) {
    const e = (samples[n] ?? 0) - fitValue(fit, omegas, n);
    noise += e * e;
  }
  const amplitude = fitAmplitude(fit, 0);
  const signal = ((amplitude * amplitude) / 2) * (end - start);
  return { snrDb: 10 * Math.log10(signal / Math.max(noise, 1e-9)), amplitude };
}

/** Two audio ports on one virtual frame clock driven by `clock`. */
export function portPair(clock: Clock, sourceA?: () => Int16Array, sourceB?: () => Int16Array): {
  frameClock: VirtualFrameClock;
  a: ClockedAudioPort;
  b: ClockedAudioPort;
  heardA: Recorder;
  heardB: Recorder;
} {
  const frameClock = new VirtualFrameClock(clock);
  const heardA = new Recorder();
  const heardB = new Recorder();
  const a = new ClockedAudioPort({ clock: frameClock, sink: heardA.sink, ...(sourceA !== undefined ? { source: sourceA } : {}) });
  const b = new ClockedAudioPort({ clock: frameClock, sink: heardB.sink, ...(sourceB !== undefined ? { source: sourceB } : {}) });
  return { frameClock, a, b, heardA, heardB };
}

/** A line with a hybrid echo: the port captures what it played, 8 ms later and 10 dB down. */
export function echoingLine(): { sink: (f: Int16Array) => void; source: () => Int16Array } {
  const played: number[] = new Array<number>(64).fill(0);
  return {
    sink: (f) => played.push(...f),
    source: () => {
      const out = new Int16Array(160);
      for (let i = 0; i < 160; i++) out[i] = Math.round(0.316 * (played[i] ?? 0));
      played.splice(0, 160);
      return out;
    },
  };
}

/** Noise at about −15 dBm0, reproducible. */
export function noiseSource(): () => Int16Array {
  let s = 12345;
  return () => {
    const f = new Int16Array(160);
    for (let i = 0; i < 160; i++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      f[i] = Math.round(((s / 2147483648) * 2 - 1) * 4000);
    }
    return f;
  };
}
