/**
 * Single-valued headers: Call-ID (§20.8), Max-Forwards (§20.22, 0-255 as RFC 4475
 * scalar02 expects), Content-Length (§20.14), Expires (§20.19, delta-seconds below 2**32),
 * and option-tag/method lists (Require §20.32, Supported §20.37, Allow §20.5).
 */
import { isToken, parseDigits } from '../text.js';

// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
//         "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
const CALL_ID = /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(?:@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/;

/** The Call-ID, or undefined when it is not callid = word [ "@" word ]. */
export function parseCallId(text: string): string | undefined {
  const v = text.trim();
  return CALL_ID.test(v) ? v : undefined;
}

export function parseMaxForwards(text: string): number | string {
  return parseDigits(text.trim(), 255) ?? 'must be 0 to 255';
}

export function parseContentLength(text: string): number | string {
  return parseDigits(text.trim(), Number.MAX_SAFE_INTEGER) ?? 'must be a non-negative integer';
}

export function parseExpires(text: string): number | string {
  return parseDigits(text.trim(), 2 ** 32 - 1) ?? 'must be delta-seconds below 2**32';
}

export function parseTokenList(values: readonly string[]): string[] | string {
  const out: string[] = [];
  for (const v of values) {
    if (v.length === 0) continue;
    if (!isToken(v)) return `bad token "${v.slice(0, 30)}"`;
    out.push(v);
  }
  return out;
}
