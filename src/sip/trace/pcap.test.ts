import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../errors.js';
import { LINKTYPE_RAW, writePcap } from './pcap.js';
import type { TraceRecord } from './record.js';
import { decodePacket, readPcap, type DecodedPacket } from './test-support/pcap-reader.js';

const T = Date.UTC(2026, 10, 21, 10, 0, 0, 123);
const ATA = { address: '192.0.2.5', port: 5060 };
const PBX = { address: '192.0.2.10', port: 5060 };

function rec(bytes: Buffer | string, over: Partial<TraceRecord> = {}): TraceRecord {
  return {
    wallTime: T,
    direction: 'out',
    protocol: 'udp',
    local: ATA,
    remote: PBX,
    bytes: typeof bytes === 'string' ? Buffer.from(bytes) : bytes,
    ...over,
  };
}

function decodeAll(file: Buffer): DecodedPacket[] {
  return readPcap(file).packets.map((p) => decodePacket(p.data));
}

const INVITE = 'INVITE sip:1001@192.0.2.5 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n';
const TRYING = 'SIP/2.0 100 Trying\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK1\r\nContent-Length: 0\r\n\r\n';

test('the file header: magic, version 2.4, snaplen 65535, LINKTYPE_RAW', () => {
  const file = writePcap([]);
  assert.equal(file.length, 24);
  const pcap = readPcap(file);
  assert.equal(pcap.magic, 0xa1b2c3d4);
  assert.equal(pcap.versionMajor, 2);
  assert.equal(pcap.versionMinor, 4);
  assert.equal(pcap.thiszone, 0);
  assert.equal(pcap.snaplen, 65535);
  assert.equal(pcap.linktype, LINKTYPE_RAW);
  assert.equal(LINKTYPE_RAW, 101);
  assert.deepEqual(pcap.packets, []);
});

test('UDP over IPv4: addresses by direction, lengths, checksums, timestamps', () => {
  const file = writePcap([rec(INVITE, { direction: 'in' }), rec(`${TRYING}x`, { wallTime: T + 1.5 })]); // odd length
  const pcap = readPcap(file);
  assert.equal(pcap.packets.length, 2);
  const [p1, p2] = pcap.packets;
  assert.equal(p1?.tsSec, Math.floor(T / 1000));
  assert.equal(p1?.tsUsec, 123_000);
  assert.equal(p2?.tsUsec, 124_500);
  assert.equal(p1?.inclLen, p1?.origLen);
  const [invite, trying] = decodeAll(file);
  assert.ok(invite !== undefined && trying !== undefined);
  assert.deepEqual(
    { family: invite.family, src: invite.src, dst: invite.dst, srcPort: invite.srcPort, dstPort: invite.dstPort, protocol: invite.protocol },
    { family: 4, src: '192.0.2.10', dst: '192.0.2.5', srcPort: 5060, dstPort: 5060, protocol: 17 },
  );
  assert.equal(invite.payload.toString(), INVITE);
  assert.equal(invite.udpLength, 8 + Buffer.byteLength(INVITE));
  assert.equal(invite.ipLength, 20 + 8 + Buffer.byteLength(INVITE));
  assert.equal(invite.ipLength, p1?.data.length);
  assert.ok(invite.ipChecksumOk);
  assert.ok(invite.l4ChecksumOk);
  assert.equal(trying.src, '192.0.2.5');
  assert.equal(trying.payload.toString(), `${TRYING}x`);
  assert.ok(trying.ipChecksumOk && trying.l4ChecksumOk);
});

test('IPv6, IPv4-mapped addresses as IPv4, and mixed families as IPv4-mapped IPv6', () => {
  const file = writePcap([
    rec('a', { local: { address: '2001:db8::5', port: 5060 }, remote: { address: '[2001:DB8::10]', port: 5062 } }),
    rec('bb', { local: { address: '::ffff:192.0.2.5', port: 5060 }, remote: { address: '::ffff:192.0.2.10', port: 5060 } }),
    rec('ccc', { local: { address: '2001:db8::5', port: 5060 }, remote: { address: '192.0.2.10', port: 5060 } }),
  ]);
  const [v6, mapped, mixed] = decodeAll(file);
  assert.ok(v6 !== undefined && mapped !== undefined && mixed !== undefined);
  assert.deepEqual([v6.family, v6.src, v6.dst, v6.dstPort], [6, '2001:db8::5', '2001:db8::10', 5062]);
  assert.equal(v6.ipLength, 40 + 8 + 1);
  assert.ok(v6.l4ChecksumOk);
  assert.deepEqual([mapped.family, mapped.src, mapped.dst], [4, '192.0.2.5', '192.0.2.10']);
  assert.ok(mapped.ipChecksumOk && mapped.l4ChecksumOk);
  assert.deepEqual([mixed.family, mixed.src, mixed.dst], [6, '2001:db8::5', '::ffff:c000:20a']);
  assert.ok(mixed.l4ChecksumOk);
});

test('TCP: PSH|ACK, per-flow sequence numbers advancing by payload length, ACKs following the other side', () => {
  const local = { address: '192.0.2.5', port: 40312 };
  const records = [
    rec('REGISTER 1', { protocol: 'tcp', local }), // 10 bytes out
    rec('SIP/2.0 401', { protocol: 'tcp', local, direction: 'in' }), // 11 bytes in
    rec('REGISTER 2 longer', { protocol: 'tcp', local }), // 17 bytes out
    rec('SIP/2.0 200 OK', { protocol: 'tcp', local, direction: 'in' }),
    rec('OPTIONS', { protocol: 'tls', local, remote: { address: '192.0.2.10', port: 5061 } }), // another flow
  ];
  const [r1, a1, r2, a2, tls] = decodeAll(writePcap(records));
  assert.ok(r1 !== undefined && a1 !== undefined && r2 !== undefined && a2 !== undefined && tls !== undefined);
  for (const p of [r1, a1, r2, a2, tls]) {
    assert.equal(p.protocol, 6);
    assert.equal(p.flags, 0x18);
    assert.ok(p.ipChecksumOk && p.l4ChecksumOk);
  }
  assert.equal(r2.seq, ((r1.seq ?? 0) + 10) >>> 0);
  assert.equal(a2.seq, ((a1.seq ?? 0) + 11) >>> 0);
  assert.equal(r1.ack, a1.seq); // the ACK names the next byte expected from the other side
  assert.equal(a1.ack, ((r1.seq ?? 0) + 10) >>> 0);
  assert.equal(r2.ack, ((a1.seq ?? 0) + 11) >>> 0);
  assert.equal(a2.ack, ((r2.seq ?? 0) + 17) >>> 0);
  assert.deepEqual([a1.src, a1.srcPort, a1.dst, a1.dstPort], ['192.0.2.10', 5060, '192.0.2.5', 40312]);
  assert.equal(r2.payload.toString(), 'REGISTER 2 longer');
  assert.equal(tls.dstPort, 5061);
  assert.notEqual(tls.seq, ((r2.seq ?? 0) + 17) >>> 0);
});

test('payloads too large for one packet: TCP is split into segments, UDP is cut', () => {
  const big = Buffer.alloc(150_000, 0x61);
  const [s1, s2, s3, udp] = decodeAll(writePcap([rec(big, { protocol: 'tcp' }), rec(big)]));
  assert.ok(s1 !== undefined && s2 !== undefined && s3 !== undefined && udp !== undefined);
  assert.equal(s1.payload.length, 65535 - 40);
  assert.equal(s2.seq, ((s1.seq ?? 0) + s1.payload.length) >>> 0);
  assert.equal(s1.payload.length + s2.payload.length + s3.payload.length, 150_000);
  assert.ok(s1.l4ChecksumOk && s3.l4ChecksumOk);
  assert.equal(udp.protocol, 17);
  assert.equal(udp.ipLength, 65535);
  assert.equal(udp.udpLength, 65535 - 20);
  assert.ok(udp.l4ChecksumOk);
});

test('a record whose end is not an IP address or port is refused with the field named', () => {
  assert.throws(
    () => writePcap([rec('x'), rec('y', { remote: { address: 'pbx.example.com', port: 70000 } })]),
    (e: unknown) => e instanceof ValidationError && 'records[1].remote.address' in e.fields && 'records[1].remote.port' in e.fields,
  );
});

const TCPDUMP = ['/usr/bin/tcpdump', '/usr/sbin/tcpdump'].find((p) => existsSync(p));

test('tcpdump reads the file and finds the checksums correct', { skip: TCPDUMP === undefined ? 'tcpdump is not installed' : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-pcap-'));
  try {
    const path = join(dir, 'trace.pcap');
    writeFileSync(
      path,
      writePcap([
        rec(INVITE, { direction: 'in' }),
        rec(TRYING),
        rec('REGISTER sip:pbx SIP/2.0\r\nContent-Length: 0\r\n\r\n', { protocol: 'tcp', local: { address: '192.0.2.5', port: 40312 } }),
        rec(TRYING, { local: { address: '2001:db8::5', port: 5060 }, remote: { address: '2001:db8::10', port: 5060 } }),
        rec(TRYING, { protocol: 'tcp', local: { address: '2001:db8::5', port: 40000 }, remote: { address: '2001:db8::10', port: 5060 } }),
      ]),
    );
    const out = execFileSync(TCPDUMP ?? 'tcpdump', ['-nn', '-vv', '-r', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = out.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{6} /.test(l));
    assert.equal(lines.length, 5, out);
    assert.match(out, /192\.0\.2\.10\.5060 > 192\.0\.2\.5\.5060: \[udp sum ok\] SIP/);
    assert.match(out, /192\.0\.2\.5\.40312 > 192\.0\.2\.10\.5060: Flags \[P\.\], cksum 0x[0-9a-f]+ \(correct\)/);
    assert.match(out, /2001:db8::5\.5060 > 2001:db8::10\.5060: \[udp sum ok\]/);
    assert.match(out, /2001:db8::5\.40000 > 2001:db8::10\.5060: Flags \[P\.\], cksum 0x[0-9a-f]+ \(correct\)/);
    assert.doesNotMatch(out, /bad|incorrect|truncated/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const TSHARK = ['/usr/bin/tshark', '/usr/sbin/tshark'].find((p) => existsSync(p));

test('Wireshark (tshark) reassembles a SIP message split over two TCP records, checksums good', { skip: TSHARK === undefined ? 'tshark is not installed' : false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-pcap-'));
  try {
    const path = join(dir, 'trace.pcap');
    const local = { address: '192.0.2.5', port: 40312 };
    const half = Math.floor(INVITE.length / 2);
    writeFileSync(
      path,
      writePcap([
        rec(INVITE.slice(0, half), { protocol: 'tcp', local }),
        rec(INVITE.slice(half), { protocol: 'tcp', local, wallTime: T + 1 }),
        rec(TRYING, { protocol: 'tcp', local, direction: 'in', wallTime: T + 2 }),
        rec(TRYING),
      ]),
    );
    const prefs = ['-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];
    const summary = execFileSync(TSHARK ?? 'tshark', ['-n', '-r', path, ...prefs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(summary, /SIP \d+ Request: INVITE sip:1001@192\.0\.2\.5/, summary);
    assert.equal((summary.match(/Status: 100 Trying/g) ?? []).length, 2, summary);
    const detail = execFileSync(TSHARK ?? 'tshark', ['-n', '-V', '-r', path, ...prefs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(detail, /2 Reassembled TCP Segments/);
    assert.doesNotMatch(detail, /Checksum Status: Bad|checksum status: Bad|Malformed|Previous segment/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
