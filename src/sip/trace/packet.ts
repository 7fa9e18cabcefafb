/**
 * Synthesized IP packets for a capture file: IPv4 (RFC 791 §3.1) or IPv6
 * (RFC 8200 §3) headers around a UDP datagram (RFC 768) or a TCP segment
 * (RFC 9293 §3.1), with the Internet checksum (RFC 1071) computed for the IPv4
 * header and, over the pseudo-header (RFC 768, RFC 9293 §3.1, RFC 8200 §8.1),
 * for UDP and TCP, so Wireshark shows no checksum errors.
 */

export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPV4_HEADER_BYTES = 20;
export const IPV6_HEADER_BYTES = 40;
export const UDP_HEADER_BYTES = 8;
export const TCP_HEADER_BYTES = 20;
/** The largest IP packet written (the IPv4 total-length limit, and the capture snaplen). */
export const MAX_IP_PACKET_BYTES = 65535;

export const TCP_FLAG_PSH = 0x08;
export const TCP_FLAG_ACK = 0x10;

/** Both ends of a packet at the IP layer; the addresses are 4 bytes (family 4) or 16 (family 6). */
export interface IpEnds {
  family: 4 | 6;
  src: Uint8Array;
  dst: Uint8Array;
}

/** Adds `bytes` to a running one's-complement sum of 16-bit big-endian words (an odd tail padded with 0). */
export function sumWords(bytes: Uint8Array, sum = 0): number {
  let s = sum;
  const even = bytes.length & ~1;
  for (let i = 0; i < even; i += 2) s += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  if (even < bytes.length) s += (bytes[even] ?? 0) << 8;
  return s;
}

/** Folds the carries and complements: the value to put in a checksum field. */
export function finishChecksum(sum: number): number {
  let s = sum;
  while (s > 0xffff) s = (s & 0xffff) + Math.floor(s / 0x10000);
  return ~s & 0xffff;
}

/** The pseudo-header's contribution for an upper-layer packet of `length` bytes. */
function pseudoHeaderSum(ends: IpEnds, protocol: number, length: number): number {
  let s = sumWords(ends.dst, sumWords(ends.src));
  s += protocol;
  s += (length >>> 16) + (length & 0xffff); // IPv4: 16-bit length; IPv6: 32-bit length
  return s;
}

export function ipHeaderBytes(family: 4 | 6): number {
  return family === 4 ? IPV4_HEADER_BYTES : IPV6_HEADER_BYTES;
}

/** A UDP datagram with its checksum (0 is sent as 0xffff, RFC 768). */
export function udpDatagram(ends: IpEnds, srcPort: number, dstPort: number, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(UDP_HEADER_BYTES + payload.length);
  out.writeUInt16BE(srcPort, 0);
  out.writeUInt16BE(dstPort, 2);
  out.writeUInt16BE(out.length, 4);
  out.set(payload, UDP_HEADER_BYTES);
  const sum = finishChecksum(sumWords(out, pseudoHeaderSum(ends, IPPROTO_UDP, out.length)));
  out.writeUInt16BE(sum === 0 ? 0xffff : sum, 6);
  return out;
}

export interface TcpFields {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window?: number;
}

/** A TCP segment without options (data offset 5) with its checksum. */
export function tcpSegment(ends: IpEnds, fields: TcpFields, payload: Uint8Array): Buffer {
  const out = Buffer.alloc(TCP_HEADER_BYTES + payload.length);
  out.writeUInt16BE(fields.srcPort, 0);
  out.writeUInt16BE(fields.dstPort, 2);
  out.writeUInt32BE(fields.seq >>> 0, 4);
  out.writeUInt32BE(fields.ack >>> 0, 8);
  out.writeUInt8(5 << 4, 12);
  out.writeUInt8(fields.flags & 0xff, 13);
  out.writeUInt16BE(fields.window ?? 65535, 14);
  out.set(payload, TCP_HEADER_BYTES);
  out.writeUInt16BE(finishChecksum(sumWords(out, pseudoHeaderSum(ends, IPPROTO_TCP, out.length))), 16);
  return out;
}

/** An IPv4 (DF set, TTL 64, header checksum computed) or IPv6 (hop limit 64) packet around `upper`. */
export function ipPacket(ends: IpEnds, protocol: number, upper: Uint8Array, id: number): Buffer {
  if (ends.family === 4) {
    const out = Buffer.alloc(IPV4_HEADER_BYTES + upper.length);
    out.writeUInt8(0x45, 0); // version 4, IHL 5
    out.writeUInt16BE(out.length, 2);
    out.writeUInt16BE(id & 0xffff, 4);
    out.writeUInt16BE(0x4000, 6); // DF, fragment offset 0
    out.writeUInt8(64, 8);
    out.writeUInt8(protocol, 9);
    out.set(ends.src, 12);
    out.set(ends.dst, 16);
    out.writeUInt16BE(finishChecksum(sumWords(out.subarray(0, IPV4_HEADER_BYTES))), 10);
    out.set(upper, IPV4_HEADER_BYTES);
    return out;
  }
  const out = Buffer.alloc(IPV6_HEADER_BYTES + upper.length);
  out.writeUInt32BE(0x60000000, 0); // version 6, traffic class 0, flow label 0
  out.writeUInt16BE(upper.length, 4);
  out.writeUInt8(protocol, 6);
  out.writeUInt8(64, 7);
  out.set(ends.src, 8);
  out.set(ends.dst, 24);
  out.set(upper, IPV6_HEADER_BYTES);
  return out;
}
