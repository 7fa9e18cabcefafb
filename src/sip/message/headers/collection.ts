/**
 * The header section: an ordered list of fields with their raw values, looked up by name
 * case-insensitively and compact-form-aware. Typed accessors parse on first use and cache
 * the result until the next mutation; they return a value or a typed `SipHeaderError`.
 */
import { SipHeaderError, fail, ok, type SipResult } from '../errors.js';
import { LIST_HEADERS, headerKey } from '../names.js';
import { splitTopLevel } from '../text.js';
import { parseNameAddr, type NameAddr } from './address.js';
import { parseAuth, type AuthParams } from './auth.js';
import { parseContacts, type ContactList } from './contact.js';
import { parseContentType, type ContentType } from './content-type.js';
import { parseCSeq, type CSeq } from './cseq.js';
import { parseCallId, parseContentLength, parseExpires, parseMaxForwards, parseTokenList } from './scalar.js';
import { parseVia, type Via } from './via.js';

export interface SipHeaderField {
  readonly name: string;
  readonly value: string;
  /** Lower-case long name, filled in for fields held by `SipHeaders`. */
  readonly key?: string;
}

interface Entry extends SipHeaderField {
  key: string;
}

type Parsed<T> = T | string;

export class SipHeaders {
  private readonly entries: Entry[] = [];
  private cache = new Map<string, SipResult<unknown>>();

  constructor(fields: Iterable<SipHeaderField | readonly [string, string]> = []) {
    for (const f of fields) {
      if (Array.isArray(f)) this.append(f[0] as string, f[1] as string);
      else this.append((f as SipHeaderField).name, (f as SipHeaderField).value);
    }
  }

  /** The fields in order, names as received. */
  fields(): readonly SipHeaderField[] {
    return this.entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The value of the first field with this name. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    for (const e of this.entries) if (e.key === key) return e.value;
    return undefined;
  }

  /** Every value with this name; fields of list headers (Via, Contact, Route...) are split on commas. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const split = LIST_HEADERS.has(key);
    const out: string[] = [];
    for (const e of this.entries) {
      if (e.key !== key) continue;
      if (!split) out.push(e.value);
      else out.push(...(splitTopLevel(e.value, 0x2c) ?? [e.value]));
    }
    return out;
  }

  /** How many fields (not values) carry this name. */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const e of this.entries) if (e.key === key) n++;
    return n;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every field of this name by one, at the place of the first (or at the end). */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.entries.findIndex((e) => e.key === key);
    this.remove(name);
    const entry = { name, value, key };
    if (at < 0) this.entries.push(entry);
    else this.entries.splice(at, 0, entry);
    this.cache.clear();
    return this;
  }

  append(name: string, value: string): this {
    this.entries.push({ name, value, key: headerKey(name) });
    this.cache.clear();
    return this;
  }

  /** Inserts before the first field of the same name (or at the start), as a proxy adds a Via. */
  prepend(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.entries.findIndex((e) => e.key === key);
    this.entries.splice(at < 0 ? 0 : at, 0, { name, value, key });
    this.cache.clear();
    return this;
  }

  remove(name: string): this {
    const key = headerKey(name);
    for (let i = this.entries.length - 1; i >= 0; i--) if (this.entries[i]?.key === key) this.entries.splice(i, 1);
    this.cache.clear();
    return this;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.entries.map((e) => ({ name: e.name, value: e.value })));
  }

  private cached<T>(id: string, compute: () => SipResult<T>): SipResult<T> {
    const hit = this.cache.get(id);
    if (hit) return hit as SipResult<T>;
    const result = compute();
    this.cache.set(id, result);
    return result;
  }

  /** A header that must appear once. */
  private single<T>(name: string, parse: (v: string) => Parsed<T>): SipResult<T> {
    return this.cached(`1:${name}`, () => {
      const key = headerKey(name);
      const values = this.entries.filter((e) => e.key === key);
      const first = values[0];
      if (!first) return fail(new SipHeaderError(name, 'missing'));
      if (values.length > 1 && values.some((v) => v.value.trim() !== first.value.trim())) {
        return fail(new SipHeaderError(name, 'duplicate'));
      }
      const parsed = parse(first.value);
      if (typeof parsed === 'string') return fail(new SipHeaderError(name, 'malformed', `Malformed ${name} header: ${parsed}`));
      return ok(parsed);
    });
  }

  /** A list header; absent means an empty list. */
  private list<T>(name: string, parse: (values: string[]) => Parsed<T>): SipResult<T> {
    return this.cached(`n:${name}`, () => {
      const key = headerKey(name);
      const values: string[] = [];
      for (const e of this.entries) {
        if (e.key !== key) continue;
        const parts = splitTopLevel(e.value, 0x2c);
        if (!parts) return fail(new SipHeaderError(name, 'malformed', `Malformed ${name} header: unbalanced quotes or brackets`));
        values.push(...parts);
      }
      const parsed = parse(values);
      if (typeof parsed === 'string') return fail(new SipHeaderError(name, 'malformed', `Malformed ${name} header: ${parsed}`));
      return ok(parsed);
    });
  }

  private addresses(name: string): SipResult<NameAddr[]> {
    return this.list(name, (values) => {
      const out: NameAddr[] = [];
      for (const v of values) {
        const a = parseNameAddr(v);
        if (typeof a === 'string') return a;
        out.push(a);
      }
      return out;
    });
  }

  private auth(name: string): SipResult<AuthParams[]> {
    return this.cached(`a:${name}`, () => {
      const key = headerKey(name);
      const out: AuthParams[] = [];
      for (const e of this.entries) {
        if (e.key !== key) continue;
        const a = parseAuth(e.value);
        if (typeof a === 'string') return fail(new SipHeaderError(name, 'malformed', `Malformed ${name} header: ${a}`));
        out.push(a);
      }
      return ok(out);
    });
  }

  /** Every Via value, top first. An absent Via is an error. */
  vias(): SipResult<Via[]> {
    const r = this.list('Via', (values) => {
      const out: Via[] = [];
      for (const v of values) {
        const via = parseVia(v);
        if (typeof via === 'string') return via;
        out.push(via);
      }
      return out;
    });
    if (r.ok && r.value.length === 0) return fail(new SipHeaderError('Via', 'missing'));
    return r;
  }

  topVia(): SipResult<Via> {
    const r = this.vias();
    return r.ok ? ok(r.value[0] as Via) : r;
  }

  from(): SipResult<NameAddr> {
    return this.single('From', parseNameAddr);
  }

  to(): SipResult<NameAddr> {
    return this.single('To', parseNameAddr);
  }

  callId(): SipResult<string> {
    const r = this.single('Call-ID', (v) => {
      const id = parseCallId(v);
      return id === undefined ? 'not word [ "@" word ]' : { id };
    });
    return r.ok ? ok(r.value.id) : r;
  }

  cseq(): SipResult<CSeq> {
    return this.single('CSeq', parseCSeq);
  }

  maxForwards(): SipResult<number> {
    return this.single('Max-Forwards', parseMaxForwards);
  }

  contentLength(): SipResult<number> {
    return this.single('Content-Length', parseContentLength);
  }

  contentType(): SipResult<ContentType> {
    return this.single('Content-Type', parseContentType);
  }

  expires(): SipResult<number> {
    return this.single('Expires', parseExpires);
  }

  contact(): SipResult<ContactList> {
    return this.list('Contact', parseContacts);
  }

  route(): SipResult<NameAddr[]> {
    return this.addresses('Route');
  }

  recordRoute(): SipResult<NameAddr[]> {
    return this.addresses('Record-Route');
  }

  wwwAuthenticate(): SipResult<AuthParams[]> {
    return this.auth('WWW-Authenticate');
  }

  proxyAuthenticate(): SipResult<AuthParams[]> {
    return this.auth('Proxy-Authenticate');
  }

  authorization(): SipResult<AuthParams[]> {
    return this.auth('Authorization');
  }

  proxyAuthorization(): SipResult<AuthParams[]> {
    return this.auth('Proxy-Authorization');
  }

  require(): SipResult<string[]> {
    return this.list('Require', parseTokenList);
  }

  supported(): SipResult<string[]> {
    return this.list('Supported', parseTokenList);
  }

  allow(): SipResult<string[]> {
    return this.list('Allow', parseTokenList);
  }
}
