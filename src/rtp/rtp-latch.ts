/**
 * Symmetric RTP ("latching", comedia): learning where to send from where the
 * remote's packets come from, for peers behind NAT.
 *
 * - RFC 4961 §3: a symmetric RTP endpoint sends from the port it receives on,
 *   so the source address of its packets is where it wants to receive; §4
 *   recommends symmetric RTP and RTCP.
 * - RFC 7362 (latching, informational) describes sending to the source of the
 *   received media instead of the SDP address, and its weakness: anyone who
 *   sends first can hijack the stream. So a latch here needs valid media (RTP
 *   that parsed and, with SRTP, authenticated) and does not follow a single
 *   stray packet: LATCH_PACKETS consecutive packets from one transport address,
 *   same SSRC, each sequence number one above the last (RFC 3550 A.1 continuity).
 * Once latched, the session accepts media only from that address (protection
 * against "RTP bleed": another party injecting into the stream) until the
 * signalling gives a new remote address.
 */
import { isIPv4 } from 'node:net';

/** Consecutive in-sequence packets from one source needed before latching onto it. */
export const LATCH_PACKETS = 2;

export interface TransportAddress {
  address: string;
  port: number;
}

interface Candidate extends TransportAddress {
  ssrc: number;
  sequence: number;
  count: number;
}

export class RtpLatch {
  private candidate: Candidate | undefined;
  private latched: TransportAddress | undefined;

  constructor(private readonly required = LATCH_PACKETS) {}

  /** The address latched onto, if any. */
  get latchedTo(): TransportAddress | undefined {
    return this.latched;
  }

  /** Forgets the latch and any candidate (a new remote from signalling). */
  reset(): void {
    this.candidate = undefined;
    this.latched = undefined;
  }

  /**
   * Whether a datagram from `from` may be processed: always before latching;
   * afterwards only from the latched address (and port, unless `anyPort`, used
   * for RTCP on its own port, whose source port the latch does not know).
   */
  admits(from: TransportAddress, anyPort = false): boolean {
    const l = this.latched;
    return l === undefined || (l.address === from.address && (anyPort || l.port === from.port));
  }

  /**
   * Feeds one valid RTP packet received from `from` while not latched. Returns
   * the address when this packet completes the latch, otherwise undefined.
   */
  offer(from: TransportAddress, ssrc: number, sequence: number): TransportAddress | undefined {
    if (this.latched !== undefined) return undefined;
    const c = this.candidate;
    if (c !== undefined && sameAddress(c, from) && c.ssrc === ssrc && sequence === ((c.sequence + 1) & 0xffff)) {
      c.count++;
      c.sequence = sequence;
    } else {
      this.candidate = { address: from.address, port: from.port, ssrc, sequence, count: 1 };
    }
    if ((this.candidate?.count ?? 0) < this.required) return undefined;
    this.candidate = undefined;
    this.latched = { address: from.address, port: from.port };
    return this.latched;
  }
}

export function sameAddress(a: TransportAddress, b: TransportAddress): boolean {
  return a.address === b.address && a.port === b.port;
}

/** An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, as dual-stack sockets report IPv4 peers) as plain IPv4. */
export function normalizeAddress(address: string): string {
  const m = /^::ffff:(.+)$/i.exec(address);
  return m?.[1] !== undefined && isIPv4(m[1]) ? m[1] : address;
}

/** The address to hand to a socket of `family`: an IPv6 socket reaches an IPv4 peer through its mapped address. */
export function socketAddress(address: string, family: 'IPv4' | 'IPv6'): string {
  return family === 'IPv6' && isIPv4(address) ? `::ffff:${address}` : address;
}
