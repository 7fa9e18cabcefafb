/**
 * The SDP module's public vocabulary: what we can do (LocalMediaCapabilities), what an
 * offer/answer exchange settled on (NegotiatedMedia), and the typed failure (SdpError).
 *
 * The SIP layer only sees these types and SDP bodies as strings; the RTP layer only
 * sees NegotiatedMedia.
 *
 * References: RFC 3264 (offer/answer model), RFC 4566 (SDP), RFC 3551 (RTP/AVP static
 * payload types and clock rates), RFC 4733 (telephone-event).
 */

import { DialtoneError } from '../../errors.js';
import type { SrtpSuiteName } from '../../rtp/srtp/suites.js';

/** The codecs this firmware can carry. `telephone-event` is RFC 4733 DTMF, not audio. */
export type CodecName = 'PCMU' | 'PCMA' | 'G722' | 'telephone-event';

/** The audio codecs (everything but telephone-event). */
export type AudioCodecName = Exclude<CodecName, 'telephone-event'>;

/** RFC 3264 §5.1 / RFC 4566 §6 stream direction, always from the point of view of whoever wrote it. */
export type MediaDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

/** Packetisation intervals we can produce (ms). */
export type PtimeMs = 20 | 10 | 30 | 40;

export interface LocalMediaCapabilities {
  /** Our RTP address, IPv4 or IPv6 (an IPv6 literal without brackets). */
  address: string;
  /** Our RTP port (RTCP is port + 1). */
  port: number;
  /**
   * Audio codecs in preference order. `telephone-event` is added by this module when
   * `dtmf` is 'rfc4733'; listing it here has no other effect.
   */
  codecs: CodecName[];
  ptimeMs: PtimeMs;
  dtmf: 'rfc4733' | 'inband';
  /** Our wish for the stream (e.g. 'sendonly' while we hold the remote). */
  direction: MediaDirection;
  /** The s= line; defaults to "Dialtone". */
  sessionName?: string;
  /** Offer (and accept) RTP and RTCP on one port (RFC 5761). */
  rtcpMux?: boolean;
  /**
   * SRTP keyed by SDES (RFC 4568): 'off' (plain RTP/AVP only), 'accept' (offer plain, take
   * an RTP/SAVP offer), 'require' (offer RTP/SAVP, refuse plain). Default 'off'.
   */
  srtp?: SrtpPolicy;
  /** Offer comfort noise (RFC 3389, payload type 13) so a peer with silence suppression can send it. */
  comfortNoise?: boolean;
}

export type SrtpPolicy = 'off' | 'accept' | 'require';

/** The SRTP keys a call settled on: ours protect what we send, theirs what we receive. */
export interface NegotiatedSrtp {
  suite: SrtpSuiteName;
  send: { masterKey: Uint8Array; masterSalt: Uint8Array };
  receive: { masterKey: Uint8Array; masterSalt: Uint8Array };
}

export interface NegotiatedCodec {
  name: AudioCodecName;
  /** The payload type to put in the RTP header (the remote's number for this codec). */
  payloadType: number;
  /** The codec's sampling rate (16000 for G.722). */
  clockRate: number;
  /** The RTP timestamp rate: 8000 for G.722 too, per RFC 3551 §4.5.2. */
  rtpClockRate: number;
}

export interface NegotiatedTelephoneEvent {
  /** The dynamic payload type the remote declared for telephone-event. */
  payloadType: number;
  /** The events both sides support, as an RFC 4733 §7.1.1 list, e.g. "0-16" or "0-15". */
  events: string;
}

export interface NegotiatedMedia {
  /** Where to send RTP. 0.0.0.0 when the remote holds the RFC 2543 way (send nothing then). */
  remoteAddress: string;
  remotePort: number;
  /** Where to send RTCP: the remote's a=rtcp port (RFC 3605) or remotePort + 1. */
  rtcpPort?: number;
  codec: NegotiatedCodec;
  /** Present when both sides do RFC 4733 and we use it (dtmf 'rfc4733'). */
  telephoneEvent?: NegotiatedTelephoneEvent;
  /** The packetisation interval to send with: the remote's a=ptime, capped by its a=maxptime. */
  ptimeMs: number;
  /** OUR direction after negotiation: whether we may send and whether we should expect media. */
  direction: MediaDirection;
  /** The remote's direction, with c=0.0.0.0 counted as "does not receive" (RFC 3264 §8.4). */
  remoteDirection: MediaDirection;
  /** The remote put us on hold: a=sendonly / a=inactive, or c=0.0.0.0 (RFC 2543 hold). */
  onHold: boolean;
  /** Both sides agreed on RTP and RTCP on one port (RFC 5761). */
  rtcpMux?: boolean;
  /** Present when the stream is SRTP (RTP/SAVP with SDES keys). */
  srtp?: NegotiatedSrtp;
  /** The remote's comfort-noise payload type (RFC 3389), when both sides listed CN. */
  comfortNoisePt?: number;
}

export type SdpErrorStatus = 488 | 400;

/** The SIP Warning header (RFC 3261 §20.43) that best explains an SdpError. */
export interface SdpWarning {
  code: 304 | 305 | 399;
  text: string;
}

const REASONS: Record<SdpErrorStatus, string> = {
  488: 'Not Acceptable Here',
  400: 'Bad Request',
};

/**
 * A refused SDP body. Returned, never thrown: `status` and `reason` are the SIP response
 * to send (or, for an answer, why the call must be torn down); `message` says what was wrong.
 */
export class SdpError extends DialtoneError {
  readonly status: SdpErrorStatus;
  readonly reason: string;
  readonly warning: SdpWarning;

  constructor(status: SdpErrorStatus, message: string, warning?: SdpWarning) {
    super(status === 488 ? 'sdp_not_acceptable' : 'sdp_malformed', message, { status });
    this.status = status;
    this.reason = REASONS[status];
    this.warning = warning ?? { code: 399, text: message };
  }
}

/** RFC 3261 §20.43 warning codes used by this module. */
export const WARN_MEDIA_TYPE_NOT_AVAILABLE: SdpWarning = { code: 304, text: 'Media type not available' };
export const WARN_INCOMPATIBLE_MEDIA_FORMAT: SdpWarning = { code: 305, text: 'Incompatible media format' };
