/**
 * Who may make this box's phones ring: the decision taken for an out-of-dialog
 * request that would create a dialog or reach a user (RFC 3261 §8.2.2.1 "the
 * Request-URI identifies a resource the UAS does not know" → 404; RFC 3261
 * §21.4.4 403 for a source the account does not accept). Pure: no I/O.
 *
 * Only POLICED_METHODS outside a dialog are subject to it; the caller checks
 * isPolicedRequest() first and lets everything else through.
 */
import { canonicalIp } from './ip-address.js';

/**
 * Methods that create a dialog or reach the user: INVITE (RFC 3261), SUBSCRIBE
 * (RFC 6665), REFER (RFC 3515) and MESSAGE (RFC 3428). Subject to the policy
 * only outside a dialog.
 */
export const POLICED_METHODS: ReadonlySet<string> = new Set(['INVITE', 'SUBSCRIBE', 'REFER', 'MESSAGE']);

export interface InboundRequest {
  method: string;
  /** The user part of the Request-URI (as parseUri returns it: unescaped). */
  requestUriUser?: string;
  /** The user part of the To URI. */
  toUser?: string;
  /** The IP address the request came from (the transport's remote address). */
  source: string;
  /** True when the request is within a dialog (its To header has a tag). */
  inDialog?: boolean;
}

export interface PolicyAccount {
  id: string;
  username: string;
  /** The user part of the Contact this account registers, when it differs from username. */
  contactUser?: string;
  /** IPs of the account's registrar/proxy, resolved elsewhere. */
  trustedSources: readonly string[];
  /** Accept requests for this account from any source (direct IP calls, a LAN PBX). */
  acceptFromAnywhere: boolean;
}

export type InboundDecision =
  | { verdict: 'accept'; account: PolicyAccount }
  | { verdict: 'reject'; status: 403 | 404; reason: string; detail: string };

/** Whether a request is subject to decideInbound: a POLICED_METHODS method outside a dialog. */
export function isPolicedRequest(request: Pick<InboundRequest, 'method' | 'inDialog'>): boolean {
  return POLICED_METHODS.has(request.method.toUpperCase()) && request.inDialog !== true;
}

function accountsFor(user: string | undefined, accounts: readonly PolicyAccount[]): PolicyAccount[] {
  if (user === undefined || user === '') return [];
  // RFC 3261 §19.1.4: the user part compares case-sensitively (after unescaping, done by parseUri).
  return accounts.filter((a) => a.username === user || (a.contactUser !== undefined && a.contactUser === user));
}

function trusts(account: PolicyAccount, source: string): boolean {
  return account.trustedSources.some((s) => canonicalIp(s) === source);
}

/**
 * Decides an inbound policed request:
 * - the account is the one whose username or contactUser equals the Request-URI
 *   user; when none does, the To user is tried; none → 404 Not Found;
 * - a found account accepts the request when the source is one of its
 *   trustedSources or it has acceptFromAnywhere; otherwise 403 Forbidden.
 * When several accounts share the user, one that trusts the source wins, then one
 * that accepts from anywhere.
 */
export function decideInbound(request: InboundRequest, accounts: readonly PolicyAccount[]): InboundDecision {
  let candidates = accountsFor(request.requestUriUser, accounts);
  if (candidates.length === 0) candidates = accountsFor(request.toUser, accounts);
  if (candidates.length === 0) {
    const tried = [request.requestUriUser, request.toUser].filter((u): u is string => u !== undefined && u !== '');
    const detail =
      tried.length === 0
        ? 'the request names no user (neither the Request-URI nor To has a user part)'
        : `no account for user ${[...new Set(tried)].map((u) => JSON.stringify(u)).join(' or ')}`;
    return { verdict: 'reject', status: 404, reason: 'Not Found', detail };
  }
  const source = canonicalIp(request.source);
  const trusted = candidates.find((a) => trusts(a, source));
  if (trusted !== undefined) return { verdict: 'accept', account: trusted };
  const open = candidates.find((a) => a.acceptFromAnywhere);
  if (open !== undefined) return { verdict: 'accept', account: open };
  const ids = candidates.map((a) => a.id).join(', ');
  return {
    verdict: 'reject',
    status: 403,
    reason: 'Forbidden',
    detail: `source ${source} is not a trusted source of account ${ids} and the account does not accept requests from anywhere`,
  };
}
