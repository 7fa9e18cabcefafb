/** Finds the first UDP port at or above `from` that nothing is bound to. */
import { createSocket } from 'node:dgram';

export async function firstFreeUdpPort(from: number, tries = 100): Promise<number> {
  for (let port = from; port < Math.min(from + tries, 65536); port++) {
    if (await udpPortFree(port)) return port;
  }
  throw new Error(`no free UDP port in ${from}..${from + tries - 1}`);
}

function udpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket({ type: 'udp6', ipv6Only: false });
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind({ port, address: '::', exclusive: true }, () => socket.close(() => resolve(true)));
  });
}
