/**
 * Tokenizer for the values of WWW-Authenticate, Proxy-Authenticate, Authorization and
 * Proxy-Authorization: a scheme followed by comma-separated auth-params whose values are
 * tokens or quoted-strings with backslash escapes.
 *
 * References: RFC 3261 §25.1 (LWS, quoted-string, quoted-pair) and §22; RFC 7235 §2.1
 * (challenge list grammar); RFC 2617 §1.2 / RFC 7616 §3.3 (auth-param).
 * Tolerant by design: any linear whitespace (including folded CRLF) around tokens, `=`
 * and commas, empty list elements, case-insensitive scheme and parameter names.
 */

import { AuthParseError } from './errors.js';

export interface AuthParam {
  readonly value: string;
  /** True when the value was a quoted-string (the quotes and escapes are removed). */
  readonly quoted: boolean;
}

export interface AuthItem {
  /** The scheme as written (compare case-insensitively). */
  readonly scheme: string;
  /** Parameters by lower-cased name. */
  readonly params: ReadonlyMap<string, AuthParam>;
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*[ \t\r\n]*(?=,|$)/;

function isWs(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): string | undefined {
    return this.text[this.pos];
  }

  skipWs(): void {
    while (isWs(this.peek())) this.pos++;
  }

  token(): string {
    const start = this.pos;
    while (!this.done && TCHAR.test(this.text[this.pos] ?? '')) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** An unquoted value: lenient, anything up to whitespace, comma or quote (servers send bare base64 nonces). */
  bareValue(): string {
    const start = this.pos;
    for (let ch = this.peek(); ch !== undefined && !isWs(ch) && ch !== ',' && ch !== '"'; ch = this.peek()) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A quoted-string; the cursor is on the opening quote. Returns undefined when unterminated. */
  quoted(): string | undefined {
    let out = '';
    this.pos++;
    while (!this.done) {
      const ch = this.text[this.pos++] ?? '';
      if (ch === '"') return out;
      if (ch === '\\') {
        if (this.done) return undefined;
        out += this.text[this.pos++] ?? '';
      } else {
        out += ch;
      }
    }
    return undefined;
  }
}

function syntax(message: string, text: string, pos: number): AuthParseError {
  return new AuthParseError('syntax', message, { at: pos, value: text });
}

/**
 * Splits a header value into its challenges (or credentials): one item per scheme. A value
 * may carry several challenges, as `Digest realm="a", nonce="1", Digest realm="a", …`.
 */
export function parseAuthItems(text: string): AuthItem[] | AuthParseError {
  const cur = new Cursor(text);
  const items: AuthItem[] = [];
  for (;;) {
    while (isWs(cur.peek()) || cur.peek() === ',') cur.pos++;
    if (cur.done) break;
    const scheme = cur.token();
    if (scheme === '') return syntax('expected an authentication scheme', text, cur.pos);
    if (!cur.done && !isWs(cur.peek()) && cur.peek() !== ',') return syntax(`unexpected character after scheme "${scheme}"`, text, cur.pos);
    const params = new Map<string, AuthParam>();
    items.push({ scheme, params });
    cur.skipWs();
    // A token68 credential (e.g. `Basic dXNlcjpwYXNz`) is skipped whole; Digest never uses one.
    // A name=value pair always has a value after "=", so this cannot swallow a parameter.
    const t68 = TOKEN68.exec(text.slice(cur.pos));
    if (t68 !== null) {
      cur.pos += t68[0].length;
      continue;
    }
    for (;;) {
      while (isWs(cur.peek()) || cur.peek() === ',') cur.pos++;
      if (cur.done) break;
      const save = cur.pos;
      const name = cur.token();
      if (name === '') return syntax('expected an auth-param name', text, cur.pos);
      cur.skipWs();
      if (cur.peek() !== '=') {
        // `name` is not a parameter but the scheme of the next challenge.
        if (isWs(text[save + name.length]) || text[save + name.length] === undefined) {
          cur.pos = save;
          break;
        }
        return syntax(`expected "=" after "${name}"`, text, cur.pos);
      }
      cur.pos++;
      cur.skipWs();
      let param: AuthParam;
      if (cur.peek() === '"') {
        const value = cur.quoted();
        if (value === undefined) return syntax(`unterminated quoted-string for "${name}"`, text, save);
        param = { value, quoted: true };
      } else {
        const value = cur.bareValue();
        if (value === '') return syntax(`empty value for "${name}"`, text, cur.pos);
        param = { value, quoted: false };
      }
      const key = name.toLowerCase();
      if (params.has(key)) return syntax(`parameter "${key}" appears twice`, text, save);
      params.set(key, param);
      cur.skipWs();
      if (cur.done) break;
      if (cur.peek() !== ',') return syntax(`expected "," after "${name}"`, text, cur.pos);
    }
    if (cur.done) break;
  }
  if (items.length === 0) return syntax('empty header value', text, 0);
  return items;
}

/** Renders a quoted-string, escaping `"` and `\` (RFC 3261 §25.1 quoted-pair). */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}
