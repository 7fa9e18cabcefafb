/**
 * Writing our m= sections: the audio section of an offer, the accepted audio section of
 * an answer, and the port-0 section that rejects a stream.
 *
 * RFC 3264 §5.1: the offer lists our formats in preference order with the direction; we
 * always write a=rtpmap, also for static types (RFC 4566 §6 allows leaving it out, but
 * peers match by name more reliably). RFC 3264 §6: an answer has one m= line per offered
 * one; a rejected stream has port 0 and keeps the offer's media type, transport and
 * formats (RFC 3264 §6 requires at least one format). RFC 3264 §6.1: the accepted stream
 * uses the offer's payload type numbers. RFC 4733 §7.1.1: telephone-event's fmtp lists
 * the events.
 */

import type { MediaDescription } from 'sdp-transform';
import { AUDIO_CODECS, formatList } from './codecs.js';
import type { StreamChoice } from './negotiate.js';
import { OUR_EVENTS, TELEPHONE_EVENT } from './telephone-event.js';
import type { AudioCodecName, LocalMediaCapabilities, MediaDirection } from './types.js';

type RtpMap = MediaDescription['rtp'][number];
type Fmtp = MediaDescription['fmtp'][number];

type CryptoLine = NonNullable<MediaDescription['crypto']>[number];

interface AudioSectionParts {
  port: number;
  protocol: string;
  codecs: readonly { name: AudioCodecName; payloadType: number }[];
  telephoneEvent: { payloadType: number; events: string } | undefined;
  /** CN's payload type (RFC 3389), when listed. */
  comfortNoisePt?: number;
  ptimeMs: number;
  direction: MediaDirection;
  rtcpMux?: boolean;
  crypto?: CryptoLine[];
}

/** The static payload type of comfort noise (RFC 3551 Table 4). */
export const CN_PAYLOAD_TYPE = 13;

function audioSection(parts: AudioSectionParts): MediaDescription {
  const payloads: number[] = [];
  const rtp: RtpMap[] = [];
  const fmtp: Fmtp[] = [];
  for (const c of parts.codecs) {
    const info = AUDIO_CODECS[c.name];
    payloads.push(c.payloadType);
    rtp.push({ payload: c.payloadType, codec: info.encodingName, rate: info.rtpClockRate });
  }
  if (parts.telephoneEvent !== undefined) {
    const pt = parts.telephoneEvent.payloadType;
    payloads.push(pt);
    rtp.push({ payload: pt, codec: TELEPHONE_EVENT, rate: 8000 });
    fmtp.push({ payload: pt, config: parts.telephoneEvent.events });
  }
  if (parts.comfortNoisePt !== undefined) {
    payloads.push(parts.comfortNoisePt);
    rtp.push({ payload: parts.comfortNoisePt, codec: 'CN', rate: 8000 });
  }
  return {
    type: 'audio',
    port: parts.port,
    protocol: parts.protocol,
    payloads: payloads.join(' '),
    rtp,
    fmtp,
    ptime: parts.ptimeMs,
    direction: parts.direction,
    ...(parts.rtcpMux === true ? { rtcpMux: 'rtcp-mux' as const } : {}),
    ...(parts.crypto !== undefined && parts.crypto.length > 0 ? { crypto: parts.crypto } : {}),
  };
}

/** Our offered audio stream: every audio codec in preference order, then telephone-event. */
export function offerAudioSection(
  local: LocalMediaCapabilities,
  codecs: readonly AudioCodecName[],
  telephoneEventPt: number,
  crypto?: CryptoLine[],
): MediaDescription {
  const secure = local.srtp === 'require';
  return audioSection({
    port: local.port,
    protocol: secure ? 'RTP/SAVP' : 'RTP/AVP',
    codecs: codecs.map((name) => ({ name, payloadType: AUDIO_CODECS[name].staticPayloadType })),
    telephoneEvent: local.dtmf === 'rfc4733' ? { payloadType: telephoneEventPt, events: OUR_EVENTS } : undefined,
    ...(local.comfortNoise === true ? { comfortNoisePt: CN_PAYLOAD_TYPE } : {}),
    ptimeMs: local.ptimeMs,
    direction: local.direction,
    rtcpMux: local.rtcpMux === true,
    ...(secure && crypto !== undefined ? { crypto } : {}),
  });
}

/** Our answer's accepted audio stream: the chosen codec (and telephone-event) with the offer's numbers. */
export function answerAudioSection(
  local: LocalMediaCapabilities,
  offered: MediaDescription,
  choice: StreamChoice,
  crypto?: CryptoLine,
): MediaDescription {
  const te = choice.media.telephoneEvent;
  return audioSection({
    port: local.port,
    protocol: offered.protocol,
    codecs: [{ name: choice.media.codec.name, payloadType: choice.media.codec.payloadType }],
    telephoneEvent: te === undefined ? undefined : { payloadType: te.payloadType, events: te.events },
    ...(choice.media.comfortNoisePt !== undefined ? { comfortNoisePt: choice.media.comfortNoisePt } : {}),
    ptimeMs: local.ptimeMs,
    direction: choice.media.direction,
    rtcpMux: choice.media.rtcpMux === true,
    ...(crypto !== undefined ? { crypto: [crypto] } : {}),
  });
}

/** A port-0 m= line that declines an offered stream (RFC 3264 §6). */
export function rejectedSection(offered: MediaDescription): MediaDescription {
  const formats = formatList(offered);
  return {
    type: offered.type,
    port: 0,
    protocol: offered.protocol,
    payloads: formats.length > 0 ? formats.join(' ') : '0',
    rtp: [],
    fmtp: [],
  };
}
