import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { LogRing, type LogView } from '../../log-ring.js';
import type { ErrorBody } from '../http-error.js';
import { createWebServer } from '../server.js';
import { fakeWebDeps } from '../test-support/fake-deps.js';
import { logsRoutes } from './logs.js';

function server(ring: LogRing | undefined): { app: FastifyInstance; get: (url: string) => Promise<LightMyRequestResponse> } {
  const deps = fakeWebDeps();
  deps.plugins = [logsRoutes(() => ring)];
  const app = createWebServer(deps);
  const { token } = deps.tokens.create('test');
  return { app, get: (url) => app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } }) };
}

function filled(): LogRing {
  const ring = new LogRing();
  const push = (level: number, msg: string, path?: string): void =>
    ring.push(JSON.stringify({ level, time: 1_700_000_000_000, msg, ...(path === undefined ? {} : { path }), n: msg.length }));
  push(20, 'debug sip', 'dialtone/sip');
  push(30, 'info sip', 'dialtone/sip/registration:main');
  push(40, 'warn web', 'dialtone/web');
  push(50, 'error root');
  for (let i = 0; i < 300; i++) push(30, `filler ${i}`, 'dialtone/lines');
  return ring;
}

test('GET /api/logs: info and above by default, newest first, 200 at most', async () => {
  const { app, get } = server(filled());
  const res = await get('/api/logs');
  assert.equal(res.statusCode, 200);
  const { entries } = res.json<{ entries: LogView[] }>();
  assert.equal(entries.length, 200);
  assert.equal(entries[0]?.message, 'filler 299');
  assert.deepEqual(Object.keys(entries[0] ?? {}).sort(), ['at', 'component', 'fields', 'level', 'message']);
  await app.close();
});

test('GET /api/logs filters by level, component and limit', async () => {
  const { app, get } = server(filled());
  const messages = async (url: string): Promise<string[]> => (await get(url)).json<{ entries: LogView[] }>().entries.map((e) => e.message);
  assert.deepEqual(await messages('/api/logs?level=warn'), ['error root', 'warn web']);
  assert.deepEqual(await messages('/api/logs?component=sip&level=debug'), ['info sip', 'debug sip']);
  assert.deepEqual(await messages('/api/logs?component=dialtone%2Fsip'), ['info sip']);
  assert.deepEqual(await messages('/api/logs?level=trace&limit=2&component=dialtone/lines'), ['filler 299', 'filler 298']);
  const all = await messages('/api/logs?level=debug&limit=2000');
  assert.equal(all.length, 304);
  await app.close();
});

test('GET /api/logs refuses bad values, naming each field', async () => {
  const { app, get } = server(filled());
  const res = await get('/api/logs?level=loud&limit=0&component=' + 'x'.repeat(300));
  assert.equal(res.statusCode, 400);
  const { error } = res.json<ErrorBody>();
  assert.equal(error.code, 'invalid');
  assert.deepEqual(Object.keys(error.fields ?? {}).sort(), ['component', 'level', 'limit']);
  for (const bad of ['limit=2001', 'limit=abc', 'limit=1.5', 'level=silent', 'level=info&level=warn']) {
    assert.equal((await get(`/api/logs?${bad}`)).statusCode, 400, bad);
  }
  await app.close();
});

test('GET /api/logs without a ring is an empty list; it needs a login', async () => {
  const { app, get } = server(undefined);
  assert.deepEqual((await get('/api/logs?level=warn')).json(), { entries: [] });
  assert.equal((await app.inject({ method: 'GET', url: '/api/logs' })).statusCode, 401);
  await app.close();
});
