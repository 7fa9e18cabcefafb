/**
 * Builders for outgoing messages. `createResponse` follows RFC 3261 §8.2.6: the response
 * copies every Via (in order), From, To, Call-ID and CSeq from the request, adds a To tag
 * when one is given and the request had none, and copies Timestamp into 100 (§8.2.6.1).
 */
import { randomBytes } from 'node:crypto';
import { SipHeaders, type SipHeaderField } from './headers/collection.js';
import type { SipRequest, SipResponse } from './message.js';
import { headerKey } from './names.js';
import { parseUri, type SipUri } from './uri.js';
import { ValidationError } from '../../errors.js';

export const REASON_PHRASES: Readonly<Record<number, string>> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued', 183: 'Session Progress',
  200: 'OK', 202: 'Accepted', 300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily',
  305: 'Use Proxy', 380: 'Alternative Service', 400: 'Bad Request', 401: 'Unauthorized',
  402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  406: 'Not Acceptable', 407: 'Proxy Authentication Required', 408: 'Request Timeout', 410: 'Gone',
  413: 'Request Entity Too Large', 414: 'Request-URI Too Long', 415: 'Unsupported Media Type',
  416: 'Unsupported URI Scheme', 420: 'Bad Extension', 421: 'Extension Required', 423: 'Interval Too Brief',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected',
  483: 'Too Many Hops', 484: 'Address Incomplete', 485: 'Ambiguous', 486: 'Busy Here',
  487: 'Request Terminated', 488: 'Not Acceptable Here', 491: 'Request Pending', 493: 'Undecipherable',
  500: 'Server Internal Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable',
  504: 'Server Time-out', 505: 'Version Not Supported', 513: 'Message Too Large', 600: 'Busy Everywhere',
  603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable',
};

type HeaderInput = Iterable<SipHeaderField | readonly [string, string]>;

export interface RequestInit {
  method: string;
  uri: SipUri | string;
  headers?: HeaderInput;
  body?: Buffer | string;
}

function toBody(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return Buffer.alloc(0);
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

export function createRequest(init: RequestInit): SipRequest {
  let uri: SipUri;
  if (typeof init.uri === 'string') {
    const parsed = parseUri(init.uri);
    if (!parsed.ok) throw new ValidationError(`bad Request-URI: ${parsed.error.reason}`, { uri: parsed.error.reason });
    uri = parsed.value;
  } else uri = init.uri;
  return { kind: 'request', method: init.method, uri, version: 'SIP/2.0', headers: new SipHeaders(init.headers), body: toBody(init.body) };
}

export interface ResponseOptions {
  /** To tag to add when the request's To has none (§8.2.6.2; not for 100). */
  toTag?: string;
  headers?: HeaderInput;
  body?: Buffer | string;
}

/** The headers a response copies from its request; usable with the `partial` of a parse error. */
export function copyResponseHeaders(request: SipHeaders, status: number, toTag?: string): SipHeaders {
  const out = new SipHeaders();
  for (const f of request.fields()) {
    if (headerKey(f.name) === 'via') out.append('Via', f.value);
  }
  const from = request.get('From');
  if (from !== undefined) out.append('From', from);
  const to = request.get('To');
  if (to !== undefined) {
    const toParsed = request.to();
    const hasTag = toParsed.ok && toParsed.value.tag !== undefined;
    out.append('To', toTag !== undefined && status > 100 && !hasTag ? `${to};tag=${toTag}` : to);
  }
  for (const name of ['Call-ID', 'CSeq']) {
    const v = request.get(name);
    if (v !== undefined) out.append(name, v);
  }
  if (status === 100) {
    const ts = request.get('Timestamp');
    if (ts !== undefined) out.append('Timestamp', ts);
  }
  return out;
}

export function createResponse(request: SipRequest, status: number, reason?: string, opts: ResponseOptions = {}): SipResponse {
  const headers = copyResponseHeaders(request.headers, status, opts.toTag);
  for (const f of new SipHeaders(opts.headers).fields()) headers.append(f.name, f.value);
  return { kind: 'response', status, reason: reason ?? REASON_PHRASES[status] ?? '', version: 'SIP/2.0', headers, body: toBody(opts.body) };
}

/** Random identifiers from the CSPRNG (never Math.random). */
export function newTag(): string {
  return randomBytes(8).toString('hex');
}

/** A branch with the RFC 3261 magic cookie (§8.1.1.7). */
export function newBranch(): string {
  return `z9hG4bK${randomBytes(12).toString('base64url')}`;
}

export function newCallId(host?: string): string {
  const id = randomBytes(16).toString('hex');
  return host ? `${id}@${host}` : id;
}
