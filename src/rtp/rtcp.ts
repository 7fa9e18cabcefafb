/**
 * RTCP: compound packets, SR/RR/SDES/BYE, NTP timestamps, round-trip time and
 * the report interval.
 *
 * Implements RFC 3550:
 * - §4 NTP timestamp format (64-bit, seconds since 1900; the "middle 32 bits").
 * - §6.1 compound packets (SR or RR first, then SDES with CNAME, optionally BYE
 *   last; more than 31 report blocks spill into extra RR packets).
 * - §6.3.1 and Appendix A.7 deterministic/randomised RTCP interval.
 * - §6.4.1 SR, §6.4.2 RR, report blocks, and the round-trip time A − LSR − DLSR.
 * - §6.5 SDES (CNAME and every other item kept as type + text), §6.6 BYE (reason).
 * - Appendix A.2 header validity checks for a received compound packet.
 * Unknown packet types (e.g. APP, RTPFB) are kept as `other` with their body.
 */
import { DialtoneError } from '../errors.js';

export interface ReportBlock {
  ssrc: number;
  /** 0..255 as on the wire (fraction × 256). */
  fractionLost: number;
  /** Signed 24-bit on the wire; may be negative when duplicates arrive (A.3). */
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** Interarrival jitter in RTP timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received, 0 if none. */
  lastSr: number;
  /** Delay since that SR in 1/65536 s. */
  delaySinceLastSr: number;
}

export interface SdesItem { type: number; text: string }
export interface SdesChunk { ssrc: number; items: SdesItem[] }

export type RtcpPacket =
  | { type: 'sr'; ssrc: number; ntpSeconds: number; ntpFraction: number; rtpTimestamp: number; packetCount: number; octetCount: number; reports: ReportBlock[] }
  | { type: 'rr'; ssrc: number; reports: ReportBlock[] }
  | { type: 'sdes'; chunks: SdesChunk[] }
  | { type: 'bye'; ssrcs: number[]; reason?: string }
  /** `body` is what follows the 4-octet common header, padding removed; `count` is the 5-bit field. */
  | { type: 'other'; packetType: number; count?: number; body: Uint8Array };

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;

/** SDES item types (RFC 3550 §6.5). */
export const SDES_CNAME = 1;
export const SDES_NAME = 2;
export const SDES_TOOL = 6;
export const SDES_PRIV = 8;

const REPORT_BLOCK_SIZE = 24;
/** Seconds between the NTP epoch (1900-01-01) and the Unix epoch (1970-01-01). */
export const NTP_UNIX_OFFSET_S = 2_208_988_800;
const TWO_32 = 2 ** 32;

const utf8Decoder = new TextDecoder('utf-8');

// ---------------------------------------------------------------- NTP (§4)

export interface NtpTimestamp { seconds: number; fraction: number }

/** Wall-clock milliseconds since the Unix epoch → 64-bit NTP timestamp (seconds wrap in 2036, era 1). */
export function ntpFromWallMs(ms: number): NtpTimestamp {
  const wholeSeconds = Math.floor(ms / 1000);
  const fraction = Math.min(TWO_32 - 1, Math.round(((ms - wholeSeconds * 1000) / 1000) * TWO_32));
  return { seconds: (wholeSeconds + NTP_UNIX_OFFSET_S) % TWO_32, fraction };
}

/** The middle 32 bits of an NTP timestamp (low 16 bits of seconds, high 16 of fraction), as used by LSR. */
export function ntpMiddle32(ntp: NtpTimestamp): number {
  return (((ntp.seconds & 0xffff) << 16) | (ntp.fraction >>> 16)) >>> 0;
}

export function ntpMiddle32FromWallMs(ms: number): number {
  return ntpMiddle32(ntpFromWallMs(ms));
}

/**
 * Round-trip time in ms from a report block about our own stream, received at
 * `arrivalWallMs` (§6.4.1: A − LSR − DLSR in 1/65536 s). Undefined when the
 * peer has not received an SR from us (LSR = 0). A negative result, which only
 * clock trouble produces, is reported as 0.
 */
export function roundTripMs(block: ReportBlock, arrivalWallMs: number): number | undefined {
  if (block.lastSr === 0) return undefined;
  const a = ntpMiddle32FromWallMs(arrivalWallMs);
  const units = (a - block.lastSr - block.delaySinceLastSr) | 0; // modulo 2^32, signed
  return units <= 0 ? 0 : (units * 1000) / 65536;
}

// ---------------------------------------------------------------- interval (§6.3.1, A.7)

export interface RtcpIntervalOptions {
  members: number;
  senders: number;
  weSent: boolean;
  /** Average compound RTCP packet size in octets, UDP and IP headers included (§6.2). */
  avgRtcpSize: number;
  /** Session bandwidth in bits per second; RTCP gets 5 % of it. */
  sessionBandwidthBps: number;
  initial: boolean;
  /** Uniform in [0, 1). */
  random: () => number;
}

/**
 * Time to the next RTCP transmission in ms (§6.3.1 / A.7): members × size over
 * the RTCP bandwidth (senders get 25 % when they are at most a quarter of the
 * members), at least 5 s (2.5 s before the first report), times a uniform
 * factor in [0.5, 1.5), divided by e − 3/2 to compensate for timer reconsideration.
 */
export function rtcpIntervalMs(opts: RtcpIntervalOptions): number {
  const { members, senders, weSent, avgRtcpSize, sessionBandwidthBps, initial } = opts;
  if (!(sessionBandwidthBps > 0) || !(avgRtcpSize > 0) || !(members >= 1) || !(senders >= 0)) {
    throw new DialtoneError('invalid', 'RTCP interval needs positive bandwidth and packet size, members ≥ 1, senders ≥ 0', { ...opts, random: undefined });
  }
  const minTime = initial ? 2.5 : 5;
  let rtcpBw = (0.05 * sessionBandwidthBps) / 8; // octets per second
  let n = members;
  if (senders <= members * 0.25) {
    if (weSent) {
      rtcpBw *= 0.25;
      n = senders;
    } else {
      rtcpBw *= 0.75;
      n = members - senders;
    }
  }
  n = Math.max(n, 1);
  const t = Math.max((avgRtcpSize * n) / rtcpBw, minTime);
  const r = Math.min(Math.max(opts.random(), 0), 1);
  return ((t * (r + 0.5)) / (Math.E - 1.5)) * 1000;
}

// ---------------------------------------------------------------- parsing (A.2)

export type RtcpParseResult = { ok: true; packets: RtcpPacket[] } | { ok: false; reason: string };
type Body = { ok: true; packet: RtcpPacket } | { ok: false; reason: string };

function readBlocks(view: DataView, offset: number, count: number): ReportBlock[] {
  const blocks: ReportBlock[] = [];
  for (let i = 0; i < count; i++, offset += REPORT_BLOCK_SIZE) {
    const lost24 = view.getUint32(offset + 4) & 0xffffff;
    blocks.push({
      ssrc: view.getUint32(offset),
      fractionLost: view.getUint8(offset + 4),
      cumulativeLost: lost24 & 0x800000 ? lost24 - 0x1000000 : lost24,
      extendedHighestSequence: view.getUint32(offset + 8),
      jitter: view.getUint32(offset + 12),
      lastSr: view.getUint32(offset + 16),
      delaySinceLastSr: view.getUint32(offset + 20),
    });
  }
  return blocks;
}

function parseSdes(body: Uint8Array, view: DataView, count: number): Body {
  const chunks: SdesChunk[] = [];
  let o = 0;
  for (let c = 0; c < count; c++) {
    if (o + 4 > body.length) return { ok: false, reason: `SDES chunk ${c} runs past the end of the packet` };
    const chunk: SdesChunk = { ssrc: view.getUint32(o), items: [] };
    o += 4;
    for (;;) {
      if (o >= body.length) return { ok: false, reason: `SDES chunk ${c} lacks its terminating null item` };
      const type = body[o] ?? 0;
      if (type === 0) {
        o = (o + 4) & ~3; // null item, then padding to the next 32-bit boundary
        break;
      }
      const len = body[o + 1];
      if (len === undefined || o + 2 + len > body.length) return { ok: false, reason: `SDES item of type ${type} runs past the end of the packet` };
      chunk.items.push({ type, text: utf8Decoder.decode(body.subarray(o + 2, o + 2 + len)) });
      o += 2 + len;
    }
    chunks.push(chunk);
  }
  return { ok: true, packet: { type: 'sdes', chunks } };
}

function parseBody(pt: number, count: number, body: Uint8Array): Body {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  switch (pt) {
    case RTCP_SR: {
      if (body.length < 24 + count * REPORT_BLOCK_SIZE) return { ok: false, reason: `SR too short for ${count} report blocks` };
      return {
        ok: true,
        packet: {
          type: 'sr', ssrc: view.getUint32(0), ntpSeconds: view.getUint32(4), ntpFraction: view.getUint32(8),
          rtpTimestamp: view.getUint32(12), packetCount: view.getUint32(16), octetCount: view.getUint32(20),
          reports: readBlocks(view, 24, count),
        },
      };
    }
    case RTCP_RR:
      if (body.length < 4 + count * REPORT_BLOCK_SIZE) return { ok: false, reason: `RR too short for ${count} report blocks` };
      return { ok: true, packet: { type: 'rr', ssrc: view.getUint32(0), reports: readBlocks(view, 4, count) } };
    case RTCP_SDES:
      return parseSdes(body, view, count);
    case RTCP_BYE: {
      if (body.length < 4 * count) return { ok: false, reason: `BYE too short for ${count} SSRCs` };
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(view.getUint32(4 * i));
      const packet: RtcpPacket = { type: 'bye', ssrcs };
      const rest = body.length - 4 * count;
      const len = body[4 * count];
      if (rest > 0 && len !== undefined && len > 0) {
        if (1 + len > rest) return { ok: false, reason: 'BYE reason runs past the end of the packet' };
        packet.reason = utf8Decoder.decode(body.subarray(4 * count + 1, 4 * count + 1 + len));
      }
      return { ok: true, packet };
    }
    default:
      return { ok: true, packet: { type: 'other', packetType: pt, count, body } };
  }
}

/**
 * Parses a compound RTCP packet (every packet in it). Applies the checks of
 * RFC 3550 A.2: version 2 everywhere, the first packet an SR or RR without
 * padding, only the last packet padded, and the length fields adding up to
 * exactly the datagram length. Never throws on bad input. Reduced-size RTCP
 * (RFC 5506, no SR/RR first) is therefore rejected.
 */
export function parseRtcpCompound(buf: Uint8Array): RtcpParseResult {
  if (buf.length < 8) return { ok: false, reason: `RTCP datagram of ${buf.length} octets is too short` };
  if (buf.length % 4 !== 0) return { ok: false, reason: 'RTCP datagram length is not a multiple of 4' };
  const first = buf[1];
  if (first !== RTCP_SR && first !== RTCP_RR) return { ok: false, reason: `first RTCP packet has type ${first}, expected SR or RR` };
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (offset + 4 > buf.length) return { ok: false, reason: 'truncated RTCP header' };
    const b0 = buf[offset] ?? 0;
    const pt = buf[offset + 1] ?? 0;
    const words = ((buf[offset + 2] ?? 0) << 8) | (buf[offset + 3] ?? 0);
    const end = offset + 4 * (words + 1);
    if (b0 >> 6 !== 2) return { ok: false, reason: `RTCP version ${b0 >> 6} at octet ${offset}, expected 2` };
    if (end > buf.length) return { ok: false, reason: `RTCP packet at octet ${offset} has length ${words} past the end of the datagram` };
    let bodyEnd = end;
    if (b0 & 0x20) {
      if (offset === 0) return { ok: false, reason: 'padding set on the first RTCP packet' };
      if (end !== buf.length) return { ok: false, reason: 'padding set on an RTCP packet that is not the last' };
      const pad = buf[end - 1] ?? 0;
      if (pad === 0 || pad > end - offset - 4) return { ok: false, reason: `bad RTCP padding count ${pad}` };
      bodyEnd -= pad;
    }
    const body = parseBody(pt, b0 & 0x1f, buf.subarray(offset + 4, bodyEnd));
    if (!body.ok) return body;
    packets.push(body.packet);
    offset = end;
  }
  return { ok: true, packets };
}

// ---------------------------------------------------------------- serialising

function u32(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 0 || value >= TWO_32) {
    throw new DialtoneError('invalid_rtcp', `RTCP ${field} must be an unsigned 32-bit integer`, { field, value });
  }
  return value;
}

function header(pt: number, count: number, bodyLength: number): Buffer {
  if (count > 31) throw new DialtoneError('invalid_rtcp', 'an RTCP packet counts at most 31 items', { packetType: pt, count });
  if (bodyLength % 4 !== 0) throw new DialtoneError('invalid_rtcp', 'RTCP body must be a multiple of 4 octets', { packetType: pt, bodyLength });
  const h = Buffer.alloc(4);
  h[0] = 0x80 | count;
  h[1] = pt;
  h.writeUInt16BE(bodyLength / 4, 2);
  return h;
}

function writeBlocks(out: Buffer, offset: number, blocks: ReportBlock[]): void {
  for (const b of blocks) {
    const lost = Math.max(-0x800000, Math.min(0x7fffff, Math.trunc(b.cumulativeLost)));
    out.writeUInt32BE(u32(b.ssrc, 'report ssrc'), offset);
    out.writeUInt32BE((((b.fractionLost & 0xff) << 24) | (lost & 0xffffff)) >>> 0, offset + 4);
    out.writeUInt32BE(u32(b.extendedHighestSequence, 'extended highest sequence'), offset + 8);
    out.writeUInt32BE(u32(b.jitter, 'jitter'), offset + 12);
    out.writeUInt32BE(u32(b.lastSr, 'LSR'), offset + 16);
    out.writeUInt32BE(u32(b.delaySinceLastSr, 'DLSR'), offset + 20);
    offset += REPORT_BLOCK_SIZE;
  }
}

function textBytes(text: string, what: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > 255) throw new DialtoneError('invalid_rtcp', `${what} is longer than 255 octets`, { length: bytes.length });
  return bytes;
}

function serializeOne(p: RtcpPacket): Buffer {
  switch (p.type) {
    case 'sr': {
      const body = Buffer.alloc(24 + p.reports.length * REPORT_BLOCK_SIZE);
      [p.ssrc, p.ntpSeconds, p.ntpFraction, p.rtpTimestamp, p.packetCount, p.octetCount]
        .forEach((v, i) => body.writeUInt32BE(u32(v, 'SR field'), 4 * i));
      writeBlocks(body, 24, p.reports);
      return Buffer.concat([header(RTCP_SR, p.reports.length, body.length), body]);
    }
    case 'rr': {
      const body = Buffer.alloc(4 + p.reports.length * REPORT_BLOCK_SIZE);
      body.writeUInt32BE(u32(p.ssrc, 'RR ssrc'), 0);
      writeBlocks(body, 4, p.reports);
      return Buffer.concat([header(RTCP_RR, p.reports.length, body.length), body]);
    }
    case 'sdes': {
      const parts: Buffer[] = [];
      for (const chunk of p.chunks) {
        const ssrc = Buffer.alloc(4);
        ssrc.writeUInt32BE(u32(chunk.ssrc, 'SDES ssrc'));
        const items = chunk.items.map((item) => {
          if (!Number.isInteger(item.type) || item.type < 1 || item.type > 255) {
            throw new DialtoneError('invalid_rtcp', 'SDES item type must be 1..255', { type: item.type });
          }
          const text = textBytes(item.text, 'SDES item');
          return Buffer.concat([Buffer.from([item.type, text.length]), text]);
        });
        const used = 4 + items.reduce((n, b) => n + b.length, 0);
        parts.push(ssrc, ...items, Buffer.alloc(4 - (used % 4))); // ≥1 null octet, then to a 32-bit boundary
      }
      const body = Buffer.concat(parts);
      return Buffer.concat([header(RTCP_SDES, p.chunks.length, body.length), body]);
    }
    case 'bye': {
      const ids = Buffer.alloc(4 * p.ssrcs.length);
      p.ssrcs.forEach((s, i) => ids.writeUInt32BE(u32(s, 'BYE ssrc'), 4 * i));
      let reason = Buffer.alloc(0);
      if (p.reason !== undefined && p.reason !== '') {
        const text = textBytes(p.reason, 'BYE reason');
        reason = Buffer.concat([Buffer.from([text.length]), text]);
        reason = Buffer.concat([reason, Buffer.alloc((4 - (reason.length % 4)) % 4)]);
      }
      const body = Buffer.concat([ids, reason]);
      return Buffer.concat([header(RTCP_BYE, p.ssrcs.length, body.length), body]);
    }
    case 'other': {
      const pad = (4 - (p.body.length % 4)) % 4; // a body off the 32-bit grid gets RTCP padding (P bit)
      const padding = Buffer.alloc(pad);
      if (pad > 0) padding[pad - 1] = pad;
      const h = header(p.packetType, p.count ?? 0, p.body.length + pad);
      if (pad > 0) h[0] = (h[0] ?? 0) | 0x20;
      return Buffer.concat([h, p.body, padding]);
    }
  }
}

/**
 * Serialises packets back to back into one compound datagram. The caller orders
 * them (§6.1). Only an `other` body off the 32-bit grid is padded, so such a packet must come last.
 */
export function serializeRtcpCompound(packets: RtcpPacket[]): Buffer {
  return Buffer.concat(packets.map(serializeOne));
}

export interface ReportCompoundOptions {
  ssrc: number;
  cname: string;
  /** Present when we sent RTP since the last report: makes the first packet an SR. */
  sender?: { ntp: NtpTimestamp; rtpTimestamp: number; packetCount: number; octetCount: number };
  reports: ReportBlock[];
  /** Appends a BYE for `ssrc` as the last packet (§6.1, §6.6). */
  bye?: { reason?: string };
}

/**
 * Builds the packets of a compound report per §6.1: SR (if we sent) or RR, extra
 * RRs when there are more than 31 report blocks, SDES with our CNAME, then BYE.
 */
export function buildReportCompound(opts: ReportCompoundOptions): RtcpPacket[] {
  const groups: ReportBlock[][] = [];
  for (let i = 0; i < opts.reports.length; i += 31) groups.push(opts.reports.slice(i, i + 31));
  const [firstGroup = [], ...rest] = groups;
  const packets: RtcpPacket[] = [];
  if (opts.sender) {
    const s = opts.sender;
    packets.push({
      type: 'sr', ssrc: opts.ssrc, ntpSeconds: s.ntp.seconds, ntpFraction: s.ntp.fraction,
      rtpTimestamp: s.rtpTimestamp, packetCount: s.packetCount, octetCount: s.octetCount, reports: firstGroup,
    });
  } else {
    packets.push({ type: 'rr', ssrc: opts.ssrc, reports: firstGroup });
  }
  for (const group of rest) packets.push({ type: 'rr', ssrc: opts.ssrc, reports: group });
  packets.push({ type: 'sdes', chunks: [{ ssrc: opts.ssrc, items: [{ type: SDES_CNAME, text: opts.cname }] }] });
  if (opts.bye) {
    const bye: RtcpPacket = { type: 'bye', ssrcs: [opts.ssrc] };
    if (opts.bye.reason !== undefined) bye.reason = opts.bye.reason;
    packets.push(bye);
  }
  return packets;
}
