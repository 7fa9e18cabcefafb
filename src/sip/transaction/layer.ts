/**
 * The transaction layer: creates transactions, matches incoming messages to them
 * (RFC 3261 §17.1.3 and §17.2.3, with the RFC 2543 fallback), and hands new
 * requests and stray messages to the TU. Generic over the message type `M` (read
 * through a `TxAdapter<M>`) and the destination type `D` (opaque; passed to `send`).
 */
import type { Clock } from '../../clock.js';
import { toError, ValidationError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { ictStart, type IctContext } from './ict.js';
import { istStart } from './ist.js';
import { nictStart } from './nict.js';
import { nistStart } from './nist.js';
import { ClientTransaction, ServerTransaction, type AnyTransaction, type TxHost } from './shell.js';
import { resolveTimerConfig } from './timers.js';
import type { MachineContext, TimerConfig, TimerName, TuReport } from './types.js';

/** The RFC 3261 branch magic cookie (§8.1.1.7). */
export const MAGIC_COOKIE = 'z9hG4bK';

/** The message fields the layer needs, supplied by whoever owns the message type. */
export interface TxAdapter<M> {
  isRequest(m: M): boolean;
  /** The request method; for a response, the method from its CSeq. */
  method(m: M): string;
  /** The status code of a response. */
  status(m: M): number;
  topViaBranch(m: M): string | undefined;
  /** The top Via's sent-by (host[:port]). */
  topViaSentBy(m: M): string;
  requestUri?(m: M): string;
  callId(m: M): string;
  fromTag(m: M): string | undefined;
  toTag(m: M): string | undefined;
  cseq(m: M): { seq: number; method: string };
  /** Builds the ACK for a non-2xx final response to `invite` (§17.1.1.3). */
  buildAck(invite: M, response: M): M;
  /** Builds a response to `request` (used for 100 Trying and 500). */
  buildResponse?(request: M, status: number): M;
}

/** The TU of one client transaction. */
export interface ClientTU<M, D> {
  onResponse(response: M, tx: ClientTransaction<M, D>): void;
  /** Timer B or F fired without a final response. */
  onTimeout?(tx: ClientTransaction<M, D>, timer: TimerName): void;
  onTransportError?(tx: ClientTransaction<M, D>): void;
}

/** The layer-wide TU: new requests, server-transaction reports, stray messages. */
export interface TransactionUser<M, D> {
  onNewRequest(request: M, tx: ServerTransaction<M, D>, from: D): void;
  /** An ACK matched to an INVITE server transaction in 'accepted' (RFC 6026). */
  onAck?(ack: M, tx: ServerTransaction<M, D>): void;
  /** Timer H fired: the ACK for a non-2xx final response never came. */
  onServerTimeout?(tx: ServerTransaction<M, D>, timer: TimerName): void;
  onServerTransportError?(tx: ServerTransaction<M, D>): void;
  /** A response that matches no client transaction (e.g. a 2xx retransmission after Timer M). */
  onStrayResponse?(response: M, from: D): void;
  /** An ACK that matches no server transaction: the ACK for a 2xx (§17.2.3). */
  onStrayAck?(ack: M, from: D): void;
}

export interface TransactionLayerOptions<M, D> {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly adapter: TxAdapter<M>;
  readonly send: (message: M, dest: D) => void;
  readonly tu: TransactionUser<M, D>;
  readonly timers?: Partial<TimerConfig>;
}

export class TransactionLayer<M, D> {
  private readonly clients = new Map<string, ClientTransaction<M, D>>();
  private readonly servers = new Map<string, ServerTransaction<M, D>>();
  /** RFC 2543 INVITE server transactions by the fields an ACK must share (§17.2.3). */
  private readonly legacyInvites = new Map<string, ServerTransaction<M, D>>();
  private readonly clientTUs = new WeakMap<ClientTransaction<M, D>, ClientTU<M, D>>();
  private timerConfig: TimerConfig;
  private disposed = false;
  private readonly a: TxAdapter<M>;
  private readonly log: Logger;
  private readonly host: TxHost<M, D>;

  constructor(private readonly opts: TransactionLayerOptions<M, D>) {
    this.timerConfig = resolveTimerConfig(opts.timers);
    this.a = opts.adapter;
    this.log = opts.logger.child({ layer: 'transaction' });
    this.host = {
      clock: opts.clock,
      logger: this.log,
      send: (m, d) => opts.send(m, d),
      status: (m) => this.a.status(m),
      toTag: (m) => this.a.toTag(m),
      remove: (tx) => this.remove(tx),
      report: (tx, r) => this.report(tx, r),
    };
  }

  /** The T1/T2/T4 in force; new transactions use changed values. */
  get timers(): TimerConfig {
    return this.timerConfig;
  }

  setTimers(partial: Partial<TimerConfig>): void {
    this.timerConfig = resolveTimerConfig({ ...this.timerConfig, ...partial });
  }

  /** How many transactions are live (client + server). */
  get size(): number {
    return this.clients.size + this.servers.size;
  }

  /** Starts a client transaction for `request` (not ACK: ACK for 2xx is sent with `sendAck`). */
  sendRequest(request: M, dest: D, tu: ClientTU<M, D>, options: { reliable?: boolean } = {}): ClientTransaction<M, D> {
    this.assertLive();
    const method = this.a.method(request).toUpperCase();
    if (method === 'ACK') throw new ValidationError('ACK is not sent in a client transaction', { method: 'ACK' });
    const branch = this.a.topViaBranch(request);
    if (branch === undefined || !branch.startsWith(MAGIC_COOKIE)) {
      throw new ValidationError('request needs a top Via branch with the z9hG4bK cookie', { via: 'branch' });
    }
    const key = clientKey(branch, method);
    if (this.clients.has(key)) throw new ValidationError('a client transaction with this branch exists', { via: 'branch' });
    const reliable = options.reliable ?? false;
    const ctx = { timers: this.timerConfig, reliable };
    const invite = method === 'INVITE';
    const init = invite ? ictStart(ictContext(ctx, this.a), request) : nictStart(ctx, request);
    const tx = new ClientTransaction(this.host, key, request, dest, reliable, init.state, invite);
    this.clients.set(key, tx);
    this.clientTUs.set(tx, tu);
    tx.start(init);
    return tx;
  }

  /** Sends an ACK for a 2xx outside any transaction (RFC 3261 §13.2.2.4, §17). */
  sendAck(ack: M, dest: D): void {
    this.assertLive();
    this.opts.send(ack, dest);
  }

  /** An incoming message from the transport. */
  receive(message: M, from: D, reliable: boolean): void {
    if (this.disposed) return;
    if (this.a.isRequest(message)) this.receiveRequest(message, from, reliable);
    else this.receiveResponse(message, from);
  }

  /** The transport failed to deliver `message` (a request or response some transaction sent). */
  transportError(message: M): void {
    for (const tx of [...this.clients.values(), ...this.servers.values()]) {
      if (tx.owns(message)) {
        tx.transportError();
        return;
      }
    }
  }

  /** The INVITE server transaction a CANCEL refers to (§9.2: same key, method INVITE). */
  findInviteFor(cancel: M): ServerTransaction<M, D> | undefined {
    const key = this.serverKey(cancel, 'INVITE');
    const tx = this.servers.get(key);
    return tx?.kind === 'ist' ? tx : undefined;
  }

  /** Cancels every timer and forgets every transaction. */
  dispose(): void {
    this.disposed = true;
    for (const tx of [...this.clients.values(), ...this.servers.values()]) tx.dispose();
    this.clients.clear();
    this.servers.clear();
    this.legacyInvites.clear();
  }

  private receiveResponse(response: M, from: D): void {
    // §17.1.3: "1. If the response has the same value of the branch parameter in the
    // top Via header field as the branch parameter in the top Via header field of the
    // request that created the transaction. 2. If the method parameter in the CSeq
    // header field matches the method of the request that created the transaction."
    const branch = this.a.topViaBranch(response);
    const tx = branch === undefined ? undefined : this.clients.get(clientKey(branch, this.a.cseq(response).method.toUpperCase()));
    if (tx === undefined) {
      this.safe('onStrayResponse', () => this.opts.tu.onStrayResponse?.(response, from));
      return;
    }
    this.guard(tx, () => tx.receive(response));
  }

  private receiveRequest(request: M, from: D, reliable: boolean): void {
    const method = this.a.method(request).toUpperCase();
    if (method === 'ACK') {
      const tx = this.matchAck(request);
      if (tx === undefined) {
        // §17.2.3: the ACK for a 2xx carries a new branch and matches no transaction;
        // it goes to the TU (the dialog) directly.
        this.safe('onStrayAck', () => this.opts.tu.onStrayAck?.(request, from));
        return;
      }
      this.guard(tx, () => tx.receive(request, true));
      return;
    }
    const key = this.serverKey(request, method);
    const existing = this.servers.get(key);
    if (existing !== undefined) {
      // A retransmission: the machine absorbs it or re-sends its last response.
      this.guard(existing, () => existing.receive(request, false));
      return;
    }
    const ctx = { timers: this.timerConfig, reliable };
    const invite = method === 'INVITE';
    const init = invite
      ? istStart({ ...ctx, trying100: this.a.buildResponse?.(request, 100) })
      : nistStart<M>(ctx);
    const tx = new ServerTransaction(this.host, key, request, from, reliable, init.state, invite);
    this.servers.set(key, tx);
    const legacy = invite && !this.isRfc3261(request) ? this.legacyAckKey(request) : undefined;
    if (legacy !== undefined) this.legacyInvites.set(legacy, tx);
    tx.start(init);
    try {
      this.opts.tu.onNewRequest(request, tx, from);
    } catch (err) {
      // Error boundary at the TU edge: answer 500 and report.
      this.log.error('TU failed on a new request', { method, err: toError(err).message });
      if (!tx.responded && !tx.terminated) {
        this.guard(tx, () => {
          const response = this.a.buildResponse?.(request, 500);
          if (response !== undefined) tx.respond(response);
        });
      }
    }
  }

  private matchAck(ack: M): ServerTransaction<M, D> | undefined {
    if (this.isRfc3261(ack)) {
      // §17.2.3: "the method of the request matches the one that created the
      // transaction, except for ACK, where the method of the request that created the
      // transaction is INVITE."
      return this.servers.get(this.serverKey(ack, 'INVITE'));
    }
    // §17.2.3 (RFC 2543): "The ACK request matches a transaction if the Request-URI,
    // From tag, Call-ID, CSeq number (not the method), and top Via header field match
    // those of the INVITE request which created the transaction, and the To tag of the
    // ACK matches the To tag of the response sent by the server transaction."
    const tx = this.legacyInvites.get(this.legacyAckKey(ack));
    return tx !== undefined && tx.responseToTag === this.a.toTag(ack) ? tx : undefined;
  }

  /**
   * A branch that starts with the cookie and carries an identifier after it. A bare
   * cookie (RFC 4475 §3.2.1 badbranch) identifies nothing, so such a request is matched
   * the RFC 2543 way, as that section allows.
   */
  private isRfc3261(m: M): boolean {
    const branch = this.a.topViaBranch(m);
    return branch !== undefined && branch.length > MAGIC_COOKIE.length && branch.startsWith(MAGIC_COOKIE);
  }

  private serverKey(request: M, method: string): string {
    if (this.isRfc3261(request)) {
      // §17.2.3: "1. the branch parameter in the request is equal to the one in the top
      // Via header field of the request that created the transaction, and 2. the sent-by
      // value in the top Via of the request is equal to the one in the request that
      // created the transaction, and 3. the method of the request matches the one that
      // created the transaction, except for ACK ..."
      return ['3261', this.a.topViaBranch(request), this.a.topViaSentBy(request), method].join('\n');
    }
    // §17.2.3 (RFC 2543): "The INVITE request matches a transaction if the Request-URI,
    // To tag, From tag, Call-ID, CSeq, and top Via header field match those of the
    // INVITE request which created the transaction." Non-INVITE requests likewise; a
    // CANCEL differs by its CSeq method, so it is its own transaction.
    const cseq = this.a.cseq(request);
    return ['2543', this.a.requestUri?.(request) ?? '', this.a.toTag(request) ?? '', this.a.fromTag(request) ?? '',
      this.a.callId(request), cseq.seq, method, this.a.topViaSentBy(request), this.a.topViaBranch(request) ?? ''].join('\n');
  }

  private legacyAckKey(m: M): string {
    return [this.a.requestUri?.(m) ?? '', this.a.fromTag(m) ?? '', this.a.callId(m), this.a.cseq(m).seq,
      this.a.topViaSentBy(m), this.a.topViaBranch(m) ?? ''].join('\n');
  }

  private remove(tx: AnyTransaction<M, D>): void {
    if (tx instanceof ClientTransaction) {
      if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
      return;
    }
    if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
    for (const [k, v] of this.legacyInvites) if (v === tx) this.legacyInvites.delete(k);
  }

  private report(tx: AnyTransaction<M, D>, r: TuReport<M>): void {
    if (tx instanceof ClientTransaction) {
      const tu = this.clientTUs.get(tx);
      if (tu === undefined) return;
      switch (r.kind) {
        case 'response': return this.safe('onResponse', () => tu.onResponse(r.message, tx));
        case 'timeout': return this.safe('onTimeout', () => tu.onTimeout?.(tx, r.timer));
        case 'transportError': return this.safe('onTransportError', () => tu.onTransportError?.(tx));
        case 'request': return; // client machines never report requests
      }
    }
    const tu = this.opts.tu;
    switch (r.kind) {
      case 'request': return this.safe('onAck', () => tu.onAck?.(r.message, tx));
      case 'timeout': return this.safe('onServerTimeout', () => tu.onServerTimeout?.(tx, r.timer));
      case 'transportError': return this.safe('onServerTransportError', () => tu.onServerTransportError?.(tx));
      case 'response': return; // server machines never report responses
    }
  }

  /** Runs TU code, catching and logging what it throws (the TU cannot wedge a transaction). */
  private safe(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error('TU callback failed', { callback: what, err: toError(err).message });
    }
  }

  /** Feeds a network event to a transaction; a machine error is logged, never thrown at the transport. */
  private guard(tx: AnyTransaction<M, D>, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.log.error('transaction rejected an event', { tx: tx.key, state: tx.state, err: toError(err).message });
    }
  }

  private assertLive(): void {
    if (this.disposed) throw new ValidationError('transaction layer is disposed', {});
  }
}

function clientKey(branch: string, method: string): string {
  return `${branch}\n${method}`;
}

function ictContext<M>(ctx: MachineContext, a: TxAdapter<M>): IctContext<M> {
  return { ...ctx, buildAck: (invite: M, response: M) => a.buildAck(invite, response) };
}
