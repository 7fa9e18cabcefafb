/**
 * An SRTP/SRTCP cryptographic context for one master key (RFC 3711).
 *
 * - §3.1, §3.3: SRTP packet = RTP header || encrypted payload || auth tag; no MKI.
 * - §3.3.1 / Appendix A: the 48-bit index (ROC || SEQ) is estimated per SSRC.
 * - §3.3.2: a sliding replay window per SSRC, updated only after authentication.
 * - §3.4: SRTCP packet = first 8 octets || encrypted rest || E-flag || 31-bit
 *   SRTCP index || auth tag; the tag is 80 bits for both suites (§5.2, RFC 4568 §6.2.2).
 * - §4.1.1: AES-CM encryption; §4.2 / §4.2.1: HMAC-SHA1 over the authenticated
 *   portion || ROC (SRTP) or over the authenticated portion including E||index (SRTCP).
 * - §4.3: session keys derived once with key_derivation_rate 0.
 *
 * Tags are checked, in constant time, before anything is decrypted. Network input
 * never makes these methods throw: unprotect returns a result union. Protect
 * throws DialtoneError only for malformed packets handed in by our own code or
 * when the master key's lifetime (2^48 SRTP / 2^31 SRTCP packets) is used up.
 * A context may carry several SSRCs; each has its own sender and receiver state.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import { DialtoneError } from '../../errors.js';
import { aesCmIv, aesCmXor } from './aes-cm.js';
import { deriveSrtcpKeys, deriveSrtpKeys, type SessionKeys } from './kdf.js';
import { estimateRtpIndex, rolloverCounter } from './packet-index.js';
import { DEFAULT_REPLAY_WINDOW, ReplayWindow } from './replay-window.js';
import { SRTP_SUITES, isSupportedSuite, type SrtpSuite, type SrtpSuiteName } from './suites.js';

export interface SrtpContextOptions {
  suite: SrtpSuiteName;
  /** 16-byte master key. */
  masterKey: Uint8Array;
  /** 14-byte master salt. */
  masterSalt: Uint8Array;
  /** Replay window size in packets; default 128, at least 64. */
  replayWindow?: number;
}

export type UnprotectFailure = 'too_short' | 'bad_version' | 'auth_failed' | 'replay';

export type UnprotectResult = { ok: true; packet: Buffer } | { ok: false; reason: UnprotectFailure };

const RTP_HEADER = 12;
const RTCP_HEADER = 8;
const SRTCP_INDEX_LENGTH = 4;
const E_FLAG = 0x80000000;
const MAX_SRTP_INDEX = 2 ** 48;
const MAX_SRTCP_INDEX = 2 ** 31;

export class SrtpContext {
  readonly suite: SrtpSuite;
  private readonly rtpKeys: SessionKeys;
  private readonly rtcpKeys: SessionKeys;
  private readonly windowSize: number;
  /** SSRC → highest SRTP index sent. */
  private readonly rtpSent = new Map<number, number>();
  /** SSRC → replay window of SRTP indices received. */
  private readonly rtpReceived = new Map<number, ReplayWindow>();
  /** SSRC → next SRTCP index to send. */
  private readonly rtcpSent = new Map<number, number>();
  /** SSRC → replay window of SRTCP indices received. */
  private readonly rtcpReceived = new Map<number, ReplayWindow>();

  constructor(opts: SrtpContextOptions) {
    if (!isSupportedSuite(opts.suite)) {
      throw new DialtoneError('srtp_bad_suite', 'unsupported SRTP crypto suite', { suite: String(opts.suite) });
    }
    this.suite = SRTP_SUITES[opts.suite];
    this.windowSize = opts.replayWindow ?? DEFAULT_REPLAY_WINDOW;
    new ReplayWindow(this.windowSize); // validates the size up front
    this.rtpKeys = deriveSrtpKeys(opts.masterKey, opts.masterSalt);
    this.rtcpKeys = deriveSrtcpKeys(opts.masterKey, opts.masterSalt);
  }

  /** Encrypts and authenticates one RTP packet (§3.3). */
  protectRtp(rtp: Uint8Array): Buffer {
    const packet = view(rtp);
    const headerLength = packet.length >= RTP_HEADER && version(packet) === 2 ? rtpHeaderLength(packet, packet.length) : undefined;
    if (headerLength === undefined) {
      throw new DialtoneError('srtp_bad_rtp', 'protectRtp was given a malformed RTP packet', { length: packet.length });
    }
    const seq = packet.readUInt16BE(2);
    const ssrc = packet.readUInt32BE(8);
    const highest = this.rtpSent.get(ssrc);
    const index = highest === undefined ? seq : estimateRtpIndex(highest, seq);
    if (index < 0) {
      throw new DialtoneError('srtp_bad_sequence', 'RTP sequence number lies before the first packet sent on this SSRC', { ssrc, seq });
    }
    if (index >= MAX_SRTP_INDEX) {
      throw new DialtoneError('srtp_key_exhausted', 'SRTP master key lifetime exhausted; re-key', { ssrc });
    }
    if (highest === undefined || index > highest) this.rtpSent.set(ssrc, index);

    const tagLength = this.suite.srtpTagLength;
    const out = Buffer.alloc(packet.length + tagLength);
    packet.copy(out, 0, 0, headerLength);
    const iv = aesCmIv(this.rtpKeys.salt, ssrc, index);
    aesCmXor(this.rtpKeys.encryptionKey, iv, packet.subarray(headerLength)).copy(out, headerLength);
    srtpTag(this.rtpKeys.authKey, out.subarray(0, packet.length), rolloverCounter(index), tagLength).copy(out, packet.length);
    return out;
  }

  /** Authenticates, replay-checks and decrypts one SRTP packet (§3.3). */
  unprotectRtp(srtp: Uint8Array): UnprotectResult {
    const packet = view(srtp);
    const tagLength = this.suite.srtpTagLength;
    if (packet.length < RTP_HEADER + tagLength) return { ok: false, reason: 'too_short' };
    if (version(packet) !== 2) return { ok: false, reason: 'bad_version' };
    const authLength = packet.length - tagLength;
    const headerLength = rtpHeaderLength(packet, authLength);
    if (headerLength === undefined) return { ok: false, reason: 'too_short' };

    const seq = packet.readUInt16BE(2);
    const ssrc = packet.readUInt32BE(8);
    const window = this.rtpReceived.get(ssrc);
    const highest = window?.highestIndex;
    const index = highest === undefined ? seq : estimateRtpIndex(highest, seq);
    // A negative index would need ROC = -1: older than anything this SSRC can have sent.
    if (index < 0) return { ok: false, reason: 'replay' };

    const authenticated = packet.subarray(0, authLength);
    const expected = srtpTag(this.rtpKeys.authKey, authenticated, rolloverCounter(index), tagLength);
    if (!timingSafeEqual(expected, packet.subarray(authLength))) return { ok: false, reason: 'auth_failed' };
    if (window !== undefined && !window.check(index)) return { ok: false, reason: 'replay' };

    const out = Buffer.alloc(authLength);
    packet.copy(out, 0, 0, headerLength);
    const iv = aesCmIv(this.rtpKeys.salt, ssrc, index);
    aesCmXor(this.rtpKeys.encryptionKey, iv, packet.subarray(headerLength, authLength)).copy(out, headerLength);

    const committed = window ?? new ReplayWindow(this.windowSize);
    committed.accept(index);
    if (window === undefined) this.rtpReceived.set(ssrc, committed);
    return { ok: true, packet: out };
  }

  /** Encrypts and authenticates one (compound) RTCP packet (§3.4). */
  protectRtcp(rtcp: Uint8Array): Buffer {
    const packet = view(rtcp);
    if (packet.length < RTCP_HEADER || version(packet) !== 2) {
      throw new DialtoneError('srtp_bad_rtcp', 'protectRtcp was given a malformed RTCP packet', { length: packet.length });
    }
    const ssrc = packet.readUInt32BE(4);
    const index = this.rtcpSent.get(ssrc) ?? 0;
    if (index >= MAX_SRTCP_INDEX) {
      throw new DialtoneError('srtp_key_exhausted', 'SRTCP master key lifetime exhausted; re-key', { ssrc });
    }
    this.rtcpSent.set(ssrc, index + 1);

    const tagLength = this.suite.srtcpTagLength;
    const trailerAt = packet.length;
    const out = Buffer.alloc(packet.length + SRTCP_INDEX_LENGTH + tagLength);
    packet.copy(out, 0, 0, RTCP_HEADER);
    const iv = aesCmIv(this.rtcpKeys.salt, ssrc, index);
    aesCmXor(this.rtcpKeys.encryptionKey, iv, packet.subarray(RTCP_HEADER)).copy(out, RTCP_HEADER);
    out.writeUInt32BE((E_FLAG | index) >>> 0, trailerAt);
    const authLength = trailerAt + SRTCP_INDEX_LENGTH;
    hmacSha1(this.rtcpKeys.authKey, out.subarray(0, authLength)).copy(out, authLength, 0, tagLength);
    return out;
  }

  /**
   * Authenticates, replay-checks and decrypts one SRTCP packet (§3.4). A packet
   * whose E flag is clear (sent unencrypted, §3.4) is returned as it came, once authenticated.
   */
  unprotectRtcp(srtcp: Uint8Array): UnprotectResult {
    const packet = view(srtcp);
    const tagLength = this.suite.srtcpTagLength;
    if (packet.length < RTCP_HEADER + SRTCP_INDEX_LENGTH + tagLength) return { ok: false, reason: 'too_short' };
    if (version(packet) !== 2) return { ok: false, reason: 'bad_version' };
    const authLength = packet.length - tagLength;
    const trailerAt = authLength - SRTCP_INDEX_LENGTH;

    const expected = hmacSha1(this.rtcpKeys.authKey, packet.subarray(0, authLength)).subarray(0, tagLength);
    if (!timingSafeEqual(expected, packet.subarray(authLength))) return { ok: false, reason: 'auth_failed' };

    const ssrc = packet.readUInt32BE(4);
    const trailer = packet.readUInt32BE(trailerAt);
    const encrypted = (trailer & E_FLAG) !== 0;
    const index = trailer & 0x7fffffff;
    const window = this.rtcpReceived.get(ssrc);
    if (window !== undefined && !window.check(index)) return { ok: false, reason: 'replay' };

    const out = Buffer.alloc(trailerAt);
    packet.copy(out, 0, 0, RTCP_HEADER);
    const body = packet.subarray(RTCP_HEADER, trailerAt);
    if (encrypted) {
      aesCmXor(this.rtcpKeys.encryptionKey, aesCmIv(this.rtcpKeys.salt, ssrc, index), body).copy(out, RTCP_HEADER);
    } else {
      body.copy(out, RTCP_HEADER);
    }

    const committed = window ?? new ReplayWindow(this.windowSize);
    committed.accept(index);
    if (window === undefined) this.rtcpReceived.set(ssrc, committed);
    return { ok: true, packet: out };
  }
}

/** A Buffer sharing memory with `bytes`, so reads cost no copy. */
function view(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function version(packet: Buffer): number {
  return (packet[0]! >> 6) & 0x03;
}

/**
 * RTP header length (RFC 3550 §5.1, §5.3.1): 12 + 4·CC, plus 4 + 4·length when X is set.
 * Undefined when the header would run past `limit`.
 */
function rtpHeaderLength(packet: Buffer, limit: number): number | undefined {
  const first = packet[0]!;
  let length = RTP_HEADER + 4 * (first & 0x0f);
  if ((first & 0x10) !== 0) {
    if (length + 4 > limit) return undefined;
    length += 4 + 4 * packet.readUInt16BE(length + 2);
  }
  return length > limit ? undefined : length;
}

function hmacSha1(key: Buffer, data: Buffer): Buffer {
  return createHmac('sha1', key).update(data).digest();
}

/** §4.2: HMAC-SHA1 over authenticated portion || ROC, truncated to the suite's tag length. */
function srtpTag(key: Buffer, authenticated: Buffer, roc: number, tagLength: number): Buffer {
  const rocBytes = Buffer.alloc(4);
  rocBytes.writeUInt32BE(roc >>> 0, 0);
  return createHmac('sha1', key).update(authenticated).update(rocBytes).digest().subarray(0, tagLength);
}
