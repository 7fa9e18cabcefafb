/**
 * The media bridge's send side: one 20 ms frame of 8 kHz audio in per tick of
 * the audio port, RTP packets of `ptimeMs` out through the RtpMediaSession.
 *
 * Timestamps belong to this object, not to the session (the session fills in
 * SSRC and sequence number only). They start at a random value (RFC 3550
 * §5.1) and advance by the samples of every packet interval whether or not a
 * packet is sent — while the stream is on hold, inactive or recvonly — so the
 * timeline survives hold/resume and codec or ptime changes, and RFC 4733 events
 * share it. The first packet after a stretch without packets (and the very
 * first packet) carries the marker bit: the start of a talkspurt (RFC 3551
 * §4.1). Every codec here has an 8000 Hz RTP clock (G.722 included, RFC 3551
 * §4.5.2), so one 8 kHz sample is one timestamp unit.
 *
 * Packetisation: frames are appended to a small buffer and cut into packets of
 * ptimeMs (10 ms: two packets per frame; 30 ms: one packet on two frames out of
 * three; 40 ms: one on every second frame). Any whole number of milliseconds
 * from 10 to 120 works the same way.
 */
import type { Logger } from '../log.js';
import type { NegotiatedMedia } from '../sip/sdp/types.js';
import { BRIDGE_RATE, createEncoder, type MediaEncoder } from './codec.js';
import type { TelephoneEventFrame } from './telephone-event.js';
import type { RtpMediaSession } from './types.js';

const MIN_PTIME_MS = 10;
const MAX_PTIME_MS = 120;
const DEFAULT_PTIME_MS = 20;

export interface SendPathStats {
  /** Audio packets handed to the session. */
  packetsSent: number;
  /** Audio payload octets handed to the session. */
  octetsSent: number;
  /** RFC 4733 packets handed to the session (redundant end packets included). */
  eventPacketsSent: number;
  /** Packet intervals that passed without a packet (hold, inactive, recvonly). */
  intervalsSkipped: number;
  /** RTP timestamp of the next packet. */
  timestamp: number;
}

/** Whether our negotiated direction lets us send. */
export function maySend(media: NegotiatedMedia): boolean {
  return (media.direction === 'sendrecv' || media.direction === 'sendonly') && !media.onHold;
}

export class SendPath {
  private media: NegotiatedMedia;
  private encoder: MediaEncoder;
  private ptimeSamples = 0;
  private pending = new Int16Array(0);
  private pendingLength = 0;
  /** RTP timestamp of pending[0]. */
  private ts: number;
  /** No packet was sent in the last interval: the next one starts a talkspurt. */
  private gap = true;
  private counts = { packetsSent: 0, octetsSent: 0, eventPacketsSent: 0, intervalsSkipped: 0 };

  constructor(
    private readonly session: RtpMediaSession,
    media: NegotiatedMedia,
    initialTimestamp: number,
    private readonly log: Logger,
  ) {
    this.media = media;
    this.encoder = createEncoder(media.codec);
    this.ts = initialTimestamp >>> 0;
    this.setPtime(media.ptimeMs);
  }

  get sending(): boolean {
    return maySend(this.media);
  }

  get ptimeMs(): number {
    return (this.ptimeSamples * 1000) / BRIDGE_RATE;
  }

  /** RTP timestamp of the first sample of the next frame pushed. */
  get frameTimestamp(): number {
    return (this.ts + this.pendingLength) >>> 0;
  }

  /** New negotiated media (re-INVITE): codec, ptime and direction; the timeline goes on. */
  setMedia(media: NegotiatedMedia): void {
    if (media.codec.name !== this.media.codec.name) this.encoder = createEncoder(media.codec);
    this.media = media;
    this.setPtime(media.ptimeMs);
  }

  /** One frame toward the network; sends every packet it completes. */
  push(frame: Int16Array): void {
    this.append(frame);
    const n = this.ptimeSamples;
    let offset = 0;
    while (this.pendingLength - offset >= n) {
      const chunk = this.pending.subarray(offset, offset + n);
      if (this.sending) {
        const payload = this.encoder.encode(chunk);
        this.session.send({ payloadType: this.media.codec.payloadType, payload, timestamp: this.ts, marker: this.gap });
        this.counts.packetsSent++;
        this.counts.octetsSent += payload.length;
        this.gap = false;
      } else {
        this.counts.intervalsSkipped++;
        this.gap = true;
      }
      this.ts = (this.ts + n) >>> 0;
      offset += n;
    }
    if (offset > 0) {
      this.pending.copyWithin(0, offset, this.pendingLength);
      this.pendingLength -= offset;
    }
  }

  /** RFC 4733 packets, sent with the negotiated telephone-event payload type (dropped when not sending or not negotiated). */
  sendEvents(frames: readonly TelephoneEventFrame[]): void {
    const te = this.media.telephoneEvent;
    if (te === undefined || !this.sending) return;
    for (const f of frames) {
      this.session.send({ payloadType: te.payloadType, payload: f.payload, timestamp: f.timestamp, marker: f.marker });
      this.counts.eventPacketsSent++;
    }
  }

  stats(): SendPathStats {
    return { ...this.counts, timestamp: this.ts };
  }

  private setPtime(ms: number): void {
    let ptime = ms;
    if (!Number.isInteger(ms) || ms < MIN_PTIME_MS || ms > MAX_PTIME_MS) {
      this.log.warn('unsupported ptime, sending 20 ms packets', { ptimeMs: ms });
      ptime = DEFAULT_PTIME_MS;
    }
    this.ptimeSamples = (ptime * BRIDGE_RATE) / 1000;
  }

  private append(frame: Int16Array): void {
    const need = this.pendingLength + frame.length;
    if (need > this.pending.length) {
      const bigger = new Int16Array(Math.max(need, this.ptimeSamples + frame.length));
      bigger.set(this.pending.subarray(0, this.pendingLength));
      this.pending = bigger;
    }
    this.pending.set(frame, this.pendingLength);
    this.pendingLength = need;
  }
}
