import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DialtoneError } from '../errors.js';
import { isRtcpPacket, parseRtp, serializeRtp, type RtpPacket } from './packet.js';

function parsed(buf: Uint8Array): RtpPacket {
  const r = parseRtp(buf);
  if (!r.ok) throw new Error(`expected a valid packet: ${r.reason}`);
  return r.packet;
}

test('serializeRtp lays out the RFC 3550 §5.1 fixed header byte by byte', () => {
  const buf = serializeRtp({
    marker: true, payloadType: 8, sequence: 0x1234, timestamp: 0xdeadbeef, ssrc: 0x01020304,
    payload: Uint8Array.from([0xaa, 0xbb]),
  });
  assert.deepEqual([...buf], [
    0x80, // V=2 P=0 X=0 CC=0
    0x88, // M=1 PT=8
    0x12, 0x34,
    0xde, 0xad, 0xbe, 0xef,
    0x01, 0x02, 0x03, 0x04,
    0xaa, 0xbb,
  ]);
  const p = parsed(buf);
  assert.equal(p.version, 2);
  assert.equal(p.marker, true);
  assert.equal(p.payloadType, 8);
  assert.equal(p.sequence, 0x1234);
  assert.equal(p.timestamp, 0xdeadbeef);
  assert.equal(p.ssrc, 0x01020304);
  assert.deepEqual([...p.payload], [0xaa, 0xbb]);
  assert.equal(p.csrc, undefined);
  assert.equal(p.extension, undefined);
});

test('CSRC list, header extension and padding survive a round trip; padding is stripped', () => {
  const original: RtpPacket = {
    padding: true, marker: false, payloadType: 96, sequence: 65535, timestamp: 0, ssrc: 0xffffffff,
    csrc: [1, 0xfedcba98],
    extension: { profile: 0xbede, data: Uint8Array.from([0x10, 0x2a, 0, 0]) },
    payload: Uint8Array.from([1, 2, 3, 4, 5]),
  };
  const buf = serializeRtp(original);
  // 12 header + 8 CSRC + 4 ext header + 4 ext data + 5 payload = 33 → 3 octets of padding.
  assert.equal(buf.length, 36);
  assert.equal(buf[0], 0x80 | 0x20 | 0x10 | 2);
  assert.equal(buf[buf.length - 1], 3);
  assert.equal(buf.readUInt16BE(20), 0xbede);
  assert.equal(buf.readUInt16BE(22), 1); // extension length in 32-bit words
  const p = parsed(buf);
  assert.equal(p.padding, true);
  assert.deepEqual(p.csrc, [1, 0xfedcba98]);
  assert.equal(p.extension?.profile, 0xbede);
  assert.deepEqual([...(p.extension?.data ?? [])], [0x10, 0x2a, 0, 0]);
  assert.deepEqual([...p.payload], [1, 2, 3, 4, 5]);
});

test('padding on an already aligned packet adds a full 4-octet block (the count octet must exist)', () => {
  const buf = serializeRtp({ padding: true, marker: false, payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, payload: new Uint8Array(4) });
  assert.equal(buf.length, 20);
  assert.equal(buf[19], 4);
  assert.equal(parsed(buf).payload.length, 4);
});

test('the parsed payload is a view into the received buffer, not a copy', () => {
  const wire = serializeRtp({ marker: false, payloadType: 0, sequence: 7, timestamp: 160, ssrc: 9, payload: Uint8Array.from([9, 8, 7]) });
  const datagram = new Uint8Array(wire.length + 10);
  datagram.set(wire, 5);
  const slice = datagram.subarray(5, 5 + wire.length);
  const p = parsed(slice);
  assert.equal(p.payload.buffer, datagram.buffer);
  assert.equal(p.payload.byteOffset, 5 + 12);
  datagram[5 + 12] = 42;
  assert.equal(p.payload[0], 42);
});

test('parseRtp rejects malformed packets with a reason instead of throwing', () => {
  const good = serializeRtp({ marker: false, payloadType: 0, sequence: 1, timestamp: 2, ssrc: 3, payload: new Uint8Array(8) });
  const cases: [string, Uint8Array, RegExp][] = [
    ['too short', good.subarray(0, 11), /shorter/],
    ['version 1', Uint8Array.from([0x40, ...good.subarray(1)]), /version 1/],
    ['version 0', Uint8Array.from([0x00, ...good.subarray(1)]), /version 0/],
    ['CSRC past end', Uint8Array.from([0x80 | 5, ...good.subarray(1)]), /CSRC/],
    ['extension past end', Uint8Array.from([0x90, ...good.subarray(1, 12), 0xbe, 0xde, 0x00, 0x05, 0, 0, 0, 0]), /extension/],
    ['extension header missing', Uint8Array.from([0x90, ...good.subarray(1, 12), 0xbe]), /extension/],
    ['padding count 0', Uint8Array.from([0xa0, ...good.subarray(1, good.length - 1), 0]), /padding/],
    ['padding longer than the packet', Uint8Array.from([0xa0, ...good.subarray(1, good.length - 1), 9]), /padding/],
  ];
  for (const [name, buf, reason] of cases) {
    const r = parseRtp(buf);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.match(r.reason, reason, name);
  }
});

test('padding that consumes the whole payload leaves an empty payload', () => {
  const buf = Uint8Array.from([0xa0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4]);
  assert.equal(parsed(buf).payload.length, 0);
});

test('serializeRtp refuses fields that do not fit their wire width', () => {
  const base: RtpPacket = { marker: false, payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, payload: new Uint8Array(0) };
  assert.throws(() => serializeRtp({ ...base, payloadType: 128 }), DialtoneError);
  assert.throws(() => serializeRtp({ ...base, sequence: 65536 }), DialtoneError);
  assert.throws(() => serializeRtp({ ...base, timestamp: -1 }), DialtoneError);
  assert.throws(() => serializeRtp({ ...base, ssrc: 2 ** 32 }), DialtoneError);
  assert.throws(() => serializeRtp({ ...base, csrc: new Array<number>(16).fill(1) }), DialtoneError);
  assert.throws(() => serializeRtp({ ...base, extension: { profile: 1, data: new Uint8Array(3) } }), DialtoneError);
});

test('isRtcpPacket demultiplexes by the second octet as RFC 5761 §4 describes', () => {
  const rtp = (b1: number): Uint8Array => Uint8Array.from([0x80, b1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
  for (const pt of [200, 201, 202, 203, 204, 205, 206, 207]) assert.equal(isRtcpPacket(rtp(pt)), true, `RTCP type ${pt}`);
  assert.equal(isRtcpPacket(rtp(192)), true); // PT 64 with the marker bit
  assert.equal(isRtcpPacket(rtp(223)), true); // PT 95 with the marker bit
  assert.equal(isRtcpPacket(rtp(0)), false); // PCMU
  assert.equal(isRtcpPacket(rtp(0x80 | 8)), false); // PCMA with marker
  assert.equal(isRtcpPacket(rtp(101)), false); // telephone-event
  assert.equal(isRtcpPacket(rtp(0x80 | 96)), false); // 224
  assert.equal(isRtcpPacket(Uint8Array.from([0x00, 0x01, 0x00, 0x00])), false); // STUN binding request
  assert.equal(isRtcpPacket(Uint8Array.from([0x80, 200])), false); // too short for anything
});
