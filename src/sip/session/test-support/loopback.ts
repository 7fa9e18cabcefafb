/**
 * An in-memory SIP network for session tests: user agents ("alice", "bob"), each a real
 * TransactionLayer + a UaHost + a SessionRouter, on one FakeClock. Every message is
 * serialized and re-parsed on the way and delivered by a 0 ms timer; `drop` can lose
 * messages, and an optional stateless proxy hop adds Record-Route (RFC 3261 §16).
 */
import { FakeClock } from '../../../clock.js';
import { MemoryLogger, type Logger } from '../../../log.js';
import {
  createRequest, createResponse, newBranch, parseMessage, serializeMessage, type SipMessage, type SipRequest,
} from '../../message/index.js';
import type { LocalMediaCapabilities } from '../../sdp/index.js';
import { sipTxAdapter } from '../../stack/tx-adapter.js';
import { TransactionLayer, type ClientTU } from '../../transaction/index.js';
import type { Endpoint, TransportProtocol } from '../../transport/types.js';
import type { OutgoingRequest, UaHost } from '../../ua/host.js';
import type { ServerTx } from '../core.js';
import { InviteSession, type IncomingResult } from '../invite-session.js';
import { SessionRouter } from '../session-router.js';
import type { IncomingSessionOptions, OutgoingSessionOptions } from '../types.js';

export interface WireRecord {
  readonly n: number;
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly message: SipMessage;
  dropped: boolean;
}

const keyOf = (e: Endpoint): string => `${e.address}:${e.port}`;

export function reparse(m: SipMessage): SipMessage {
  const r = parseMessage(serializeMessage(m));
  if (!r.ok) throw new Error(`re-parse failed: ${r.error.message}`);
  return r.message;
}

export function label(m: SipMessage): string {
  if (m.kind === 'request') return m.method;
  const c = m.headers.cseq();
  return `${m.status} ${c.ok ? c.value.method : '?'}`;
}

export class Network {
  readonly clock = new FakeClock();
  readonly log = new MemoryLogger([], {}, 'warn');
  readonly wire: WireRecord[] = [];
  drop: ((r: WireRecord) => boolean) | undefined;
  /** Changes a message in flight (after re-parsing, before delivery). */
  rewrite: ((r: WireRecord) => void) | undefined;
  private readonly nodes = new Map<string, (m: SipMessage, from: Endpoint) => void>();

  attach(at: Endpoint, receive: (m: SipMessage, from: Endpoint) => void): void {
    this.nodes.set(keyOf(at), receive);
  }

  send(message: SipMessage, from: Endpoint, to: Endpoint): void {
    const wire = reparse(message);
    const record: WireRecord = { n: this.wire.length, from, to, message: wire, dropped: false };
    this.wire.push(record);
    this.rewrite?.(record);
    if (this.drop?.(record) === true) {
      record.dropped = true;
      return;
    }
    // The receiver gets its own copy, so the record keeps what was on the wire.
    const delivered = reparse(wire);
    this.clock.setTimer(0, () => this.nodes.get(keyOf(to))?.(delivered, from));
  }

  /** Delivered messages, labelled "INVITE", "200 INVITE"..., optionally only those sent by `from`. */
  labels(from?: Endpoint): string[] {
    return this.wire.filter((r) => !r.dropped && (from === undefined || keyOf(r.from) === keyOf(from))).map((r) => label(r.message));
  }

  /** Delivered messages matching `pred`. */
  find(pred: (m: SipMessage) => boolean): SipMessage[] {
    return this.wire.filter((r) => !r.dropped && pred(r.message)).map((r) => r.message);
  }

  settle(ms = 0): void {
    this.clock.advance(ms);
  }
}

function routeTarget(req: SipRequest): Endpoint {
  const routes = req.headers.route();
  const first = routes.ok ? routes.value[0] : undefined;
  const uri = first?.uri ?? req.uri;
  if (uri.kind !== 'sip') throw new Error('loopback routes sip URIs only');
  return { protocol: 'udp', address: uri.host, port: uri.port ?? 5060 };
}

/** The UaHost of one loopback user agent. */
export class LoopbackHost implements UaHost {
  readonly userAgent: string;
  readonly log: Logger;

  constructor(readonly clock: FakeClock, log: Logger, private readonly at: Endpoint, private readonly layer: TransactionLayer<SipMessage, Endpoint>, name: string) {
    this.userAgent = `Dialtone-test/${name}`;
    this.log = log;
  }

  contactUri(user: string, transport: TransportProtocol): string {
    return `sip:${user}@${this.at.address}:${this.at.port};transport=${transport}`;
  }

  private via(req: SipRequest, branch = newBranch()): void {
    req.headers.prepend('Via', `SIP/2.0/UDP ${this.at.address}:${this.at.port};branch=${branch};rport`);
  }

  sendRequest(request: SipRequest, tu: ClientTU<SipMessage, Endpoint>): OutgoingRequest {
    this.via(request);
    const dest = routeTarget(request);
    this.layer.sendRequest(request, dest, tu);
    return {
      sent: request,
      destination: dest,
      cancel: (reason?: string) => {
        const h = request.headers;
        const cseq = h.cseq();
        const headers: [string, string][] = [['Via', h.getAll('Via')[0] ?? ''], ['Max-Forwards', '70']];
        for (const n of ['From', 'To', 'Call-ID']) headers.push([n, h.get(n) ?? '']);
        headers.push(['CSeq', `${cseq.ok ? cseq.value.seq : 1} CANCEL`]);
        for (const r of h.getAll('Route')) headers.push(['Route', r]);
        if (reason !== undefined) headers.push(['Reason', reason]);
        this.layer.sendRequest(createRequest({ method: 'CANCEL', uri: request.uri, headers }), dest, { onResponse: () => undefined });
      },
    };
  }

  sendAck(ack: SipRequest): void {
    this.via(ack);
    this.layer.sendAck(ack, routeTarget(ack));
  }
}

export function mediaFor(address: string, port: number): LocalMediaCapabilities {
  return { address, port, codecs: ['PCMU', 'PCMA'], ptimeMs: 20, dtmf: 'rfc4733', direction: 'sendrecv' };
}

export class LoopbackUa {
  readonly at: Endpoint;
  readonly layer: TransactionLayer<SipMessage, Endpoint>;
  readonly host: LoopbackHost;
  readonly router: SessionRouter;
  /** Incoming sessions in arrival order. */
  readonly incoming: InviteSession[] = [];
  /** Overrides the default handling (accept with `incomingOptions`). */
  onInvite: ((invite: SipRequest, tx: ServerTx) => void) | undefined;
  incomingOptions: Partial<IncomingSessionOptions> = {};

  constructor(readonly net: Network, readonly name: string, address: string, readonly mediaPort: number) {
    this.at = { protocol: 'udp', address, port: 5060 };
    this.layer = new TransactionLayer<SipMessage, Endpoint>({
      clock: net.clock,
      logger: net.log,
      adapter: sipTxAdapter,
      send: (m, dest) => net.send(m, this.at, dest),
      tu: {
        onNewRequest: (req, tx, from) => {
          const r = req as SipRequest;
          if (!this.router.handleRequest(r, tx, from)) tx.respond(createResponse(r, r.method === 'OPTIONS' ? 200 : 405, undefined, { toTag: 'ua' }));
        },
        onAck: (ack) => this.router.handleStrayAck(ack as SipRequest),
        onStrayAck: (ack) => this.router.handleStrayAck(ack as SipRequest),
        onStrayResponse: (res) => { if (res.kind === 'response') this.router.handleStrayResponse(res); },
      },
    });
    this.host = new LoopbackHost(net.clock, net.log, this.at, this.layer, name);
    this.router = new SessionRouter(this.host, {
      onIncomingInvite: (invite, tx) => {
        if (this.onInvite !== undefined) this.onInvite(invite, tx);
        else this.accept(invite, tx);
      },
    }, { findInviteTx: (cancel) => this.layer.findInviteFor(cancel) });
    net.attach(this.at, (m, from) => this.layer.receive(m, from, false));
  }

  get uri(): string {
    return `sip:${this.name}@${this.at.address}`;
  }

  sessionDefaults(): IncomingSessionOptions {
    return { contactUser: this.name, transport: 'udp', media: () => mediaFor(this.at.address, this.mediaPort), ...this.incomingOptions };
  }

  accept(invite: SipRequest, tx: ServerTx, opts: Partial<IncomingSessionOptions> = {}): IncomingResult {
    const r = InviteSession.incoming(this.host, invite, tx, { ...this.sessionDefaults(), ...opts });
    if (r.ok) {
      this.router.track(r.session);
      this.incoming.push(r.session);
    }
    return r;
  }

  call(to: LoopbackUa | string, opts: Partial<OutgoingSessionOptions> = {}): InviteSession {
    const uri = typeof to === 'string' ? to : to.uri;
    const session = InviteSession.outgoing(this.host, {
      from: { uri: this.uri, displayName: this.name },
      to: { uri },
      contactUser: this.name,
      transport: 'udp',
      media: () => mediaFor(this.at.address, this.mediaPort),
      ...opts,
    });
    this.router.track(session);
    return session;
  }
}

/** A stateless record-routing proxy (RFC 3261 §16.11): one Via, Record-Route on dialog-creating INVITEs. */
export class LoopbackProxy {
  readonly at: Endpoint = { protocol: 'udp', address: '192.0.2.100', port: 5060 };
  readonly route = '<sip:192.0.2.100;lr>';

  constructor(private readonly net: Network) {
    net.attach(this.at, (m) => this.forward(m));
  }

  private forward(m: SipMessage): void {
    const h = m.headers;
    if (m.kind === 'request') {
      const routes = h.getAll('Route');
      if (routes[0]?.includes(this.at.address)) {
        h.remove('Route');
        for (const r of routes.slice(1)) h.append('Route', r);
      }
      const to = h.to();
      if (m.method === 'INVITE' && to.ok && to.value.tag === undefined) h.prepend('Record-Route', this.route);
      const top = h.topVia();
      const branch = top.ok && top.value.branch !== undefined ? `${top.value.branch}.p` : newBranch();
      h.prepend('Via', `SIP/2.0/UDP ${this.at.address}:${this.at.port};branch=${branch}`);
      this.net.send(m, this.at, routeTarget(m));
      return;
    }
    const vias = h.getAll('Via');
    h.remove('Via');
    for (const v of vias.slice(1)) h.append('Via', v);
    const next = h.topVia();
    if (!next.ok) return;
    this.net.send(m, this.at, { protocol: 'udp', address: next.value.host, port: next.value.port ?? 5060 });
  }
}

/** alice (192.0.2.1) and bob (192.0.2.2) on one network. */
export function pair(): { net: Network; alice: LoopbackUa; bob: LoopbackUa } {
  const net = new Network();
  return { net, alice: new LoopbackUa(net, 'alice', '192.0.2.1', 40000), bob: new LoopbackUa(net, 'bob', '192.0.2.2', 50000) };
}
