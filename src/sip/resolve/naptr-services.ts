/**
 * NAPTR service selection (RFC 3263 §4.1, records per RFC 3403): keep the SIP services
 * we can use — "SIP+D2U" (UDP), "SIP+D2T" (TCP), "SIPS+D2T" (TLS over TCP) — with the
 * "s" flag (the replacement names an SRV RRset), sorted by order then preference.
 * A SIPS URI may only use SIPS services.
 */
import type { TransportProtocol } from '../transport/types.js';
import type { NaptrRecord } from './dns-client.js';

export interface NaptrService {
  transport: TransportProtocol;
  /** The SRV name to query next. */
  srvName: string;
  order: number;
  preference: number;
}

const SERVICES: Record<string, TransportProtocol> = {
  'SIP+D2U': 'udp',
  'SIP+D2T': 'tcp',
  'SIPS+D2T': 'tls',
};

export function transportOfService(service: string): TransportProtocol | undefined {
  return SERVICES[service.toUpperCase()];
}

export function selectNaptrServices(
  records: readonly NaptrRecord[],
  opts: { supported: readonly TransportProtocol[]; secure: boolean },
): NaptrService[] {
  const out: NaptrService[] = [];
  for (const r of records) {
    const transport = transportOfService(r.service);
    if (transport === undefined || !opts.supported.includes(transport)) continue;
    if (opts.secure && transport !== 'tls') continue;
    if (r.flags.toLowerCase() !== 's') continue;
    const srvName = r.replacement.replace(/\.$/, '');
    if (srvName === '') continue;
    out.push({ transport, srvName, order: r.order, preference: r.preference });
  }
  return out.sort((a, b) => a.order - b.order || a.preference - b.preference);
}
