/**
 * The local address the kernel would use to reach a remote host: the "sent-by" of
 * our Via (RFC 3261 §18.1.1), the Contact host and the SDP c= line. A connected UDP
 * socket picks its source address from the routing table; nothing is sent.
 */
import { createSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { ResolveError, sysCodeOf } from './errors.js';

/** The local IP address (without brackets) the kernel routes `remote` (an IP address) from. */
export function localAddressFor(remote: string, port: number): Promise<string> {
  const address = remote.startsWith('[') && remote.endsWith(']') ? remote.slice(1, -1) : remote;
  const family = isIP(address);
  if (family === 0) {
    return Promise.reject(new ResolveError('no_route', `${remote} is not an IP address`, { remote }));
  }
  return new Promise<string>((resolve, reject) => {
    const socket = createSocket(family === 6 ? 'udp6' : 'udp4');
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      socket.close();
      const code = sysCodeOf(err);
      reject(new ResolveError('no_route', `No route to ${address}${code === undefined ? '' : ` (${code})`}`, { remote: address, port, sysCode: code }, { cause: err }));
    };
    socket.once('error', fail);
    try {
      socket.connect(port, address, () => {
        let local: string;
        try {
          local = socket.address().address;
        } catch (err) {
          fail(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        if (settled) return;
        settled = true;
        socket.close();
        // A scoped IPv6 address comes back as "fe80::1%eth0"; the zone is local-only.
        resolve(local.replace(/%.*$/, ''));
      });
    } catch (err) {
      fail(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
