/**
 * writePcap: trace records as a classic libpcap capture file (the
 * "pcap-savefile" format: magic 0xa1b2c3d4, version 2.4, microsecond
 * timestamps), LINKTYPE_RAW (101: each packet an IPv4 or IPv6 packet), so a
 * support engineer can open the trace in Wireshark or tcpdump.
 *
 * One synthesized packet per record: UDP for udp records; TCP (PSH|ACK) for tcp
 * and tls records, with per-flow sequence numbers that advance by the payload
 * length and acknowledgement numbers that follow the opposite direction, so
 * Wireshark reassembles the stream. TLS records carry the payload as the stack
 * saw it (decrypted) on the real ports: use Wireshark's "Decode As… SIP" for 5061.
 * IPv4-mapped IPv6 addresses are written as IPv4; when one end is IPv4 and the
 * other IPv6, the IPv4 end is written IPv4-mapped. Packets never exceed 65535
 * bytes: a larger TCP payload is split into several segments, a larger UDP
 * payload (it cannot have been sent) is cut.
 */
import { ValidationError } from '../../errors.js';
import { parseIp, type ParsedIp } from '../policy/ip-address.js';
import {
  IPPROTO_TCP,
  IPPROTO_UDP,
  MAX_IP_PACKET_BYTES,
  TCP_FLAG_ACK,
  TCP_FLAG_PSH,
  TCP_HEADER_BYTES,
  UDP_HEADER_BYTES,
  ipHeaderBytes,
  ipPacket,
  tcpSegment,
  udpDatagram,
  type IpEnds,
} from './packet.js';
import { recordEnds, type TraceRecord } from './record.js';

export const PCAP_MAGIC = 0xa1b2c3d4;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
export const PCAP_SNAPLEN = 65535;
export const LINKTYPE_RAW = 101;
const FILE_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

function toIpv6Bytes(ip: ParsedIp): Uint8Array {
  if (ip.family === 6) return ip.bytes;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(ip.bytes, 12);
  return out;
}

function endsOf(record: TraceRecord, index: number): { ends: IpEnds; srcPort: number; dstPort: number } {
  const { src, dst } = recordEnds(record);
  const fields: Record<string, string> = {};
  const srcSide = record.direction === 'out' ? 'local' : 'remote';
  const dstSide = record.direction === 'out' ? 'remote' : 'local';
  const srcIp = parseIp(src.address);
  const dstIp = parseIp(dst.address);
  if (srcIp === undefined) fields[`records[${index}].${srcSide}.address`] = `not an IP address: ${src.address}`;
  if (dstIp === undefined) fields[`records[${index}].${dstSide}.address`] = `not an IP address: ${dst.address}`;
  for (const [side, port] of [[srcSide, src.port], [dstSide, dst.port]] as const) {
    if (!Number.isInteger(port) || port < 0 || port > 65535) fields[`records[${index}].${side}.port`] = `not a port: ${port}`;
  }
  if (srcIp === undefined || dstIp === undefined || Object.keys(fields).length > 0) {
    throw new ValidationError('a trace record cannot be written as a packet', fields);
  }
  const ends: IpEnds =
    srcIp.family === dstIp.family
      ? { family: srcIp.family, src: srcIp.bytes, dst: dstIp.bytes }
      : { family: 6, src: toIpv6Bytes(srcIp), dst: toIpv6Bytes(dstIp) };
  return { ends, srcPort: src.port, dstPort: dst.port };
}

/** Microseconds since the epoch, split as the record header wants them. */
function timestamp(wallTime: number): { sec: number; usec: number } {
  const us = Number.isFinite(wallTime) && wallTime > 0 ? Math.round(wallTime * 1000) : 0;
  const sec = Math.floor(us / 1_000_000);
  return { sec: sec >>> 0, usec: us - sec * 1_000_000 };
}

/** A deterministic initial sequence number per flow (FNV-1a of the flow key), so the two directions differ. */
function initialSeq(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function flowKey(ends: IpEnds, srcPort: number, dstPort: number, reverse: boolean): string {
  const a = `${Buffer.from(ends.src).toString('hex')}.${srcPort}`;
  const b = `${Buffer.from(ends.dst).toString('hex')}.${dstPort}`;
  return reverse ? `${b}>${a}` : `${a}>${b}`;
}

/** The capture file for `records`, in the order given. Throws ValidationError for a record whose ends are not IP addresses and ports. */
export function writePcap(records: readonly TraceRecord[]): Buffer {
  const chunks: Buffer[] = [];
  const header = Buffer.alloc(FILE_HEADER_BYTES);
  header.writeUInt32LE(PCAP_MAGIC, 0);
  header.writeUInt16LE(PCAP_VERSION_MAJOR, 4);
  header.writeUInt16LE(PCAP_VERSION_MINOR, 6);
  header.writeInt32LE(0, 8); // thiszone: UTC
  header.writeUInt32LE(0, 12); // sigfigs
  header.writeUInt32LE(PCAP_SNAPLEN, 16);
  header.writeUInt32LE(LINKTYPE_RAW, 20);
  chunks.push(header);

  const nextSeq = new Map<string, number>();
  const seqOf = (key: string): number => nextSeq.get(key) ?? initialSeq(key);
  let ipId = 0;

  const emit = (wallTime: number, packet: Buffer): void => {
    const { sec, usec } = timestamp(wallTime);
    const rec = Buffer.alloc(RECORD_HEADER_BYTES);
    rec.writeUInt32LE(sec, 0);
    rec.writeUInt32LE(usec, 4);
    rec.writeUInt32LE(packet.length, 8); // incl_len
    rec.writeUInt32LE(packet.length, 12); // orig_len
    chunks.push(rec, packet);
  };

  records.forEach((record, index) => {
    const { ends, srcPort, dstPort } = endsOf(record, index);
    const room = MAX_IP_PACKET_BYTES - ipHeaderBytes(ends.family);
    if (record.protocol === 'udp') {
      const payload = record.bytes.subarray(0, room - UDP_HEADER_BYTES);
      emit(record.wallTime, ipPacket(ends, IPPROTO_UDP, udpDatagram(ends, srcPort, dstPort, payload), ipId++));
      return;
    }
    const key = flowKey(ends, srcPort, dstPort, false);
    const reverseKey = flowKey(ends, srcPort, dstPort, true);
    const maxSegment = room - TCP_HEADER_BYTES;
    let offset = 0;
    do {
      const payload = record.bytes.subarray(offset, offset + maxSegment);
      const seq = seqOf(key);
      const ack = seqOf(reverseKey);
      nextSeq.set(reverseKey, ack);
      const flags = payload.length > 0 ? TCP_FLAG_PSH | TCP_FLAG_ACK : TCP_FLAG_ACK;
      const segment = tcpSegment(ends, { srcPort, dstPort, seq, ack, flags }, payload);
      emit(record.wallTime, ipPacket(ends, IPPROTO_TCP, segment, ipId++));
      nextSeq.set(key, (seq + payload.length) >>> 0);
      offset += payload.length;
    } while (offset < record.bytes.length);
  });
  return Buffer.concat(chunks);
}
