/**
 * The codec table and the reading of an m= line's formats.
 *
 * Static payload types and clock rates follow RFC 3551 §6 (Table 4): PCMU 0, PCMA 8,
 * G722 9. G.722 samples at 16 kHz but its RTP timestamp runs at 8000 Hz (RFC 3551
 * §4.5.2), so its rtpmap is "G722/8000". A format is identified by its a=rtpmap
 * (RFC 4566 §6) when present, encoding names compared case-insensitively, otherwise by
 * the static assignment. Dynamic payload types (96-127) need an rtpmap.
 */

import type { MediaDescription } from 'sdp-transform';
import type { AudioCodecName, CodecName } from './types.js';

export interface AudioCodecInfo {
  name: AudioCodecName;
  staticPayloadType: number;
  /** The encoding name as written in a=rtpmap. */
  encodingName: string;
  clockRate: number;
  rtpClockRate: number;
}

export const AUDIO_CODECS: Readonly<Record<AudioCodecName, AudioCodecInfo>> = {
  PCMU: { name: 'PCMU', staticPayloadType: 0, encodingName: 'PCMU', clockRate: 8000, rtpClockRate: 8000 },
  PCMA: { name: 'PCMA', staticPayloadType: 8, encodingName: 'PCMA', clockRate: 8000, rtpClockRate: 8000 },
  G722: { name: 'G722', staticPayloadType: 9, encodingName: 'G722', clockRate: 16000, rtpClockRate: 8000 },
};

/** RFC 3551 Table 4 entries a peer may list without an rtpmap (only ours matter for matching). */
const STATIC_FORMATS: ReadonlyMap<number, { name: string; rate: number }> = new Map([
  [0, { name: 'pcmu', rate: 8000 }],
  [3, { name: 'gsm', rate: 8000 }],
  [4, { name: 'g723', rate: 8000 }],
  [8, { name: 'pcma', rate: 8000 }],
  [9, { name: 'g722', rate: 8000 }],
  [13, { name: 'cn', rate: 8000 }],
  [18, { name: 'g729', rate: 8000 }],
]);

/** One payload type of an m= line, with what it stands for. */
export interface MediaFormat {
  payloadType: number;
  /** Lower-cased encoding name; '' when a dynamic type has no rtpmap. */
  encoding: string;
  /** RTP clock rate, when known. */
  rate: number | undefined;
  channels: number | undefined;
  /** The a=fmtp parameters for this payload type, if any. */
  fmtp: string | undefined;
}

export function isAudioCodec(name: CodecName): name is AudioCodecName {
  return name !== 'telephone-event';
}

/** Our audio codecs in preference order, without duplicates and without telephone-event. */
export function audioCodecsOf(codecs: readonly CodecName[]): AudioCodecName[] {
  const out: AudioCodecName[] = [];
  for (const c of codecs) if (isAudioCodec(c) && !out.includes(c)) out.push(c);
  return out;
}

/** Splits the m= line's format list (sdp-transform gives a number when there is only one). */
export function formatList(media: MediaDescription): string[] {
  const raw = media.payloads === undefined ? '' : String(media.payloads);
  return raw.split(/\s+/).filter((s) => s.length > 0);
}

/** The m= line's payload types in order, each with its rtpmap/fmtp. Non-numeric formats are skipped. */
export function mediaFormats(media: MediaDescription): MediaFormat[] {
  const out: MediaFormat[] = [];
  for (const token of formatList(media)) {
    if (!/^\d{1,3}$/.test(token)) continue;
    const pt = Number(token);
    if (pt > 127) continue;
    const map = (media.rtp ?? []).find((r) => r.payload === pt);
    const fmtp = (media.fmtp ?? []).find((f) => f.payload === pt)?.config;
    if (map !== undefined) {
      out.push({ payloadType: pt, encoding: map.codec.toLowerCase(), rate: map.rate, channels: map.encoding, fmtp });
    } else {
      const known = STATIC_FORMATS.get(pt);
      out.push({ payloadType: pt, encoding: known?.name ?? '', rate: known?.rate, channels: undefined, fmtp });
    }
  }
  return out;
}

/** Whether a format is the given audio codec (name, RTP clock rate and mono). */
export function formatIs(format: MediaFormat, codec: AudioCodecName): boolean {
  const info = AUDIO_CODECS[codec];
  return (
    format.encoding === info.encodingName.toLowerCase() &&
    (format.rate === undefined || format.rate === info.rtpClockRate) &&
    (format.channels === undefined || format.channels === 1)
  );
}

/** The first format that is the given codec. */
export function findCodec(formats: readonly MediaFormat[], codec: AudioCodecName): MediaFormat | undefined {
  return formats.find((f) => formatIs(f, codec));
}
