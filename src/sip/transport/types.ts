/**
 * The transport boundary of the SIP stack (RFC 3261 §18): bytes in and out,
 * with a destination on every send (UDP needs one) and a `reliable` flag the
 * transaction layer reads to decide whether it retransmits.
 */

export type TransportProtocol = 'udp' | 'tcp' | 'tls';

export interface Endpoint {
  protocol: TransportProtocol;
  address: string;
  port: number;
  /**
   * The SIP domain this address was resolved from (RFC 3263), when it was a name: TLS
   * sends it as SNI and checks the server's certificate against it (RFC 5922 §4:
   * the domain of the URI, not the SRV target).
   */
  serverName?: string;
}

export interface SipTransport {
  readonly protocol: TransportProtocol;
  readonly reliable: boolean;
  /** Where this transport listens (the address it was bound to and the actual port). */
  readonly local: Endpoint;
  send(bytes: Buffer, dest: Endpoint): Promise<void>;
  /** Every datagram (UDP) or framed message (streams) received, with where it came from. */
  onMessage(listener: (bytes: Buffer, remote: Endpoint) => void): () => void;
  close(): Promise<void>;
}

/** RFC 3261 §18.1.1: a request within 200 bytes of the path MTU (taken as 1500) goes over a congestion-controlled transport. */
export const UDP_SWITCH_THRESHOLD = 1300;
/** The largest UDP payload that can be sent at all (IPv4). */
export const UDP_MAX_DATAGRAM = 65507;

export function formatEndpoint(e: Endpoint): string {
  const host = e.address.includes(':') ? `[${e.address}]` : e.address;
  return `${e.protocol}:${host}:${e.port}`;
}

/** A host as it goes into a URI or a Via sent-by: an IPv6 address in brackets (RFC 3261 §25.1). */
export function uriHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Strips the IPv4-mapped IPv6 prefix a dual-stack socket reports (::ffff:192.0.2.1 → 192.0.2.1). */
export function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
