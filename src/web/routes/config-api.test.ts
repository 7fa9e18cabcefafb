/** The configuration API (docs/api.md, "Configuration") against a real in-memory store. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { PROVISIONING_SCHEMA_ID, provisioningSchemaJson } from '../../config/provisioning-schema.js';
import { ConfigStore } from '../../config/store.js';
import type { ErrorBody } from '../http-error.js';
import { createWebServer } from '../server.js';
import { fakeWebDeps, type TestDeps } from '../test-support/fake-deps.js';
import { configApiRoutes, type BoardPortInfo } from './config-api.js';

const HOST = 'dialtone.local';
const ADMIN_PASSWORD = 'correct horse';
const BOARD: BoardPortInfo[] = [{ port: 1, kind: 'fxs' }, { port: 2, kind: 'fxs' }, { port: 3, kind: 'fxo' }];

interface Harness {
  app: FastifyInstance;
  deps: TestDeps;
  store: ConfigStore;
  /** Makes store() answer undefined (the config part restarting) or the store again. */
  setRunning(running: boolean): void;
  /** A request with the session cookie. */
  call(method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  cookie: string;
}

async function setup(): Promise<Harness> {
  const deps = fakeWebDeps();
  const store = ConfigStore.openFile({ file: ':memory:', log: deps.log, clock: deps.clock });
  let running = true;
  const app = createWebServer({
    ...deps,
    admin: store.admin,
    tokens: store.apiTokens,
    config: store,
    plugins: [configApiRoutes({ store: () => (running ? store : undefined), boardPorts: () => BOARD, sessions: deps.sessions, log: deps.log })],
  });
  const res = await app.inject({ method: 'POST', url: '/api/setup', headers: { host: HOST }, payload: { password: ADMIN_PASSWORD } });
  assert.equal(res.statusCode, 201);
  const set = res.headers['set-cookie'];
  const cookie = (Array.isArray(set) ? set[0] : set)?.split(';')[0] ?? '';
  return {
    app, deps, store, cookie,
    setRunning: (r) => { running = r; },
    call: (method, url, payload) =>
      app.inject({ method, url, headers: { cookie, host: HOST }, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) }),
  };
}

function fieldsOf(res: LightMyRequestResponse): Record<string, string> {
  assert.equal(res.statusCode, 400, res.body);
  const body = res.json<ErrorBody>();
  assert.equal(body.error.code, 'invalid');
  return body.error.fields ?? {};
}

const MAIN = { id: 'main', server: 'pbx.example.net', transport: 'udp', username: '1001', password: 'Sup3r-secret', displayName: 'Home' };

test('without a login the configuration API answers 401; while the store restarts it answers 503', async () => {
  const h = await setup();
  for (const url of ['/api/accounts', '/api/lines', '/api/dial-plan', '/api/settings', '/api/regions', '/api/presets', '/api/schema']) {
    const res = await h.app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 401, url);
    assert.equal(res.json<ErrorBody>().error.code, 'unauthorized');
  }
  const put = await h.app.inject({ method: 'PUT', url: '/api/accounts/main', headers: { host: HOST }, payload: MAIN });
  assert.equal(put.statusCode, 401);
  assert.equal(h.store.accounts.list().length, 0);

  h.setRunning(false);
  for (const url of ['/api/accounts', '/api/lines', '/api/dial-plan', '/api/settings']) {
    const res = await h.call('GET', url);
    assert.equal(res.statusCode, 503, url);
    assert.equal(res.json<ErrorBody>().error.code, 'unavailable');
    assert.equal(res.headers['retry-after'], '2');
  }
  assert.equal((await h.call('PUT', '/api/accounts/main', MAIN)).statusCode, 503);
  h.setRunning(true);
  assert.equal((await h.call('GET', '/api/accounts')).statusCode, 200);
});

test('a state-changing request from another site is refused before it reaches the store', async () => {
  const h = await setup();
  const res = await h.app.inject({
    method: 'PUT', url: '/api/accounts/main', headers: { cookie: h.cookie, host: HOST, origin: 'https://evil.example' }, payload: MAIN,
  });
  assert.equal(res.statusCode, 403);
  assert.equal(h.store.accounts.list().length, 0);
});

test('accounts: created (201) and updated (200); the password is kept when left out or empty and never returned', async () => {
  const h = await setup();
  const created = await h.call('PUT', '/api/accounts/main', MAIN);
  assert.equal(created.statusCode, 201, created.body);
  const { password: _, ...shown } = MAIN;
  assert.deepEqual(created.json(), { account: { ...shown, hasPassword: true } });
  assert.equal(h.store.accounts.get('main')?.password, MAIN.password);

  const list = await h.call('GET', '/api/accounts');
  assert.deepEqual(list.json(), { accounts: [{ ...shown, hasPassword: true }] });
  assert.ok(!list.body.includes(MAIN.password));

  // A form sends back what it was shown (hasPassword included), without the password.
  const edited = await h.call('PUT', '/api/accounts/main', { ...shown, hasPassword: true, displayName: 'Kitchen' });
  assert.equal(edited.statusCode, 200, edited.body);
  assert.equal(edited.json<{ account: { displayName: string } }>().account.displayName, 'Kitchen');
  assert.equal(h.store.accounts.get('main')?.password, MAIN.password);
  // An empty password field keeps it too; the id may be left out of the body.
  const { id: __, ...withoutId } = shown;
  assert.equal((await h.call('PUT', '/api/accounts/main', { ...withoutId, password: '' })).statusCode, 200);
  assert.equal(h.store.accounts.get('main')?.password, MAIN.password);
  // A new password replaces it.
  const changed = await h.call('PUT', '/api/accounts/main', { ...shown, password: 'n3w-secret' });
  assert.ok(!changed.body.includes('n3w-secret'));
  assert.equal(h.store.accounts.get('main')?.password, 'n3w-secret');

  // An account added without a password says so.
  const bare = await h.call('PUT', '/api/accounts/guest', { server: 'pbx.example.net', username: '1002' });
  assert.equal(bare.statusCode, 201);
  assert.equal(bare.json<{ account: { hasPassword: boolean } }>().account.hasPassword, false);
  assert.deepEqual((await h.call('GET', '/api/accounts')).json<{ accounts: { id: string }[] }>().accounts.map((a) => a.id), ['main', 'guest']);
});

test('accounts: field errors for a bad server, a body id that is not the URL id, an unknown key, a bad id', async () => {
  const h = await setup();
  const badServer = fieldsOf(await h.call('PUT', '/api/accounts/main', { ...MAIN, server: 'bad host!', transport: 'carrier-pigeon' }));
  assert.deepEqual(Object.keys(badServer).sort(), ['server', 'transport']);
  assert.match(badServer.server ?? '', /host/);
  assert.match(fieldsOf(await h.call('PUT', '/api/accounts/main', { ...MAIN, id: 'other' })).id ?? '', /'main'/);
  assert.deepEqual(fieldsOf(await h.call('PUT', '/api/accounts/main', { ...MAIN, colour: 'red' })), { colour: 'unknown property' });
  assert.ok('id' in fieldsOf(await h.call('PUT', '/api/accounts/Not%20Valid', { server: 'pbx.example.net', username: '1' })));
  assert.ok('username' in fieldsOf(await h.call('PUT', '/api/accounts/main', { server: 'pbx.example.net' })));
  const notObject = await h.call('PUT', '/api/accounts/main', [MAIN]);
  assert.equal(notObject.statusCode, 400);
  assert.equal(h.store.accounts.list().length, 0);
});

test('accounts: deleting one a line uses is refused with fields; unknown is 404; unused is 204', async () => {
  const h = await setup();
  await h.call('PUT', '/api/accounts/main', MAIN);
  assert.equal((await h.call('PUT', '/api/lines/1', { kind: 'fxs', account: 'main', extension: '11' })).statusCode, 201);
  const refused = fieldsOf(await h.call('DELETE', '/api/accounts/main'));
  assert.match(refused.id ?? '', /line 1/);
  assert.ok(h.store.accounts.get('main'));
  assert.equal((await h.call('DELETE', '/api/accounts/nobody')).statusCode, 404);
  assert.equal((await h.call('DELETE', '/api/lines/1')).statusCode, 204);
  assert.equal((await h.call('DELETE', '/api/accounts/main')).statusCode, 204);
  assert.deepEqual((await h.call('GET', '/api/accounts')).json(), { accounts: [] });
});

test('lines: the board ports and the lines; a line is checked whole, with features.x field errors', async () => {
  const h = await setup();
  await h.call('PUT', '/api/accounts/main', MAIN);
  assert.deepEqual((await h.call('GET', '/api/lines')).json(), { ports: BOARD, lines: [] });

  const badFeatures = fieldsOf(await h.call('PUT', '/api/lines/1', {
    kind: 'fxs', account: 'main', features: { forwardAll: 'not a number', noAnswerSeconds: 1, teleport: true },
  }));
  assert.deepEqual(Object.keys(badFeatures).sort(), ['features.forwardAll', 'features.noAnswerSeconds', 'features.teleport']);
  assert.deepEqual(fieldsOf(await h.call('PUT', '/api/lines/1', { kind: 'fxs', account: 'nobody' })), { account: "no account with id 'nobody'" });
  assert.ok('kind' in fieldsOf(await h.call('PUT', '/api/lines/3', { kind: 'fxs' })), 'port 3 is the FXO port');
  assert.ok('port' in fieldsOf(await h.call('PUT', '/api/lines/1', { port: 2, kind: 'fxs' })));
  assert.ok('port' in fieldsOf(await h.call('PUT', '/api/lines/9', { kind: 'fxs' })), 'not on the board');
  assert.ok('port' in fieldsOf(await h.call('PUT', '/api/lines/x', { kind: 'fxs' })));
  assert.ok('prefix' in fieldsOf(await h.call('PUT', '/api/lines/1', { kind: 'fxs', prefix: '9' })));
  assert.deepEqual(h.store.lines.list(), []);

  const line = { port: 1, kind: 'fxs', account: 'main', extension: '11', features: { callWaiting: false, forwardBusy: '5551234' } };
  const created = await h.call('PUT', '/api/lines/1', line);
  assert.equal(created.statusCode, 201, created.body);
  assert.deepEqual(created.json(), { line });
  const updated = await h.call('PUT', '/api/lines/1', { ...line, name: 'Hall' });
  assert.equal(updated.statusCode, 200);
  const fxo = await h.call('PUT', '/api/lines/3', { kind: 'fxo', prefix: '9', ringsOnFxs: [1] });
  assert.equal(fxo.statusCode, 201, fxo.body);
  assert.deepEqual((await h.call('GET', '/api/lines')).json<{ lines: unknown[] }>().lines, [{ ...line, name: 'Hall' }, { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [1] }]);
  // An extension that clashes with the landline prefix names the field.
  assert.ok('extension' in fieldsOf(await h.call('PUT', '/api/lines/2', { kind: 'fxs', extension: '91' })));
  // Line 1 is rung by the FXO line: removing it is refused with the port named.
  assert.match(fieldsOf(await h.call('DELETE', '/api/lines/1')).port ?? '', /line 3/);
  assert.equal((await h.call('DELETE', '/api/lines/3')).statusCode, 204);
  assert.equal((await h.call('DELETE', '/api/lines/3')).statusCode, 404);
});

test('dial plan: replaced whole; field errors come back as routes[i].x', async () => {
  const h = await setup();
  await h.call('PUT', '/api/accounts/main', MAIN);
  assert.deepEqual((await h.call('GET', '/api/dial-plan')).json(), { routes: [] });

  const bad = fieldsOf(await h.call('PUT', '/api/dial-plan', {
    routes: [{ pattern: '1xxxxxxxxxx', route: 'account:main' }, { pattern: 'not a pattern', route: 'account:main' }, { pattern: '9x.T', route: 'fxo', via: 'x' }],
  }));
  assert.deepEqual(Object.keys(bad).sort(), ['routes[1].pattern', 'routes[2].via']);
  const missing = fieldsOf(await h.call('PUT', '/api/dial-plan', { routes: [{ pattern: '9x.T', route: 'account:nobody' }] }));
  assert.deepEqual(Object.keys(missing), ['routes[0].route']);
  assert.deepEqual(Object.keys(fieldsOf(await h.call('PUT', '/api/dial-plan', { routes: 'all' }))), ['routes']);
  assert.deepEqual(Object.keys(fieldsOf(await h.call('PUT', '/api/dial-plan', {}))), ['routes']);
  assert.deepEqual(fieldsOf(await h.call('PUT', '/api/dial-plan', { routes: [], extra: 1 })), { extra: 'unknown property' });

  const routes = [{ pattern: '011xx.T', route: 'account:main', strip: 3, prepend: '+' }, { pattern: '1xxxxxxxxxx', route: 'account:main' }];
  const ok = await h.call('PUT', '/api/dial-plan', { routes });
  assert.equal(ok.statusCode, 200, ok.body);
  assert.deepEqual(ok.json(), { routes });
  assert.deepEqual((await h.call('GET', '/api/dial-plan')).json(), { routes });
  // The account a route uses cannot be deleted.
  assert.equal((await h.call('DELETE', '/api/accounts/main')).statusCode, 400);
});

test('settings: every section round trips; unset sections are {}; each is checked with field errors', async () => {
  const h = await setup();
  const initial = (await h.call('GET', '/api/settings')).json<Record<string, unknown>>();
  assert.deepEqual(initial, {
    region: 'US', callScreening: {}, starCodes: {}, rtp: {}, sipTls: {},
    starCodeDefaults: {
      dndOn: '*78', dndOff: '*79', forwardAllOn: '*72', forwardAllOff: '*73', forwardBusyOn: '*90', forwardBusyOff: '*91',
      forwardNoAnswerOn: '*92', forwardNoAnswerOff: '*93', redial: '*66', anonymousCall: '*67',
    },
  });

  assert.deepEqual((await h.call('PUT', '/api/settings/region', { region: 'DE' })).json(), { region: 'DE' });
  assert.ok('region' in fieldsOf(await h.call('PUT', '/api/settings/region', { region: 'XX' })));
  assert.ok('region' in fieldsOf(await h.call('PUT', '/api/settings/region', {})));
  assert.deepEqual(fieldsOf(await h.call('PUT', '/api/settings/region', { region: 'FR', tz: 'CET' })), { tz: 'unknown property' });

  const screening = { blocked: ['+1900*'], allowed: ['5551234'], rejectAnonymous: true, unknownCallers: 'announce' };
  assert.deepEqual((await h.call('PUT', '/api/settings/call-screening', screening)).json(), screening);
  assert.ok('unknownCallers' in fieldsOf(await h.call('PUT', '/api/settings/call-screening', { unknownCallers: 'reject' })));
  assert.ok('unknownCallers' in fieldsOf(await h.call('PUT', '/api/settings/call-screening', { unknownCallers: 'message' })), 'message needs allowed numbers too');
  const messages = { allowed: ['5551234'], unknownCallers: 'message' };
  assert.deepEqual((await h.call('PUT', '/api/settings/call-screening', messages)).json(), messages);
  await h.call('PUT', '/api/settings/call-screening', screening);
  assert.ok('blocked[0]' in fieldsOf(await h.call('PUT', '/api/settings/call-screening', { blocked: ['abc'] })));

  const starCodes = { dndOn: '*10', dndOff: '*11' };
  assert.deepEqual((await h.call('PUT', '/api/settings/star-codes', starCodes)).json(), starCodes);
  assert.ok('dndOff' in fieldsOf(await h.call('PUT', '/api/settings/star-codes', { dndOff: '*78' })));
  assert.deepEqual(fieldsOf(await h.call('PUT', '/api/settings/star-codes', { dndOn: '*10', hold: '*12' })), { hold: 'unknown property' });

  const rtp = { portMin: 16384, portMax: 16482, jitterMinMs: 60 };
  assert.deepEqual((await h.call('PUT', '/api/settings/rtp', rtp)).json(), rtp);
  assert.ok('portMin' in fieldsOf(await h.call('PUT', '/api/settings/rtp', { portMin: 16385 })));
  assert.ok('portMax' in fieldsOf(await h.call('PUT', '/api/settings/rtp', { portMax: 'lots' })));
  assert.equal((await h.call('PUT', '/api/settings/rtp', [16384])).statusCode, 400);

  const after = (await h.call('GET', '/api/settings')).json<Record<string, unknown>>();
  assert.deepEqual({ ...after, starCodeDefaults: undefined }, { region: 'DE', callScreening: screening, starCodes, rtp, sipTls: {}, starCodeDefaults: undefined });
  assert.deepEqual(h.store.settings.rtp(), { portMin: 16384, portMax: 16482, jitterMinMs: 60, jitterMaxMs: 300 });
});

test('regions, presets and the provisioning schema for the forms', async () => {
  const h = await setup();
  const { regions } = (await h.call('GET', '/api/regions')).json<{ regions: { code: string; name: string; ringFrequencyHz: number; callerIdStandard: string; digitMap: string }[] }>();
  assert.ok(regions.length >= 20);
  const us = regions.find((r) => r.code === 'US');
  assert.equal(us?.name, 'United States');
  assert.equal(us?.ringFrequencyHz, 20);
  assert.equal(us?.callerIdStandard, 'bell202');
  assert.match(us?.digitMap ?? '', /911/);
  for (const r of regions) assert.deepEqual(Object.keys(r), ['code', 'name', 'ringFrequencyHz', 'callerIdStandard', 'digitMap']);

  const { presets } = (await h.call('GET', '/api/presets')).json<{ presets: { id: string; name: string; server: string; transport: string; help: string; fields: string[] }[] }>();
  const ids = presets.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique');
  assert.ok(ids.includes('generic') && ids.includes('asterisk') && ids.includes('freeswitch'));
  assert.deepEqual(presets.find((p) => p.id === 'linphone'), presets.find((p) => p.server === 'sip.linphone.org' && p.transport === 'tls'));
  for (const p of presets) {
    assert.ok(p.help.length > 20 && p.name.length > 0, p.id);
    assert.ok(p.fields.includes('username') && p.fields.includes('password'), p.id);
    assert.equal(p.server === '', p.fields.includes('server'), `${p.id}: a blank server is a field to fill`);
    assert.ok(['udp', 'tcp', 'tls'].includes(p.transport));
  }

  const schema = await h.call('GET', '/api/schema');
  assert.equal(schema.statusCode, 200);
  assert.match(String(schema.headers['content-type']), /^application\/schema\+json/);
  assert.equal(schema.body, provisioningSchemaJson());
  assert.equal(schema.json<{ $id: string }>().$id, PROVISIONING_SCHEMA_ID);
});

test('factory reset: refused without the confirmation; then everything is erased, sessions end, setup is required again', async () => {
  const h = await setup();
  await h.call('PUT', '/api/accounts/main', MAIN);
  await h.call('PUT', '/api/lines/1', { kind: 'fxs', account: 'main', extension: '11' });
  await h.call('PUT', '/api/settings/region', { region: 'GB' });
  const token = h.store.apiTokens.create('script');
  const other = h.deps.sessions.create('admin');

  assert.ok('confirm' in fieldsOf(await h.call('POST', '/api/system/factory-reset', {})));
  assert.ok('confirm' in fieldsOf(await h.call('POST', '/api/system/factory-reset', { confirm: 'yes' })));
  assert.ok('confirm' in fieldsOf(await h.call('POST', '/api/system/factory-reset', { confirm: 'FACTORY RESET' })));
  assert.equal(h.store.accounts.list().length, 1, 'nothing erased yet');

  const reset = await h.call('POST', '/api/system/factory-reset', { confirm: 'factory reset' });
  assert.equal(reset.statusCode, 200, reset.body);
  assert.deepEqual(reset.json(), { ok: true });
  assert.match(String(reset.headers['set-cookie']), /Max-Age=0/);
  assert.deepEqual(h.store.exportDocument({ includeSecrets: true }), { version: 1, accounts: [], lines: [] });
  assert.equal(h.store.admin.isSet(), false);
  assert.equal(h.store.apiTokens.verify(token.token), null);
  assert.equal(h.deps.sessions.size, 0);
  assert.equal(h.deps.sessions.touch(other.id), undefined);

  assert.equal((await h.call('GET', '/api/accounts')).statusCode, 401, 'the session ended');
  assert.deepEqual((await h.app.inject({ method: 'GET', url: '/api/setup' })).json(), { required: true });
  const again = await h.app.inject({ method: 'POST', url: '/api/setup', headers: { host: HOST }, payload: { password: 'a brand new one' } });
  assert.equal(again.statusCode, 201);
});
