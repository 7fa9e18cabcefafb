/**
 * UDP ports for RTP sessions, from a configured range.
 *
 * - RFC 3550 §11: RTP uses an even port and RTCP the next higher (odd) port.
 *   The allocator hands out such pairs; with rtcp-mux (RFC 5761 §4) only the
 *   even port is bound, but the odd one stays reserved so the range is always
 *   carved into the same pairs.
 * - RFC 3550 §11 leaves the choice of port to the application. Allocation walks
 *   the range from a rotating start (one pair past the last one handed out), so
 *   a port just released is not handed out again at once: late packets of the
 *   previous call then do not reach the next one (cf. RFC 3550 §8.2 on stale
 *   transport addresses).
 * - Ports bound by other programs (EADDRINUSE, or EACCES) are skipped; when no
 *   pair is left the allocator throws `DialtoneError('rtp_ports_exhausted')`.
 *
 * `address` '::' binds dual-stack IPv6 sockets (IPv4 peers show up as
 * `::ffff:a.b.c.d`); any IPv6 literal gives udp6 sockets, anything else udp4.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { DialtoneError } from '../errors.js';

export interface RtpPortAllocatorOptions {
  /** Lowest port of the range, even, 1024..65534. */
  min: number;
  /** Highest port of the range, inclusive, above `min`, at most 65535. */
  max: number;
  /** Local address to bind; default '0.0.0.0', '::' for dual stack. */
  address?: string;
}

export interface RtpSockets {
  /** The RTP port (even); RTCP is on port + 1 unless rtcp-mux. */
  port: number;
  rtp: Socket;
  /** The RTCP socket on port + 1; absent with rtcp-mux. */
  rtcp?: Socket;
  /** Closes the sockets and returns the pair to the range; idempotent. */
  release(): Promise<void>;
}

/** `taken`: the port is in use by someone else (skip it) rather than unusable for another reason. */
type BindFailure = { ok: false; taken: boolean; error: Error };
type BindResult = { ok: true; socket: Socket } | BindFailure;

/** Error codes that mean "this port is not for us, try the next one". */
const SKIP_CODES = new Set(['EADDRINUSE', 'EACCES']);

export class RtpPortAllocator {
  readonly min: number;
  readonly max: number;
  readonly address: string;
  /** Even ports of the pairs handed out and not yet released. */
  private readonly taken = new Set<number>();
  /** Index of the pair where the next walk starts. */
  private cursor = 0;
  private readonly pairs: number;

  constructor(opts: RtpPortAllocatorOptions) {
    const { min, max } = opts;
    if (!Number.isInteger(min) || min < 1024 || min > 65534 || min % 2 !== 0) {
      throw new DialtoneError('invalid', 'RTP port range minimum must be an even integer in 1024..65534', { min });
    }
    if (!Number.isInteger(max) || max <= min || max > 65535) {
      throw new DialtoneError('invalid', 'RTP port range maximum must be an integer above the minimum and at most 65535', { min, max });
    }
    this.min = min;
    this.max = max;
    this.address = opts.address ?? '0.0.0.0';
    // Pairs (p, p + 1) with p even and p + 1 ≤ max.
    this.pairs = Math.floor((max - min + 1) / 2);
  }

  /** Pairs currently handed out. */
  get inUse(): number {
    return this.taken.size;
  }

  /** Pairs the range holds. */
  get capacity(): number {
    return this.pairs;
  }

  /**
   * Binds an even RTP port (and the RTCP port above it unless `rtcpMux`).
   * Throws DialtoneError('rtp_ports_exhausted') when every pair is in use here
   * or taken by another program, and DialtoneError('rtp_bind_failed') when
   * binding fails for another reason (e.g. the address is not local).
   */
  async allocate(opts: { rtcpMux: boolean }): Promise<RtpSockets> {
    const start = this.cursor;
    let skipped = 0;
    for (let i = 0; i < this.pairs; i++) {
      const index = (start + i) % this.pairs;
      const port = this.min + 2 * index;
      if (this.taken.has(port)) continue;
      // Reserve before the first await so concurrent calls never pick the same pair.
      this.taken.add(port);
      this.cursor = (index + 1) % this.pairs;
      const bound = await this.bindPair(port, opts.rtcpMux);
      if (bound.ok) return bound.sockets;
      this.taken.delete(port);
      if (!bound.taken) {
        throw new DialtoneError('rtp_bind_failed', `cannot bind an RTP port on ${this.address}: ${bound.error.message}`, { address: this.address, port }, { cause: bound.error });
      }
      skipped++;
    }
    throw new DialtoneError('rtp_ports_exhausted', `no free RTP port pair in ${this.min}..${this.max}`, {
      min: this.min, max: this.max, inUse: this.taken.size, takenByOthers: skipped,
    });
  }

  private async bindPair(port: number, rtcpMux: boolean): Promise<{ ok: true; sockets: RtpSockets } | BindFailure> {
    const rtp = await this.bind(port);
    if (!rtp.ok) return rtp;
    let rtcp: Socket | undefined;
    if (!rtcpMux) {
      const r = await this.bind(port + 1);
      if (!r.ok) {
        await closeSocket(rtp.socket);
        return r;
      }
      rtcp = r.socket;
    }
    let released: Promise<void> | undefined;
    const release = (): Promise<void> => {
      released ??= (async () => {
        await Promise.all([closeSocket(rtp.socket), rtcp ? closeSocket(rtcp) : Promise.resolve()]);
        this.taken.delete(port);
      })();
      return released;
    };
    const sockets: RtpSockets = { port, rtp: rtp.socket, release };
    if (rtcp) sockets.rtcp = rtcp;
    return { ok: true, sockets };
  }

  private bind(port: number): Promise<BindResult> {
    const ipv6 = isIPv6(this.address);
    const socket = createSocket(ipv6 ? { type: 'udp6', ipv6Only: false } : { type: 'udp4' });
    return new Promise((resolve) => {
      const onError = (error: NodeJS.ErrnoException): void => {
        socket.off('listening', onListening);
        void closeSocket(socket).then(() => resolve({ ok: false, taken: SKIP_CODES.has(error.code ?? ''), error }));
      };
      const onListening = (): void => {
        socket.off('error', onError);
        resolve({ ok: true, socket });
      };
      socket.once('error', onError);
      socket.once('listening', onListening);
      socket.bind({ port, address: this.address, exclusive: true });
    });
  }
}

/** Closes a dgram socket, tolerating one that is already closed or never bound. */
function closeSocket(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve(); // ERR_SOCKET_DGRAM_NOT_RUNNING: already closed
    }
  });
}
