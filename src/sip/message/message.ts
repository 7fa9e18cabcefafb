/** The message model: a request or a response with ordered raw headers and a byte body. */
import type { SipHeaders } from './headers/collection.js';
import type { SipUri } from './uri.js';

export interface SipRequest {
  kind: 'request';
  /** Any token, case-sensitive (RFC 3261 §7.1, RFC 4475 intmeth). */
  method: string;
  uri: SipUri;
  /** "SIP/2.0" as received (upper-cased). */
  version: string;
  headers: SipHeaders;
  body: Buffer;
}

export interface SipResponse {
  kind: 'response';
  status: number;
  /** The reason phrase, UTF-8, possibly empty (RFC 4475 noreason, unreason). */
  reason: string;
  version: string;
  headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;
