/**
 * Building requests inside a dialog (RFC 3261 §12.2.1.1).
 *
 * "The URI in the To field of the request MUST be set to the remote URI from the dialog
 * state. The tag in the To header field of the request MUST be set to the remote tag of
 * the dialog ID. The From URI of the request MUST be set to the local URI from the dialog
 * state. The tag in the From header field of the request MUST be set to the local tag of
 * the dialog ID." ... "If the route set is empty, the UAC MUST place the remote target URI
 * into the Request-URI." ... "If the route set is not empty, and the first URI in the route
 * set contains the lr parameter, the UAC MUST place the remote target URI into the
 * Request-URI and MUST include a Route header field containing the route set values in
 * order, including all parameters." ... "If the route set is not empty, and its first URI
 * does not contain the lr parameter, the UAC MUST place the first URI from the route set
 * into the Request-URI, stripping any parameters that are not allowed in a Request-URI.
 * The UAC MUST add a Route header field containing the remainder of the route set values
 * in order, including all parameters. The UAC MUST then place the remote target URI into
 * the Route header field as the last value."
 */
import { createRequest, formatNameAddr, uriParam, type NameAddr, type SipRequest, type SipUri } from '../message/index.js';
import type { Dialog } from './dialog.js';

export interface InDialogRequestOptions {
  /** The CSeq number (from nextLocalSeq, or the INVITE's for ACK). */
  readonly cseq: number;
  /** Extra headers, appended after the dialog headers. */
  readonly headers?: Iterable<readonly [string, string]>;
  readonly body?: Buffer | string;
}

function tagged(a: NameAddr, tag: string): string {
  const params = a.params.filter((p) => p.name.toLowerCase() !== 'tag');
  if (tag !== '') params.push({ name: 'tag', value: tag });
  return formatNameAddr({ ...a, params });
}

/** A URI fit for the Request-URI: no URI headers (§19.1.1 table: headers are not allowed there). */
function requestUriOf(uri: SipUri): SipUri {
  return uri.kind === 'sip' ? { ...uri, headers: [], params: uri.params.filter((p) => p.name.toLowerCase() !== 'method') } : uri;
}

/** Request-URI and Route values per §12.2.1.1, loose or strict routing. */
export function routeFor(d: Dialog): { uri: SipUri; routes: string[] } {
  const first = d.routeSet[0];
  if (first === undefined) return { uri: d.remoteTarget, routes: [] };
  if (uriParam(first.uri, 'lr') !== undefined) return { uri: d.remoteTarget, routes: d.routeSet.map(formatNameAddr) };
  const rest = d.routeSet.slice(1).map(formatNameAddr);
  return { uri: requestUriOf(first.uri), routes: [...rest, formatNameAddr({ uri: d.remoteTarget, params: [], bracketed: true })] };
}

/** Builds a request in the dialog (without Via: the host adds it). */
export function buildInDialogRequest(d: Dialog, method: string, opts: InDialogRequestOptions): SipRequest {
  const { uri, routes } = routeFor(d);
  const headers: [string, string][] = routes.map((r) => ['Route', r]);
  headers.push(
    ['Max-Forwards', '70'],
    ['From', tagged(d.localParty, d.localTag)],
    ['To', tagged(d.remoteParty, d.remoteTag)],
    ['Call-ID', d.callId],
    ['CSeq', `${opts.cseq} ${method}`],
  );
  for (const [n, v] of opts.headers ?? []) headers.push([n, v]);
  return createRequest({ method, uri, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
}

/**
 * §13.2.2.4: the ACK for a 2xx is built like any in-dialog request, with "the sequence
 * number of the CSeq header field MUST be the same as the INVITE being acknowledged, but
 * the CSeq method MUST be ACK", and "the same credentials in the Authorization and
 * Proxy-Authorization header fields" as the INVITE.
 */
export function buildAck(d: Dialog, inviteCSeq: number, opts: { invite?: SipRequest; body?: Buffer | string; contentType?: string } = {}): SipRequest {
  const headers: [string, string][] = [];
  for (const name of ['Authorization', 'Proxy-Authorization']) {
    for (const v of opts.invite?.headers.fields().filter((f) => f.name.toLowerCase() === name.toLowerCase()) ?? []) headers.push([name, v.value]);
  }
  if (opts.body !== undefined && opts.contentType !== undefined) headers.push(['Content-Type', opts.contentType]);
  return buildInDialogRequest(d, 'ACK', { cseq: inviteCSeq, headers, ...(opts.body !== undefined ? { body: opts.body } : {}) });
}
