/**
 * The media bridge's receive side: RTP audio packets in, one 20 ms frame of
 * 8 kHz audio out per call of `frame()` (the bridge calls it once per tick of
 * the audio port, so the port's clock paces the jitter buffer).
 *
 * Per frame:
 * 1. `JitterBuffer.next()` (jitter-buffer.ts) says what to play: 'packet'
 *    (decode every packet handed over and append the samples to a small queue),
 *    'continue' (the queue already covers this frame), 'lost' (conceal) or
 *    'silence' (nothing is due).
 * 2. The frame is built in 10 ms units (the G.711 Appendix I unit): a unit the
 *    queue covers goes through `G711Plc.good`, a missing one is `lost()`
 *    (pitch-period repetition fading out over 60 ms), and in silence the unit is
 *    comfort noise at the last RFC 3389 level received (or digital silence when
 *    none was), also fed through `good` so that concealment fades into it and
 *    the PLC's fixed 3.75 ms delay stays the same for everything played. The PLC
 *    works on 8 kHz linear samples, so it conceals G.722 too (after the
 *    decoder's downsampling), even though G.722 has its own Appendix III/IV PLC.
 * 3. Receive gain.
 *
 * Comfort noise (RFC 3389 §4): a CN packet means the sender stopped sending
 * audio on purpose. Its level is remembered, and until the next audio packet
 * arrives a 'lost' from the jitter buffer (which cannot tell a pause from a
 * loss) is played as comfort noise instead of being concealed; 'silence' is
 * always comfort noise at the last level. The noise is white at the level only
 * (see comfort-noise.ts: spectral coefficients are not used).
 */
import { G711Plc } from '../../audio/g711/index.js';
import { applyGain } from '../../audio/dsp/gain.js';
import { FRAME_SAMPLES } from '../../audio/pcm.js';
import type { Clock } from '../clock.js';
import { createDecoder, BRIDGE_RATE, type MediaDecoder } from './codec.js';
import { ComfortNoiseGenerator, parseComfortNoise } from './comfort-noise.js';
import { JitterBuffer, type JitterBufferStats } from './jitter-buffer.js';
import type { RtpPacket } from './packet.js';
import type { NegotiatedCodec } from '../sip/sdp/types.js';

/** The G.711 Appendix I unit: 10 ms. */
const UNIT = 80;
/** Decoded samples held beyond this (1 s) are dropped: the jitter buffer never hands over that much. */
const MAX_QUEUED = BRIDGE_RATE;

export interface ReceivePathOptions {
  clock: Clock;
  codec: NegotiatedCodec;
  rxGainDb?: number;
  jitter?: { minDelayMs?: number; maxDelayMs?: number };
}

export interface ReceivePathStats {
  /** Audio packets given to the jitter buffer. */
  audioPackets: number;
  cnPackets: number;
  /** Last comfort-noise level received, dBov (absent before the first CN packet). */
  cnLevelDbov?: number;
  /** 10 ms units concealed by the PLC. */
  concealedUnits: number;
  /** 10 ms units of comfort noise or silence played while nothing was due. */
  silentUnits: number;
  jitterBuffer: JitterBufferStats;
}

/** A FIFO of decoded samples. */
class SampleQueue {
  private buf = new Int16Array(4 * FRAME_SAMPLES);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  push(samples: Int16Array): void {
    if (this.end + samples.length > this.buf.length) {
      // Slide the live samples to the front, growing the buffer if that is not enough.
      const live = this.length;
      if (live + samples.length > this.buf.length) {
        const bigger = new Int16Array(2 * (live + samples.length));
        bigger.set(this.buf.subarray(this.start, this.end));
        this.buf = bigger;
      } else {
        this.buf.copyWithin(0, this.start, this.end);
      }
      this.start = 0;
      this.end = live;
    }
    this.buf.set(samples, this.end);
    this.end += samples.length;
    if (this.length > MAX_QUEUED) this.start = this.end - MAX_QUEUED;
  }

  /** Takes `n` samples (the caller checked `length`). */
  take(n: number): Int16Array {
    const out = this.buf.slice(this.start, this.start + n);
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  clear(): void {
    this.start = this.end = 0;
  }
}

export class ReceivePath {
  private readonly jitter: JitterBuffer;
  private readonly plc = new G711Plc({ frameSamples: UNIT });
  private readonly cng = new ComfortNoiseGenerator();
  private readonly queue = new SampleQueue();
  private readonly rxGainDb: number;
  private decoder: MediaDecoder;
  private codec: NegotiatedCodec;
  /** A CN or event packet arrived after the last audio packet: the sender is (probably) in a pause. */
  private inCnPause = false;
  private cnLevelDbov: number | undefined;
  private counts = { audioPackets: 0, cnPackets: 0, concealedUnits: 0, silentUnits: 0 };

  constructor(opts: ReceivePathOptions) {
    this.codec = opts.codec;
    this.decoder = createDecoder(opts.codec);
    this.rxGainDb = opts.rxGainDb ?? 0;
    this.jitter = new JitterBuffer({
      clock: opts.clock,
      clockRate: opts.codec.rtpClockRate,
      frameMs: 20,
      ...(opts.jitter?.minDelayMs !== undefined ? { minDelayMs: opts.jitter.minDelayMs } : {}),
      ...(opts.jitter?.maxDelayMs !== undefined ? { maxDelayMs: opts.jitter.maxDelayMs } : {}),
    });
  }

  /** Output delay of the concealment stage, in samples (constant). */
  get plcDelaySamples(): number {
    return this.plc.delaySamples;
  }

  /**
   * A codec change (re-INVITE): packets of the new payload type are decoded with
   * a new decoder from now on. The jitter buffer keeps its timeline (the far
   * end's timestamps go on across a codec change); packets of the previous
   * payload type still buffered are concealed rather than decoded wrongly.
   */
  setCodec(codec: NegotiatedCodec): void {
    if (codec.name !== this.codec.name) this.decoder = createDecoder(codec);
    this.codec = codec;
  }

  /** An audio packet of the negotiated codec. */
  putAudio(packet: RtpPacket): void {
    this.counts.audioPackets++;
    this.inCnPause = false;
    this.jitter.put(packet);
  }

  /** An RFC 3389 comfort-noise packet; malformed payloads are ignored (returns false). */
  putComfortNoise(packet: RtpPacket): boolean {
    const cn = parseComfortNoise(packet.payload);
    if (!cn.ok) return false;
    this.counts.cnPackets++;
    this.cnLevelDbov = cn.value.levelDbov;
    this.cng.setLevel(cn.value.levelDbov);
    this.inCnPause = true;
    return true;
  }

  /**
   * An RFC 4733 event packet arrived: the sender may have stopped its audio for
   * the digit, so until audio resumes a missing frame is not concealed (which
   * would stretch a leaked start of the tone) but played as comfort noise or silence.
   */
  notePause(): void {
    this.inCnPause = true;
  }

  /** The next frame to play toward the line. */
  frame(): Int16Array {
    const out = this.jitter.next();
    if (out.kind === 'packet') {
      for (const p of out.packets) {
        if (p.payloadType !== this.codec.payloadType) continue; // a stale packet of a previous codec
        this.queue.push(this.decoder.decode(p.payload));
      }
    }
    const silence = out.kind === 'silence' || (out.kind === 'lost' && this.inCnPause);
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let u = 0; u < FRAME_SAMPLES; u += UNIT) {
      let unit: Int16Array;
      if (this.queue.length >= UNIT) {
        unit = this.plc.good(this.queue.take(UNIT));
      } else if (silence) {
        this.queue.clear();
        this.counts.silentUnits++;
        unit = this.plc.good(this.cnLevelDbov === undefined ? new Int16Array(UNIT) : this.cng.frame(UNIT));
      } else {
        this.queue.clear();
        this.counts.concealedUnits++;
        unit = this.plc.lost();
      }
      frame.set(unit, u);
    }
    return this.rxGainDb === 0 ? frame : applyGain(frame, this.rxGainDb, frame);
  }

  stats(): ReceivePathStats {
    return {
      ...this.counts,
      ...(this.cnLevelDbov !== undefined ? { cnLevelDbov: this.cnLevelDbov } : {}),
      jitterBuffer: this.jitter.stats(),
    };
  }
}
