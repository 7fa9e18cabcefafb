/**
 * A capture file of one RTP stream (PCMU, 20 ms packets) for SIPp's
 * play_pcap_audio, which replays the UDP payloads of a pcap toward the call's
 * media address with the capture's timing. Ethernet link type (what SIPp's pcap
 * reader expects), IPv4, UDP; the addresses are placeholders SIPp replaces.
 */
import { writeFileSync } from 'node:fs';
import { muLawEncode } from '../../audio/g711/mulaw.js';

const FRAME = 160;

export function writeRtpPcap(path: string, pcm: Int16Array): void {
  const chunks: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
  chunks.push(header);
  const ssrc = 0x5eed1234;
  for (let i = 0, seq = 1; i + FRAME <= pcm.length; i += FRAME, seq++) {
    const rtp = Buffer.alloc(12 + FRAME);
    rtp[0] = 0x80;
    rtp[1] = seq === 1 ? 0x80 : 0x00; // marker on the first packet, PT 0 (PCMU)
    rtp.writeUInt16BE(seq & 0xffff, 2);
    rtp.writeUInt32BE(i >>> 0, 4);
    rtp.writeUInt32BE(ssrc, 8);
    Buffer.from(muLawEncode(pcm.subarray(i, i + FRAME))).copy(rtp, 12);
    const frame = ethernetUdp(rtp, 6000, 7000);
    const rec = Buffer.alloc(16);
    const us = (seq - 1) * 20_000;
    rec.writeUInt32LE(1_700_000_000 + Math.floor(us / 1_000_000), 0);
    rec.writeUInt32LE(us % 1_000_000, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    chunks.push(rec, frame);
  }
  writeFileSync(path, Buffer.concat(chunks));
}

function ethernetUdp(payload: Buffer, srcPort: number, dstPort: number): Buffer {
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(0x0800, 12);
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(srcPort, 0);
  udp.writeUInt16BE(dstPort, 2);
  udp.writeUInt16BE(8 + payload.length, 4);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 8 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  ip.set([127, 0, 0, 1], 12);
  ip.set([127, 0, 0, 1], 16);
  let sum = 0;
  for (let i = 0; i < 20; i += 2) sum += ip.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  ip.writeUInt16BE(~sum & 0xffff, 10);
  return Buffer.concat([eth, ip, udp, payload]);
}
