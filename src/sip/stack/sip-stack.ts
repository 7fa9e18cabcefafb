/**
 * The SIP stack as one supervised part: UDP and TCP on the SIP port, bytes
 * parsed into messages (a malformed request with readable headers gets a
 * stateless 400, anything else unreadable is dropped and counted — RFC 3261
 * §8.2, §18.3), the transaction layer, and the UAS core. A switchable trace
 * logs every message in and out at `trace` level.
 */
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { MetricsRegistry } from '../../metrics/registry.js';
import { copyResponseHeaders, parseMessage, serializeMessage, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import { TransactionLayer, type ServerTransaction } from '../transaction/index.js';
import { TransportError } from '../transport/errors.js';
import { StreamTransport, type TlsOptions } from '../transport/stream.js';
import { formatEndpoint, type Endpoint, type SipTransport, type TransportProtocol } from '../transport/types.js';
import { UdpTransport } from '../transport/udp.js';
import { stampReceived } from './received.js';
import { sipTxAdapter } from './tx-adapter.js';
import { handleNewRequest } from './uas-core.js';

export interface SipStackOptions {
  port: number;
  address?: string;
  clock: Clock;
  log: Logger;
  metrics: MetricsRegistry;
  userAgent: string;
  /** Receives every packet in and out (the SIP trace); must not throw. */
  packetSink?: (packet: SipPacket) => void;
  /** SIP over TLS: listens on `port` (0 = any; another free port when it is taken) with this identity. */
  tls?: { port: number } & TlsOptions;
}

/** One SIP message on the wire, as the trace keeps it. */
export interface SipPacket {
  wallTime: number;
  direction: 'in' | 'out';
  protocol: TransportProtocol;
  local: { address: string; port: number };
  remote: { address: string; port: number };
  bytes: Buffer;
}

/**
 * The transaction user above the stack: new requests, ACKs for 2xx and responses that
 * matched no transaction. Until one is set, the basic UAS core answers (OPTIONS 200,
 * everything else 405).
 */
export interface SipCore {
  onNewRequest(request: SipRequest, tx: ServerTransaction<SipMessage, Endpoint>, from: Endpoint): void;
  onStrayAck?(ack: SipRequest, from: Endpoint): void;
  onStrayResponse?(response: SipResponse, from: Endpoint): void;
}

export class SipStack {
  readonly layer: TransactionLayer<SipMessage, Endpoint>;
  private readonly messages;
  private readonly dropped;
  private core: SipCore;
  /** The last send failure by destination, cleared by the next successful send there. */
  private readonly sendFailures = new Map<string, string>();

  private constructor(private readonly transports: SipTransport[], private readonly opts: SipStackOptions) {
    this.messages = opts.metrics.counter('dialtone_sip_messages_total', 'SIP messages by direction, kind (method or status class) and transport');
    this.dropped = opts.metrics.counter('dialtone_sip_malformed_total', 'SIP messages that could not be parsed, by what was done with them');
    this.layer = new TransactionLayer<SipMessage, Endpoint>({
      clock: opts.clock,
      logger: opts.log,
      adapter: sipTxAdapter,
      send: (m, dest) => this.send(m, dest),
      tu: {
        onNewRequest: (req, tx, from) => this.core.onNewRequest(req as SipRequest, tx, from),
        onStrayAck: (ack, from) => this.core.onStrayAck?.(ack as SipRequest, from),
        onStrayResponse: (res, from) => {
          if (this.core.onStrayResponse !== undefined) this.core.onStrayResponse(res as SipResponse, from);
          else opts.log.debug('stray response dropped', { status: (res as SipResponse).status, from: formatEndpoint(from) });
        },
      },
    });
    this.core = basicCore(opts);
    for (const t of transports) t.onMessage((bytes, remote) => this.receive(bytes, remote, t.reliable));
  }

  static start(opts: SipStackOptions): Promise<SipStack> {
    return retryPortClash(opts.port, () => SipStack.startOnce(opts));
  }

  private static async startOnce(opts: SipStackOptions): Promise<SipStack> {
    const udp = await UdpTransport.open({ port: opts.port, address: opts.address, log: opts.log, clock: opts.clock });
    const open: SipTransport[] = [udp];
    try {
      open.push(await StreamTransport.open({ protocol: 'tcp', port: udp.local.port, address: opts.address, log: opts.log }));
      if (opts.tls !== undefined) open.push(await openTls(opts, opts.tls));
      return new SipStack(open, opts);
    } catch (err) {
      await Promise.all(open.map((t) => t.close()));
      throw err;
    }
  }

  get ports(): Endpoint[] {
    return this.transports.map((t) => t.local);
  }

  /** The listening endpoint of a transport, if the stack runs it. */
  local(protocol: TransportProtocol): Endpoint | undefined {
    return this.transports.find((t) => t.protocol === protocol)?.local;
  }

  /** Why the last send to `dest` failed, when the transport could say it in plain words (e.g. its TLS certificate). */
  sendFailure(dest: Endpoint): string | undefined {
    return this.sendFailures.get(formatEndpoint(dest));
  }

  /** Changes which servers outgoing TLS connections trust (see StreamTransport.setTrust). */
  setTlsTrust(trust: Pick<TlsOptions, 'ca' | 'verify'>): void {
    for (const t of this.transports) if (t instanceof StreamTransport && t.protocol === 'tls') t.setTrust(trust);
  }

  /** Installs the transaction user (the UA core); `undefined` restores the basic UAS core. */
  setCore(core: SipCore | undefined): void {
    this.core = core ?? basicCore(this.opts);
  }

  async stop(): Promise<void> {
    this.layer.dispose();
    await Promise.all(this.transports.map((t) => t.close()));
  }

  private receive(bytes: Buffer, from: Endpoint, reliable: boolean): void {
    const parsed = parseMessage(bytes, { transport: reliable ? 'stream' : 'datagram' });
    if (!parsed.ok) {
      this.refuseMalformed(parsed.error.reason, parsed.error.partial, from);
      return;
    }
    const msg = parsed.message;
    this.record('in', bytes, from);
    this.trace('in', msg, from);
    this.messages.inc({ direction: 'in', kind: kindOf(msg), transport: from.protocol });
    if (msg.kind === 'request') stampReceived(msg, from);
    try {
      this.layer.receive(msg, from, reliable);
    } catch (err) {
      // A message the layer cannot match (e.g. a response without CSeq) must not take the stack down.
      this.dropped.inc({ action: 'dropped' });
      this.opts.log.warn('SIP message dropped', { from: formatEndpoint(from), err: err instanceof Error ? err.message : String(err) });
    }
  }

  private refuseMalformed(reason: string, partial: { headersOk: boolean; kind?: string; method?: string; headers?: SipRequest['headers'] } | undefined, from: Endpoint): void {
    const canAnswer = partial?.kind === 'request' && partial.method !== 'ACK' && partial.headers !== undefined && partial.headers.has('Via');
    this.opts.log.info('malformed SIP message', { from: formatEndpoint(from), reason, answered: canAnswer });
    if (!canAnswer || partial.headers === undefined) {
      this.dropped.inc({ action: 'dropped' });
      return;
    }
    this.dropped.inc({ action: 'answered_400' });
    const headers = copyResponseHeaders(partial.headers, 400);
    headers.append('Warning', `399 dialtone "${reason.replace(/["\\\r\n]/g, ' ').slice(0, 200)}"`);
    const response: SipResponse = { kind: 'response', status: 400, reason: 'Bad Request', version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    this.send(response, from);
  }

  private send(message: SipMessage, dest: Endpoint): void {
    const transport = this.transports.find((t) => t.protocol === dest.protocol) ?? this.transports[0];
    if (transport === undefined) return;
    let bytes: Buffer;
    try {
      bytes = serializeMessage(message);
    } catch (err) {
      this.opts.log.error('could not serialize an outgoing SIP message', { err: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.trace('out', message, dest);
    this.record('out', bytes, dest);
    this.messages.inc({ direction: 'out', kind: kindOf(message), transport: dest.protocol });
    transport.send(bytes, dest).then(
      () => {
        if (this.sendFailures.size > 0) this.sendFailures.delete(formatEndpoint(dest));
      },
      (err: unknown) => {
        const text = err instanceof Error ? err.message : String(err);
        this.opts.log.warn('SIP send failed', { to: formatEndpoint(dest), err: text });
        if (err instanceof TransportError && err.explained) {
          if (this.sendFailures.size >= 256) this.sendFailures.clear();
          this.sendFailures.set(formatEndpoint(dest), err.reason);
        }
        this.layer.transportError(message);
      },
    );
  }

  private record(direction: 'in' | 'out', bytes: Buffer, peer: Endpoint): void {
    const sink = this.opts.packetSink;
    if (sink === undefined) return;
    const local = this.local(peer.protocol) ?? { address: '0.0.0.0', port: 0 };
    sink({
      wallTime: this.opts.clock.wallTime(), direction, protocol: peer.protocol,
      local: { address: local.address, port: local.port }, remote: { address: peer.address, port: peer.port }, bytes,
    });
  }

  private trace(direction: 'in' | 'out', message: SipMessage, peer: Endpoint): void {
    if (!this.opts.log.isEnabled('trace')) return;
    this.opts.log.trace('sip', { direction, peer: formatEndpoint(peer), message: serializeMessage(message).toString('utf8') });
  }
}

/**
 * With port 0, UDP picks a free port and TCP must get the same number, which another
 * program may hold for TCP: then the pair is tried again (up to 5 times) on another
 * port. A configured port is never swapped for another.
 */
export async function retryPortClash<T>(port: number, start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      const taken = err instanceof TransportError && err.context.sysCode === 'EADDRINUSE';
      if (port !== 0 || !taken || attempt >= 5) throw err;
    }
  }
}

/** The TLS listener on its port, or on any free port when that one is taken (the Contact says which). */
async function openTls(opts: SipStackOptions, tls: { port: number } & TlsOptions): Promise<StreamTransport> {
  const { port, ...identity } = tls;
  const at = (p: number): Promise<StreamTransport> => StreamTransport.open({ protocol: 'tls', port: p, address: opts.address, log: opts.log, tls: identity });
  try {
    return await at(port);
  } catch (err) {
    if (port === 0 || !(err instanceof TransportError) || err.context.sysCode !== 'EADDRINUSE') throw err;
    opts.log.warn('the SIP TLS port is taken; TLS listens on another port', { port });
    return at(0);
  }
}

function basicCore(opts: SipStackOptions): SipCore {
  return {
    onNewRequest: (req, tx) => {
      const status = handleNewRequest(req, tx, opts.userAgent);
      opts.log.debug('request answered', { method: req.method, status });
    },
  };
}

function kindOf(m: SipMessage): string {
  return m.kind === 'request' ? m.method : `${Math.floor(m.status / 100)}xx`;
}
