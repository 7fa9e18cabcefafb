/**
 * What the transaction user (dialogs, INVITE sessions, subscriptions) needs from the
 * user agent around it. The UA core implements it over the real stack (Via, transport
 * choice, RFC 3263 resolution and failover); tests implement it in memory.
 *
 * Division of work:
 * - TU code builds requests WITHOUT a Via: the host adds the top Via (fresh z9hG4bK
 *   branch, rport) for the transport it picks, and picks the destination from the first
 *   Route (loose routing, RFC 3261 §8.1.2 / §16.12) or else the Request-URI, resolved by
 *   RFC 3263, trying the next target on a transport error, Timer B/F or 503 (RFC 3263 §4.3).
 * - Responses to a request the TU received go out through that request's ServerTransaction.
 */
import type { Clock } from '../../clock.js';
import type { Logger } from '../../log.js';
import type { SipMessage, SipRequest } from '../message/index.js';
import type { ClientTU } from '../transaction/index.js';
import type { Endpoint, TransportProtocol } from '../transport/types.js';

/** A request handed to the host; lets the TU cancel it or learn where it went. */
export interface OutgoingRequest {
  /** The request as sent (with the Via the host added); undefined until it has been sent. */
  readonly sent: SipRequest | undefined;
  /** Where it was sent; undefined until then. */
  readonly destination: Endpoint | undefined;
  /**
   * Sends a CANCEL for this request (RFC 3261 §9.1): same Request-URI, Call-ID, From, To,
   * CSeq number, top Via and Route, to the same destination, in its own non-INVITE
   * client transaction. Before the request has left, it is not sent at all and `tu`
   * gets a synthetic 487. Optional `reason` becomes a Reason header (RFC 3326).
   */
  cancel(reason?: string): void;
}

export interface UaHost {
  readonly clock: Clock;
  readonly log: Logger;
  /** Product token for User-Agent / Server headers. */
  readonly userAgent: string;
  /**
   * Our Contact URI (without angle brackets) for a dialog whose first hop uses
   * `transport`, e.g. "sip:1001@192.0.2.5:5060;transport=udp". `user` is the user part.
   */
  contactUri(user: string, transport: TransportProtocol): string;
  /** Starts a client transaction for `request` (see the module comment). */
  sendRequest(request: SipRequest, tu: ClientTU<SipMessage, Endpoint>): OutgoingRequest;
  /** Sends the ACK for a 2xx (RFC 3261 §13.2.2.4): no transaction, a new branch, same destination rules. */
  sendAck(ack: SipRequest): void;
}
