import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SrtpContext, type UnprotectResult } from './srtp-context.js';
import type { SrtpSuiteName } from './suites.js';
import { DialtoneError } from '../../errors.js';

const hex = (s: string): Buffer => Buffer.from(s, 'hex');
const masterKey = hex('e1f97a0d3e018be0d64fa32c06de4139');
const masterSalt = hex('0ec675ad498afeebb6960b3aabe6');
const SUITES: SrtpSuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

function pair(suite: SrtpSuiteName = 'AES_CM_128_HMAC_SHA1_80', replayWindow?: number): { tx: SrtpContext; rx: SrtpContext } {
  const opts = { suite, masterKey, masterSalt, ...(replayWindow === undefined ? {} : { replayWindow }) };
  return { tx: new SrtpContext(opts), rx: new SrtpContext(opts) };
}

/** A PCMU-like RTP packet: V=2, PT 0, 160 payload bytes derived from the sequence number. */
function rtp(seq: number, ssrc = 0x11223344, payloadLength = 160): Buffer {
  const packet = Buffer.alloc(12 + payloadLength);
  packet[0] = 0x80;
  packet.writeUInt16BE(seq, 2);
  packet.writeUInt32BE((seq * 160) >>> 0, 4);
  packet.writeUInt32BE(ssrc, 8);
  for (let i = 0; i < payloadLength; i++) packet[12 + i] = (seq + i) & 0xff;
  return packet;
}

/** An RTCP receiver report with no report blocks followed by an SDES-like body, 28 bytes. */
function rtcp(ssrc = 0x11223344): Buffer {
  const packet = Buffer.alloc(28, 0x5a);
  packet[0] = 0x81;
  packet[1] = 201;
  packet.writeUInt16BE(6, 2);
  packet.writeUInt32BE(ssrc, 4);
  return packet;
}

function expectOk(result: UnprotectResult): Buffer {
  if (!result.ok) assert.fail(`expected ok, got ${result.reason}`);
  return result.packet;
}

function expectFailure(result: UnprotectResult, reason: string): void {
  assert.deepEqual(result.ok ? 'ok' : result.reason, reason);
}

// Reference packets from libSRTP's test/srtp_driver.c, srtp_validate(): the default policy
// (AES_CM_128_HMAC_SHA1_80), the RFC 3711 B.3 master key and salt, SSRC 0xcafebabe.
// libSRTP numbers its first SRTCP packet 1; RFC 3711 §3.4 starts at 0, so the reference
// SRTCP packet is the second one we send.
const LIBSRTP_RTP_PLAIN = hex('800f1234decafbadcafebabe' + 'ab'.repeat(16));
const LIBSRTP_SRTP = hex('800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402' + 'b78d6acc99ea179b8dbb');
const LIBSRTP_RTCP_PLAIN = hex('81c8000bcafebabe' + 'ab'.repeat(16));
const LIBSRTP_SRTCP = hex('81c8000bcafebabe7128035be487b9bdbef89041f977a5a8' + '80000001' + '993e08cd54d6c1230798');

test('protectRtp reproduces the libSRTP AES_CM_128_HMAC_SHA1_80 reference packet', () => {
  const { tx, rx } = pair();
  assert.deepEqual(tx.protectRtp(LIBSRTP_RTP_PLAIN), LIBSRTP_SRTP);
  assert.deepEqual(expectOk(rx.unprotectRtp(LIBSRTP_SRTP)), LIBSRTP_RTP_PLAIN);
});

test('the _32 suite sends the same ciphertext with the tag cut to its first 32 bits (RFC 3711 §4.2)', () => {
  // Derived from the libSRTP reference above, not a published vector of its own.
  const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_32');
  const expected = LIBSRTP_SRTP.subarray(0, LIBSRTP_SRTP.length - 6);
  assert.deepEqual(tx.protectRtp(LIBSRTP_RTP_PLAIN), expected);
  assert.deepEqual(expectOk(rx.unprotectRtp(expected)), LIBSRTP_RTP_PLAIN);
});

test('protectRtcp reproduces the libSRTP SRTCP reference packet (index 1, E flag set)', () => {
  const { tx, rx } = pair();
  const first = tx.protectRtcp(LIBSRTP_RTCP_PLAIN);
  assert.equal(first.readUInt32BE(LIBSRTP_RTCP_PLAIN.length), 0x80000000);
  assert.deepEqual(tx.protectRtcp(LIBSRTP_RTCP_PLAIN), LIBSRTP_SRTCP);
  assert.deepEqual(expectOk(rx.unprotectRtcp(LIBSRTP_SRTCP)), LIBSRTP_RTCP_PLAIN);
});

for (const suite of SUITES) {
  test(`${suite}: protect → unprotect round trip`, () => {
    const { tx, rx } = pair(suite);
    const tagLength = suite === 'AES_CM_128_HMAC_SHA1_80' ? 10 : 4;
    for (let seq = 1000; seq < 1010; seq++) {
      const plain = rtp(seq);
      const copy = Buffer.from(plain);
      const srtp = tx.protectRtp(plain);
      assert.deepEqual(plain, copy, 'protect leaves its input alone');
      assert.equal(srtp.length, plain.length + tagLength);
      assert.deepEqual(srtp.subarray(0, 12), plain.subarray(0, 12), 'header stays in the clear');
      assert.notDeepEqual(srtp.subarray(12, plain.length), plain.subarray(12));
      const srtpCopy = Buffer.from(srtp);
      assert.deepEqual(expectOk(rx.unprotectRtp(srtp)), plain);
      assert.deepEqual(srtp, srtpCopy, 'unprotect leaves its input alone');
    }
  });

  test(`${suite}: SRTCP round trip carries an 80-bit tag and an incrementing index`, () => {
    const { tx, rx } = pair(suite);
    for (let i = 0; i < 5; i++) {
      const plain = rtcp();
      const srtcp = tx.protectRtcp(plain);
      assert.equal(srtcp.length, plain.length + 4 + 10);
      assert.equal(srtcp.readUInt32BE(plain.length), (0x80000000 | i) >>> 0);
      assert.deepEqual(srtcp.subarray(0, 8), plain.subarray(0, 8));
      assert.deepEqual(expectOk(rx.unprotectRtcp(srtcp)), plain);
    }
  });
}

test('flipping any single bit of an SRTP packet gives auth_failed', () => {
  const { tx, rx } = pair();
  const srtp = tx.protectRtp(rtp(7, 0x11223344, 20));
  for (let bit = 0; bit < srtp.length * 8; bit++) {
    const forged = Buffer.from(srtp);
    forged[bit >> 3]! ^= 0x80 >> (bit & 7);
    const result = rx.unprotectRtp(forged);
    assert.equal(result.ok, false, `bit ${bit}`);
  }
  // Bits outside the version field are caught by the tag.
  const forged = Buffer.from(srtp);
  forged[20]! ^= 0x01;
  expectFailure(rx.unprotectRtp(forged), 'auth_failed');
  assert.deepEqual(expectOk(rx.unprotectRtp(srtp)), rtp(7, 0x11223344, 20), 'forgeries left no state behind');
});

test('flipping a bit of an SRTCP packet gives auth_failed', () => {
  const { tx, rx } = pair();
  const srtcp = tx.protectRtcp(rtcp());
  for (const at of [1, 5, 12, srtcp.length - 14, srtcp.length - 1]) {
    const forged = Buffer.from(srtcp);
    forged[at]! ^= 0x10;
    expectFailure(rx.unprotectRtcp(forged), 'auth_failed');
  }
  expectOk(rx.unprotectRtcp(srtcp));
});

test('a replayed SRTP packet gives replay', () => {
  const { tx, rx } = pair();
  const first = tx.protectRtp(rtp(1));
  const second = tx.protectRtp(rtp(2));
  expectOk(rx.unprotectRtp(first));
  expectOk(rx.unprotectRtp(second));
  expectFailure(rx.unprotectRtp(first), 'replay');
  expectFailure(rx.unprotectRtp(second), 'replay');
});

test('a replayed SRTCP packet gives replay', () => {
  const { tx, rx } = pair();
  const packets = [tx.protectRtcp(rtcp()), tx.protectRtcp(rtcp()), tx.protectRtcp(rtcp())];
  expectOk(rx.unprotectRtcp(packets[2]!));
  expectOk(rx.unprotectRtcp(packets[0]!)); // late but inside the window
  expectFailure(rx.unprotectRtcp(packets[0]!), 'replay');
  expectOk(rx.unprotectRtcp(packets[1]!));
});

test('authentication is checked before replay: a forged copy of an old packet is auth_failed', () => {
  const { tx, rx } = pair();
  const srtp = tx.protectRtp(rtp(1));
  expectOk(rx.unprotectRtp(srtp));
  const forged = Buffer.from(srtp);
  forged[srtp.length - 1]! ^= 1;
  expectFailure(rx.unprotectRtp(forged), 'auth_failed');
});

test('out-of-order packets inside the window are accepted, those left of it are replays', () => {
  const { tx, rx } = pair('AES_CM_128_HMAC_SHA1_80', 64);
  const packets = new Map<number, Buffer>();
  for (let seq = 100; seq <= 300; seq++) packets.set(seq, tx.protectRtp(rtp(seq)));
  const order = [100, 105, 101, 104, 102, 103, 200, 150, 199, 137];
  const results = order.map((seq) => rx.unprotectRtp(packets.get(seq)!));
  assert.deepEqual(results.map((r) => (r.ok ? 'ok' : r.reason)), ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  expectFailure(rx.unprotectRtp(packets.get(136)!), 'replay'); // 200 - 136 = 64: just outside
  expectOk(rx.unprotectRtp(packets.get(300)!));
  expectFailure(rx.unprotectRtp(packets.get(200)!), 'replay');
});

test('sequence wrap 65535 → 0 increments the ROC on both sides, with a reordered packet from before the wrap', () => {
  const { tx, rx } = pair();
  const seqs = [65533, 65534, 65535, 0, 1, 2];
  const packets = seqs.map((seq) => tx.protectRtp(rtp(seq)));
  // The sender authenticated index 65536 with ROC 1: a receiver assuming ROC 0 would fail.
  const roc0 = new SrtpContext({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt });
  expectFailure(roc0.unprotectRtp(packets[3]!), 'auth_failed');

  expectOk(rx.unprotectRtp(packets[0]!));
  expectOk(rx.unprotectRtp(packets[1]!));
  assert.deepEqual(expectOk(rx.unprotectRtp(packets[3]!)), rtp(0)); // 65535 is late
  assert.deepEqual(expectOk(rx.unprotectRtp(packets[4]!)), rtp(1));
  assert.deepEqual(expectOk(rx.unprotectRtp(packets[2]!)), rtp(65535)); // from before the wrap, ROC 0
  expectFailure(rx.unprotectRtp(packets[2]!), 'replay');
  expectOk(rx.unprotectRtp(packets[5]!));
});

test('the ROC keeps counting over several wraps', () => {
  const { tx, rx } = pair();
  for (let n = 0; n < 3 * 65536 + 10; n += 997) {
    const seq = n & 0xffff;
    assert.deepEqual(expectOk(rx.unprotectRtp(tx.protectRtp(rtp(seq)))), rtp(seq));
  }
});

test('each SSRC has its own ROC and replay state', () => {
  const { tx, rx } = pair();
  const a = tx.protectRtp(rtp(65535, 0xaaaaaaaa));
  const a2 = tx.protectRtp(rtp(0, 0xaaaaaaaa)); // ROC 1 for SSRC a
  const b = tx.protectRtp(rtp(0, 0xbbbbbbbb)); // ROC 0 for SSRC b
  expectOk(rx.unprotectRtp(a));
  expectOk(rx.unprotectRtp(a2));
  assert.deepEqual(expectOk(rx.unprotectRtp(b)), rtp(0, 0xbbbbbbbb));
  expectFailure(rx.unprotectRtp(b), 'replay');
  assert.deepEqual(expectOk(rx.unprotectRtcp(tx.protectRtcp(rtcp(0xaaaaaaaa)))), rtcp(0xaaaaaaaa));
  const bRtcp = tx.protectRtcp(rtcp(0xbbbbbbbb));
  assert.equal(bRtcp.readUInt32BE(28), 0x80000000, 'SRTCP index counts per SSRC');
  expectOk(rx.unprotectRtcp(bRtcp));
});

test('CSRCs and header extensions stay in the clear and are authenticated', () => {
  const { tx, rx } = pair();
  const header = hex('92000005000000a011223344' + 'cccccccc' + 'dddddddd' + 'bede0001' + '10ff0000');
  const plain = Buffer.concat([header, Buffer.alloc(20, 0x33)]);
  const srtp = tx.protectRtp(plain);
  assert.deepEqual(srtp.subarray(0, header.length), header);
  assert.notDeepEqual(srtp.subarray(header.length, plain.length), plain.subarray(header.length));
  assert.deepEqual(expectOk(rx.unprotectRtp(srtp)), plain);
});

test('short and malformed input gives a reason, never an exception', () => {
  const { tx, rx } = pair();
  expectFailure(rx.unprotectRtp(Buffer.alloc(0)), 'too_short');
  expectFailure(rx.unprotectRtp(Buffer.alloc(21)), 'too_short');
  const v1 = tx.protectRtp(rtp(1));
  v1[0] = 0x40;
  expectFailure(rx.unprotectRtp(v1), 'bad_version');
  const extensionTooLong = Buffer.concat([hex('90000001000000001122334400010010'), Buffer.alloc(10)]);
  expectFailure(rx.unprotectRtp(extensionTooLong), 'too_short');
  const manyCsrcs = Buffer.concat([hex('8f000001000000001122334400000000'), Buffer.alloc(10)]);
  expectFailure(rx.unprotectRtp(manyCsrcs), 'too_short');
  expectFailure(rx.unprotectRtcp(Buffer.alloc(21)), 'too_short');
  expectFailure(rx.unprotectRtcp(Buffer.alloc(40)), 'bad_version');
  expectFailure(rx.unprotectRtcp(Buffer.concat([rtcp(), Buffer.alloc(14)])), 'auth_failed');
  expectOk(rx.unprotectRtp(tx.protectRtp(rtp(5))));
});

test('a packet that would predate the stream is refused without an exception', () => {
  const { tx, rx } = pair();
  const other = new SrtpContext({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt });
  const early = other.protectRtp(rtp(60000)); // index 60000, ROC 0
  expectOk(rx.unprotectRtp(tx.protectRtp(rtp(100))));
  // Seen after seq 100, seq 60000 estimates to ROC -1: older than anything the SSRC sent.
  expectFailure(rx.unprotectRtp(early), 'replay');
  assert.throws(() => tx.protectRtp(rtp(60000)), (e: unknown) => e instanceof DialtoneError && e.code === 'srtp_bad_sequence');
});

test('constructor and protect refuse bad configuration and malformed packets', () => {
  const bad = (f: () => unknown, code: string): void => {
    assert.throws(f, (e: unknown) => e instanceof DialtoneError && e.code === code);
  };
  bad(() => new SrtpContext({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey: Buffer.alloc(32), masterSalt }), 'srtp_bad_key');
  bad(() => new SrtpContext({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt: Buffer.alloc(16) }), 'srtp_bad_salt');
  bad(() => new SrtpContext({ suite: 'AES_CM_128_HMAC_SHA1_80', masterKey, masterSalt, replayWindow: 16 }), 'srtp_bad_replay_window');
  bad(() => new SrtpContext({ suite: 'AES_256_CM_HMAC_SHA1_80' as SrtpSuiteName, masterKey, masterSalt }), 'srtp_bad_suite');
  const { tx } = pair();
  bad(() => tx.protectRtp(Buffer.alloc(8)), 'srtp_bad_rtp');
  bad(() => tx.protectRtcp(Buffer.alloc(4)), 'srtp_bad_rtcp');
});

test('plain Uint8Array views are accepted', () => {
  const { tx, rx } = pair();
  const backing = new Uint8Array(400);
  const plain = rtp(42);
  backing.set(plain, 17);
  const srtp = tx.protectRtp(backing.subarray(17, 17 + plain.length));
  const srtpView = new Uint8Array(srtp.length + 3);
  srtpView.set(srtp, 3);
  assert.deepEqual(expectOk(rx.unprotectRtp(srtpView.subarray(3))), plain);
});
