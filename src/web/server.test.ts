import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ErrorBody } from './http-error.js';
import { createWebServer } from './server.js';
import { fakeWebDeps, type TestDeps } from './test-support/fake-deps.js';

const HOST = 'dialtone.local';

function setup(): { app: FastifyInstance; deps: TestDeps } {
  const deps = fakeWebDeps();
  return { app: createWebServer(deps), deps };
}

function cookieOf(res: LightMyRequestResponse): string {
  const set = res.headers['set-cookie'];
  const line = Array.isArray(set) ? set[0] : set;
  assert.ok(line, 'a Set-Cookie header');
  return line.split(';')[0] ?? '';
}

function errorOf(res: LightMyRequestResponse): ErrorBody['error'] {
  return res.json<ErrorBody>().error;
}

async function login(app: FastifyInstance, password = 'correct horse'): Promise<LightMyRequestResponse> {
  return app.inject({ method: 'POST', url: '/api/session', headers: { host: HOST }, payload: { username: 'admin', password } });
}

test('first start: setup sets the password once, then answers 409; login sets an HttpOnly SameSite=Strict cookie', async () => {
  const { app } = setup();
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/setup' })).json(), { required: true });
  const refused = await app.inject({ method: 'GET', url: '/api/status' });
  assert.equal(refused.statusCode, 401);
  assert.equal(errorOf(refused).code, 'unauthorized');

  const short = await app.inject({ method: 'POST', url: '/api/setup', payload: { password: 'short' } });
  assert.equal(short.statusCode, 400);
  assert.deepEqual(Object.keys(errorOf(short).fields ?? {}), ['password']);

  const ok = await app.inject({ method: 'POST', url: '/api/setup', payload: { password: 'correct horse' } });
  assert.equal(ok.statusCode, 201);
  const again = await app.inject({ method: 'POST', url: '/api/setup', payload: { password: 'another one' } });
  assert.equal(again.statusCode, 409);
  assert.deepEqual((await app.inject({ method: 'GET', url: '/api/setup' })).json(), { required: false });

  const res = await login(app);
  assert.equal(res.statusCode, 200);
  const setCookie = String(res.headers['set-cookie']);
  assert.match(setCookie, /^dialtone_session=[A-Za-z0-9_-]{43};/);
  assert.match(setCookie, /HttpOnly/);
  assert.match(setCookie, /SameSite=Strict/);
  const status = await app.inject({ method: 'GET', url: '/api/status', headers: { cookie: cookieOf(res) } });
  assert.equal(status.statusCode, 200);
  assert.deepEqual(status.json(), { healthy: true });
});

test('logout ends the session', async () => {
  const { app, deps } = setup();
  deps.admin.setPassword('correct horse');
  const cookie = cookieOf(await login(app));
  const out = await app.inject({ method: 'DELETE', url: '/api/session', headers: { cookie, host: HOST } });
  assert.equal(out.statusCode, 204);
  assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
  assert.equal((await app.inject({ method: 'GET', url: '/api/status', headers: { cookie } })).statusCode, 401);
});

test('wrong passwords lock the address out after five tries, with Retry-After, until the lockout ends', async () => {
  const { app, deps } = setup();
  deps.admin.setPassword('correct horse');
  for (let i = 0; i < 5; i++) assert.equal((await login(app, 'wrong')).statusCode, 401);
  const locked = await login(app);
  assert.equal(locked.statusCode, 429);
  assert.equal(errorOf(locked).code, 'locked_out');
  assert.equal(locked.headers['retry-after'], '60');
  deps.clock.advance(60_001);
  assert.equal((await login(app)).statusCode, 200);
  assert.match(deps.metrics.render(), /^dialtone_login_failures_total 5$/m);
});

test('a state-changing request from another site is refused even with a valid session; same-site passes', async () => {
  const { app, deps } = setup();
  deps.admin.setPassword('correct horse');
  const cookie = cookieOf(await login(app));
  const body = { version: 1, region: 'GB' };
  const evil = await app.inject({ method: 'POST', url: '/api/config/import', headers: { cookie, host: HOST, origin: 'http://evil.example' }, payload: body });
  assert.equal(evil.statusCode, 403);
  assert.equal(errorOf(evil).code, 'cross_site');
  const fetchSite = await app.inject({ method: 'POST', url: '/api/config/import', headers: { cookie, host: HOST, 'sec-fetch-site': 'cross-site' }, payload: body });
  assert.equal(fetchSite.statusCode, 403);
  assert.deepEqual(deps.config.doc, { version: 1 }, 'nothing applied');
  const same = await app.inject({ method: 'POST', url: '/api/config/import', headers: { cookie, host: HOST, origin: `http://${HOST}`, 'sec-fetch-site': 'same-origin' }, payload: body });
  assert.equal(same.statusCode, 200);
  assert.deepEqual(deps.config.doc, body);
  // A cross-site page must not be able to choose the password of a new box either.
  const { app: fresh } = setup();
  const setupEvil = await fresh.inject({ method: 'POST', url: '/api/setup', headers: { host: HOST, origin: 'http://evil.example' }, payload: { password: 'attacker pw' } });
  assert.equal(setupEvil.statusCode, 403);
});

test('API tokens authenticate scripts; a revoked or unknown token is refused', async () => {
  const { app, deps } = setup();
  deps.admin.setPassword('correct horse');
  const cookie = cookieOf(await login(app));
  const created = await app.inject({ method: 'POST', url: '/api/tokens', headers: { cookie, host: HOST }, payload: { name: 'backup script' } });
  assert.equal(created.statusCode, 201);
  const { id, token } = created.json<{ id: number; token: string }>();
  const auth = { authorization: `Bearer ${token}` };
  const exported = await app.inject({ method: 'GET', url: '/api/config/export', headers: auth });
  assert.equal(exported.statusCode, 200);
  assert.deepEqual(exported.json(), { version: 1 });
  assert.equal((await app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: { cookie, host: HOST } })).statusCode, 204);
  const revoked = await app.inject({ method: 'GET', url: '/api/status', headers: auth });
  assert.equal(revoked.statusCode, 401);
  assert.equal((await app.inject({ method: 'GET', url: '/api/status', headers: { authorization: 'Bearer nope' } })).statusCode, 401);
});

test('errors have one shape: bad JSON, unknown route, invalid import with fields', async () => {
  const { app, deps } = setup();
  deps.admin.setPassword('correct horse');
  const cookie = cookieOf(await login(app));
  const badJson = await app.inject({ method: 'POST', url: '/api/config/import', headers: { cookie, host: HOST, 'content-type': 'application/json' }, payload: '{"version":' });
  assert.equal(badJson.statusCode, 400);
  assert.equal(errorOf(badJson).code, 'bad_request');
  assert.equal(typeof errorOf(badJson).message, 'string');
  const missing = await app.inject({ method: 'GET', url: '/api/nothing-here', headers: { cookie } });
  assert.equal(missing.statusCode, 404);
  assert.equal(errorOf(missing).code, 'not_found');
  const invalid = await app.inject({ method: 'POST', url: '/api/config/import', headers: { cookie, host: HOST }, payload: { version: 2 } });
  assert.equal(invalid.statusCode, 400);
  assert.deepEqual(invalid.json(), { error: { code: 'invalid', message: 'invalid document', fields: { version: 'must be 1' } } });
});

test('security headers on every response; /metrics is public Prometheus text; the page is served', async () => {
  const { app } = setup();
  const metrics = await app.inject({ method: 'GET', url: '/metrics' });
  assert.equal(metrics.statusCode, 200);
  assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  assert.match(metrics.body, /# TYPE dialtone_http_requests_total counter/);
  assert.equal(metrics.headers['x-content-type-options'], 'nosniff');
  assert.equal(metrics.headers['x-frame-options'], 'DENY');
  assert.match(String(metrics.headers['content-security-policy']), /frame-ancestors 'none'/);
  const page = await app.inject({ method: 'GET', url: '/' });
  assert.equal(page.statusCode, 200);
  assert.match(page.body, /<title>Dialtone<\/title>/);
  assert.equal((await app.inject({ method: 'GET', url: '/static/..%2f..%2fserver.ts' })).statusCode, 404);
});

test('the log level changes at run time', async () => {
  const { app, deps } = setup();
  deps.admin.setPassword('correct horse');
  const cookie = cookieOf(await login(app));
  const res = await app.inject({ method: 'PUT', url: '/api/system/log-level', headers: { cookie, host: HOST }, payload: { level: 'warn' } });
  assert.equal(res.statusCode, 200);
  assert.equal(deps.log.level(), 'warn');
  const bad = await app.inject({ method: 'PUT', url: '/api/system/log-level', headers: { cookie, host: HOST }, payload: { level: 'loud' } });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(Object.keys(errorOf(bad).fields ?? {}), ['level']);
});
