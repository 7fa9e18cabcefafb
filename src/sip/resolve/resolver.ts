/**
 * Locating a SIP server (RFC 3263 §4): §4.1 picks the transport (URI parameter, numeric
 * address, explicit port, NAPTR, then SRV queries, then the URI's default), §4.2 picks
 * port and address (SRV per RFC 2782, else A/AAAA on the default port). The result is
 * the ordered list of endpoints to try; §4.3 failover walks it (see target-list.ts).
 */
import { isIP } from 'node:net';
import type { Endpoint, TransportProtocol } from '../transport/types.js';
import type { AddressRecord, DnsClient, NaptrRecord, SrvRecord } from './dns-client.js';
import { DnsQueryError, isNoRecordsError, ResolveError, sysCodeOf, type DnsRecordType } from './errors.js';
import { selectNaptrServices } from './naptr-services.js';
import { isServiceRefused, orderSrv } from './srv-order.js';

export interface ResolveTarget {
  /** Host name, IPv4 address, or IPv6 address with or without brackets. */
  host: string;
  port?: number;
  /** From the URI's transport parameter. */
  transport?: TransportProtocol;
  /** A SIPS URI: TLS only. */
  secure?: boolean;
}

export interface ResolveDeps {
  dns: DnsClient;
  /** Transports this user agent runs. */
  supported: readonly TransportProtocol[];
  /** Uniform in [0, 1); for SRV weights (default Math.random). */
  random?: () => number;
}

export interface Resolution {
  endpoints: Endpoint[];
  /** The smallest A/AAAA TTL seen, in seconds; undefined when none was known (numeric host, /etc/hosts). */
  ttl: number | undefined;
}

export const SIP_PORT = 5060;
export const SIPS_PORT = 5061;

export function defaultPort(transport: TransportProtocol): number {
  return transport === 'tls' ? SIPS_PORT : SIP_PORT;
}

/** RFC 3263 §4.1: the SRV service for each transport. */
export function srvPrefix(transport: TransportProtocol): string {
  return transport === 'tls' ? '_sips._tcp' : transport === 'tcp' ? '_sip._tcp' : '_sip._udp';
}

/** Client preference for SRV queries without NAPTR (RFC 3263 §4.1). */
const SRV_PREFERENCE: readonly TransportProtocol[] = ['udp', 'tcp', 'tls'];

/** One resolution's DNS work: remembers failed queries, the smallest TTL, and whether any SRV RRset existed. */
class Lookup {
  readonly failures: DnsQueryError[] = [];
  minTtl: number | undefined;
  srvSeen = false;

  constructor(private readonly deps: ResolveDeps) {}

  private async ask<T>(rrtype: DnsRecordType, name: string, run: () => Promise<T[]>): Promise<T[]> {
    try {
      return await run();
    } catch (err) {
      if (isNoRecordsError(err)) return [];
      this.failures.push(err instanceof DnsQueryError ? err : new DnsQueryError(rrtype, name, sysCodeOf(err) ?? 'EUNKNOWN', { cause: err }));
      return [];
    }
  }

  naptr(name: string): Promise<NaptrRecord[]> {
    return this.ask('NAPTR', name, () => this.deps.dns.resolveNaptr(name));
  }

  async srv(name: string): Promise<SrvRecord[]> {
    const records = await this.ask('SRV', name, () => this.deps.dns.resolveSrv(name));
    if (records.length > 0) this.srvSeen = true;
    return records;
  }

  /** A then AAAA addresses of `host`, as endpoints. */
  async addresses(host: string, port: number, protocol: TransportProtocol): Promise<Endpoint[]> {
    const [v4, v6] = await Promise.all([
      this.ask('A', host, () => this.deps.dns.resolve4(host)),
      this.ask('AAAA', host, () => this.deps.dns.resolve6(host)),
    ]);
    const all: AddressRecord[] = [...v4, ...v6];
    for (const r of all) {
      if (r.ttl !== undefined) this.minTtl = this.minTtl === undefined ? r.ttl : Math.min(this.minTtl, r.ttl);
    }
    return all.map((r) => ({ protocol, address: r.address, port }));
  }

  /** An SRV RRset's targets in RFC 2782 order, each expanded to its addresses. */
  async srvEndpoints(name: string, protocol: TransportProtocol): Promise<Endpoint[]> {
    const records = await this.srv(name);
    if (isServiceRefused(records)) return [];
    const ordered = orderSrv(records, this.deps.random ?? Math.random);
    const expanded = await Promise.all(ordered.map((r) => this.addresses(r.name.replace(/\.$/, ''), r.port, protocol)));
    return expanded.flat();
  }
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function dedupe(endpoints: Endpoint[]): Endpoint[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => {
    const key = `${e.protocol}|${e.address.toLowerCase()}|${e.port}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function unsupported(host: string, transport: TransportProtocol): ResolveError {
  return new ResolveError('unsupported_transport', `${host} needs ${transport.toUpperCase()}, which is not enabled`, { host, transport });
}

/** The transport named by the URI, checked against the scheme and what we run. */
function explicitTransport(host: string, transport: TransportProtocol, secure: boolean, supported: readonly TransportProtocol[]): TransportProtocol {
  // A SIPS URI runs over TLS: transport=tcp means TLS over TCP (RFC 3261 §26.2.2); UDP is not allowed.
  const t = secure && transport === 'tcp' ? 'tls' : transport;
  if (secure && t !== 'tls') {
    throw new ResolveError('unsupported_transport', `A sips: address cannot use ${t.toUpperCase()} (${host})`, { host, transport: t });
  }
  if (!supported.includes(t)) throw unsupported(host, t);
  return t;
}

/** RFC 3263 §4.1's default: UDP for sip (TCP when UDP is off), TLS for sips. */
function defaultTransport(host: string, secure: boolean, supported: readonly TransportProtocol[]): TransportProtocol {
  if (secure) {
    if (!supported.includes('tls')) throw unsupported(host, 'tls');
    return 'tls';
  }
  if (supported.includes('udp')) return 'udp';
  if (supported.includes('tcp')) return 'tcp';
  throw unsupported(host, 'udp');
}

async function locate(host: string, target: ResolveTarget, secure: boolean, deps: ResolveDeps, lookup: Lookup): Promise<Endpoint[]> {
  const given = target.transport === undefined ? undefined : explicitTransport(host, target.transport, secure, deps.supported);

  // §4.1/§4.2: a numeric address is used as is.
  if (isIP(host) !== 0) {
    const transport = given ?? defaultTransport(host, secure, deps.supported);
    return [{ protocol: transport, address: host, port: target.port ?? defaultPort(transport) }];
  }

  // §4.2: a name with an explicit port is looked up with A/AAAA only.
  if (target.port !== undefined) {
    const transport = given ?? defaultTransport(host, secure, deps.supported);
    return lookup.addresses(host, target.port, transport);
  }

  let found: Endpoint[] = [];
  if (given !== undefined) {
    // §4.1: the transport is known, so only its SRV is queried.
    found = await lookup.srvEndpoints(`${srvPrefix(given)}.${host}`, given);
  } else {
    // §4.1: NAPTR first, following each usable service's replacement to SRV.
    const services = selectNaptrServices(await lookup.naptr(host), { supported: deps.supported, secure });
    for (const s of services) found.push(...(await lookup.srvEndpoints(s.srvName, s.transport)));
    if (found.length === 0) {
      // No usable NAPTR: SRV for every transport we run, in our order of preference.
      const transports = SRV_PREFERENCE.filter((t) => deps.supported.includes(t) && (!secure || t === 'tls'));
      const lists = await Promise.all(transports.map((t) => lookup.srvEndpoints(`${srvPrefix(t)}.${host}`, t)));
      found = lists.flat();
    }
  }
  if (found.length > 0 || lookup.srvSeen) return found;

  // §4.2: no SRV records at all: A/AAAA of the name on the default port.
  const transport = given ?? defaultTransport(host, secure, deps.supported);
  return lookup.addresses(host, defaultPort(transport), transport);
}

/** RFC 3263 §4 with the TTL the result may be cached for. Throws ResolveError. */
export async function resolveServerWithTtl(target: ResolveTarget, deps: ResolveDeps): Promise<Resolution> {
  const host = stripBrackets(target.host.trim()).replace(/\.$/, '').toLowerCase();
  const secure = target.secure === true;
  const lookup = new Lookup(deps);
  const found = dedupe(await locate(host, target, secure, deps, lookup));
  // RFC 5922 §4: a TLS server is checked against the domain that was resolved, not the SRV target.
  const endpoints = isIP(host) === 0 ? found.map((e) => ({ ...e, serverName: host })) : found;
  if (endpoints.length > 0) return { endpoints, ttl: lookup.minTtl };

  const failure = lookup.failures[0];
  if (failure !== undefined) {
    throw new ResolveError(
      'dns_failed',
      `Could not look up ${host}: ${failure.reason}`,
      { host, queries: lookup.failures.map((f) => ({ rrtype: f.rrtype, name: f.queryName, sysCode: f.sysCode })) },
      { cause: failure },
    );
  }
  if (lookup.srvSeen) {
    throw new ResolveError('dns_not_found', `${host} does not offer SIP service over ${deps.supported.map((t) => t.toUpperCase()).join('/')} in DNS`, { host });
  }
  throw new ResolveError('dns_not_found', `${host} has no address in DNS`, { host });
}

/** RFC 3263 §4: the ordered, duplicate-free list of endpoints to try for `target`. Throws ResolveError. */
export async function resolveServer(target: ResolveTarget, deps: ResolveDeps): Promise<Endpoint[]> {
  return (await resolveServerWithTtl(target, deps)).endpoints;
}
