/**
 * URIs (RFC 3261 §19.1, §25.1; RFC 3966 for tel). sip/sips URIs are parsed into parts with
 * escapes decoded; tel URIs into number and parameters; any other scheme is kept as an
 * absolute URI and flagged `kind: 'absolute'` so the UAS core can answer 416 (§8.2.2.1).
 */
import { SipParseError, fail, ok, type SipResult } from './errors.js';

export interface UriParam {
  name: string;
  value: string | null;
}

export interface SipUriParts {
  kind: 'sip';
  scheme: 'sip' | 'sips';
  user?: string;
  password?: string;
  /** Host name or IPv4 address, or an IPv6 reference with its brackets ("[2001:db8::1]"). */
  host: string;
  port?: number;
  params: UriParam[];
  headers: UriParam[];
}

export interface TelUri {
  kind: 'tel';
  scheme: 'tel';
  number: string;
  params: UriParam[];
}

export interface AbsoluteUri {
  kind: 'absolute';
  /** Lower-cased scheme. */
  scheme: string;
  /** Everything after "scheme:", as received. */
  opaque: string;
}

export type SipUri = SipUriParts | TelUri | AbsoluteUri;

const UNRESERVED = "A-Za-z0-9\\-_.!~*'()";
const USER_RE = new RegExp(`^(?:[${UNRESERVED}&=+$,;?/]|%[0-9A-Fa-f]{2})+$`);
const PASSWORD_RE = new RegExp(`^(?:[${UNRESERVED}&=+$,]|%[0-9A-Fa-f]{2})*$`);
const PARAMCHAR_RE = new RegExp(`^(?:[${UNRESERVED}\\[\\]/:&+$]|%[0-9A-Fa-f]{2})+$`);
const HCHAR_RE = new RegExp(`^(?:[${UNRESERVED}\\[\\]/?:+$]|%[0-9A-Fa-f]{2})*$`);
const HOSTNAME_RE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.?$/;
const IPV6_RE = /^\[[0-9A-Fa-f:.]+\]$/;
const SCHEME_RE = /^[A-Za-z][A-Za-z0-9+\-.]*$/;
// absoluteURI characters (RFC 2396 uric plus "#"); no white space, quotes or angle brackets.
const OPAQUE_RE = /^[A-Za-z0-9\-_.!~*'();/?:@&=+$,%#[\]]+$/;

function bad(reason: string): { ok: false; error: SipParseError } {
  return fail(new SipParseError(reason, '25.1'));
}

function unescape(s: string): string {
  if (!s.includes('%')) return s;
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/**
 * Decoded URI parts are byte strings (one char per octet, as `%XX` decodes), so that
 * `%00` and non-UTF-8 escapes survive a round trip. Chars above U+00FF (from code that
 * builds URIs) are escaped as their UTF-8 octets.
 */
function escape(s: string, allowed: RegExp): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 128 && allowed.test(ch)) out += ch;
    else if (code < 256) out += `%${code.toString(16).toUpperCase().padStart(2, '0')}`;
    else for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

const USER_OK = new RegExp(`^[${UNRESERVED}&=+$,;?/]$`);
const PASSWORD_OK = new RegExp(`^[${UNRESERVED}&=+$,]$`);
const PARAM_OK = new RegExp(`^[${UNRESERVED}\\[\\]/:&+$]$`);
const HEADER_OK = new RegExp(`^[${UNRESERVED}\\[\\]/?:+$]$`);

function parseUriParams(parts: string[], re: RegExp, what: string): UriParam[] | string {
  const out: UriParam[] = [];
  for (const part of parts) {
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? null : part.slice(eq + 1);
    if (!re.test(name)) return `bad ${what} name "${name}"`;
    if (value !== null && value.length > 0 && !re.test(value)) return `bad ${what} value "${value}"`;
    out.push({ name: unescape(name), value: value === null ? null : unescape(value) });
  }
  return out;
}

function parseSip(scheme: 'sip' | 'sips', rest: string): SipResult<SipUri, SipParseError> {
  let userinfo: string | undefined;
  let hostPart = rest;
  const at = rest.indexOf('@');
  if (at >= 0) {
    userinfo = rest.slice(0, at);
    hostPart = rest.slice(at + 1);
  }
  const q = hostPart.indexOf('?');
  const headerText = q >= 0 ? hostPart.slice(q + 1) : undefined;
  const beforeHeaders = q >= 0 ? hostPart.slice(0, q) : hostPart;
  const [hostport = '', ...paramParts] = beforeHeaders.split(';');
  const uri: SipUriParts = { kind: 'sip', scheme, host: '', params: [], headers: [] };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = colon >= 0 ? userinfo.slice(0, colon) : userinfo;
    if (!USER_RE.test(user)) return bad(`bad user part "${user}"`);
    uri.user = unescape(user);
    if (colon >= 0) {
      const password = userinfo.slice(colon + 1);
      if (!PASSWORD_RE.test(password)) return bad('bad password part');
      uri.password = unescape(password);
    }
  }
  let host = hostport;
  let portText: string | undefined;
  if (hostport.startsWith('[')) {
    const close = hostport.indexOf(']');
    if (close < 0) return bad('unterminated IPv6 reference');
    host = hostport.slice(0, close + 1);
    const after = hostport.slice(close + 1);
    if (after.length > 0) {
      if (!after.startsWith(':')) return bad('junk after IPv6 reference');
      portText = after.slice(1);
    }
    if (!IPV6_RE.test(host)) return bad(`bad IPv6 reference "${host}"`);
  } else {
    const colon = hostport.indexOf(':');
    if (colon >= 0) {
      host = hostport.slice(0, colon);
      portText = hostport.slice(colon + 1);
    }
    if (!HOSTNAME_RE.test(host)) return bad(`bad host "${host}"`);
  }
  uri.host = host;
  if (portText !== undefined) {
    if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) return bad(`bad port "${portText}"`);
    uri.port = Number(portText);
  }
  if (paramParts.length > 0) {
    const params = parseUriParams(paramParts, PARAMCHAR_RE, 'URI parameter');
    if (typeof params === 'string') return bad(params);
    uri.params = params;
  }
  if (headerText !== undefined) {
    const headers: UriParam[] = [];
    for (const h of headerText.split('&')) {
      const eq = h.indexOf('=');
      if (eq <= 0) return bad('URI header without "="');
      const name = h.slice(0, eq);
      const value = h.slice(eq + 1);
      if (!HCHAR_RE.test(name) || !HCHAR_RE.test(value)) return bad('bad URI header');
      headers.push({ name: unescape(name), value: unescape(value) });
    }
    uri.headers = headers;
  }
  return ok(uri);
}

/** Parses a URI as found in a Request-URI or inside name-addr brackets. */
export function parseUri(text: string): SipResult<SipUri, SipParseError> {
  const colon = text.indexOf(':');
  if (colon <= 0) return bad(`not a URI: "${text.slice(0, 40)}"`);
  const schemeText = text.slice(0, colon);
  if (!SCHEME_RE.test(schemeText)) return bad(`bad URI scheme "${schemeText.slice(0, 40)}"`);
  const scheme = schemeText.toLowerCase();
  const rest = text.slice(colon + 1);
  if (rest.length === 0) return bad('empty URI');
  if (scheme === 'sip' || scheme === 'sips') return parseSip(scheme, rest);
  if (!OPAQUE_RE.test(rest)) return bad(`bad characters in ${scheme} URI`);
  if (scheme === 'tel') {
    const [number = '', ...paramParts] = rest.split(';');
    if (!/^\+?[0-9A-Fa-f*#\-.()]+$/.test(number)) return bad(`bad tel number "${number}"`);
    const params = parseUriParams(paramParts, PARAMCHAR_RE, 'tel parameter');
    if (typeof params === 'string') return bad(params);
    return ok({ kind: 'tel', scheme: 'tel', number, params });
  }
  return ok({ kind: 'absolute', scheme, opaque: rest });
}

function formatUriParams(params: readonly UriParam[], sep: string, allowed: RegExp): string {
  let out = '';
  for (const p of params) {
    out += sep + escape(p.name, allowed);
    if (p.value !== null) out += `=${escape(p.value, allowed)}`;
  }
  return out;
}

/** Renders a URI, escaping what the grammar requires; `parseUri(formatUri(u))` equals `u`. */
export function formatUri(uri: SipUri): string {
  switch (uri.kind) {
    case 'absolute':
      return `${uri.scheme}:${uri.opaque}`;
    case 'tel':
      return `tel:${uri.number}${formatUriParams(uri.params, ';', PARAM_OK)}`;
    case 'sip': {
      let out = `${uri.scheme}:`;
      if (uri.user !== undefined) {
        out += escape(uri.user, USER_OK);
        if (uri.password !== undefined) out += `:${escape(uri.password, PASSWORD_OK)}`;
        out += '@';
      }
      out += uri.host;
      if (uri.port !== undefined) out += `:${uri.port}`;
      out += formatUriParams(uri.params, ';', PARAM_OK);
      if (uri.headers.length > 0) {
        out += `?${uri.headers.map((h) => `${escape(h.name, HEADER_OK)}=${escape(h.value ?? '', HEADER_OK)}`).join('&')}`;
      }
      return out;
    }
  }
}

/** Case-insensitive URI parameter lookup (undefined: absent; null: present without value). */
export function uriParam(uri: SipUri, name: string): string | null | undefined {
  if (uri.kind === 'absolute') return undefined;
  const lower = name.toLowerCase();
  for (const p of uri.params) if (p.name.toLowerCase() === lower) return p.value;
  return undefined;
}
