/**
 * MediaBridge: the audio path of one call between one line's AudioPort and one
 * RtpMediaSession (DESIGN §4: the port is clocked by its device, the network
 * side by packet arrival).
 *
 * The bridge has no timer of its own: everything happens in the port's onFrame
 * callback, once per 20 ms frame, so the audio device's clock paces both
 * directions. Per frame:
 *
 * Send (line → network), send-path.ts and line-dtmf.ts:
 *   captured frame → echo canceller (far end: the frame the bridge last wrote
 *   to the port) → tx gain → DTMF handling per dtmfMode (detect digits dialled
 *   on the line: RFC 4733 events or an 'line-digit' event, the tone muted; or
 *   leave the tone in-band; or replace the audio by a tone from `sendDigit`)
 *   → encode and packetise at ptimeMs → session.send with the bridge's own
 *   timestamps (random start, advancing through hold; marker bit on the first
 *   packet after a gap). Nothing is sent while our direction is recvonly or
 *   inactive, or while the remote holds us.
 *
 * Receive (network → line), receive-path.ts:
 *   session.onPacket → by payload type: the negotiated audio codec → jitter
 *   buffer; telephone-event → TelephoneEventReceiver, whose digits are emitted
 *   once each as 'digit' (the bridge does not play them toward the line:
 *   whoever owns the line decides); CN (RFC 3389) → comfort-noise level. Then,
 *   per frame: jitter buffer → decode → G.711 Appendix I PLC (for every codec,
 *   on 8 kHz linear) → rx gain → port.write, kept as the echo canceller's far
 *   end. In 'inband' mode the played audio is also scanned for DTMF, reported
 *   as 'digit' with source 'inband' (the tone itself plays on).
 *
 * `stats()` gathers the codec, packet counts, the jitter buffer's figures, loss,
 * jitter, the far end's RTT, an E-model MOS (mos.ts: loss %, jitter-buffer
 * delay + RTT/2, codec) and the audio levels both ways in dBm0.
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { AudioPort } from '../../audio/port/audio-port.js';
import { EchoCanceller, type EchoCancellerStats } from '../../audio/echo/index.js';
import { applyGain } from '../../audio/dsp/gain.js';
import { LevelMeter } from '../../audio/dsp/meter.js';
import { DtmfDetector } from '../../audio/dtmf/index.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { AudioCodecName, MediaDirection, NegotiatedMedia } from '../sip/sdp/types.js';
import type { JitterBufferStats } from './jitter-buffer.js';
import { LineDtmf, type DtmfMode, type LineDtmfStats } from './line-dtmf.js';
import { estimateMos } from './mos.js';
import type { RtpPacket } from './packet.js';
import { ReceivePath, type ReceivePathStats } from './receive-path.js';
import { SendPath, maySend, type SendPathStats } from './send-path.js';
import { TelephoneEventReceiver } from './telephone-event.js';
import type { RtpMediaSession } from './types.js';

export type { DtmfMode } from './line-dtmf.js';

export interface MediaBridgeOptions {
  port: AudioPort;
  session: RtpMediaSession;
  media: NegotiatedMedia;
  clock: Clock;
  log: Logger;
  dtmfMode: DtmfMode;
  /** Line echo canceller on the captured audio (default true). */
  echoCanceller?: boolean;
  /** Gain on the audio sent to the network, dB (default 0). */
  txGainDb?: number;
  /** Gain on the audio played toward the line, dB (default 0). */
  rxGainDb?: number;
  jitter?: { minDelayMs?: number; maxDelayMs?: number };
}

export interface MediaBridgeEvents {
  /** A digit from the network side (RFC 4733 event, or a tone in the received audio in 'inband' mode), once per digit. */
  digit: [{ digit: string; source: 'rfc4733' | 'inband' }];
  /** A digit dialled on the line, in 'info' mode: the SIP layer sends it as INFO. */
  'line-digit': [{ digit: string }];
}

/** Reported for digital silence (a level meter would say −Infinity). */
export const SILENCE_DBM0 = -99;

export interface MediaStats {
  codec: AudioCodecName;
  payloadType: number;
  ptimeMs: number;
  direction: MediaDirection;
  onHold: boolean;
  /** Audio packets go out (direction and hold allow it). */
  sending: boolean;
  dtmfMode: DtmfMode;
  /** Frames processed (port ticks seen). */
  frames: number;
  sent: SendPathStats;
  received: Omit<ReceivePathStats, 'jitterBuffer'> & { eventPackets: number; ignoredPackets: number };
  jitterBuffer: JitterBufferStats;
  /** Receive loss in percent: RTP-level loss plus late discards, see `lossPercent()` in the source. */
  lossPercent: number;
  /** Interarrival jitter of the received stream (RFC 3550 §A.8), ms. */
  jitterMs: number;
  /** Round-trip time from the far end's last receiver report, ms. */
  rttMs?: number;
  /** The one-way delay the MOS estimate assumes: jitter-buffer delay + RTT/2, ms. */
  oneWayDelayMs: number;
  mos: number;
  /** Level of the audio sent (after gain, muting and tones), dBm0 over the last 100 ms. */
  txLevelDbm0: number;
  /** Level of the audio played toward the line, dBm0 over the last 100 ms. */
  rxLevelDbm0: number;
  dtmf: LineDtmfStats;
  echo?: EchoCancellerStats;
  /** Exceptions caught in the frame or packet handlers. */
  errors: number;
}

export class MediaBridge extends EventEmitter<MediaBridgeEvents> {
  private readonly port: AudioPort;
  private readonly session: RtpMediaSession;
  private readonly log: Logger;
  private readonly dtmfMode: DtmfMode;
  private readonly txGainDb: number;
  private readonly echo: EchoCanceller | undefined;
  private readonly send: SendPath;
  private readonly rx: ReceivePath;
  private readonly lineDtmf: LineDtmf;
  private readonly events: TelephoneEventReceiver;
  private readonly rxDetector: DtmfDetector | undefined;
  private readonly txMeter = new LevelMeter();
  private readonly rxMeter = new LevelMeter();
  private media: NegotiatedMedia;
  private lastWritten: Int16Array;
  private readonly unsubscribe: (() => void)[] = [];
  private closed = false;
  private counts = { frames: 0, eventPackets: 0, ignoredPackets: 0, errors: 0 };

  constructor(opts: MediaBridgeOptions) {
    super();
    this.port = opts.port;
    this.session = opts.session;
    this.media = opts.media;
    this.log = opts.log.child({ component: 'media-bridge' });
    this.dtmfMode = opts.dtmfMode;
    this.txGainDb = opts.txGainDb ?? 0;
    this.lastWritten = new Int16Array(this.port.frameSamples);
    this.send = new SendPath(opts.session, opts.media, randomInt(0, 2 ** 32), this.log);
    this.rx = new ReceivePath({
      clock: opts.clock,
      codec: opts.media.codec,
      ...(opts.rxGainDb !== undefined ? { rxGainDb: opts.rxGainDb } : {}),
      ...(opts.jitter !== undefined ? { jitter: opts.jitter } : {}),
    });
    this.echo = (opts.echoCanceller ?? true) ? new EchoCanceller() : undefined;
    this.lineDtmf = new LineDtmf({ mode: opts.dtmfMode, log: this.log, onLineDigit: (digit) => this.emit('line-digit', { digit }) });
    this.lineDtmf.setTelephoneEvent(opts.media.telephoneEvent !== undefined);
    this.events = new TelephoneEventReceiver({ clockRate: opts.media.codec.rtpClockRate, clock: opts.clock });
    this.events.on('digit', (d) => {
      if (d.phase === 'start') this.emit('digit', { digit: d.digit, source: 'rfc4733' });
    });
    this.rxDetector = opts.dtmfMode === 'inband' ? new DtmfDetector() : undefined;
    if (this.port.sampleRate !== 8000 || this.port.frameSamples !== 160) {
      this.log.warn('audio port is not 8 kHz / 20 ms: the bridge assumes it is', { sampleRate: this.port.sampleRate, frameSamples: this.port.frameSamples });
    }
    this.session.setSending(maySend(opts.media));
    this.unsubscribe.push(this.port.onFrame((f) => this.onFrame(f)));
    this.unsubscribe.push(this.session.onPacket((p) => this.onPacket(p)));
    this.log.debug('media bridge started', { codec: opts.media.codec.name, ptimeMs: opts.media.ptimeMs, direction: opts.media.direction, dtmfMode: opts.dtmfMode });
  }

  /** New negotiated media after a re-INVITE: hold, resume, codec or ptime change. Timestamps run on. */
  update(media: NegotiatedMedia): void {
    if (this.closed) return;
    const before = this.media;
    this.send.setMedia(media);
    this.rx.setCodec(media.codec);
    this.lineDtmf.setTelephoneEvent(media.telephoneEvent !== undefined);
    this.media = media;
    this.session.setSending(maySend(media));
    this.log.info('media updated', {
      codec: media.codec.name,
      previousCodec: before.codec.name,
      ptimeMs: media.ptimeMs,
      direction: media.direction,
      onHold: media.onHold,
    });
  }

  /**
   * Sends a digit toward the network per dtmfMode: 'rfc4733' (when negotiated)
   * as RFC 4733 events; 'inband' (or rfc4733 not negotiated) as tone samples
   * replacing the line audio for `durationMs`; 'info' does nothing here — the
   * SIP layer sends INFO. Digits queue behind one another. Throws
   * DialtoneError('invalid_digit') for anything but 0-9 * # A-D.
   */
  sendDigit(digit: string, durationMs = 100): void {
    this.lineDtmf.sendDigit(digit, durationMs);
  }

  stats(): MediaStats {
    const rx = this.rx.stats();
    const { jitterBuffer, ...received } = rx;
    const session = this.session.stats();
    const rttMs = session.remoteReport?.rttMs;
    const lossPercent = this.lossPercent(jitterBuffer, session.received);
    const oneWayDelayMs = jitterBuffer.currentDelayMs + (rttMs ?? 0) / 2;
    return {
      codec: this.media.codec.name,
      payloadType: this.media.codec.payloadType,
      ptimeMs: this.send.ptimeMs,
      direction: this.media.direction,
      onHold: this.media.onHold,
      sending: this.send.sending,
      dtmfMode: this.dtmfMode,
      frames: this.counts.frames,
      sent: this.send.stats(),
      received: { ...received, eventPackets: this.counts.eventPackets, ignoredPackets: this.counts.ignoredPackets },
      jitterBuffer,
      lossPercent,
      jitterMs: jitterBuffer.jitterMs,
      ...(rttMs !== undefined ? { rttMs } : {}),
      oneWayDelayMs,
      mos: estimateMos({ oneWayDelayMs: Math.max(0, oneWayDelayMs), packetLossPercent: lossPercent, codec: this.media.codec.name }),
      txLevelDbm0: Math.max(SILENCE_DBM0, this.txMeter.rmsDbm0),
      rxLevelDbm0: Math.max(SILENCE_DBM0, this.rxMeter.rmsDbm0),
      dtmf: this.lineDtmf.stats(),
      ...(this.echo !== undefined ? { echo: this.echo.stats() } : {}),
      errors: this.counts.errors,
    };
  }

  /** Detaches from the port and the session (neither is closed: they belong to the caller). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const off of this.unsubscribe) off();
    this.unsubscribe.length = 0;
    this.events.dispose();
    this.log.debug('media bridge closed');
  }

  /**
   * Loss in percent for the MOS: the session's RTP-level loss (RFC 3550 §A.3,
   * which counts telephone-event and CN packets as received, as they are) plus
   * the jitter buffer's late discards. Without session figures, the jitter
   * buffer's own count — which also counts sequence numbers used by CN or
   * event packets as lost, hence not the first choice.
   */
  private lossPercent(jb: JitterBufferStats, src: { expected: number; cumulativeLost: number; duplicates: number } | undefined): number {
    let pct = 0;
    if (src !== undefined && src.expected > 0) {
      // RFC 3550 A.3 counts duplicates as received, so its "lost" hides one loss per duplicate: add them back.
      pct = (100 * (Math.max(0, src.cumulativeLost + src.duplicates) + jb.late)) / src.expected;
    } else if (jb.played + jb.lost > 0) {
      pct = (100 * jb.lost) / (jb.played + jb.lost);
    }
    return Math.min(100, Math.max(0, pct));
  }

  private onPacket(p: RtpPacket): void {
    if (this.closed) return;
    try {
      const dir = this.media.direction;
      if (dir !== 'sendrecv' && dir !== 'recvonly') {
        this.counts.ignoredPackets++;
        return;
      }
      const te = this.media.telephoneEvent;
      if (p.payloadType === this.media.codec.payloadType) {
        this.rx.putAudio(p);
      } else if (te !== undefined && p.payloadType === te.payloadType) {
        this.counts.eventPackets++;
        this.rx.notePause();
        this.events.receive(p);
      } else if (this.media.comfortNoisePt !== undefined && p.payloadType === this.media.comfortNoisePt) {
        if (!this.rx.putComfortNoise(p)) this.counts.ignoredPackets++;
      } else {
        this.counts.ignoredPackets++;
      }
    } catch (err) {
      this.fail('packet', err);
    }
  }

  private onFrame(captured: Int16Array): void {
    if (this.closed) return;
    this.counts.frames++;
    try {
      this.sendFrame(captured);
    } catch (err) {
      this.fail('send', err);
    }
    try {
      this.receiveFrame();
    } catch (err) {
      this.fail('receive', err);
    }
  }

  private sendFrame(captured: Int16Array): void {
    let near = captured;
    if (this.echo !== undefined && this.lastWritten.length === captured.length) near = this.echo.process(this.lastWritten, captured);
    if (this.txGainDb !== 0) near = applyGain(near, this.txGainDb);
    const { audio, events } = this.lineDtmf.process(near, this.send.frameTimestamp);
    this.send.sendEvents(events);
    this.send.push(audio);
    this.txMeter.push(audio);
  }

  private receiveFrame(): void {
    const out = this.rx.frame();
    if (this.rxDetector !== undefined) {
      for (const e of this.rxDetector.process(out)) if (e.type === 'start') this.emit('digit', { digit: e.digit, source: 'inband' });
    }
    this.port.write(out);
    this.lastWritten = out;
    this.rxMeter.push(out);
  }

  private fail(where: string, err: unknown): void {
    this.counts.errors++;
    // The first failure, then one in a thousand, so a broken frame path cannot flood the log.
    if (this.counts.errors === 1 || this.counts.errors % 1000 === 0) {
      this.log.error('media bridge error', { where, errors: this.counts.errors, err: err instanceof Error ? err.message : String(err) });
    }
  }
}
