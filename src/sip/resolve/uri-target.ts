/**
 * The resolution target of a SIP or SIPS URI (RFC 3263 §4): the maddr parameter if
 * present, else the host; the port; the transport parameter; SIPS means TLS.
 */
import type { SipUriParts } from '../message/uri.js';
import type { TransportProtocol } from '../transport/types.js';
import { ResolveError } from './errors.js';
import type { ResolveTarget } from './resolver.js';

function param(uri: SipUriParts, name: string): string | null | undefined {
  return uri.params.find((p) => p.name.toLowerCase() === name)?.value;
}

export function targetFromUri(uri: SipUriParts): ResolveTarget {
  const maddr = param(uri, 'maddr');
  const host = typeof maddr === 'string' && maddr !== '' ? maddr : uri.host;
  const target: ResolveTarget = { host, secure: uri.scheme === 'sips' };
  if (uri.port !== undefined) target.port = uri.port;
  const transport = param(uri, 'transport');
  if (typeof transport === 'string') {
    const t = transport.toLowerCase();
    if (t !== 'udp' && t !== 'tcp' && t !== 'tls') {
      throw new ResolveError('unsupported_transport', `${uri.host} asks for transport ${transport}, which is not supported`, { host: uri.host, transport });
    }
    target.transport = t satisfies TransportProtocol;
  }
  return target;
}
