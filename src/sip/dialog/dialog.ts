/**
 * The dialog record (RFC 3261 §12) and the pure functions that create and update it.
 * A Dialog is immutable: every update returns a new record.
 *
 * - §12.1.1 (UAS): "The route set MUST be set to the list of URIs in the Record-Route
 *   header field from the request, taken in order and preserving all URI parameters."
 *   "The remote target MUST be set to the URI from the Contact header field of the request."
 *   "The remote sequence number MUST be set to the value of the sequence number in the
 *   CSeq header field of the request. The local sequence number MUST be empty."
 * - §12.1.2 (UAC): "The route set MUST be set to the list of URIs in the Record-Route
 *   header field from the response, taken in reverse order and preserving all URI
 *   parameters." "The local sequence number MUST be set to the value of the sequence
 *   number in the CSeq header field of the request. The remote sequence number MUST be empty."
 *   A dialog created by a provisional response is "early"; a 2xx confirms it.
 * - §13.2.2.4: for a 2xx on an early dialog "the route set for the dialog MUST be
 *   recomputed based on the 2xx response".
 * - §12.2.2: "If the remote sequence number was not empty, but the sequence number of the
 *   request is lower than the remote sequence number, the request is out of order and
 *   MUST be rejected with a 500 (Server Internal Error) response."
 * - §12.2 target refresh: re-INVITE and UPDATE (RFC 3311 §5) replace the remote target
 *   with the Contact of the request (UAS) or of its 2xx (UAC).
 */
import { randomInt } from 'node:crypto';
import { DialtoneError } from '../../errors.js';
import type { NameAddr, SipMessage, SipRequest, SipResponse, SipUri } from '../message/index.js';

export type DialogState = 'early' | 'confirmed';

export interface Dialog {
  readonly state: DialogState;
  /** Whether we were the UAC of the request that created the dialog. */
  readonly role: 'uac' | 'uas';
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  /** Local URI with display name and non-tag parameters (From as UAC, To as UAS). */
  readonly localParty: NameAddr;
  readonly remoteParty: NameAddr;
  readonly remoteTarget: SipUri;
  /** Route values in the order they go into requests. */
  readonly routeSet: readonly NameAddr[];
  /** Last CSeq number we used; undefined = empty. */
  readonly localSeq: number | undefined;
  /** Last CSeq number the peer used; undefined = empty. */
  readonly remoteSeq: number | undefined;
  /** §12.1.1: true when the request was sent over TLS with a sips Request-URI. */
  readonly secure: boolean;
}

/** Why a message cannot create or update a dialog; `status` is the response to send a request. */
export class DialogError extends DialtoneError {
  readonly status: number;
  constructor(message: string, status = 400, context: Record<string, unknown> = {}) {
    super('sip_dialog', message, context);
    this.status = status;
  }
}

export type DialogResult<T = Dialog> = { ok: true; value: T } | { ok: false; error: DialogError };

function fail(message: string, status = 400): { ok: false; error: DialogError } {
  return { ok: false, error: new DialogError(message, status) };
}

/** The address without its tag (the tag lives in localTag/remoteTag). */
export function withoutTag(a: NameAddr): NameAddr {
  const out: NameAddr = { uri: a.uri, params: a.params.filter((p) => p.name.toLowerCase() !== 'tag'), bracketed: true };
  if (a.displayName !== undefined) out.displayName = a.displayName;
  return out;
}

function firstContact(m: SipMessage): SipUri | undefined | DialogError {
  const c = m.headers.contact();
  if (!c.ok) return new DialogError(c.error.reason);
  if (c.value.star) return new DialogError('Contact "*" cannot be a remote target');
  return c.value.contacts[0]?.uri;
}

function recordRoutes(m: SipMessage): NameAddr[] | DialogError {
  const rr = m.headers.recordRoute();
  if (!rr.ok) return new DialogError(rr.error.reason);
  return rr.value.map((r) => ({ uri: r.uri, params: r.params, bracketed: true }));
}

/** §12.1.2: a dialog from a 101–199 response with a To tag (early) or a 2xx (confirmed). */
export function createUacDialog(request: SipRequest, response: SipResponse, opts: { secure?: boolean } = {}): DialogResult {
  const h = response.headers;
  const from = request.headers.from();
  const to = h.to();
  const callId = request.headers.callId();
  const cseq = request.headers.cseq();
  if (!from.ok || !to.ok || !callId.ok || !cseq.ok) return fail('request or response lacks From, To, Call-ID or CSeq');
  if (from.value.tag === undefined) return fail('our From has no tag');
  if (to.value.tag === undefined) return fail('response without To tag creates no dialog');
  if (response.status < 101 || response.status > 299) return fail(`status ${response.status} creates no dialog`);
  const target = firstContact(response);
  if (target instanceof DialogError) return { ok: false, error: target };
  const routes = recordRoutes(response);
  if (routes instanceof DialogError) return { ok: false, error: routes };
  return {
    ok: true,
    value: {
      state: response.status >= 200 ? 'confirmed' : 'early',
      role: 'uac',
      callId: callId.value,
      localTag: from.value.tag,
      remoteTag: to.value.tag,
      localParty: withoutTag(from.value),
      remoteParty: withoutTag(to.value),
      // A provisional may lack Contact; the Request-URI stands in until one arrives.
      remoteTarget: target ?? request.uri,
      routeSet: routes.reverse(),
      localSeq: cseq.value.seq,
      remoteSeq: undefined,
      secure: opts.secure ?? false,
    },
  };
}

/** §12.1.1: the dialog a UAS creates when it answers `request` with a To tag of `localTag`. */
export function createUasDialog(request: SipRequest, localTag: string, opts: { secure?: boolean } = {}): DialogResult {
  const h = request.headers;
  const from = h.from();
  const to = h.to();
  const callId = h.callId();
  const cseq = h.cseq();
  if (!from.ok || !to.ok || !callId.ok || !cseq.ok) return fail('request lacks From, To, Call-ID or CSeq');
  const target = firstContact(request);
  if (target instanceof DialogError) return { ok: false, error: target };
  if (target === undefined) return fail('a dialog-creating request needs a Contact');
  const routes = recordRoutes(request);
  if (routes instanceof DialogError) return { ok: false, error: routes };
  return {
    ok: true,
    value: {
      state: 'early',
      role: 'uas',
      callId: callId.value,
      localTag,
      // RFC 2543 peers may omit the From tag: it is then empty (§12.1.1).
      remoteTag: from.value.tag ?? '',
      localParty: withoutTag(to.value),
      remoteParty: withoutTag(from.value),
      remoteTarget: target,
      routeSet: routes,
      localSeq: undefined,
      remoteSeq: cseq.value.seq,
      secure: opts.secure ?? false,
    },
  };
}

/** UAS side: the 2xx has been sent, the dialog is confirmed. */
export function confirmDialog(d: Dialog): Dialog {
  return d.state === 'confirmed' ? d : { ...d, state: 'confirmed' };
}

/**
 * UAC side: a 2xx arrived for the INVITE. §13.2.2.4: the dialog is confirmed and its
 * route set is recomputed from the 2xx; the remote target comes from its Contact.
 */
export function confirmUacDialog(d: Dialog, response: SipResponse): DialogResult {
  const routes = recordRoutes(response);
  if (routes instanceof DialogError) return { ok: false, error: routes };
  const target = firstContact(response);
  if (target instanceof DialogError) return { ok: false, error: target };
  return { ok: true, value: { ...d, state: 'confirmed', routeSet: routes.reverse(), remoteTarget: target ?? d.remoteTarget } };
}

/**
 * §12.2.1.1: "Requests within a dialog MUST contain strictly monotonically increasing
 * and contiguous CSeq sequence numbers (increasing-by-one) in each direction". When the
 * local sequence number is empty "an initial value MUST be chosen" (§8.1.1.5: below 2**31).
 */
export function nextLocalSeq(d: Dialog): { dialog: Dialog; seq: number } {
  const seq = d.localSeq === undefined ? randomInt(1, 2 ** 16) : d.localSeq + 1;
  return { dialog: { ...d, localSeq: seq }, seq };
}

export type RemoteSeqCheck = { ok: true; dialog: Dialog } | { ok: false; status: 500; reason: string };

/** §12.2.2 CSeq check for a request received in the dialog (ACK and CANCEL reuse the INVITE's number). */
export function acceptRemoteSeq(d: Dialog, request: SipRequest): RemoteSeqCheck {
  if (request.method === 'ACK' || request.method === 'CANCEL') return { ok: true, dialog: d };
  const cseq = request.headers.cseq();
  if (!cseq.ok) return { ok: false, status: 500, reason: 'Bad CSeq' };
  if (d.remoteSeq !== undefined && cseq.value.seq < d.remoteSeq) return { ok: false, status: 500, reason: 'CSeq Out of Order' };
  // "If the remote sequence number is empty, it MUST be set to the value of the sequence
  // number in the CSeq header field value in the request."
  return { ok: true, dialog: cseq.value.seq === d.remoteSeq ? d : { ...d, remoteSeq: cseq.value.seq } };
}

/**
 * Target refresh (§12.2.1.2, §12.2.2): the Contact of a re-INVITE / UPDATE we received,
 * or of the 2xx to one we sent, becomes the remote target. No Contact: unchanged.
 */
export function refreshTarget(d: Dialog, message: SipMessage): Dialog {
  const target = firstContact(message);
  if (target === undefined || target instanceof DialogError) return d;
  return { ...d, remoteTarget: target };
}

/** Whether a request received belongs to this dialog (Call-ID, To tag = local, From tag = remote). */
export function requestMatches(d: Dialog, request: SipRequest): boolean {
  const callId = request.headers.callId();
  const from = request.headers.from();
  const to = request.headers.to();
  return callId.ok && from.ok && to.ok && callId.value === d.callId && to.value.tag === d.localTag && (from.value.tag ?? '') === d.remoteTag;
}
