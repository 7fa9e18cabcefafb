/**
 * Lexical helpers shared by the header codecs (RFC 3261 §25.1): tokens, quoted strings,
 * comma lists and `;name=value` parameter lists. Header values reach here unfolded,
 * so linear white space is only SP and HTAB.
 */

const TOKEN = new Uint8Array(128);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.!%*_+`\'~') TOKEN[c.charCodeAt(0)] = 1;

export function isTokenCode(code: number): boolean {
  return code < 128 && TOKEN[code] === 1;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenCode(s.charCodeAt(i))) return false;
  return true;
}

export function isWs(code: number): boolean {
  return code === 0x20 || code === 0x09;
}

/** Index just after the quoted string opening at `start` (a DQUOTE), or -1 if it never closes. */
export function skipQuoted(s: string, start: number): number {
  for (let i = start + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x5c) i++; // quoted-pair
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

/** The content of a quoted string (with its quotes) with quoted-pairs resolved. */
export function unquote(quoted: string): string {
  let out = '';
  for (let i = 1; i < quoted.length - 1; i++) {
    const ch = quoted[i] ?? '';
    if (ch === '\\' && i + 1 < quoted.length - 1) out += quoted[++i] ?? '';
    else out += ch;
  }
  return out;
}

/** Renders `s` as a quoted-string, escaping `"` and `\`. */
export function quote(s: string): string {
  return `"${s.replace(/["\\]/g, (m) => `\\${m}`)}"`;
}

/**
 * Splits on `sep` outside quoted strings and angle brackets; parts are trimmed.
 * Returns undefined when a quote or bracket is left open.
 */
export function splitTopLevel(s: string, sep: number): string[] | undefined {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      const end = skipQuoted(s, i);
      if (end < 0) return undefined;
      i = end - 1;
    } else if (c === 0x3c) depth++;
    else if (c === 0x3e) {
      if (depth === 0) return undefined;
      depth--;
    } else if (c === sep && depth === 0) {
      parts.push(s.slice(from, i).trim());
      from = i + 1;
    }
  }
  if (depth !== 0) return undefined;
  parts.push(s.slice(from).trim());
  return parts;
}

export interface Param {
  name: string;
  /** Null for a parameter without `=value`; quoted values are stored unquoted. */
  value: string | null;
  quoted?: boolean;
}

const HOSTISH = /^[A-Za-z0-9\-.:[\]]+$/;

/**
 * Parses `*( SEMI generic-param )` where generic-param = token [ EQUAL gen-value ] and
 * gen-value = token / host / quoted-string. `s` must be empty or start (after LWS) with ";".
 */
export function parseParams(s: string): Param[] | string {
  const params: Param[] = [];
  const n = s.length;
  let i = 0;
  while (i < n && isWs(s.charCodeAt(i))) i++;
  while (i < n) {
    if (s.charCodeAt(i) !== 0x3b) return `expected ";" at "${s.slice(i, i + 10)}"`;
    i++;
    while (i < n && isWs(s.charCodeAt(i))) i++;
    const nameStart = i;
    while (i < n && isTokenCode(s.charCodeAt(i))) i++;
    const name = s.slice(nameStart, i);
    if (name.length === 0) return 'empty parameter';
    while (i < n && isWs(s.charCodeAt(i))) i++;
    if (i < n && s.charCodeAt(i) === 0x3d) {
      i++;
      while (i < n && isWs(s.charCodeAt(i))) i++;
      if (i < n && s.charCodeAt(i) === 0x22) {
        const end = skipQuoted(s, i);
        if (end < 0) return `unterminated quoted value of parameter ${name}`;
        params.push({ name, value: unquote(s.slice(i, end)), quoted: true });
        i = end;
      } else {
        const valueStart = i;
        while (i < n && !isWs(s.charCodeAt(i)) && s.charCodeAt(i) !== 0x3b) i++;
        const value = s.slice(valueStart, i);
        if (value.length === 0) return `empty value of parameter ${name}`;
        if (!isToken(value) && !HOSTISH.test(value)) return `bad value of parameter ${name}`;
        params.push({ name, value });
      }
    } else {
      params.push({ name, value: null });
    }
    while (i < n && isWs(s.charCodeAt(i))) i++;
  }
  return params;
}

/** Case-insensitive parameter lookup: undefined when absent, null when present without a value. */
export function getParam(params: readonly Param[], name: string): string | null | undefined {
  const lower = name.toLowerCase();
  for (const p of params) if (p.name.toLowerCase() === lower) return p.value;
  return undefined;
}

export function formatParams(params: readonly Param[]): string {
  let out = '';
  for (const p of params) {
    out += `;${p.name}`;
    if (p.value !== null) out += `=${p.quoted || !(isToken(p.value) || HOSTISH.test(p.value)) ? quote(p.value) : p.value}`;
  }
  return out;
}

/** Parses 1*DIGIT into a number no larger than `max`, or undefined. */
export function parseDigits(s: string, max: number): number | undefined {
  if (!/^[0-9]+$/.test(s)) return undefined;
  const stripped = s.replace(/^0+(?=.)/, '');
  if (stripped.length > 16) return undefined;
  const v = Number(stripped);
  return v <= max ? v : undefined;
}

/** Trims SP and HTAB only (String#trim also strips U+FEFF and other Unicode spaces). */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isWs(s.charCodeAt(a))) a++;
  while (b > a && isWs(s.charCodeAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
