/**
 * SIP over TCP and TLS (RFC 3261 §18, RFC 5626 §4.4.1): one listener, and one
 * connection per peer that both directions reuse — a request that arrived on a
 * connection gets its responses back on it, and a send to a peer with an open
 * connection uses it instead of dialling again. Messages are framed by
 * Content-Length (SipStreamFramer); a framing error closes that connection
 * only. A double-CRLF ping is answered with a CRLF pong. TLS verifies the
 * peer's certificate unless told otherwise.
 */
import { createServer as createTcpServer, connect as tcpConnect, isIP, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, connect as tlsConnect, rootCertificates, type TLSSocket } from 'node:tls';
import type { Logger } from '../../log.js';
import { SipStreamFramer } from '../message/index.js';
import { TransportError } from './errors.js';
import { describeTlsFailure } from './tls-failure.js';
import { plainAddress, type Endpoint, type SipTransport } from './types.js';

export interface TlsOptions {
  /** PEM certificate and key this end presents (required to listen). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** Extra CAs to trust (e.g. a PBX's own CA), on top of the public roots Node ships. */
  ca?: string | Buffer | (string | Buffer)[];
  /** Default true: an unverifiable server certificate is refused. */
  verify?: boolean;
}

export interface StreamTransportOptions {
  protocol: 'tcp' | 'tls';
  address?: string;
  port: number;
  log: Logger;
  tls?: TlsOptions;
  /** How long an outgoing connection may take (default 5000 ms). */
  connectTimeoutMs?: number;
}

const PONG = Buffer.from('\r\n');

function key(address: string, port: number): string {
  return `${plainAddress(address)}|${port}`;
}

export class StreamTransport implements SipTransport {
  readonly reliable = true;
  readonly protocol: 'tcp' | 'tls';
  private readonly listeners = new Set<(bytes: Buffer, remote: Endpoint) => void>();
  private readonly connections = new Map<string, Socket>();
  private readonly pending = new Map<string, Promise<Socket>>();
  private closed = false;
  private trust: Pick<TlsOptions, 'ca' | 'verify'>;

  private constructor(private readonly server: Server, readonly local: Endpoint, private readonly opts: StreamTransportOptions) {
    this.protocol = opts.protocol;
    this.trust = { ca: opts.tls?.ca, verify: opts.tls?.verify };
    server.on('error', (err) => opts.log.error('SIP stream listener error', { protocol: this.protocol, err: err.message }));
  }

  static async open(opts: StreamTransportOptions): Promise<StreamTransport> {
    const address = opts.address ?? '::';
    // Connections may arrive once listening, before the transport object exists: until then they wait.
    const early: Socket[] = [];
    const holder: { transport?: StreamTransport } = {};
    const onConnection = (socket: Socket): void => {
      if (holder.transport === undefined) early.push(socket);
      else holder.transport.adopt(socket);
    };
    const server =
      opts.protocol === 'tls'
        ? createTlsServer({ cert: opts.tls?.cert, key: opts.tls?.key, ca: opts.tls?.ca }, onConnection)
        : createTcpServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new TransportError(`cannot listen on ${opts.protocol.toUpperCase()} ${address}:${opts.port}: ${err.message}`, { protocol: opts.protocol, address, port: opts.port }, err.code)));
      server.listen({ host: address, port: opts.port, ipv6Only: false }, () => resolve());
    });
    const bound = server.address();
    const port = bound !== null && typeof bound === 'object' ? bound.port : opts.port;
    const transport = new StreamTransport(server, { protocol: opts.protocol, address, port }, opts);
    holder.transport = transport;
    for (const socket of early.splice(0)) transport.adopt(socket);
    return transport;
  }

  async send(bytes: Buffer, dest: Endpoint): Promise<void> {
    if (this.closed) throw new TransportError(`${this.protocol.toUpperCase()} transport is closed`, dest);
    const socket = await this.connection(dest);
    await new Promise<void>((resolve, reject) => {
      socket.write(bytes, (err) => {
        if (err === undefined || err === null) resolve();
        else reject(new TransportError(`send failed: ${err.message}`, dest, (err as NodeJS.ErrnoException).code, { cause: err }));
      });
    });
  }

  onMessage(listener: (bytes: Buffer, remote: Endpoint) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Which servers outgoing TLS connections trust from now on (extra CAs, verification on
   * or off). Open connections keep going; the next connection uses the new settings.
   */
  setTrust(trust: Pick<TlsOptions, 'ca' | 'verify'>): void {
    this.trust = { ca: trust.ca, verify: trust.verify };
  }

  /** Open connections, for status pages and tests. */
  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.connections.values()) s.destroy();
    this.connections.clear();
    this.listeners.clear();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private connection(dest: Endpoint): Promise<Socket> {
    const k = key(dest.address, dest.port);
    const open = this.connections.get(k);
    if (open !== undefined && !open.destroyed) return Promise.resolve(open);
    const inFlight = this.pending.get(k);
    if (inFlight !== undefined) return inFlight;
    const p = this.dial(dest).finally(() => this.pending.delete(k));
    this.pending.set(k, p);
    return p;
  }

  private dial(dest: Endpoint): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const timeoutMs = this.opts.connectTimeoutMs ?? 5000;
      const socket: Socket | TLSSocket = this.protocol === 'tls' ? this.tlsDial(dest) : tcpConnect({ host: dest.address, port: dest.port });
      const ready = this.protocol === 'tls' ? 'secureConnect' : 'connect';
      socket.setTimeout(timeoutMs);
      const fail = (err: Error & { code?: string }): void => {
        socket.destroy();
        const tlsWords = this.protocol === 'tls' ? describeTlsFailure(err.code, dest.serverName ?? dest.address) : undefined;
        reject(new TransportError(tlsWords ?? `cannot connect: ${err.message}`, dest, err.code, { cause: err, explained: tlsWords !== undefined }));
      };
      socket.once('error', fail);
      socket.once('timeout', () => fail(Object.assign(new Error(`no connection within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
      socket.once(ready, () => {
        socket.off('error', fail);
        socket.setTimeout(0);
        this.adopt(socket, dest);
        resolve(socket);
      });
    });
  }

  /**
   * A TLS connection that checks the server's certificate against the SIP domain it was
   * resolved from (RFC 5922 §4), sent as SNI too; an address without a name is checked
   * against the certificate's IP addresses.
   */
  private tlsDial(dest: Endpoint): TLSSocket {
    const own = this.opts.tls;
    const extra = this.trust.ca === undefined ? [] : Array.isArray(this.trust.ca) ? this.trust.ca : [this.trust.ca];
    const name = dest.serverName ?? (isIP(dest.address) !== 0 ? undefined : dest.address);
    return tlsConnect({
      host: dest.address, port: dest.port,
      ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
      cert: own?.cert, key: own?.key,
      rejectUnauthorized: this.trust.verify !== false,
      ...(name !== undefined ? { servername: name } : {}),
    });
  }

  /** Starts reading a connection and makes it the route to its peer. */
  private adopt(socket: Socket, dialled?: Endpoint): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const remote: Endpoint = dialled ?? { protocol: this.protocol, address: plainAddress(socket.remoteAddress ?? ''), port: socket.remotePort ?? 0 };
    const k = key(remote.address, remote.port);
    this.connections.set(k, socket);
    socket.setKeepAlive(true, 30_000);
    const framer = new SipStreamFramer();
    socket.on('data', (chunk: Buffer) => {
      for (const out of framer.push(chunk)) {
        if (out === 'ping') socket.write(PONG);
        else if (out === 'pong') continue;
        else if (Buffer.isBuffer(out)) this.deliver(out, remote);
        else {
          this.opts.log.warn('closing a SIP connection that sent an unframeable message', { remote: `${remote.address}:${remote.port}`, reason: out.reason });
          socket.destroy();
          return;
        }
      }
    });
    socket.on('error', (err) => this.opts.log.debug('SIP connection error', { remote: `${remote.address}:${remote.port}`, err: err.message }));
    socket.on('close', () => {
      if (this.connections.get(k) === socket) this.connections.delete(k);
    });
  }

  private deliver(bytes: Buffer, remote: Endpoint): void {
    for (const l of [...this.listeners]) {
      try {
        l(bytes, remote);
      } catch (err) {
        this.opts.log.error('SIP message listener failed', { err: err instanceof Error ? err.message : String(err) });
      }
    }
  }
}
