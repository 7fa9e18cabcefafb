/**
 * The user agent core over the stack (RFC 3261 §8): it is the `UaHost` the dialogs and
 * sessions send through, and the `SipCore` that receives every new request.
 *
 * Incoming requests, in order:
 * 1. §8.2 checks (sanity.ts): method-independent refusals (400, 416, 420, 415 ...).
 * 2. Per-source rate limit: a flood from one address is dropped unanswered (a scanner
 *    gets nothing to measure; the box keeps serving calls).
 * 3. Requests inside a dialog, CANCEL and ACK go to the dialog layer (`DialogLayer`).
 * 4. New INVITEs pass the inbound policy (who may ring our phones: the account's own
 *    registrar/proxy, a known user) and then go to whoever handles calls; without a
 *    handler the answer is 480.
 * 5. OPTIONS is answered 200 with our capabilities (§11.2); an unsolicited NOTIFY for
 *    message-summary (RFC 3842, as Asterisk and FreeSWITCH send it) and MESSAGE
 *    (RFC 3428) are answered 200 and reported; anything else gets 405 with Allow.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../../clock.js';
import { toError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { checkRequest, createResponse, newBranch, newTag, uriParam, type SipMessage, type SipRequest, type SipResponse, type SipUri } from '../message/index.js';
import { parseMessageSummary, type MessageSummary } from '../mwi/index.js';
import { decideInbound, SourceRateLimiter, type InboundDecision, type PolicyAccount } from '../policy/index.js';
import type { SipCore } from '../stack/sip-stack.js';
import type { ClientTU, ServerTransaction, TransactionLayer } from '../transaction/index.js';
import { formatEndpoint, plainAddress, uriHost, type Endpoint, type TransportProtocol } from '../transport/types.js';
import type { OutgoingRequest, UaHost } from './host.js';
import { Outgoing } from './outgoing.js';

/** What the UA needs of the stack (SipStack implements it). */
export interface StackPort {
  readonly layer: TransactionLayer<SipMessage, Endpoint>;
  local(protocol: TransportProtocol): Endpoint | undefined;
}

/** Where to send a request: a URI's host part, as RFC 3263 reads it. */
export interface NextHop {
  host: string;
  port?: number;
  transport?: TransportProtocol;
  secure: boolean;
}

/** The dialog layer (the session router): takes what belongs to dialogs. */
export interface DialogLayer {
  /** True when it took the request (in-dialog requests, CANCEL, new INVITE goes elsewhere). */
  handleRequest(request: SipRequest, tx: ServerTransaction<SipMessage, Endpoint>, from: Endpoint): boolean;
  handleStrayAck(ack: SipRequest): void;
  handleStrayResponse(response: SipResponse): void;
}

/** A new INVITE that passed the policy, for whoever handles calls. */
export interface IncomingInvite {
  readonly request: SipRequest;
  readonly tx: ServerTransaction<SipMessage, Endpoint>;
  readonly from: Endpoint;
  readonly accountId: string;
}

export interface UserAgentEvents {
  /** Message-waiting state from an account's voicemail server. */
  mwi: [{ accountId: string | undefined; summary: MessageSummary; from: Endpoint }];
  /** An instant message (RFC 3428). */
  message: [{ accountId: string; from: string; contentType: string; body: string }];
  /** A request the policy refused (for the event log and the status page). */
  refused: [{ method: string; from: Endpoint; status: number; detail: string }];
}

export interface UserAgentOptions {
  readonly stack: StackPort;
  readonly clock: Clock;
  readonly log: Logger;
  readonly userAgent: string;
  /** Resolves a next hop to endpoints, best first (RFC 3263). */
  resolve(hop: NextHop): Promise<Endpoint[]>;
  /** The local address the kernel uses toward `address`. */
  localAddressFor(address: string, port: number): Promise<string>;
  /** Address for Contact headers when none was learnt yet (e.g. the bound address). */
  readonly defaultAddress: string;
  /** The accounts, for the inbound policy; read on every new INVITE. */
  policyAccounts(): readonly PolicyAccount[];
  readonly rateLimit?: { ratePerSecond: number; burst: number };
}

export const UA_ALLOW = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'OPTIONS', 'PRACK', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'MESSAGE'] as const;
export const UA_SUPPORTED = ['100rel', 'timer', 'replaces'] as const;
export const UA_ACCEPT = ['application/sdp', 'application/simple-message-summary', 'text/plain', 'message/sipfrag', 'application/dtmf-relay'] as const;

export class UserAgent extends EventEmitter<UserAgentEvents> implements UaHost, SipCore {
  readonly clock: Clock;
  readonly log: Logger;
  readonly userAgent: string;
  private dialogs: DialogLayer | undefined;
  private inviteHandler: ((invite: IncomingInvite) => void) | undefined;
  private readonly limiter: SourceRateLimiter;
  private readonly localAddresses = new Map<string, string>();
  private advertised: string;

  constructor(private readonly opts: UserAgentOptions) {
    super();
    this.clock = opts.clock;
    this.log = opts.log.child({ component: 'ua' });
    this.userAgent = opts.userAgent;
    this.advertised = opts.defaultAddress;
    this.limiter = new SourceRateLimiter({ clock: opts.clock, ...(opts.rateLimit ?? {}) });
  }

  /** Installs the dialog layer (sessions). */
  setDialogLayer(dialogs: DialogLayer | undefined): void {
    this.dialogs = dialogs;
  }

  /** Who takes new INVITEs that passed the policy (the call router); none → 480. */
  onInvite(handler: ((invite: IncomingInvite) => void) | undefined): void {
    this.inviteHandler = handler;
  }

  /** The address put in Contact headers; learnt from the route to the account's server. */
  get advertisedAddress(): string {
    return this.advertised;
  }

  set advertisedAddress(address: string) {
    this.advertised = address;
  }

  /** The local address toward `dest` (cached per destination address). */
  async localAddress(dest: { address: string; port: number }): Promise<string> {
    const bound = this.opts.stack.local('udp')?.address;
    if (bound !== undefined && bound !== '0.0.0.0' && bound !== '::') return plainAddress(bound);
    const cached = this.localAddresses.get(dest.address);
    if (cached !== undefined) return cached;
    const found = plainAddress(await this.opts.localAddressFor(dest.address, dest.port));
    this.localAddresses.set(dest.address, found);
    return found;
  }

  // ---- UaHost -------------------------------------------------------------------

  contactUri(user: string, transport: TransportProtocol): string {
    const port = this.opts.stack.local(transport === 'tls' ? 'tls' : transport)?.port ?? this.opts.stack.local('udp')?.port ?? 5060;
    const userPart = user === '' ? '' : `${user}@`;
    return `sip:${userPart}${uriHost(this.advertised)}:${port};transport=${transport}`;
  }

  sendRequest(request: SipRequest, tu: ClientTU<SipMessage, Endpoint>): OutgoingRequest {
    const outgoing = new Outgoing({
      layer: this.opts.stack.layer,
      resolve: (req) => this.opts.resolve(nextHopOf(req)),
      sentBy: async (dest) => ({ host: await this.localAddress(dest), port: this.opts.stack.local(dest.protocol)?.port ?? this.opts.stack.local('udp')?.port ?? 5060 }),
      transports: (['udp', 'tcp', 'tls'] as const).filter((p) => this.opts.stack.local(p) !== undefined),
      log: this.log,
    }, request, tu);
    outgoing.start().catch((err: unknown) => this.log.error('sending a request failed', { method: request.method, err: toError(err).message }));
    return outgoing;
  }

  sendAck(ack: SipRequest): void {
    const via = (host: string, port: number, protocol: TransportProtocol): string =>
      `SIP/2.0/${protocol.toUpperCase()} ${uriHost(host)}:${port};branch=${newBranch()};rport`;
    Promise.resolve()
      .then(() => this.opts.resolve(nextHopOf(ack)))
      .then(async (targets) => {
        const dest = targets[0];
        if (dest === undefined) throw new Error('no address for the ACK');
        const local = await this.localAddress(dest);
        const headers = ack.headers.clone();
        headers.remove('Via');
        headers.prepend('Via', via(local, this.opts.stack.local(dest.protocol)?.port ?? 5060, dest.protocol));
        this.opts.stack.layer.sendAck({ ...ack, headers }, dest);
      })
      .catch((err: unknown) => this.log.warn('ACK could not be sent', { err: toError(err).message }));
  }

  // ---- SipCore ------------------------------------------------------------------

  onNewRequest(req: SipRequest, tx: ServerTransaction<SipMessage, Endpoint>, from: Endpoint): void {
    const refusal = checkRequest(req, { contentTypes: [...UA_ACCEPT], optionTags: [...UA_SUPPORTED] });
    if (refusal !== undefined) {
      this.respond(tx, req, refusal.status, refusal.reason, refusal.extraHeaders);
      return;
    }
    if (!this.limiter.allow(plainAddress(from.address))) {
      this.log.debug('request dropped: rate limit', { method: req.method, from: formatEndpoint(from) });
      return;
    }
    if (this.dialogs?.handleRequest(req, tx, from) === true) return;
    const toTag = req.headers.to();
    if (toTag.ok && toTag.value.tag !== undefined && req.method !== 'NOTIFY') {
      // §12.2.2: a request with a To tag for a dialog we do not know.
      this.respond(tx, req, 481);
      return;
    }
    switch (req.method) {
      case 'INVITE': return this.incomingInvite(req, tx, from);
      case 'OPTIONS': return this.respond(tx, req, 200, undefined, [['Accept', UA_ACCEPT.join(', ')], ['Supported', UA_SUPPORTED.join(', ')]]);
      case 'NOTIFY': return this.incomingNotify(req, tx, from);
      case 'MESSAGE': return this.incomingMessage(req, tx, from);
      case 'CANCEL': return this.respond(tx, req, 481);
      case 'BYE': return this.respond(tx, req, 481);
      default: return this.respond(tx, req, 405);
    }
  }

  onStrayAck(ack: SipRequest): void {
    this.dialogs?.handleStrayAck(ack);
  }

  onStrayResponse(res: SipResponse): void {
    this.dialogs?.handleStrayResponse(res);
  }

  /** The inbound policy's verdict for a request from `from` (exposed for tests and the status page). */
  policyFor(req: SipRequest, from: Endpoint): InboundDecision {
    const to = req.headers.to();
    return decideInbound({
      method: req.method,
      ...(userOf(req.uri) !== undefined ? { requestUriUser: userOf(req.uri) } : {}),
      ...(to.ok && userOf(to.value.uri) !== undefined ? { toUser: userOf(to.value.uri) } : {}),
      source: plainAddress(from.address),
    }, this.opts.policyAccounts());
  }

  private incomingInvite(req: SipRequest, tx: ServerTransaction<SipMessage, Endpoint>, from: Endpoint): void {
    const decision = this.policyFor(req, from);
    if (decision.verdict === 'reject') {
      this.log.info('INVITE refused by the inbound policy', { from: formatEndpoint(from), status: decision.status, detail: decision.detail });
      this.emit('refused', { method: req.method, from, status: decision.status, detail: decision.detail });
      this.respond(tx, req, decision.status, decision.reason);
      return;
    }
    if (this.inviteHandler === undefined) {
      this.respond(tx, req, 480, 'Temporarily Unavailable', [['Warning', '399 dialtone "no phone line takes calls for this account"']]);
      return;
    }
    this.inviteHandler({ request: req, tx, from, accountId: decision.account.id });
  }

  private incomingNotify(req: SipRequest, tx: ServerTransaction<SipMessage, Endpoint>, from: Endpoint): void {
    const event = (req.headers.get('Event') ?? '').split(';')[0]?.trim().toLowerCase();
    if (event !== 'message-summary') {
      this.respond(tx, req, 489, 'Bad Event');
      return;
    }
    const summary = parseMessageSummary(req.body.toString('utf8'));
    if (!summary.ok) {
      this.respond(tx, req, 400, 'Bad Request', [['Warning', `399 dialtone "${summary.error.replace(/["\\\r\n]/g, ' ').slice(0, 120)}"`]]);
      return;
    }
    const decision = this.policyFor(req, from);
    const accountId = decision.verdict === 'accept' ? decision.account.id : undefined;
    if (decision.verdict === 'reject' && decision.status === 403) {
      this.respond(tx, req, 403, decision.reason);
      return;
    }
    this.respond(tx, req, 200);
    this.emit('mwi', { accountId, summary: summary.value, from });
  }

  private incomingMessage(req: SipRequest, tx: ServerTransaction<SipMessage, Endpoint>, from: Endpoint): void {
    const decision = this.policyFor(req, from);
    if (decision.verdict === 'reject') {
      this.emit('refused', { method: req.method, from, status: decision.status, detail: decision.detail });
      this.respond(tx, req, decision.status, decision.reason);
      return;
    }
    const sender = req.headers.from();
    const ct = req.headers.contentType();
    this.respond(tx, req, 200);
    this.emit('message', {
      accountId: decision.account.id,
      from: sender.ok ? (sender.value.displayName ?? userOf(sender.value.uri) ?? '') : '',
      contentType: ct.ok ? `${ct.value.type}/${ct.value.subtype}` : 'text/plain',
      body: req.body.toString('utf8'),
    });
  }

  private respond(tx: ServerTransaction<SipMessage, Endpoint>, req: SipRequest, status: number, reason?: string, extra: [string, string][] = []): void {
    const headers: [string, string][] = [...extra, ['Server', this.userAgent]];
    if (status === 405 || (status === 200 && req.method === 'OPTIONS')) headers.unshift(['Allow', UA_ALLOW.join(', ')]);
    try {
      tx.respond(createResponse(req, status, reason, { toTag: newTag(), headers }));
    } catch (err) {
      this.log.warn('could not answer a request', { method: req.method, status, err: toError(err).message });
    }
  }
}

function userOf(uri: SipUri): string | undefined {
  if (uri.kind === 'sip') return uri.user;
  if (uri.kind === 'tel') return uri.number;
  return undefined;
}

/** The next hop of a request: the first Route, else the Request-URI (RFC 3261 §8.1.2). */
export function nextHopOf(req: SipRequest): NextHop {
  const routes = req.headers.route();
  const first = routes.ok ? routes.value[0] : undefined;
  const uri = first?.uri ?? req.uri;
  if (uri.kind !== 'sip') throw new Error(`cannot route to a ${uri.scheme}: URI`);
  const t = uriParam(uri, 'transport')?.toLowerCase();
  const transport: TransportProtocol | undefined = t === 'udp' || t === 'tcp' || t === 'tls' ? t : undefined;
  return {
    host: uri.host.replace(/^\[|\]$/g, ''),
    ...(uri.port !== undefined ? { port: uri.port } : {}),
    ...(transport !== undefined ? { transport } : uri.scheme === 'sips' ? { transport: 'tls' as const } : {}),
    secure: uri.scheme === 'sips',
  };
}
