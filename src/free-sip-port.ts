/** Finds the first port at or above `from` free for SIP on both UDP and TCP. */
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

export async function firstFreeSipPort(from: number, tries = 100): Promise<number> {
  for (let port = from; port < Math.min(from + tries, 65536); port++) {
    if ((await udpPortFree(port)) && (await tcpPortFree(port))) return port;
  }
  throw new Error(`no port free for SIP (UDP and TCP) in ${from}..${from + tries - 1}`);
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

function tcpPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '::', ipv6Only: false }, () => server.close(() => resolve(true)));
  });
}
