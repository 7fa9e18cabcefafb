/**
 * Test support: a tiny reader for classic libpcap files with LINKTYPE_RAW, and
 * decoders for the IPv4/IPv6, UDP and TCP headers writePcap produces, each
 * checksum verified independently of the writer (RFC 1071 done the slow way).
 */
import { formatIp } from '../../policy/ip-address.js';

export interface PcapFile {
  magic: number;
  versionMajor: number;
  versionMinor: number;
  thiszone: number;
  snaplen: number;
  linktype: number;
  packets: PcapPacket[];
}

export interface PcapPacket {
  tsSec: number;
  tsUsec: number;
  inclLen: number;
  origLen: number;
  data: Buffer;
}

export interface DecodedPacket {
  family: 4 | 6;
  src: string;
  dst: string;
  protocol: number;
  /** IPv4 total length / IPv6 payload length + 40, as the header says. */
  ipLength: number;
  ipChecksumOk: boolean;
  srcPort: number;
  dstPort: number;
  /** The UDP length field (UDP only). */
  udpLength?: number;
  seq?: number;
  ack?: number;
  flags?: number;
  l4ChecksumOk: boolean;
  payload: Buffer;
}

export function readPcap(file: Buffer): PcapFile {
  const magic = file.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4) throw new Error(`bad magic ${magic.toString(16)}`);
  const out: PcapFile = {
    magic,
    versionMajor: file.readUInt16LE(4),
    versionMinor: file.readUInt16LE(6),
    thiszone: file.readInt32LE(8),
    snaplen: file.readUInt32LE(16),
    linktype: file.readUInt32LE(20),
    packets: [],
  };
  let off = 24;
  while (off < file.length) {
    if (off + 16 > file.length) throw new Error('truncated record header');
    const inclLen = file.readUInt32LE(off + 8);
    const data = file.subarray(off + 16, off + 16 + inclLen);
    if (data.length !== inclLen) throw new Error('truncated packet');
    out.packets.push({ tsSec: file.readUInt32LE(off), tsUsec: file.readUInt32LE(off + 4), inclLen, origLen: file.readUInt32LE(off + 12), data });
    off += 16 + inclLen;
  }
  return out;
}

/** The RFC 1071 checksum over a list of byte arrays taken as one, word by word. */
function checksumOf(parts: Uint8Array[]): number {
  const all = Buffer.concat(parts);
  let sum = 0;
  for (let i = 0; i < all.length; i += 2) {
    sum += ((all[i] ?? 0) << 8) + (all[i + 1] ?? 0);
    sum = (sum & 0xffff) + (sum >>> 16);
  }
  return sum & 0xffff; // 0xffff when the data including its checksum field is correct
}

export function decodePacket(data: Buffer): DecodedPacket {
  const version = (data[0] ?? 0) >> 4;
  let family: 4 | 6;
  let protocol: number;
  let ipLength: number;
  let ipChecksumOk: boolean;
  let srcBytes: Buffer;
  let dstBytes: Buffer;
  let l4: Buffer;
  let pseudo: Buffer;
  if (version === 4) {
    family = 4;
    const ihl = ((data[0] ?? 0) & 0x0f) * 4;
    ipLength = data.readUInt16BE(2);
    protocol = data[9] ?? 0;
    ipChecksumOk = checksumOf([data.subarray(0, ihl)]) === 0xffff;
    srcBytes = data.subarray(12, 16);
    dstBytes = data.subarray(16, 20);
    l4 = data.subarray(ihl, ipLength);
    pseudo = Buffer.concat([srcBytes, dstBytes, Buffer.from([0, protocol, l4.length >> 8, l4.length & 0xff])]);
  } else if (version === 6) {
    family = 6;
    const payloadLength = data.readUInt16BE(4);
    ipLength = payloadLength + 40;
    protocol = data[6] ?? 0;
    ipChecksumOk = true;
    srcBytes = data.subarray(8, 24);
    dstBytes = data.subarray(24, 40);
    l4 = data.subarray(40, 40 + payloadLength);
    const len = Buffer.alloc(8);
    len.writeUInt32BE(l4.length, 0);
    len.writeUInt8(protocol, 7);
    pseudo = Buffer.concat([srcBytes, dstBytes, len]);
  } else {
    throw new Error(`not an IP packet (version ${version})`);
  }
  const src = formatIp({ family, bytes: srcBytes });
  const dst = formatIp({ family, bytes: dstBytes });
  const l4ChecksumOk = checksumOf([pseudo, l4]) === 0xffff;
  const base = { family, src, dst, protocol, ipLength, ipChecksumOk, l4ChecksumOk, srcPort: l4.readUInt16BE(0), dstPort: l4.readUInt16BE(2) };
  if (protocol === 17) return { ...base, udpLength: l4.readUInt16BE(4), payload: l4.subarray(8) };
  if (protocol === 6) {
    const dataOffset = ((l4[12] ?? 0) >> 4) * 4;
    return { ...base, seq: l4.readUInt32BE(4), ack: l4.readUInt32BE(8), flags: l4[13] ?? 0, payload: l4.subarray(dataOffset) };
  }
  throw new Error(`unexpected protocol ${protocol}`);
}
