/**
 * Turning one remote audio m= section into NegotiatedMedia: the codec, telephone-event,
 * where to send, packetisation and direction. Shared by both roles: as answerer we pick
 * the first of OUR preferred codecs the offer has (RFC 3264 §6.1); as offerer reading the
 * answer we take the first codec of the answer that we offered (RFC 3264 §7). Payload type
 * numbers are always the remote's, since they name what the remote expects to receive.
 *
 * References: RFC 3264 §6.1, §7, §8.4; RFC 4566 §6 (a=ptime, a=maxptime); RFC 3605 (a=rtcp);
 * RFC 4733 §7.1.1 (telephone-event events); RFC 3551 §4.5 (clock rates).
 */

import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { AUDIO_CODECS, formatIs, mediaFormats, type MediaFormat } from './codecs.js';
import { ourDirection, receives, withoutRecv } from './direction.js';
import { isNullAddress, remoteConnection, remoteDirection } from './parse.js';
import { commonEvents, findTelephoneEvent } from './telephone-event.js';
import type { AudioCodecName, MediaDirection, NegotiatedMedia, SrtpPolicy } from './types.js';

export interface StreamPreferences {
  /** The audio codecs we accept, in our preference order. */
  codecs: readonly AudioCodecName[];
  /** 'ours' as answerer, 'theirs' as offerer reading an answer. */
  codecOrder: 'ours' | 'theirs';
  dtmf: 'rfc4733' | 'inband';
  /** What we want (answerer) or what we offered (offerer). */
  direction: MediaDirection;
  /** Our packetisation when the remote states none. */
  ptimeMs: number;
}

export interface StreamChoice {
  media: NegotiatedMedia;
  codecFormat: MediaFormat;
  telephoneEventFormat: MediaFormat | undefined;
}

/** Packetisation intervals our RTP layer produces. */
const PTIMES = [10, 20, 30, 40] as const;

/** RTP over UDP without SRTP (RFC 3551). */
export function isRtpAvp(media: MediaDescription): boolean {
  return media.protocol.toUpperCase() === 'RTP/AVP';
}

/** SRTP (RFC 3711 §1, the RTP/SAVP profile). */
export function isRtpSavp(media: MediaDescription): boolean {
  return media.protocol.toUpperCase() === 'RTP/SAVP';
}

/** An audio stream we could take: audio, not disabled (port 0), in a profile the SRTP policy allows. */
export function isCandidateAudio(media: MediaDescription, srtp: SrtpPolicy = 'off'): boolean {
  if (media.type.toLowerCase() !== 'audio' || media.port === 0) return false;
  if (isRtpAvp(media)) return srtp !== 'require';
  return isRtpSavp(media) && srtp !== 'off';
}

/** The remote's comfort-noise payload type (CN/8000, RFC 3389 §5). */
export function comfortNoisePayloadType(media: MediaDescription): number | undefined {
  return mediaFormats(media).find((f) => f.encoding === 'cn' && (f.rate ?? 8000) === 8000)?.payloadType;
}

function validTime(v: number | undefined): number | undefined {
  return v !== undefined && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * The ptime to send with: the remote's a=ptime (what it wants to receive), else ours,
 * capped by its a=maxptime, then the largest interval we produce that does not exceed it.
 */
export function sendPtime(localPtime: number, remotePtime?: number, remoteMaxptime?: number): number {
  let wanted = validTime(remotePtime) ?? localPtime;
  const max = validTime(remoteMaxptime);
  if (max !== undefined && wanted > max) wanted = max;
  let best: number = PTIMES[0];
  for (const p of PTIMES) if (p <= wanted) best = p;
  return best;
}

function pickCodec(
  formats: readonly MediaFormat[],
  prefs: StreamPreferences,
): { codec: AudioCodecName; format: MediaFormat } | undefined {
  if (prefs.codecOrder === 'ours') {
    for (const codec of prefs.codecs) {
      const format = formats.find((f) => formatIs(f, codec));
      if (format !== undefined) return { codec, format };
    }
    return undefined;
  }
  for (const format of formats) {
    const codec = prefs.codecs.find((c) => formatIs(format, c));
    if (codec !== undefined) return { codec, format };
  }
  return undefined;
}

function rtcpPortOf(media: MediaDescription): number | undefined {
  const p = media.rtcp?.port;
  if (p !== undefined && Number.isInteger(p) && p > 0 && p <= 65535) return p;
  return media.port < 65535 ? media.port + 1 : undefined;
}

/** Negotiates one remote audio section; undefined when there is no codec in common. */
export function negotiateStream(
  sdp: SessionDescription,
  media: MediaDescription,
  prefs: StreamPreferences,
): StreamChoice | undefined {
  const connection = remoteConnection(sdp, media);
  if (connection === undefined) return undefined;
  const formats = mediaFormats(media);
  const picked = pickCodec(formats, prefs);
  if (picked === undefined) return undefined;
  const info = AUDIO_CODECS[picked.codec];

  let telephoneEventFormat: MediaFormat | undefined;
  let telephoneEvent: NegotiatedMedia['telephoneEvent'];
  if (prefs.dtmf === 'rfc4733') {
    const te = findTelephoneEvent(formats, info.rtpClockRate);
    const events = te === undefined ? undefined : commonEvents(te.fmtp);
    if (te !== undefined && events !== undefined) {
      telephoneEventFormat = te;
      telephoneEvent = { payloadType: te.payloadType, events };
    }
  }

  const declared = remoteDirection(sdp, media);
  const held = isNullAddress(connection.address);
  const remoteDir = held ? withoutRecv(declared) : declared;
  const negotiated: NegotiatedMedia = {
    remoteAddress: connection.address,
    remotePort: media.port,
    codec: {
      name: picked.codec,
      payloadType: picked.format.payloadType,
      clockRate: info.clockRate,
      rtpClockRate: info.rtpClockRate,
    },
    ptimeMs: sendPtime(prefs.ptimeMs, media.ptime, media.maxptime),
    direction: ourDirection(remoteDir, prefs.direction),
    remoteDirection: remoteDir,
    onHold: !receives(remoteDir),
  };
  const rtcpPort = rtcpPortOf(media);
  if (rtcpPort !== undefined) negotiated.rtcpPort = rtcpPort;
  if (telephoneEvent !== undefined) negotiated.telephoneEvent = telephoneEvent;
  return { media: negotiated, codecFormat: picked.format, telephoneEventFormat };
}
