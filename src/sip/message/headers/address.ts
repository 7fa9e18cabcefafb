/**
 * name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39, §25.1):
 * the shape of From, To, Contact, Route and Record-Route values.
 *   ( name-addr / addr-spec ) *( SEMI generic-param )
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
 *   display-name = *(token LWS) / quoted-string
 */
import { parseUri, formatUri, type SipUri } from '../uri.js';
import { formatParams, getParam, isToken, isWs, parseParams, quote, skipQuoted, unquote, type Param } from '../text.js';

export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  params: Param[];
  /** The `tag` parameter (From/To), when present. */
  tag?: string;
  /** False when the value was a bare addr-spec. */
  bracketed: boolean;
}

/** Parses one name-addr or addr-spec with its parameters; a string is the reason it failed. */
export function parseNameAddr(text: string): NameAddr | string {
  const s = text.trim();
  let displayName: string | undefined;
  let uriText: string;
  let rest: string;
  let bracketed = true;
  if (s.startsWith('"')) {
    const end = skipQuoted(s, 0);
    if (end < 0) return 'unterminated quoted display name';
    displayName = unquote(s.slice(0, end));
    let i = end;
    while (i < s.length && isWs(s.charCodeAt(i))) i++;
    if (s[i] !== '<') return 'quoted display name not followed by "<"';
    const close = s.indexOf('>', i);
    if (close < 0) return 'missing ">"';
    uriText = s.slice(i + 1, close);
    rest = s.slice(close + 1);
  } else {
    const open = s.indexOf('<');
    if (open >= 0) {
      const words = s.slice(0, open).trim();
      if (words.length > 0) {
        for (const w of words.split(/[ \t]+/)) if (!isToken(w)) return `display name "${words}" must be quoted`;
        displayName = words;
      }
      const close = s.indexOf('>', open);
      if (close < 0) return 'missing ">"';
      uriText = s.slice(open + 1, close);
      rest = s.slice(close + 1);
    } else {
      // addr-spec: the URI ends at the first ";" (those parameters belong to the header),
      // and may not contain "," or "?" (§20: such URIs must be in angle brackets).
      bracketed = false;
      const semi = s.indexOf(';');
      uriText = (semi < 0 ? s : s.slice(0, semi)).trimEnd();
      rest = semi < 0 ? '' : s.slice(semi);
      if (/[,?]/.test(uriText)) return 'a URI with "," or "?" must be enclosed in "<>"';
      if (/[ \t"]/.test(uriText)) return `bad addr-spec "${uriText.slice(0, 40)}"`;
    }
  }
  const uri = parseUri(uriText);
  if (!uri.ok) return uri.error.reason;
  const params = parseParams(rest);
  if (typeof params === 'string') return params;
  const out: NameAddr = { uri: uri.value, params, bracketed };
  if (displayName !== undefined) out.displayName = displayName;
  const tag = getParam(params, 'tag');
  if (tag) out.tag = tag;
  return out;
}

export function formatNameAddr(addr: NameAddr): string {
  const name = addr.displayName !== undefined ? `${quote(addr.displayName)} ` : '';
  return `${name}<${formatUri(addr.uri)}>${formatParams(addr.params)}`;
}
