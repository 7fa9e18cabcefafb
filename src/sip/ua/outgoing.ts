/**
 * One request the UA sends for its transaction user: where it goes and what happens when
 * that place does not answer.
 *
 * - Next hop (RFC 3261 §8.1.2): the first Route's URI when there is a Route, else the
 *   Request-URI; resolved to an ordered list of endpoints (RFC 3263 §4).
 * - Via (§8.1.1.7, §18.1.1): a fresh z9hG4bK branch per attempt, sent-by = the local
 *   address toward that endpoint and our listening port, `rport` (RFC 3581).
 * - Size (§18.1.1): "If a request is within 200 bytes of the path MTU, or if it is larger
 *   than 1300 bytes and the path MTU is unknown, the request MUST be sent using an RFC
 *   2914 congestion controlled transport protocol, such as TCP." The top Via then says
 *   TCP; when that connection fails the request is retried over UDP, as §18.1.1 allows.
 * - Failover (RFC 3263 §4.3): a transport error, a timeout (Timer B/F) or a 503 before any
 *   provisional response moves on to the next endpoint with a new transaction; only the
 *   last attempt's outcome reaches the TU.
 * - CANCEL (§9.1): same Request-URI, Call-ID, From, To, CSeq number, top Via and Route,
 *   same destination; "If no provisional response has been received, the CANCEL request
 *   MUST NOT be sent; rather, the client MUST wait for the arrival of a provisional
 *   response before sending the request."
 */
import { toError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { createResponse, newBranch, serializeMessage, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import type { ClientTransaction, ClientTU, TransactionLayer } from '../transaction/index.js';
import { UDP_SWITCH_THRESHOLD, formatEndpoint, uriHost, type Endpoint, type TransportProtocol } from '../transport/types.js';
import type { OutgoingRequest } from './host.js';

export interface OutgoingDeps {
  readonly layer: TransactionLayer<SipMessage, Endpoint>;
  /** The endpoints to try for this request's next hop, best first; rejects with a reason when there are none. */
  resolve(request: SipRequest): Promise<Endpoint[]>;
  /** The Via sent-by (host, port) to put in a request sent to `dest`. */
  sentBy(dest: Endpoint): Promise<{ host: string; port: number }>;
  /** Transports the stack runs. */
  readonly transports: readonly TransportProtocol[];
  readonly log: Logger;
  /** Tells the UA an endpoint failed (for the account's failover state). */
  onEndpointFailed?(dest: Endpoint, why: string): void;
}

type Phase = 'resolving' | 'sent' | 'done';

export class Outgoing implements OutgoingRequest {
  private phase: Phase = 'resolving';
  private targets: Endpoint[] = [];
  private tx: ClientTransaction<SipMessage, Endpoint> | undefined;
  private sentRequest: SipRequest | undefined;
  private dest: Endpoint | undefined;
  private provisional = false;
  private cancelWanted: string | null | undefined;
  private cancelSent = false;
  private sizeSwitched = false;

  constructor(private readonly deps: OutgoingDeps, private readonly request: SipRequest, private readonly tu: ClientTU<SipMessage, Endpoint>) {}

  get sent(): SipRequest | undefined {
    return this.sentRequest;
  }

  get destination(): Endpoint | undefined {
    return this.dest;
  }

  /** Resolves the next hop and sends the first attempt. */
  async start(): Promise<void> {
    try {
      this.targets = await this.deps.resolve(this.request);
    } catch (err) {
      this.finishLocally(503, `Service Unavailable (${toError(err).message})`.slice(0, 200));
      return;
    }
    if (this.phase === 'done') return;
    if (this.targets.length === 0) {
      this.finishLocally(503, 'Service Unavailable (no address for the next hop)');
      return;
    }
    await this.attempt();
  }

  cancel(reason?: string): void {
    if (this.request.method !== 'INVITE' || this.phase === 'done' || this.cancelWanted !== undefined) return;
    this.cancelWanted = reason ?? null;
    if (this.phase === 'resolving') {
      this.finishLocally(487, 'Request Terminated');
      return;
    }
    if (this.provisional) this.sendCancel();
  }

  private async attempt(): Promise<void> {
    const target = this.targets[0];
    if (target === undefined) return;
    let dest: Endpoint = target;
    let request: SipRequest;
    try {
      const sentBy = await this.deps.sentBy(dest);
      if (this.phase === 'done') return;
      request = this.withVia(dest.protocol, sentBy);
      if (dest.protocol === 'udp' && !this.sizeSwitched && this.deps.transports.includes('tcp')
        && serializeMessage(request).length > UDP_SWITCH_THRESHOLD) {
        this.sizeSwitched = true;
        dest = { ...dest, protocol: 'tcp' };
        request = this.withVia('tcp', sentBy);
        this.deps.log.debug('request too large for UDP, sending over TCP (RFC 3261 §18.1.1)', { method: this.request.method });
      }
    } catch (err) {
      this.nextTarget(target, `local address: ${toError(err).message}`);
      return;
    }
    this.sentRequest = request;
    this.dest = dest;
    this.phase = 'sent';
    const sentTo = dest;
    const tu: ClientTU<SipMessage, Endpoint> = {
      onResponse: (res, tx) => {
        if (tx !== this.tx) return;
        this.onResponse(res as SipResponse, tx, sentTo);
      },
      onTimeout: (tx, timer) => {
        if (tx !== this.tx) return;
        if (!this.provisional && this.nextTarget(sentTo, `no answer (Timer ${timer})`)) return;
        this.phase = 'done';
        this.tu.onTimeout?.(tx, timer);
      },
      onTransportError: (tx) => {
        if (tx !== this.tx) return;
        if (this.sizeSwitched && sentTo.protocol === 'tcp' && target.protocol === 'udp') {
          // §18.1.1: a TCP attempt made only because of size falls back to UDP
          // (sizeSwitched stays set, so the next attempt keeps UDP).
          this.tx = undefined;
          void this.attempt();
          return;
        }
        if (!this.provisional && this.nextTarget(sentTo, 'transport error')) return;
        this.phase = 'done';
        this.tu.onTransportError?.(tx);
      },
    };
    try {
      this.tx = this.deps.layer.sendRequest(request, dest, tu, { reliable: dest.protocol !== 'udp' });
    } catch (err) {
      this.deps.log.warn('request could not be sent', { method: request.method, to: formatEndpoint(dest), err: toError(err).message });
      if (!this.nextTarget(sentTo, toError(err).message)) this.finishLocally(503, 'Service Unavailable (send failed)');
    }
  }

  private onResponse(res: SipResponse, tx: ClientTransaction<SipMessage, Endpoint>, from: Endpoint): void {
    if (res.status < 200) {
      this.provisional = true;
      if (this.cancelWanted !== undefined && !this.cancelSent) this.sendCancel();
      this.tu.onResponse(res, tx);
      return;
    }
    if (res.status === 503 && !this.provisional && this.nextTarget(from, '503 Service Unavailable')) return;
    if (res.status >= 200) this.phase = 'done';
    this.tu.onResponse(res, tx);
  }

  /** Drops the failed first target and tries the next; false when none is left. */
  private nextTarget(failed: Endpoint, why: string): boolean {
    this.deps.onEndpointFailed?.(failed, why);
    this.targets.shift();
    this.sizeSwitched = false;
    if (this.targets.length === 0 || this.phase === 'done') return false;
    this.deps.log.info('next hop failed, trying the next address (RFC 3263 §4.3)', { failed: formatEndpoint(failed), why, next: formatEndpoint(this.targets[0] as Endpoint) });
    this.tx = undefined;
    this.phase = 'resolving';
    void this.attempt();
    return true;
  }

  private withVia(protocol: TransportProtocol, sentBy: { host: string; port: number }): SipRequest {
    const headers = this.request.headers.clone();
    headers.remove('Via');
    headers.prepend('Via', `SIP/2.0/${protocol.toUpperCase()} ${uriHost(sentBy.host)}:${sentBy.port};branch=${newBranch()};rport`);
    return { ...this.request, headers };
  }

  private sendCancel(): void {
    const invite = this.sentRequest;
    const dest = this.dest;
    if (invite === undefined || dest === undefined || this.cancelSent) return;
    this.cancelSent = true;
    const headers = invite.headers.clone();
    for (const name of [...new Set(headers.fields().map((f) => f.name))]) {
      if (!/^(via|v|route|call-id|i|from|f|to|t|max-forwards)$/i.test(name)) headers.remove(name);
    }
    const cseq = invite.headers.cseq();
    headers.append('CSeq', `${cseq.ok ? cseq.value.seq : 1} CANCEL`);
    if (typeof this.cancelWanted === 'string') headers.append('Reason', this.cancelWanted);
    const cancel: SipRequest = { kind: 'request', method: 'CANCEL', uri: invite.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
    try {
      this.deps.layer.sendRequest(cancel, dest, {
        onResponse: (r) => this.deps.log.debug('CANCEL answered', { status: (r as SipResponse).status }),
      }, { reliable: dest.protocol !== 'udp' });
    } catch (err) {
      this.deps.log.warn('CANCEL could not be sent', { err: toError(err).message });
    }
  }

  /** Ends without a transaction of ours answering: a response made here, as RFC 3261 §8.1.3.1 does for timeouts. */
  private finishLocally(status: number, reason: string): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    const res = createResponse(this.request, status, reason);
    this.deps.log.info('request failed before reaching the network', { method: this.request.method, status, reason });
    this.tu.onResponse(res, this.tx ?? LOCAL_TX);
  }
}

/**
 * Stands for "no transaction" in a locally made response (resolution failed before any
 * was created). TU code may compare it but must not drive it.
 */
const LOCAL_TX = Object.freeze(Object.create(null)) as ClientTransaction<SipMessage, Endpoint>;
