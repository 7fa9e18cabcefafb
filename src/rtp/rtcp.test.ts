import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialtoneError } from '../errors.js';
import {
  NTP_UNIX_OFFSET_S, SDES_CNAME, SDES_NAME, SDES_PRIV, buildReportCompound, ntpFromWallMs, ntpMiddle32, ntpMiddle32FromWallMs,
  parseRtcpCompound, roundTripMs, rtcpIntervalMs, serializeRtcpCompound, type ReportBlock, type RtcpPacket,
} from './rtcp.js';
import { RtpSource } from './source.js';

function parsed(buf: Uint8Array): RtcpPacket[] {
  const r = parseRtcpCompound(buf);
  if (!r.ok) throw new Error(`expected valid RTCP: ${r.reason}`);
  return r.packets;
}

function rejected(buf: Uint8Array): string {
  const r = parseRtcpCompound(buf);
  if (r.ok) throw new Error('expected the compound to be rejected');
  return r.reason;
}

const block: ReportBlock = {
  ssrc: 0xaabbccdd, fractionLost: 0x40, cumulativeLost: -1, extendedHighestSequence: 0x00010005,
  jitter: 0x20, lastSr: 0x45678000, delaySinceLastSr: 0x00018000,
};

const sr: RtcpPacket = {
  type: 'sr', ssrc: 0x01020304, ntpSeconds: 0xe1234567, ntpFraction: 0x80000000, rtpTimestamp: 0x1000,
  packetCount: 10, octetCount: 1600, reports: [block],
};

test('an SR with one report block has the RFC 3550 §6.4.1 byte layout', () => {
  const buf = serializeRtcpCompound([sr]);
  // prettier-ignore
  const expected = [
    0x81, 0xc8, 0x00, 0x0c, // V=2 P=0 RC=1, PT=200, length 12 (13 words − 1)
    0x01, 0x02, 0x03, 0x04, // SSRC of sender
    0xe1, 0x23, 0x45, 0x67, // NTP seconds
    0x80, 0x00, 0x00, 0x00, // NTP fraction
    0x00, 0x00, 0x10, 0x00, // RTP timestamp
    0x00, 0x00, 0x00, 0x0a, // sender's packet count
    0x00, 0x00, 0x06, 0x40, // sender's octet count
    0xaa, 0xbb, 0xcc, 0xdd, // SSRC_1
    0x40, 0xff, 0xff, 0xff, // fraction lost 0x40, cumulative lost −1 (24-bit two's complement)
    0x00, 0x01, 0x00, 0x05, // extended highest sequence number
    0x00, 0x00, 0x00, 0x20, // interarrival jitter
    0x45, 0x67, 0x80, 0x00, // LSR
    0x00, 0x01, 0x80, 0x00, // DLSR
  ];
  assert.deepEqual([...buf], expected);
  assert.deepEqual(parsed(buf), [sr]);
});

test('SR and RR round trip, including 31 report blocks and a negative cumulative loss', () => {
  const blocks = Array.from({ length: 31 }, (_, i): ReportBlock => ({ ...block, ssrc: i + 1, cumulativeLost: i % 2 ? -8388608 : 8388607 }));
  const packets: RtcpPacket[] = [
    { ...sr, reports: [] },
    { type: 'rr', ssrc: 77, reports: blocks },
  ];
  const buf = serializeRtcpCompound(packets);
  assert.equal(buf.length, 28 + 8 + 31 * 24);
  assert.deepEqual(parsed(buf), packets);
  assert.throws(() => serializeRtcpCompound([{ type: 'rr', ssrc: 1, reports: [...blocks, block] }]), DialtoneError);
});

test('a compound RR + SDES (CNAME and other items) + BYE with a reason round trips', () => {
  const packets: RtcpPacket[] = [
    { type: 'rr', ssrc: 0x11111111, reports: [block] },
    { type: 'sdes', chunks: [
      { ssrc: 0x11111111, items: [{ type: SDES_CNAME, text: 'dialtone@192.0.2.7' }, { type: SDES_NAME, text: 'Küche' }] },
      { ssrc: 0x22222222, items: [{ type: SDES_PRIV, text: '\u0003abcvalue' }] },
    ] },
    { type: 'bye', ssrcs: [0x11111111], reason: 'hung up' },
  ];
  const buf = serializeRtcpCompound(packets);
  assert.equal(buf.length % 4, 0);
  assert.deepEqual(parsed(buf), packets);

  // SDES chunk 1: SSRC(4) + CNAME(2+18) + NAME(2+6) = 32, so 4 null octets follow (at least one is required).
  const sdesStart = 8 + 24;
  assert.equal(buf[sdesStart], 0x80 | 2);
  assert.equal(buf[sdesStart + 1], 202);
  assert.deepEqual([...buf.subarray(sdesStart + 4 + 32, sdesStart + 4 + 36)], [0, 0, 0, 0]);

  // BYE: V=2 SC=1, PT=203, length 3: SSRC, then length octet 7 + "hung up" = 8 octets.
  const bye = buf.subarray(buf.length - 16);
  assert.deepEqual([...bye.subarray(0, 4)], [0x81, 203, 0, 3]);
  assert.equal(bye[8], 7);
  assert.equal(Buffer.from(bye.subarray(9, 16)).toString(), 'hung up');
});

test('buildReportCompound orders SR|RR, SDES CNAME, then BYE (§6.1), spilling blocks past 31 into RRs', () => {
  const reports = Array.from({ length: 40 }, (_, i): ReportBlock => ({ ...block, ssrc: i + 1 }));
  const packets = buildReportCompound({
    ssrc: 5, cname: 'line1@dialtone', reports,
    sender: { ntp: { seconds: 1, fraction: 2 }, rtpTimestamp: 3, packetCount: 4, octetCount: 5 },
    bye: { reason: 'shutdown' },
  });
  assert.deepEqual(packets.map((p) => p.type), ['sr', 'rr', 'sdes', 'bye']);
  const back = parsed(serializeRtcpCompound(packets));
  assert.deepEqual(back, packets);
  const [first, second] = back;
  assert.equal(first?.type === 'sr' ? first.reports.length : -1, 31);
  assert.equal(second?.type === 'rr' ? second.reports.length : -1, 9);
  const rrOnly = buildReportCompound({ ssrc: 5, cname: 'x', reports: [] });
  assert.deepEqual(rrOnly.map((p) => p.type), ['rr', 'sdes']);
});

test('unknown packet types are kept as "other" and padding on the last packet is stripped', () => {
  const rr = serializeRtcpCompound([{ type: 'rr', ssrc: 1, reports: [] }]);
  // APP packet (204), subtype 3, name "test", 2 octets of data + 2 of padding (P bit, count 2).
  const app = Uint8Array.from([0xa3, 204, 0, 3, 0, 0, 0, 1, 0x74, 0x65, 0x73, 0x74, 0xee, 0xff, 0, 2]);
  const packets = parsed(Buffer.concat([rr, app]));
  assert.equal(packets.length, 2);
  const other = packets[1];
  assert.ok(other?.type === 'other');
  assert.equal(other.packetType, 204);
  assert.equal(other.count, 3);
  assert.deepEqual([...other.body], [0, 0, 0, 1, 0x74, 0x65, 0x73, 0x74, 0xee, 0xff]);
  assert.deepEqual([...serializeRtcpCompound([{ type: 'rr', ssrc: 1, reports: [] }, other])], [...rr, ...app]);
});

test('malformed compounds are rejected per RFC 3550 A.2', () => {
  const good = serializeRtcpCompound([{ type: 'rr', ssrc: 1, reports: [block] }, { type: 'bye', ssrcs: [1] }]);
  assert.deepEqual(parsed(good).map((p) => p.type), ['rr', 'bye']);

  const badVersion = Buffer.from(good);
  badVersion[0] = 0x41;
  assert.match(rejected(badVersion), /version 1/);

  const badVersionLater = Buffer.from(good);
  badVersionLater[32] = 0x01; // the BYE header
  assert.match(rejected(badVersionLater), /version 0/);

  const tooLong = Buffer.from(good);
  tooLong.writeUInt16BE(12, 2); // RR claims 13 words (52 octets); the datagram has 40
  assert.match(rejected(tooLong), /past the end/);
  const byeTooLong = Buffer.from(good);
  byeTooLong.writeUInt16BE(2, 34); // BYE claims 3 words where 2 remain
  assert.match(rejected(byeTooLong), /past the end/);

  const sdesFirst = serializeRtcpCompound([{ type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'a' }] }] }]);
  assert.match(rejected(sdesFirst), /expected SR or RR/);
  const byeFirst = serializeRtcpCompound([{ type: 'bye', ssrcs: [1] }]);
  assert.match(rejected(byeFirst), /expected SR or RR/);

  const paddedFirst = Buffer.from(good);
  paddedFirst[0] = (paddedFirst[0] ?? 0) | 0x20;
  assert.match(rejected(paddedFirst), /padding/);

  assert.match(rejected(good.subarray(0, 30)), /multiple of 4/);
  assert.match(rejected(new Uint8Array(4)), /too short/);

  const shortRr = Uint8Array.from([0x81, 201, 0, 1, 0, 0, 0, 1]); // claims a report block it lacks
  assert.match(rejected(shortRr), /too short/);

  const badSdes = Buffer.concat([serializeRtcpCompound([{ type: 'rr', ssrc: 1, reports: [] }]), Uint8Array.from([0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 0x61, 0x62])]);
  assert.match(rejected(badSdes), /SDES item/);

  const badBye = Buffer.concat([serializeRtcpCompound([{ type: 'rr', ssrc: 1, reports: [] }]), Uint8Array.from([0x81, 203, 0, 2, 0, 0, 0, 1, 9, 0x61, 0x62, 0x63])]);
  assert.match(rejected(badBye), /BYE reason/);
});

test('NTP timestamps count from 1900 and the middle 32 bits take 16 bits of each half (§4)', () => {
  assert.deepEqual(ntpFromWallMs(0), { seconds: NTP_UNIX_OFFSET_S, fraction: 0 });
  assert.deepEqual(ntpFromWallMs(1500), { seconds: NTP_UNIX_OFFSET_S + 1, fraction: 0x80000000 });
  assert.deepEqual(ntpFromWallMs(250), { seconds: NTP_UNIX_OFFSET_S, fraction: 0x40000000 });
  assert.equal(ntpMiddle32({ seconds: 0xe1234567, fraction: 0x89abcdef }), 0x456789ab);
  // 2036-02-07T06:28:16Z is where NTP era 0 ends: seconds wrap to 0.
  assert.equal(ntpFromWallMs((2 ** 32 - NTP_UNIX_OFFSET_S) * 1000).seconds, 0);
});

test('round-trip time from the RFC 3550 §6.4.1 example: A − LSR − DLSR = 6.125 s', () => {
  // A = 0xb710:8000 (46864.500 s), LSR = 0xb705:2000 (46853.125 s), DLSR = 0x0005:4000 (5.250 s).
  const ntpSeconds = 33707 * 65536 + 0xb710; // some NTP second whose low 16 bits are 0xb710
  const arrivalWallMs = (ntpSeconds - NTP_UNIX_OFFSET_S) * 1000 + 500;
  assert.equal(ntpMiddle32FromWallMs(arrivalWallMs), 0xb7108000);
  const rr: ReportBlock = { ...block, lastSr: 0xb7052000, delaySinceLastSr: 0x00054000 };
  assert.equal(roundTripMs(rr, arrivalWallMs), 6125);
  assert.equal(roundTripMs({ ...rr, lastSr: 0 }, arrivalWallMs), undefined);
  assert.equal(roundTripMs({ ...rr, delaySinceLastSr: 0x000c0000 }, arrivalWallMs), 0); // would be negative
});

test('round-trip time end to end: our SR, the peer RtpSource, its RR back to us', () => {
  const sentWallMs = 1_700_000_000_000;
  const srNtp = ntpFromWallMs(sentWallMs);
  const peer = new RtpSource(0x5eed, 8000);
  for (let i = 0; i < 3; i++) peer.receive(i, i * 160, 50_000 + i * 20, 160);
  peer.senderReport(ntpMiddle32(srNtp), 50_060); // the peer's clock is unrelated to ours
  const reportBack = peer.reportBlock(50_060 + 250); // held for 250 ms
  const rtt = roundTripMs(reportBack, sentWallMs + 400);
  assert.ok(rtt !== undefined && Math.abs(rtt - 150) < 0.05, `rtt ${rtt}`);
});

test('RTCP interval: 5 s minimum (2.5 s initial), randomised 0.5–1.5 and divided by e − 3/2 (§6.3.1)', () => {
  const base = { members: 2, senders: 2, weSent: true, avgRtcpSize: 120, sessionBandwidthBps: 64_000, initial: false };
  const comp = Math.E - 1.5;
  assert.ok(Math.abs(rtcpIntervalMs({ ...base, random: () => 0 }) - (5000 * 0.5) / comp) < 1e-6);
  assert.ok(Math.abs(rtcpIntervalMs({ ...base, random: () => 0.5 }) - 5000 / comp) < 1e-6);
  assert.ok(rtcpIntervalMs({ ...base, random: () => 0.999999 }) < (5000 * 1.5) / comp);
  assert.ok(Math.abs(rtcpIntervalMs({ ...base, initial: true, random: () => 0 }) - (2500 * 0.5) / comp) < 1e-6);
  for (let r = 0; r < 1; r += 0.05) {
    const t = rtcpIntervalMs({ ...base, random: () => r });
    assert.ok(t >= 2052 && t <= 6157, `interval ${t}`);
  }
});

test('RTCP interval grows with members and gives senders a quarter of the RTCP bandwidth', () => {
  // 64 kb/s session → RTCP 400 octets/s; receivers share 300 octets/s.
  const big = { members: 1000, senders: 1, avgRtcpSize: 100, sessionBandwidthBps: 64_000, initial: false, random: () => 0.5 };
  const receiver = rtcpIntervalMs({ ...big, weSent: false });
  assert.ok(Math.abs(receiver - ((100 * 999) / 300) * 1000 / (Math.E - 1.5)) < 1e-6);
  const sender = rtcpIntervalMs({ ...big, weSent: true }); // one sender alone on 100 octets/s: 1 s, raised to 5 s
  assert.ok(Math.abs(sender - 5000 / (Math.E - 1.5)) < 1e-6);
  assert.throws(() => rtcpIntervalMs({ ...big, weSent: false, sessionBandwidthBps: 0 }), DialtoneError);
});
