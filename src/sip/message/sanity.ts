/**
 * Named sanity checks a UAS core runs on an incoming request before anything else
 * (RFC 3261 §8.2, in its order, with the RFC 4475 expectations), like JsSIP's
 * `sanityCheck` but pure: each check returns the response to send, or undefined.
 * `checkResponse` says whether an incoming response must be dropped (§8.1.3.3, §18.1.2).
 */
import type { SipHeaderError } from './errors.js';
import type { SipRequest, SipResponse } from './message.js';

export interface SanityReply {
  status: number;
  reason: string;
  extraHeaders?: [string, string][];
}

export interface SanityOptions {
  /** Request-URI schemes we serve (default sip, sips, tel). */
  schemes?: readonly string[];
  /** Option tags we support (for Require, §8.2.2.3). */
  optionTags?: readonly string[];
  /** Content-Encodings we understand (default none but identity). */
  encodings?: readonly string[];
  /** Body types we accept; when given, other bodies get 415 with Accept (§8.2.3). */
  contentTypes?: readonly string[];
  /** A proxy answers 483 to Max-Forwards 0 (§16.3); a UA (the default) processes the request. */
  proxy?: boolean;
}

export type RequestCheck = (req: SipRequest, opts: SanityOptions) => SanityReply | undefined;

const bad = (reason: string): SanityReply => ({ status: 400, reason });
const headerProblem = (e: SipHeaderError): SanityReply => bad(e.reason);

/** §8.2 / §20: SIP/2.0 only; RFC 4475 badvers expects 505. */
export const checkVersion: RequestCheck = (req) =>
  req.version === 'SIP/2.0' ? undefined : { status: 505, reason: 'Version Not Supported' };

/** §8.1.1: To, From, Call-ID, CSeq and Via are mandatory, once each (RFC 4475 insuf, multi01). */
export const checkMandatoryHeaders: RequestCheck = (req) => {
  const h = req.headers;
  for (const name of ['To', 'From', 'Call-ID', 'CSeq']) if (h.count(name) > 1) return bad(`Duplicate ${name} header`);
  const results = [h.to(), h.from(), h.callId(), h.cseq(), h.vias()];
  for (const r of results) if (!r.ok) return headerProblem(r.error);
  return undefined;
};

/**
 * Max-Forwards is mandatory in RFC 3261 requests but absent from RFC 2543 ones (RFC 4475
 * inv2543), so its absence is tolerated; a malformed value is treated as absent (scalar02)
 * unless it is duplicated with different values.
 */
export const checkMaxForwards: RequestCheck = (req, opts) => {
  const mf = req.headers.maxForwards();
  if (!mf.ok) return mf.error.problem === 'duplicate' ? headerProblem(mf.error) : undefined;
  if (mf.value === 0 && opts.proxy && req.method !== 'OPTIONS') return { status: 483, reason: 'Too Many Hops' };
  return undefined;
};

/** §8.2.2.1 / RFC 4475 mismatch01, mismatch02: the CSeq method must be the request method. */
export const checkCSeqMethod: RequestCheck = (req) => {
  const cseq = req.headers.cseq();
  if (cseq.ok && cseq.value.method !== req.method) return bad('CSeq method does not match the request method');
  return undefined;
};

/** Contact, Route and Record-Route, when present, must parse (RFC 4475 badinv01, regbadct). */
export const checkAddressHeaders: RequestCheck = (req) => {
  for (const r of [req.headers.contact(), req.headers.route(), req.headers.recordRoute()]) if (!r.ok) return headerProblem(r.error);
  return undefined;
};

/** §18.3 / §20.14: a Content-Length that disagrees with the body (built messages), or two of them. */
export const checkContentLength: RequestCheck = (req) => {
  if (!req.headers.has('Content-Length')) return undefined;
  const cl = req.headers.contentLength();
  if (!cl.ok) return headerProblem(cl.error);
  return cl.value === req.body.length ? undefined : bad('Content-Length does not match the body');
};

/** §8.2.2.1: a Request-URI scheme we do not serve gets 416 (RFC 4475 unkscm, novelsc). */
export const checkUriScheme: RequestCheck = (req, opts) => {
  const schemes = opts.schemes ?? ['sip', 'sips', 'tel'];
  return schemes.includes(req.uri.scheme) ? undefined : { status: 416, reason: 'Unsupported URI Scheme' };
};

/** §19.1.1 table 1: headers are not allowed in a Request-URI (RFC 4475 escruri). */
export const checkUriHeaders: RequestCheck = (req) =>
  req.uri.kind === 'sip' && req.uri.headers.length > 0 ? bad('Request-URI must not contain headers') : undefined;

/** §8.2.2.3: unknown option tags in Require get 420 with Unsupported (RFC 4475 bext01); not for ACK/CANCEL. */
export const checkRequire: RequestCheck = (req, opts) => {
  if (req.method === 'ACK' || req.method === 'CANCEL') return undefined;
  const required = req.headers.require();
  if (!required.ok) return headerProblem(required.error);
  const known = new Set((opts.optionTags ?? []).map((t) => t.toLowerCase()));
  const unknown = required.value.filter((t) => !known.has(t.toLowerCase()));
  if (unknown.length === 0) return undefined;
  return { status: 420, reason: 'Bad Extension', extraHeaders: [['Unsupported', unknown.join(', ')]] };
};

/** §8.2.3: unknown Content-Encoding or body type gets 415 with Accept-Encoding / Accept (RFC 4475 invut). */
export const checkContent: RequestCheck = (req, opts) => {
  const encodings = new Set(['identity', ...(opts.encodings ?? [])].map((e) => e.toLowerCase()));
  const used = req.headers.getAll('Content-Encoding').filter((e) => e.length > 0);
  if (used.some((e) => !encodings.has(e.toLowerCase()))) {
    return { status: 415, reason: 'Unsupported Media Type', extraHeaders: [['Accept-Encoding', [...encodings].join(', ')]] };
  }
  if (req.body.length === 0) return undefined;
  const ct = req.headers.contentType();
  if (!ct.ok) return ct.error.problem === 'missing' ? bad('Missing Content-Type header for a non-empty body') : headerProblem(ct.error);
  if (opts.contentTypes && !opts.contentTypes.includes(ct.value.mediaType)) {
    return { status: 415, reason: 'Unsupported Media Type', extraHeaders: [['Accept', opts.contentTypes.join(', ')]] };
  }
  return undefined;
};

/** The checks in the order RFC 3261 §8.2 applies them. */
export const REQUEST_CHECKS: readonly RequestCheck[] = [
  checkVersion,
  checkMandatoryHeaders,
  checkCSeqMethod,
  checkMaxForwards,
  checkAddressHeaders,
  checkContentLength,
  checkUriHeaders,
  checkUriScheme,
  checkRequire,
  checkContent,
];

/** The response the UAS core must send before anything else, or undefined to go on. */
export function checkRequest(req: SipRequest, opts: SanityOptions = {}): SanityReply | undefined {
  for (const check of REQUEST_CHECKS) {
    const reply = check(req, opts);
    if (reply) return reply;
  }
  return undefined;
}

/**
 * Why a UAC must silently drop an incoming response, or undefined: §8.1.3.3 (more than one
 * Via, RFC 4475 bcast), and unreadable mandatory headers (scalarlg; bigcode fails parsing).
 */
export function checkResponse(res: SipResponse): string | undefined {
  if (res.version !== 'SIP/2.0') return 'unsupported SIP version';
  const vias = res.headers.vias();
  if (!vias.ok) return vias.error.reason;
  if (vias.value.length > 1) return 'more than one Via in a response (RFC 3261 §8.1.3.3)';
  for (const r of [res.headers.from(), res.headers.to(), res.headers.callId(), res.headers.cseq()]) if (!r.ok) return r.error.reason;
  return undefined;
}
