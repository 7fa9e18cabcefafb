/**
 * An in-memory DnsClient for tests of RFC 3263 §4 resolution: records by name, failures
 * by "TYPE name", and a log of the queries asked. Unknown names reject with ENOTFOUND
 * the way node:dns does.
 */
import type { AddressRecord, DnsClient, NaptrRecord, SrvRecord } from '../dns-client.js';

type Kind = 'NAPTR' | 'SRV' | 'A' | 'AAAA';

function sysError(code: string, what: string): Error {
  return Object.assign(new Error(`${what} ${code}`), { code });
}

export class FakeDns implements DnsClient {
  readonly naptr = new Map<string, NaptrRecord[]>();
  readonly srv = new Map<string, SrvRecord[]>();
  readonly a = new Map<string, AddressRecord[]>();
  readonly aaaa = new Map<string, AddressRecord[]>();
  /** "TYPE name" → system error code to reject with (ESERVFAIL, ETIMEOUT, ...). */
  readonly failures = new Map<string, string>();
  /** Every query, as "TYPE name". */
  readonly queries: string[] = [];

  addNaptr(name: string, order: number, preference: number, service: string, replacement: string, flags = 's'): this {
    this.naptr.set(name, [...(this.naptr.get(name) ?? []), { flags, service, regexp: '', replacement, order, preference }]);
    return this;
  }

  addSrv(name: string, priority: number, weight: number, port: number, target: string): this {
    this.srv.set(name, [...(this.srv.get(name) ?? []), { priority, weight, port, name: target }]);
    return this;
  }

  addA(name: string, address: string, ttl?: number): this {
    this.a.set(name, [...(this.a.get(name) ?? []), ttl === undefined ? { address } : { address, ttl }]);
    return this;
  }

  addAaaa(name: string, address: string, ttl?: number): this {
    this.aaaa.set(name, [...(this.aaaa.get(name) ?? []), ttl === undefined ? { address } : { address, ttl }]);
    return this;
  }

  fail(kind: Kind, name: string, code: string): this {
    this.failures.set(`${kind} ${name}`, code);
    return this;
  }

  private async answer<T>(kind: Kind, name: string, table: Map<string, T[]>): Promise<T[]> {
    this.queries.push(`${kind} ${name}`);
    await Promise.resolve();
    const failure = this.failures.get(`${kind} ${name}`);
    if (failure !== undefined) throw sysError(failure, `query${kind} ${name}`);
    const records = table.get(name);
    if (records === undefined) throw sysError('ENOTFOUND', `query${kind} ${name}`);
    return records.map((r) => ({ ...r }));
  }

  resolveNaptr(name: string): Promise<NaptrRecord[]> {
    return this.answer('NAPTR', name, this.naptr);
  }

  resolveSrv(name: string): Promise<SrvRecord[]> {
    return this.answer('SRV', name, this.srv);
  }

  resolve4(name: string): Promise<AddressRecord[]> {
    return this.answer('A', name, this.a);
  }

  resolve6(name: string): Promise<AddressRecord[]> {
    return this.answer('AAAA', name, this.aaaa);
  }
}

/** A deterministic random source that returns the given values in turn, then repeats the last. */
export function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] ?? 0;
}
