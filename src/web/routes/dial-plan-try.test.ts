/** POST /api/dial-plan/try (docs/api.md, "Configuration") against a real in-memory store and the router's own code. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { ConfigStore } from '../../config/store.js';
import type { ErrorBody } from '../http-error.js';
import { createWebServer } from '../server.js';
import { fakeWebDeps } from '../test-support/fake-deps.js';
import { configApiRoutes, type BoardPortInfo } from './config-api.js';
import type { DialPlanTryAnswer } from './dial-plan-try.js';

const HOST = 'dialtone.local';
const BOARD: BoardPortInfo[] = [{ port: 1, kind: 'fxs' }, { port: 2, kind: 'fxs' }, { port: 3, kind: 'fxo' }];

type Call = (method: InjectOptions['method'], url: string, payload?: unknown) => Promise<LightMyRequestResponse>;

/** A logged-in box with accounts home and office, phones 1 (ext 101, home) and 2 (ext 102), the landline on 3 (prefix 9), and one stored route. */
async function setup(): Promise<Call> {
  const deps = fakeWebDeps();
  const store = ConfigStore.openFile({ file: ':memory:', log: deps.log, clock: deps.clock });
  const app = createWebServer({
    ...deps,
    admin: store.admin,
    tokens: store.apiTokens,
    config: store,
    plugins: [configApiRoutes({ store: () => store, boardPorts: () => BOARD, sessions: deps.sessions, log: deps.log })],
  });
  const res = await app.inject({ method: 'POST', url: '/api/setup', headers: { host: HOST }, payload: { password: 'correct horse' } });
  assert.equal(res.statusCode, 201);
  const set = res.headers['set-cookie'];
  const cookie = (Array.isArray(set) ? set[0] : set)?.split(';')[0] ?? '';
  const call: Call = (method, url, payload) =>
    app.inject({ method, url, headers: { cookie, host: HOST }, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) });
  const account = (id: string) => ({ id, server: 'pbx.example.net', transport: 'udp', username: id, password: 'Sup3r-secret' });
  for (const a of [account('home'), account('office')]) assert.ok([200, 201].includes((await call('PUT', `/api/accounts/${a.id}`, a)).statusCode));
  const lines = [
    { port: 1, kind: 'fxs', account: 'home', extension: '101' },
    { port: 2, kind: 'fxs', extension: '102' },
    { port: 3, kind: 'fxo', prefix: '9' },
  ];
  for (const l of lines) {
    const put = await call('PUT', `/api/lines/${l.port}`, l);
    assert.ok([200, 201].includes(put.statusCode), put.body);
  }
  const plan = await call('PUT', '/api/dial-plan', { routes: [{ pattern: '011xx.T', route: 'account:office', strip: 3, prepend: '+' }] });
  assert.equal(plan.statusCode, 200, plan.body);
  return call;
}

async function tryNumber(call: Call, body: Record<string, unknown>): Promise<DialPlanTryAnswer> {
  const res = await call('POST', '/api/dial-plan/try', body);
  assert.equal(res.statusCode, 200, res.body);
  return res.json<DialPlanTryAnswer>();
}

test('try a number: extension, a stored route with strip and prepend, the landline prefix, the own account', async () => {
  const call = await setup();
  assert.deepEqual(await tryNumber(call, { number: '102', port: 1 }), { destination: { kind: 'line', port: 2 }, step: 'extension', problems: {} });
  const own = await tryNumber(call, { number: '101', port: 1 });
  assert.equal(own.step, 'extension');
  assert.equal(own.destination.kind, 'none');

  assert.deepEqual(await tryNumber(call, { number: '011441234567', port: 1 }), {
    destination: { kind: 'sip', account: 'office', number: '+441234567' }, step: 'route', routeIndex: 0, onTimeout: true, problems: {},
  });
  assert.deepEqual(await tryNumber(call, { number: '95551234', port: 2 }), { destination: { kind: 'fxo', port: 3, number: '5551234' }, step: 'prefix', problems: {} });
  assert.deepEqual(await tryNumber(call, { number: '2125551234', port: 1 }), { destination: { kind: 'sip', account: 'home', number: '2125551234' }, step: 'own', problems: {} });
  const none = await tryNumber(call, { number: '2125551234', port: 2 });
  assert.equal(none.step, 'none');
  assert.deepEqual(none.destination, { kind: 'none', reason: 'no route for 2125551234, and port 2 has no SIP account' });
  assert.equal((await tryNumber(call, { number: '', port: 1 })).step, 'none');
});

test('try a number: unsaved routes in the body win over the stored plan; a route that completes at once is not on the timer', async () => {
  const call = await setup();
  // 911 before the landline prefix 9, as the routes would be if saved.
  const routes = [{ pattern: '911', route: 'line:2' }, { pattern: '011xx.T', route: 'account:home', strip: 1 }];
  assert.deepEqual(await tryNumber(call, { number: '911', port: 1, routes }), {
    destination: { kind: 'line', port: 2 }, step: 'route', routeIndex: 0, onTimeout: false, problems: {},
  });
  assert.deepEqual((await tryNumber(call, { number: '0114412', port: 1, routes })).destination, { kind: 'sip', account: 'home', number: '114412' });
  // An empty list is a dial plan without routes: 011… falls through to the own account.
  assert.equal((await tryNumber(call, { number: '0114412', port: 1, routes: [] })).step, 'own');
  // The stored plan is unchanged.
  const stored = await call('GET', '/api/dial-plan');
  assert.deepEqual(stored.json(), { routes: [{ pattern: '011xx.T', route: 'account:office', strip: 3, prepend: '+' }] });
});

test('try a number: invalid routes are skipped and named in problems with the messages a save gives', async () => {
  const call = await setup();
  const routes = [
    { pattern: '9[11', route: 'line:2' },
    { pattern: '9x.T', route: 'nowhere' },
    { pattern: '9xxx', route: 'account:office', strip: 1 },
  ];
  const answer = await tryNumber(call, { number: '9111', port: 1, routes });
  assert.deepEqual(answer.destination, { kind: 'sip', account: 'office', number: '111' });
  assert.equal(answer.step, 'route');
  assert.equal(answer.routeIndex, 2, 'the index in the routes as given');
  const put = await call('PUT', '/api/dial-plan', { routes });
  assert.equal(put.statusCode, 400);
  const fields = put.json<ErrorBody>().error.fields ?? {};
  assert.deepEqual(answer.problems, { 'routes[0].pattern': fields['routes[0].pattern'], 'routes[1].route': fields['routes[1].route'] });
  assert.ok(answer.problems['routes[0].pattern'] !== undefined && answer.problems['routes[0].pattern'] !== '');

  // A pattern the save's character check lets through but the router's parser refuses.
  const backwards = await tryNumber(call, { number: '95', port: 1, routes: [{ pattern: '9[5-1]', route: 'line:2' }] });
  assert.equal(backwards.step, 'prefix');
  assert.match(backwards.problems['routes[0].pattern'] ?? '', /backwards/);
});

test('try a number: a bad body is refused with field errors', async () => {
  const call = await setup();
  const fields = async (body: unknown): Promise<Record<string, string>> => {
    const res = await call('POST', '/api/dial-plan/try', body);
    assert.equal(res.statusCode, 400, res.body);
    const error = res.json<ErrorBody>().error;
    assert.equal(error.code, 'invalid');
    return error.fields ?? {};
  };
  assert.deepEqual(Object.keys(await fields({ number: '12a', port: 1 })), ['number']);
  assert.deepEqual(Object.keys(await fields({ number: '1'.repeat(65), port: 1 })), ['number']);
  assert.deepEqual(Object.keys(await fields({ number: 12, port: 1 })), ['number']);
  assert.deepEqual(Object.keys(await fields({ number: '1', port: 3 })), ['port']);
  assert.deepEqual(Object.keys(await fields({ number: '1', port: '1' })), ['port']);
  assert.deepEqual(Object.keys(await fields({ number: '1' })), ['port']);
  assert.deepEqual(Object.keys(await fields({ number: '1', port: 1, routes: 'x' })), ['routes']);
  assert.deepEqual(Object.keys(await fields({ number: '1', port: 1, extra: true })), ['extra']);
  assert.equal((await call('POST', '/api/dial-plan/try', [])).statusCode, 400);
});
