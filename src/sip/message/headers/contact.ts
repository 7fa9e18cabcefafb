/**
 * Contact (RFC 3261 §20.10): "*" or a list of name-addr/addr-spec with contact-params,
 * of which `expires` (delta-seconds) and `q` (0 to 1, three decimals) are interpreted.
 */
import { getParam } from '../text.js';
import { parseNameAddr, type NameAddr } from './address.js';

export interface Contact extends NameAddr {
  expires?: number;
  q?: number;
}

export type ContactList = { star: true } | { star: false; contacts: Contact[] };

/** Parses the split values of every Contact field. */
export function parseContacts(values: readonly string[]): ContactList | string {
  if (values.length === 1 && values[0] === '*') return { star: true };
  const contacts: Contact[] = [];
  for (const v of values) {
    if (v === '*') return '"*" must be the only Contact';
    const addr = parseNameAddr(v);
    if (typeof addr === 'string') return addr;
    const c: Contact = addr;
    const expires = getParam(addr.params, 'expires');
    if (expires !== undefined) {
      // Values beyond 2**32-1 are treated as that maximum (RFC 3261 §20.19 range).
      const n = expires === null ? undefined : /^[0-9]+$/.test(expires) ? Math.min(Number(expires), 2 ** 32 - 1) : undefined;
      if (n === undefined) return 'bad expires parameter';
      c.expires = n;
    }
    const q = getParam(addr.params, 'q');
    if (q !== undefined) {
      if (q === null || !/^(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)$/.test(q)) return 'bad q parameter';
      c.q = Number(q);
    }
    contacts.push(c);
  }
  return { star: false, contacts };
}

