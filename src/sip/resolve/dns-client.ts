/**
 * The DNS queries SIP server location needs (RFC 3263 §4.1 NAPTR per RFC 3403 and SRV
 * per RFC 2782, §4.2 A and AAAA), behind an interface so tests inject a fake.
 *
 * Contract of every method: resolves to [] when the name or the record type does not
 * exist (NXDOMAIN / no data); rejects with DnsQueryError when the query failed
 * (timeout, SERVFAIL, refused). The resolver also accepts node-style errors with
 * code ENOTFOUND / ENODATA as "no records", so fakes may reject that way.
 */
import { lookup as systemLookup, Resolver } from 'node:dns/promises';
import { SystemClock, type Clock } from '../../clock.js';
import { DnsQueryError, isNoRecordsError, sysCodeOf, type DnsRecordType } from './errors.js';

/** As node:dns NaptrRecord. */
export interface NaptrRecord {
  flags: string;
  service: string;
  regexp: string;
  replacement: string;
  order: number;
  preference: number;
}

/** As node:dns SrvRecord; `name` is the target host ("" or "." when the service is not offered). */
export interface SrvRecord {
  priority: number;
  weight: number;
  port: number;
  name: string;
}

/** As node:dns RecordWithTtl; `ttl` (seconds) is absent when unknown (e.g. from /etc/hosts). */
export interface AddressRecord {
  address: string;
  ttl?: number;
}

export interface DnsClient {
  resolveNaptr(name: string): Promise<NaptrRecord[]>;
  resolveSrv(name: string): Promise<SrvRecord[]>;
  resolve4(name: string): Promise<AddressRecord[]>;
  resolve6(name: string): Promise<AddressRecord[]>;
}

/** Looks a host name up the way the C library does (/etc/hosts, mDNS, ...): its addresses of one family. */
export type HostLookup = (name: string, family: 4 | 6) => Promise<string[]>;

export interface SystemDnsOptions {
  /** Per query, milliseconds (default 3000). */
  timeoutMs?: number;
  /** DNS servers ("192.0.2.53", "[2001:db8::53]:5353"); default: the system's. */
  servers?: string[];
  clock?: Clock;
  /** For A/AAAA names the DNS cannot answer (localhost, pbx.local); default dns.lookup. */
  lookup?: HostLookup;
  /** Whether to fall back to `lookup` at all (default true). */
  hostsFallback?: boolean;
}

export const DEFAULT_DNS_TIMEOUT_MS = 3000;

const defaultLookup: HostLookup = async (name, family) => {
  const found = await systemLookup(name, { family, all: true });
  return found.filter((a) => a.family === family).map((a) => a.address);
};

function withTimeout<T>(clock: Clock, ms: number, work: Promise<T>, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimer(ms, () => reject(onTimeout()));
    work.then(
      (value) => {
        clock.cancelTimer(timer);
        resolve(value);
      },
      (err: unknown) => {
        clock.cancelTimer(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

/** A DnsClient over node's c-ares Resolver, with a per-query timeout and an /etc/hosts / mDNS fallback for A/AAAA. */
export function systemDnsClient(options: SystemDnsOptions = {}): DnsClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DNS_TIMEOUT_MS;
  const clock = options.clock ?? new SystemClock();
  const lookup = options.lookup ?? defaultLookup;
  const hostsFallback = options.hostsFallback ?? true;
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  if (options.servers !== undefined) resolver.setServers(options.servers);

  async function query<T>(rrtype: DnsRecordType, name: string, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await withTimeout(clock, timeoutMs, run(), () => new DnsQueryError(rrtype, name, 'ETIMEOUT'));
    } catch (err) {
      if (err instanceof DnsQueryError) throw err;
      if (isNoRecordsError(err)) return [];
      throw new DnsQueryError(rrtype, name, sysCodeOf(err) ?? 'EUNKNOWN', { cause: err });
    }
  }

  async function addresses(family: 4 | 6, name: string): Promise<AddressRecord[]> {
    const rrtype = family === 4 ? 'A' : 'AAAA';
    let failure: DnsQueryError | undefined;
    let records: AddressRecord[] = [];
    try {
      records = await query(rrtype, name, () => (family === 4 ? resolver.resolve4(name, { ttl: true }) : resolver.resolve6(name, { ttl: true })));
    } catch (err) {
      if (!(err instanceof DnsQueryError)) throw err;
      failure = err;
    }
    if (records.length > 0) return records;
    if (hostsFallback) {
      // Best effort: a lookup failure leaves the DNS answer (or its failure) standing.
      const local = await withTimeout(clock, timeoutMs, lookup(name, family), () => new Error('lookup timed out')).catch((): string[] => []);
      if (local.length > 0) return local.map((address) => ({ address }));
    }
    if (failure !== undefined) throw failure;
    return [];
  }

  return {
    resolveNaptr: (name) => query('NAPTR', name, () => resolver.resolveNaptr(name)),
    resolveSrv: (name) => query('SRV', name, () => resolver.resolveSrv(name)),
    resolve4: (name) => addresses(4, name),
    resolve6: (name) => addresses(6, name),
  };
}
