/**
 * Header helpers for INVITE sessions: what we advertise (Allow, Supported — RFC 3261
 * §20.5, §20.37), option-tag checks (§8.2.2.3 Require → 420), SDP bodies, the Warning
 * for a refused offer (§20.43), and the far end's identity (From/To, RFC 3325
 * P-Asserted-Identity).
 */
import { parseNameAddr, formatUri, type SipMessage } from '../message/index.js';
import type { SdpError } from '../sdp/index.js';
import type { RemoteIdentity } from './types.js';

/** Methods this session implements. */
export const ALLOW = ['INVITE', 'ACK', 'CANCEL', 'BYE', 'PRACK', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'OPTIONS'] as const;
/** Option tags we support (RFC 3262, RFC 4028, RFC 3891). */
export const SUPPORTED = ['100rel', 'timer', 'replaces'] as const;

export function hasTag(list: { ok: true; value: string[] } | { ok: false }, tag: string): boolean {
  return list.ok && list.value.some((t) => t.toLowerCase() === tag);
}

export function requires(m: SipMessage, tag: string): boolean {
  return hasTag(m.headers.require(), tag);
}

export function supports(m: SipMessage, tag: string): boolean {
  return hasTag(m.headers.supported(), tag) || requires(m, tag);
}

export function allows(m: SipMessage, method: string): boolean {
  const a = m.headers.allow();
  return a.ok && a.value.some((t) => t.toUpperCase() === method);
}

/** Option tags in Require that we do not support (§8.2.2.3: answer 420 with Unsupported). */
export function unsupportedRequired(m: SipMessage): string[] {
  const r = m.headers.require();
  if (!r.ok) return [];
  return r.value.filter((t) => !(SUPPORTED as readonly string[]).includes(t.toLowerCase()));
}

/** The SDP body of a message, or undefined when it has none (or another type). */
export function sdpBody(m: SipMessage): string | undefined {
  if (m.body.length === 0) return undefined;
  const ct = m.headers.contentType();
  if (!ct.ok || ct.value.mediaType !== 'application/sdp') return undefined;
  return m.body.toString('utf8');
}

export function sdpHeaders(): [string, string][] {
  return [['Content-Type', 'application/sdp']];
}

/** Warning: 3xx agent "text" (§20.43). */
export function warningFor(err: SdpError, agent: string): [string, string] {
  return ['Warning', `${err.warning.code} ${agent.replace(/[\s"]/g, '') || 'dialtone'} "${err.warning.text.replace(/["\\\r\n]/g, ' ')}"`];
}

/** The far end: P-Asserted-Identity when present (RFC 3325 §9.1), else `fallback` (From or To). */
export function identityOf(m: SipMessage, fallbackHeader: 'From' | 'To'): RemoteIdentity | undefined {
  const pai = m.headers.getAll('P-Asserted-Identity');
  for (const v of pai) {
    const a = parseNameAddr(v);
    if (typeof a !== 'string' && (a.uri.kind === 'sip' || a.uri.kind === 'tel')) return toIdentity(a.displayName, formatUri(a.uri));
  }
  const r = fallbackHeader === 'From' ? m.headers.from() : m.headers.to();
  if (!r.ok) return undefined;
  return toIdentity(r.value.displayName, formatUri(r.value.uri));
}

function toIdentity(displayName: string | undefined, uri: string): RemoteIdentity {
  return displayName !== undefined && displayName !== '' ? { displayName, uri } : { uri };
}

/** RAck = response-num LWS CSeq-num LWS Method (RFC 3262 §7.2). */
export function parseRAck(value: string | undefined): { rseq: number; cseq: number; method: string } | undefined {
  const m = /^\s*(\d{1,10})\s+(\d{1,10})\s+(\S+)\s*$/.exec(value ?? '');
  if (!m) return undefined;
  return { rseq: Number(m[1]), cseq: Number(m[2]), method: m[3] ?? '' };
}

/** RSeq = 1*DIGIT (RFC 3262 §7.1). */
export function parseRSeq(value: string | undefined): number | undefined {
  const m = /^\s*(\d{1,10})\s*$/.exec(value ?? '');
  return m ? Number(m[1]) : undefined;
}

/** The CSeq number of a message, or undefined. */
export function cseqOf(m: SipMessage): { seq: number; method: string } | undefined {
  const c = m.headers.cseq();
  return c.ok ? c.value : undefined;
}

export function toTagOf(m: SipMessage): string | undefined {
  const t = m.headers.to();
  return t.ok ? t.value.tag : undefined;
}

export function fromTagOf(m: SipMessage): string | undefined {
  const t = m.headers.from();
  return t.ok ? t.value.tag : undefined;
}
