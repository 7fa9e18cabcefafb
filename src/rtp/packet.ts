/**
 * RTP fixed header: parsing and serialisation.
 *
 * Implements RFC 3550 §5.1 (fixed header fields: V, P, X, CC, M, PT, sequence
 * number, timestamp, SSRC, CSRC list), §5.3.1 (header extension: 16-bit profile
 * word, 16-bit length in 32-bit words) and the padding rule of §5.1 (the last
 * octet of the padding counts the padding octets, itself included). The validity
 * checks follow RFC 3550 Appendix A.1 (version 2, CSRC list and extension and
 * padding inside the packet).
 *
 * `isRtcpPacket` implements RFC 5761 §4: when RTP and RTCP share one port
 * (rtcp-mux), packets whose second octet, marker bit masked, lies in 64–95 are
 * RTCP (packet types 192–223 on the wire, which include SR=200 … APP=204).
 */
import { DialtoneError } from '../errors.js';

/** One RTP packet. `payload` excludes the CSRC list, the extension and any padding. */
export interface RtpPacket {
  version?: 2;
  /** When set on serialisation, pads the packet to a multiple of 4 octets (1–4 octets, the P bit set). */
  padding?: boolean;
  marker: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  csrc?: number[];
  /** RFC 3550 §5.3.1 header extension; `data.length` must be a multiple of 4. */
  extension?: { profile: number; data: Uint8Array };
  payload: Uint8Array;
}

export type RtpParseResult = { ok: true; packet: RtpPacket } | { ok: false; reason: string };

/** Size of the fixed header (RFC 3550 §5.1). */
export const RTP_HEADER_SIZE = 12;

/**
 * Parses one RTP packet. Never throws on bad input; the payload, CSRC-free and
 * padding-free, is a view into `buf` (no copy), as is the extension data.
 */
export function parseRtp(buf: Uint8Array): RtpParseResult {
  if (buf.length < RTP_HEADER_SIZE) return { ok: false, reason: `packet of ${buf.length} octets is shorter than the 12-octet RTP header` };
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const b0 = view.getUint8(0);
  const b1 = view.getUint8(1);
  const version = b0 >> 6;
  if (version !== 2) return { ok: false, reason: `RTP version ${version}, expected 2` };
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;

  let offset = RTP_HEADER_SIZE;
  if (offset + 4 * csrcCount > buf.length) {
    return { ok: false, reason: `CSRC count ${csrcCount} runs past the end of a ${buf.length}-octet packet` };
  }
  const csrc: number[] = [];
  for (let i = 0; i < csrcCount; i++) {
    csrc.push(view.getUint32(offset));
    offset += 4;
  }

  let extension: RtpPacket['extension'];
  if (hasExtension) {
    if (offset + 4 > buf.length) return { ok: false, reason: 'header extension flag set but no room for the extension header' };
    const profile = view.getUint16(offset);
    const words = view.getUint16(offset + 2);
    const start = offset + 4;
    const end = start + 4 * words;
    if (end > buf.length) return { ok: false, reason: `header extension of ${words} words runs past the end of the packet` };
    extension = { profile, data: buf.subarray(start, end) };
    offset = end;
  }

  let end = buf.length;
  if (hasPadding) {
    const pad = view.getUint8(buf.length - 1);
    if (pad === 0) return { ok: false, reason: 'padding flag set but the padding count is 0' };
    if (pad > buf.length - offset) return { ok: false, reason: `padding count ${pad} exceeds the ${buf.length - offset} octets after the header` };
    end -= pad;
  }

  const packet: RtpPacket = {
    version: 2,
    padding: hasPadding,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    payload: buf.subarray(offset, end),
  };
  if (csrcCount > 0) packet.csrc = csrc;
  if (extension) packet.extension = extension;
  return { ok: true, packet };
}

function checkUint(value: number, bits: number, field: string): void {
  const max = 2 ** bits - 1;
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new DialtoneError('invalid_rtp', `RTP ${field} must be an integer in 0..${max}`, { field, value });
  }
}

/**
 * Serialises an RTP packet. Throws `DialtoneError('invalid_rtp')` when a field
 * does not fit its wire width (these come from our own code, not the network).
 */
export function serializeRtp(p: RtpPacket): Buffer {
  checkUint(p.payloadType, 7, 'payloadType');
  checkUint(p.sequence, 16, 'sequence');
  checkUint(p.timestamp, 32, 'timestamp');
  checkUint(p.ssrc, 32, 'ssrc');
  const csrc = p.csrc ?? [];
  if (csrc.length > 15) throw new DialtoneError('invalid_rtp', 'an RTP packet carries at most 15 CSRCs', { count: csrc.length });
  csrc.forEach((c) => checkUint(c, 32, 'csrc'));
  const ext = p.extension;
  if (ext) {
    checkUint(ext.profile, 16, 'extension.profile');
    if (ext.data.length % 4 !== 0 || ext.data.length / 4 > 0xffff) {
      throw new DialtoneError('invalid_rtp', 'RTP header extension data must be a multiple of 4 octets and at most 65535 words', { length: ext.data.length });
    }
  }

  const headerLength = RTP_HEADER_SIZE + 4 * csrc.length + (ext ? 4 + ext.data.length : 0);
  const unpadded = headerLength + p.payload.length;
  const pad = p.padding ? 4 - (unpadded % 4) : 0; // 1..4: the count octet always exists
  const out = Buffer.alloc(unpadded + pad);

  out[0] = (2 << 6) | (p.padding ? 0x20 : 0) | (ext ? 0x10 : 0) | csrc.length;
  out[1] = (p.marker ? 0x80 : 0) | p.payloadType;
  out.writeUInt16BE(p.sequence, 2);
  out.writeUInt32BE(p.timestamp, 4);
  out.writeUInt32BE(p.ssrc, 8);
  let offset = RTP_HEADER_SIZE;
  for (const c of csrc) {
    out.writeUInt32BE(c, offset);
    offset += 4;
  }
  if (ext) {
    out.writeUInt16BE(ext.profile, offset);
    out.writeUInt16BE(ext.data.length / 4, offset + 2);
    out.set(ext.data, offset + 4);
    offset += 4 + ext.data.length;
  }
  out.set(p.payload, offset);
  if (pad > 0) out[out.length - 1] = pad;
  return out;
}

/**
 * RFC 5761 §4 demultiplexing for rtcp-mux: true when the packet is RTCP, i.e.
 * the second octet with the marker bit masked is in 64–95 (RTCP packet types
 * 192–223). Packets that are not version 2 (STUN, DTLS; see RFC 7983) return false.
 */
export function isRtcpPacket(buf: Uint8Array): boolean {
  if (buf.length < 4) return false;
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  if (b0 >> 6 !== 2) return false;
  const pt = b1 & 0x7f;
  return pt >= 64 && pt <= 95;
}
