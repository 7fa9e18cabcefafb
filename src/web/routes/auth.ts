/**
 * First-start setup and login/logout (the DESIGN §6 contract):
 * POST /api/setup {"password"} only while no password is set (then 409);
 * POST /api/session {"username":"admin","password"} sets the session cookie;
 * DELETE /api/session logs out.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ValidationError } from '../../errors.js';
import { HttpError } from '../http-error.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from '../request-guard.js';
import type { WebDeps } from '../server.js';
import { objectBody, stringField } from './body.js';

const ADMIN_USER = 'admin';

export function registerAuthRoutes(app: FastifyInstance, deps: WebDeps): void {
  const failures = deps.metrics.counter('dialtone_login_failures_total', 'Failed logins');
  const lockouts = deps.metrics.counter('dialtone_login_lockouts_total', 'Logins refused because the address is locked out');
  const maxAge = Math.floor(deps.sessions.policy.maxAgeMs / 1000);
  const secure = (req: FastifyRequest): boolean => req.protocol === 'https';

  app.get('/api/setup', { config: { public: true } }, async () => ({ required: !deps.admin.isSet() }));

  app.post('/api/setup', { config: { public: true } }, async (req, reply) => {
    if (deps.admin.isSet()) throw new HttpError(409, 'conflict', 'the admin password is already set; log in instead');
    const password = stringField(objectBody(req.body), 'password', { maxLength: 1024 });
    deps.admin.setPassword(password); // validates (length) and throws ValidationError naming "password"
    deps.log.info('admin password set at first start', { ip: req.ip });
    const session = deps.sessions.create(ADMIN_USER);
    reply.header('Set-Cookie', sessionCookie(session.id, maxAge, secure(req)));
    return reply.code(201).send({ ok: true });
  });

  app.post('/api/session', { config: { public: true } }, async (req, reply) => {
    const wait = deps.limiter.retryAfterMs(req.ip);
    if (wait > 0) {
      lockouts.inc();
      const seconds = Math.ceil(wait / 1000);
      throw new HttpError(429, 'locked_out', `too many failed logins; try again in ${seconds} s`, undefined, {
        'Retry-After': String(seconds),
      });
    }
    const body = objectBody(req.body);
    const username = stringField(body, 'username', { maxLength: 64 });
    const password = stringField(body, 'password', { maxLength: 1024 });
    if (!deps.admin.isSet()) throw new HttpError(409, 'setup_required', 'no admin password yet: POST /api/setup first');
    if (username !== ADMIN_USER || !deps.admin.verifyPassword(password)) {
      deps.limiter.recordFailure(req.ip);
      failures.inc();
      deps.log.warn('login failed', { ip: req.ip, username });
      throw new HttpError(401, 'unauthorized', 'wrong username or password');
    }
    deps.limiter.recordSuccess(req.ip);
    const session = deps.sessions.create(ADMIN_USER);
    deps.log.info('logged in', { ip: req.ip });
    reply.header('Set-Cookie', sessionCookie(session.id, maxAge, secure(req)));
    return { ok: true, user: ADMIN_USER };
  });

  app.get('/api/session', async (req) => {
    const auth = req.auth;
    return auth?.kind === 'session' ? { user: auth.session.user, kind: 'session' } : { user: auth?.name, kind: 'token' };
  });

  app.delete('/api/session', { config: { public: true } }, async (req, reply) => {
    const id = readCookie(req.headers, SESSION_COOKIE);
    if (id !== undefined) deps.sessions.delete(id);
    reply.header('Set-Cookie', clearedSessionCookie(secure(req)));
    return reply.code(204).send();
  });

  app.put('/api/admin/password', async (req) => {
    const body = objectBody(req.body);
    const current = stringField(body, 'currentPassword', { maxLength: 1024 });
    const next = stringField(body, 'password', { maxLength: 1024 });
    if (!deps.admin.verifyPassword(current)) {
      throw new ValidationError('the current password is wrong', { currentPassword: 'does not match' });
    }
    deps.admin.setPassword(next);
    // Every other session ends with the old password.
    const keep = req.auth?.kind === 'session' ? req.auth.session : undefined;
    deps.sessions.clear();
    if (keep !== undefined) deps.sessions.adopt(keep);
    deps.log.info('admin password changed', { ip: req.ip });
    return { ok: true };
  });
}
