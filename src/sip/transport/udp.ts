/**
 * SIP over UDP (RFC 3261 §18): one dual-stack socket, a datagram per message,
 * optional NAT keepalives (a CRLF pair to each registered peer, as ATAs do to
 * keep a NAT binding open; RFC 5626 §4.4.2 uses STUN for this, which servers
 * without STUN ignore, so the CRLF form is the default), a size check for
 * §18.1.1 (the caller decides to switch to TCP), and a cap on what is read.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { Clock, Timer } from '../../clock.js';
import type { Logger } from '../../log.js';
import { TransportError } from './errors.js';
import { plainAddress, UDP_MAX_DATAGRAM, type Endpoint, type SipTransport } from './types.js';

export interface UdpTransportOptions {
  /** Address to bind; '::' is dual-stack (IPv4 and IPv6). */
  address?: string;
  /** 0 picks a free port. */
  port: number;
  log: Logger;
  clock: Clock;
}

const KEEPALIVE = Buffer.from('\r\n\r\n');

export class UdpTransport implements SipTransport {
  readonly protocol = 'udp' as const;
  readonly reliable = false;
  private readonly listeners = new Set<(bytes: Buffer, remote: Endpoint) => void>();
  private readonly keepalives = new Map<string, Timer>();
  private closed = false;
  private constructor(private readonly socket: Socket, readonly local: Endpoint, private readonly opts: UdpTransportOptions) {
    socket.on('message', (bytes, rinfo) => {
      // A CRLF keepalive (or an empty datagram) from a peer is not a message.
      if (bytes.length === 0 || /^[\r\n]+$/.test(bytes.toString('latin1'))) return;
      const remote: Endpoint = { protocol: 'udp', address: plainAddress(rinfo.address), port: rinfo.port };
      for (const l of [...this.listeners]) {
        try {
          l(bytes, remote);
        } catch (err) {
          opts.log.error('SIP message listener failed', { err: err instanceof Error ? err.message : String(err) });
        }
      }
    });
    socket.on('error', (err) => opts.log.error('UDP socket error', { err: err.message }));
  }

  static async open(opts: UdpTransportOptions): Promise<UdpTransport> {
    const address = opts.address ?? '::';
    const v6 = address.includes(':');
    const socket = createSocket({ type: v6 ? 'udp6' : 'udp4', ipv6Only: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', (err: NodeJS.ErrnoException) =>
        reject(new TransportError(`cannot bind UDP ${address}:${opts.port}: ${err.message}`, { protocol: 'udp', address, port: opts.port }, err.code)));
      socket.bind({ address, port: opts.port, exclusive: true }, () => resolve());
    });
    const bound = socket.address();
    return new UdpTransport(socket, { protocol: 'udp', address, port: bound.port }, opts);
  }

  send(bytes: Buffer, dest: Endpoint): Promise<void> {
    if (this.closed) return Promise.reject(new TransportError('UDP transport is closed', dest));
    if (bytes.length > UDP_MAX_DATAGRAM) {
      return Promise.reject(new TransportError(`message of ${bytes.length} bytes is too large for UDP`, dest, 'EMSGSIZE'));
    }
    return new Promise((resolve, reject) => {
      this.socket.send(bytes, dest.port, this.target(dest.address), (err) => {
        if (err === null) resolve();
        else reject(new TransportError(`UDP send failed: ${err.message}`, dest, (err as NodeJS.ErrnoException).code, { cause: err }));
      });
    });
  }

  onMessage(listener: (bytes: Buffer, remote: Endpoint) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Sends a CRLF keepalive to `dest` every `intervalMs` until stopped (0 stops it). */
  keepalive(dest: Endpoint, intervalMs: number): void {
    const key = `${dest.address}|${dest.port}`;
    const existing = this.keepalives.get(key);
    if (existing !== undefined) this.opts.clock.cancelTimer(existing);
    this.keepalives.delete(key);
    if (intervalMs <= 0 || this.closed) return;
    const tick = (): void => {
      this.send(KEEPALIVE, dest).catch((err: unknown) =>
        this.opts.log.warn('UDP keepalive failed', { err: err instanceof Error ? err.message : String(err) }));
      this.keepalives.set(key, this.opts.clock.setTimer(intervalMs, tick));
    };
    this.keepalives.set(key, this.opts.clock.setTimer(intervalMs, tick));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.keepalives.values()) this.opts.clock.cancelTimer(t);
    this.keepalives.clear();
    this.listeners.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  /** A dual-stack IPv6 socket reaches IPv4 peers through their mapped address. */
  private target(address: string): string {
    const socketIsV6 = this.local.address.includes(':');
    return socketIsV6 && !address.includes(':') ? `::ffff:${address}` : address;
  }
}
