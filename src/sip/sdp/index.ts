/**
 * SDP offer/answer for Dialtone's SIP sessions: one audio stream per analog call.
 * The SIP layer uses SdpSession and SDP bodies as strings; the RTP layer consumes
 * NegotiatedMedia. References: RFC 3264, RFC 4566, RFC 4733, RFC 3551.
 */

export { SdpSession, type SdpSessionOptions } from './session.js';
export {
  SdpError,
  type AudioCodecName,
  type CodecName,
  type LocalMediaCapabilities,
  type MediaDirection,
  type NegotiatedCodec,
  type NegotiatedMedia,
  type NegotiatedSrtp,
  type NegotiatedTelephoneEvent,
  type PtimeMs,
  type SdpErrorStatus,
  type SdpWarning,
  type SrtpPolicy,
} from './types.js';
