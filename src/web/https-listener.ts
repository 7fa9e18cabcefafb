/**
 * The admin page over HTTPS (`--https-port`): a second listener in front of the
 * same Fastify app, so both ports serve one set of routes, sessions and guards.
 * Requests go through the app's own request handler (`app.routing`); WebSocket
 * upgrades are handed to the app's server, where @fastify/websocket takes them.
 * Over HTTPS `req.protocol` is "https", so the session cookie gets `Secure`.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface HttpsListener {
  /** The port bound (the one asked for, or the one picked for 0). */
  readonly port: number;
  close(): Promise<void>;
}

export interface HttpsListenOptions {
  port: number;
  host: string;
  cert: Buffer;
  key: Buffer;
  /** A server error after listening (the listener is then unusable). */
  onError?: (err: Error) => void;
}

/** Serves `app` (already listening on HTTP, or at least ready) over TLS too. */
export async function listenHttps(app: FastifyInstance, opts: HttpsListenOptions): Promise<HttpsListener> {
  await app.ready();
  const server: Server = createServer({ cert: opts.cert, key: opts.key, minVersion: 'TLSv1.2' }, (req, res) => app.routing(req, res));
  server.on('upgrade', (req, socket, head) => app.server.emit('upgrade', req, socket, head));
  // A handshake that fails (a browser refusing the self-signed certificate, a port
  // scanner) is the client's business: drop the socket, log nothing.
  server.on('tlsClientError', (_err, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: opts.port, host: opts.host, ipv6Only: false }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (opts.onError !== undefined) server.on('error', opts.onError);
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
