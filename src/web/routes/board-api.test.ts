/** The hardware API (docs/api.md, "Hardware"): GET /api/board and PUT /api/board/profile, against a real in-memory store and the real profile files. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { listProfiles } from '../../../board/profiles/profiles.js';
import type { BoardKind } from '../../cli-options.js';
import { ConfigStore } from '../../config/store.js';
import type { HardwareProfileInUse } from '../../lines-service.js';
import type { ErrorBody } from '../http-error.js';
import { createWebServer } from '../server.js';
import { fakeWebDeps } from '../test-support/fake-deps.js';
import { boardRoutes, type BoardPortView, type BoardView } from './board-api.js';

const HOST = 'dialtone.local';
const PORTS: BoardPortView[] = [
  { port: 1, kind: 'fxs', fault: 'hardware fault: cannot open the gpio-slic hardware: no such GPIO chip' },
  { port: 2, kind: 'fxs', fault: null },
];
const DEFAULT_IN_USE: HardwareProfileInUse = { id: 'ag1171-cm108', name: 'AG1171 ×2', fromCommandLine: false };

interface Harness {
  app: FastifyInstance;
  store: ConfigStore;
  /** How many restarts the routes asked for. */
  restarts(): number;
  setRunning(running: boolean): void;
  call(method: InjectOptions['method'], url: string, payload?: unknown): Promise<LightMyRequestResponse>;
}

async function setup(board: BoardKind, opts: { commandLineProfile?: string } = {}): Promise<Harness> {
  const deps = fakeWebDeps();
  const store = ConfigStore.openFile({ file: ':memory:', log: deps.log, clock: deps.clock });
  let running = true;
  let restarts = 0;
  const inUse = opts.commandLineProfile !== undefined ? { id: opts.commandLineProfile, name: 'from the command line', fromCommandLine: true } : DEFAULT_IN_USE;
  const app = createWebServer({
    ...deps,
    admin: store.admin,
    tokens: store.apiTokens,
    config: store,
    plugins: [boardRoutes({
      board,
      store: () => (running ? store : undefined),
      commandLineProfile: opts.commandLineProfile,
      profileInUse: () => (board === 'sim' ? undefined : inUse),
      ports: () => (board === 'sim' ? [{ port: 1, kind: 'fxs', fault: null }] : PORTS),
      profiles: () => listProfiles(),
      restart: async () => { restarts++; },
      log: deps.log,
    })],
  });
  const res = await app.inject({ method: 'POST', url: '/api/setup', headers: { host: HOST }, payload: { password: 'correct horse' } });
  assert.equal(res.statusCode, 201);
  const set = res.headers['set-cookie'];
  const cookie = (Array.isArray(set) ? set[0] : set)?.split(';')[0] ?? '';
  return {
    app, store,
    restarts: () => restarts,
    setRunning: (r) => { running = r; },
    call: (method, url, payload) =>
      app.inject({ method, url, headers: { cookie, host: HOST }, ...(payload === undefined ? {} : { payload: payload as InjectOptions['payload'] }) }),
  };
}

function errorOf(res: LightMyRequestResponse, status: number): ErrorBody['error'] {
  assert.equal(res.statusCode, status, res.body);
  return res.json<ErrorBody>().error;
}

/** Until the restart the route starts after its answer has run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

test('without a login the hardware API answers 401', async () => {
  const h = await setup('gpio-slic');
  assert.equal((await h.app.inject({ method: 'GET', url: '/api/board' })).statusCode, 401);
  const put = await h.app.inject({ method: 'PUT', url: '/api/board/profile', headers: { host: HOST }, payload: { profile: 'ag1171-cm108-cpc5622' } });
  assert.equal(put.statusCode, 401);
  assert.equal(h.store.settings.boardProfile(), undefined);
});

test('GET /api/board on a hardware board: the profile in use, the board\'s own profiles with their notes, the ports with their faults', async () => {
  const h = await setup('gpio-slic');
  const res = await h.call('GET', '/api/board');
  assert.equal(res.statusCode, 200);
  const view = res.json<BoardView>();
  assert.equal(view.board, 'gpio-slic');
  assert.deepEqual(view.profile, DEFAULT_IN_USE);
  assert.deepEqual(view.profiles.map((p) => p.id), ['ag1171-cm108', 'ag1171-cm108-cpc5622', 'cpc5622-usb']);
  for (const p of view.profiles) {
    assert.ok(p.name.length > 0);
    assert.match(p.description, /GPIO/);
    assert.deepEqual(Object.keys(p).sort(), ['description', 'id', 'name']);
  }
  assert.deepEqual(view.ports, PORTS);
});

test('GET /api/board on the sim board: no profile, nothing to choose', async () => {
  const h = await setup('sim');
  const view = (await h.call('GET', '/api/board')).json<BoardView>();
  assert.deepEqual(view, { board: 'sim', profile: null, profiles: [], ports: [{ port: 1, kind: 'fxs', fault: null }] });
});

test('PUT /api/board/profile stores the choice, answers 202, then restarts the board', async () => {
  const h = await setup('gpio-slic');
  const res = await h.call('PUT', '/api/board/profile', { profile: 'ag1171-cm108-cpc5622' });
  assert.equal(res.statusCode, 202, res.body);
  assert.deepEqual(res.json(), { profile: 'ag1171-cm108-cpc5622' });
  assert.equal(h.store.settings.boardProfile(), 'ag1171-cm108-cpc5622');
  await settle();
  assert.equal(h.restarts(), 1);
});

test('PUT /api/board/profile refuses unknown hardware and another board\'s, listing the board\'s profiles', async () => {
  const h = await setup('gpio-slic');
  const unknown = errorOf(await h.call('PUT', '/api/board/profile', { profile: 'no-such-board' }), 400);
  assert.equal(unknown.code, 'invalid');
  assert.match(unknown.message, /unknown hardware "no-such-board"; choose one of ag1171-cm108, ag1171-cm108-cpc5622, cpc5622-usb/);
  assert.match(unknown.fields?.profile ?? '', /unknown hardware .*choose one of ag1171-cm108, ag1171-cm108-cpc5622, cpc5622-usb/);

  const other = errorOf(await h.call('PUT', '/api/board/profile', { profile: 'usb-modem' }), 400);
  assert.match(other.fields?.profile ?? '', /hardware for the usb-modem board, not gpio-slic; choose one of ag1171-cm108/);

  assert.match(errorOf(await h.call('PUT', '/api/board/profile', {}), 400).fields?.profile ?? '', /required/);
  assert.match(errorOf(await h.call('PUT', '/api/board/profile', { profile: 7 }), 400).fields?.profile ?? '', /required/);
  assert.equal(errorOf(await h.call('PUT', '/api/board/profile', { profile: 'ag1171-cm108', board: 'x' }), 400).fields?.board, 'unknown property');
  assert.equal(errorOf(await h.call('PUT', '/api/board/profile', ['ag1171-cm108']), 400).code, 'invalid');

  await settle();
  assert.equal(h.store.settings.boardProfile(), undefined, 'nothing stored');
  assert.equal(h.restarts(), 0, 'nothing restarted');
});

test('PUT /api/board/profile is a conflict on the sim board and when --profile was given', async () => {
  const sim = await setup('sim');
  const onSim = errorOf(await sim.call('PUT', '/api/board/profile', { profile: 'ag1171-cm108' }), 409);
  assert.equal(onSim.code, 'conflict');
  assert.match(onSim.message, /simulated board has no hardware to choose/);

  const pinned = await setup('gpio-slic', { commandLineProfile: 'ag1171-cm108' });
  assert.equal((await pinned.call('GET', '/api/board')).json<BoardView>().profile?.fromCommandLine, true);
  const wins = errorOf(await pinned.call('PUT', '/api/board/profile', { profile: 'ag1171-cm108-cpc5622' }), 409);
  assert.match(wins.message, /started with --profile ag1171-cm108, which wins/);

  await settle();
  assert.equal(sim.restarts() + pinned.restarts(), 0);
  assert.equal(pinned.store.settings.boardProfile(), undefined);
});

test('PUT /api/board/profile answers 503 while the configuration restarts', async () => {
  const h = await setup('gpio-slic');
  h.setRunning(false);
  assert.equal(errorOf(await h.call('PUT', '/api/board/profile', { profile: 'ag1171-cm108-cpc5622' }), 503).code, 'unavailable');
  h.setRunning(true);
  assert.equal((await h.call('PUT', '/api/board/profile', { profile: 'ag1171-cm108-cpc5622' })).statusCode, 202);
});
