/**
 * The timing rules and response readers of the REGISTER client (RFC 3261 §10.2), kept
 * apart from the agent so they can be tested and tuned on their own.
 */
import type { SipResponse, SipUri } from '../message/index.js';

/** First retry delay after a failure (timeout, transport error, 4xx/5xx/6xx). */
export const BACKOFF_INITIAL_MS = 30_000;
/** The back-off doubles up to this cap. */
export const BACKOFF_CAP_MS = 30 * 60_000;
/** Wait after the registrar refused our credentials twice: long, so a wrong password does not hammer it. */
export const AUTH_FAILURE_RETRY_MS = 5 * 60_000;
/** At or below this granted expiry, refresh halfway; above it, this many seconds before expiry. */
export const REFRESH_MARGIN_S = 30;

/**
 * When to refresh a binding granted for `grantedS` seconds, in ms after the 2xx.
 * Short bindings (≤ 2 × 30 s) are refreshed when half has elapsed; longer ones 30 s before
 * they lapse, which leaves room for a challenge round trip and a few retransmissions
 * (the two rules meet at 60 s, where both give 30 s).
 */
export function refreshDelayMs(grantedS: number): number {
  const s = grantedS <= 2 * REFRESH_MARGIN_S ? grantedS / 2 : grantedS - REFRESH_MARGIN_S;
  return Math.max(1_000, Math.round(s * 1000));
}

/** Delay before retry number `failures` (1 = after the first failure): 30 s, 60 s, 120 s ... capped at 30 min. */
export function backoffDelayMs(failures: number): number {
  const n = Math.max(1, failures);
  return Math.min(BACKOFF_CAP_MS, BACKOFF_INITIAL_MS * 2 ** Math.min(n - 1, 30));
}

/** Retry-After (RFC 3261 §20.33) in seconds, ignoring a comment and parameters; undefined when absent or bad. */
export function retryAfterS(response: SipResponse): number | undefined {
  const raw = response.headers.get('Retry-After');
  if (raw === undefined) return undefined;
  const m = /^\s*([0-9]{1,10})/.exec(raw);
  if (m?.[1] === undefined) return undefined;
  const n = Number(m[1]);
  return n > 0 ? n : undefined;
}

/** Min-Expires (RFC 3261 §20.23) of a 423, undefined when absent or bad. */
export function minExpiresS(response: SipResponse): number | undefined {
  const raw = response.headers.get('Min-Expires');
  if (raw === undefined || !/^\s*[0-9]{1,10}\s*$/.test(raw)) return undefined;
  return Number(raw.trim());
}

function sameContact(a: SipUri, b: SipUri): boolean {
  if (a.kind !== 'sip' || b.kind !== 'sip') return false;
  return a.scheme === b.scheme && (a.user ?? '') === (b.user ?? '') && a.host.toLowerCase() === b.host.toLowerCase()
    && (a.port ?? defaultPort(a)) === (b.port ?? defaultPort(b));
}

function defaultPort(u: SipUri): number {
  return u.kind === 'sip' && u.scheme === 'sips' ? 5061 : 5060;
}

/**
 * The expiry the registrar granted (RFC 3261 §10.2.4): the `expires` parameter of the
 * Contact matching ours, else the Expires header, else what we asked for.
 */
export function grantedExpiresS(response: SipResponse, ours: SipUri, requestedS: number): number {
  const contacts = response.headers.contact();
  if (contacts.ok && !contacts.value.star) {
    const mine = contacts.value.contacts.find((c) => sameContact(c.uri, ours));
    if (mine?.expires !== undefined) return mine.expires;
  }
  const expires = response.headers.expires();
  if (expires.ok) return expires.value;
  return requestedS;
}
