/**
 * Who is asking, and may they change things: session cookies, API tokens and
 * the cross-site check (DESIGN §6).
 */
import type { IncomingHttpHeaders } from 'node:http';

export const SESSION_COOKIE = 'dialtone_session';

/** Reads one cookie from a Cookie header. */
export function readCookie(headers: IncomingHttpHeaders, name: string): string | undefined {
  const header = headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The token of an `Authorization: Bearer <token>` header. */
export function readBearer(headers: IncomingHttpHeaders): string | undefined {
  const h = headers.authorization;
  if (h === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m?.[1];
}

export function sessionCookie(id: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? '; Secure' : ''}`;
}

export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0${secure ? '; Secure' : ''}`;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isStateChanging(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/**
 * Why a browser request must be refused as cross-site, or undefined when it is
 * same-site or not from a browser at all (curl and scripts send neither header).
 * `Sec-Fetch-Site` is trusted when present; otherwise `Origin` must name the
 * host the request was sent to.
 */
export function crossSiteReason(headers: IncomingHttpHeaders): string | undefined {
  const site = headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
    return `Sec-Fetch-Site is ${site}`;
  }
  const origin = headers.origin;
  if (typeof origin === 'string') {
    if (origin === 'null') return 'Origin is null';
    let originHost: string;
    try {
      originHost = new URL(origin).host;
    } catch {
      return 'Origin is not a URL';
    }
    const host = headers.host;
    if (host === undefined || originHost.toLowerCase() !== host.toLowerCase()) return `Origin ${origin} is another site`;
  }
  return undefined;
}
