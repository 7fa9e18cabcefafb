/**
 * WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization
 * (RFC 3261 §25.1, RFC 7616): auth-scheme LWS auth-param *(COMMA auth-param),
 * auth-param = token EQUAL ( token / quoted-string ).
 */
import { isToken, skipQuoted, splitTopLevel, unquote } from '../text.js';

export interface AuthParams {
  /** The scheme as received ("Digest"); compare case-insensitively. */
  scheme: string;
  /** Parameter names lower-cased, quoted values unquoted. */
  params: Record<string, string>;
}

export function parseAuth(text: string): AuthParams | string {
  const m = /^([^ \t]+)(?:[ \t]+(.*))?$/s.exec(text.trim());
  if (!m) return 'empty';
  const scheme = m[1] ?? '';
  if (!isToken(scheme)) return 'bad auth scheme';
  const params: Record<string, string> = {};
  const rest = m[2]?.trim() ?? '';
  if (rest.length === 0) return { scheme, params };
  const parts = splitTopLevel(rest, 0x2c);
  if (!parts) return 'unbalanced quotes';
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0) return `bad auth-param "${part.slice(0, 30)}"`;
    const name = part.slice(0, eq).trim().toLowerCase();
    const raw = part.slice(eq + 1).trim();
    if (!isToken(name)) return `bad auth-param name "${name}"`;
    if (raw.startsWith('"')) {
      if (skipQuoted(raw, 0) !== raw.length) return `bad quoted value of ${name}`;
      params[name] = unquote(raw);
    } else {
      if (raw.length === 0 || /[ \t"]/.test(raw)) return `bad value of ${name}`;
      params[name] = raw;
    }
  }
  return { scheme, params };
}
