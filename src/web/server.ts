/**
 * The web server: the JSON API under /api, /metrics, and the page. Everything
 * under /api needs a session cookie or an API token unless its route is marked
 * public; state-changing browser requests from another site are refused.
 */
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Clock } from '../clock.js';
import type { Logger, LogLevel } from '../log.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import { HttpError, toErrorResponse } from './http-error.js';
import type { LoginLimiter } from './login-limiter.js';
import { crossSiteReason, isStateChanging, readBearer, readCookie, SESSION_COOKIE } from './request-guard.js';
import { SECURITY_HEADERS } from './security-headers.js';
import type { Session, SessionStore } from './sessions.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerConfigRoutes } from './routes/config.js';
import { registerPageRoutes } from './routes/page.js';
import { registerStatusRoutes } from './routes/status.js';
import { registerTokenRoutes } from './routes/tokens.js';

export interface AdminCredentials {
  isSet(): boolean;
  setPassword(password: string): void;
  verifyPassword(password: string): boolean;
}

export interface ApiTokenStore {
  create(name: string): { id: number; name: string; token: string };
  verify(token: string): { id: number; name: string } | null;
  list(): { id: number; name: string; createdAt: number; lastUsedAt: number | null }[];
  revoke(id: number): void;
}

export interface ConfigDocuments {
  exportDocument(opts: { includeSecrets: boolean }): unknown;
  importDocument(doc: unknown): void;
}

export interface LogLevelControl {
  level(): LogLevel;
  setLevel(level: LogLevel): void;
}

export interface WebDeps {
  admin: AdminCredentials;
  tokens: ApiTokenStore;
  config: ConfigDocuments;
  sessions: SessionStore;
  limiter: LoginLimiter;
  clock: Clock;
  log: Logger;
  logLevel: LogLevelControl;
  metrics: MetricsRegistry;
  /** The body of GET /api/status. */
  status(): unknown;
  /** Further API routes (e.g. the simulated board's), registered with the same guards. */
  plugins?: ((app: FastifyInstance) => void)[];
}

export type RequestAuth = { kind: 'session'; session: Session } | { kind: 'token'; tokenId: number; name: string };

declare module 'fastify' {
  interface FastifyRequest {
    auth: RequestAuth | null;
  }
  interface FastifyContextConfig {
    /** Reachable without a session or token. */
    public?: boolean;
  }
}

/** The largest WebSocket message a browser may send, bytes (1 s of 8 kHz 16-bit audio is 16 000). */
const WS_MAX_PAYLOAD = 64 * 1024;

export function createWebServer(deps: WebDeps): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024, trustProxy: false });
  const requests = deps.metrics.counter('dialtone_http_requests_total', 'HTTP requests by method, route and status');
  const started = new WeakMap<FastifyRequest, number>();

  app.decorateRequest('auth', null);

  app.addHook('onRequest', async (req) => {
    started.set(req, deps.clock.now());
    req.auth = authenticate(req, deps);
    if (isStateChanging(req.method) && req.auth?.kind !== 'token') {
      const reason = crossSiteReason(req.headers);
      if (reason !== undefined) {
        deps.log.warn('refused cross-site request', { method: req.method, url: req.url, reason });
        throw new HttpError(403, 'cross_site', `cross-site request refused (${reason})`);
      }
    }
    const isPublic = req.routeOptions.config?.public === true;
    if (!isPublic && req.url.startsWith('/api') && req.auth === null) {
      throw new HttpError(401, 'unauthorized', 'log in first (POST /api/session) or send an API token');
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) reply.header(k, v);
    if (req.url.startsWith('/api')) reply.header('Cache-Control', 'no-store');
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    deps.log.debug('http', {
      method: req.method, route, status: reply.statusCode,
      ms: Math.round((deps.clock.now() - (started.get(req) ?? deps.clock.now())) * 10) / 10,
    });
  });

  // A WebSocket handshake refused by the hooks above (401, 403…) never reaches
  // @fastify/websocket's own hooks, which end only the upgrades they saw: end its socket
  // here, or it stays open and the server cannot close.
  app.addHook('onResponse', async (req) => {
    if (req.headers.upgrade !== undefined && !req.raw.socket.destroyed) req.raw.socket.destroy();
  });

  app.setErrorHandler(async (err, req, reply) => {
    const { status, body, headers } = toErrorResponse(err);
    if (status >= 500) deps.log.error('request failed', { method: req.method, url: req.url, err: errorText(err) });
    return sendError(reply, status, body, headers);
  });

  app.setNotFoundHandler(async (req, reply) =>
    sendError(reply, 404, { error: { code: 'not_found', message: `no route for ${req.method} ${req.url.split('?')[0] ?? ''}` } }, {}),
  );

  registerAuthRoutes(app, deps);
  registerStatusRoutes(app, deps);
  registerConfigRoutes(app, deps);
  registerTokenRoutes(app, deps);
  registerPageRoutes(app);
  // WebSocket routes (the virtual phone's audio) need @fastify/websocket loaded before
  // they are added: it is an async plugin, so the further routes go in a scope after it.
  void app.register(websocket, { options: { maxPayload: WS_MAX_PAYLOAD } });
  const plugins = deps.plugins ?? [];
  void app.register(async (scope) => {
    for (const plugin of plugins) plugin(scope);
  });
  return app;
}

function authenticate(req: FastifyRequest, deps: WebDeps): RequestAuth | null {
  const bearer = readBearer(req.headers);
  if (bearer !== undefined) {
    const token = deps.tokens.verify(bearer);
    if (token === null) throw new HttpError(401, 'unauthorized', 'unknown or revoked API token');
    return { kind: 'token', tokenId: token.id, name: token.name };
  }
  const id = readCookie(req.headers, SESSION_COOKIE);
  if (id === undefined || id === '') return null;
  const session = deps.sessions.touch(id);
  return session === undefined ? null : { kind: 'session', session };
}

function sendError(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string>): FastifyReply {
  for (const [k, v] of Object.entries(headers)) reply.header(k, v);
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

function errorText(err: unknown): string {
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}
