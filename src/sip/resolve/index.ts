/**
 * SIP server location (RFC 3263 §4.1 transport, §4.2 port and address, §4.3 failover)
 * and the local address used toward a server.
 */
export { systemDnsClient, DEFAULT_DNS_TIMEOUT_MS } from './dns-client.js';
export type { AddressRecord, DnsClient, HostLookup, NaptrRecord, SrvRecord, SystemDnsOptions } from './dns-client.js';
export { DnsQueryError, ResolveError, isNoRecordsError } from './errors.js';
export type { DnsRecordType, ResolveErrorCode } from './errors.js';
export { localAddressFor } from './local-address.js';
export { selectNaptrServices } from './naptr-services.js';
export type { NaptrService } from './naptr-services.js';
export { defaultPort, resolveServer, resolveServerWithTtl, srvPrefix, SIP_PORT, SIPS_PORT } from './resolver.js';
export type { Resolution, ResolveDeps, ResolveTarget } from './resolver.js';
export { orderSrv } from './srv-order.js';
export { cacheSeconds, FailoverTargets } from './target-list.js';
export type { FailoverOptions } from './target-list.js';
export { targetFromUri } from './uri-target.js';
