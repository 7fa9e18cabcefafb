/** The messages API, on the real web server (its guards) and a config store in a temp directory. */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { parseWav } from '../../../board/sim/wav.js';
import { FakeClock } from '../../clock.js';
import { ConfigStore } from '../../config/store.js';
import { tempDir } from '../../config/test-support/fixtures.js';
import { MemoryLogger } from '../../log.js';
import { createWebServer } from '../server.js';
import { fakeWebDeps } from '../test-support/fake-deps.js';
import { messagesRoutes, type MessageView } from './messages.js';

interface Rig { app: FastifyInstance; store: ConfigStore; dir: string; call(method: InjectOptions['method'], url: string, body?: unknown): Promise<LightMyRequestResponse> }

async function rig(t: TestContext, running = true): Promise<Rig> {
  const tmp = tempDir();
  const store = ConfigStore.open({ dataDir: tmp.dir, log: new MemoryLogger(), clock: new FakeClock() });
  const deps = fakeWebDeps();
  deps.plugins = [messagesRoutes({ messages: () => (running ? store.messages : undefined), log: deps.log })];
  const app = createWebServer(deps);
  await app.ready();
  t.after(async () => {
    await app.close();
    store.close();
    tmp.remove();
  });
  const { token } = deps.tokens.create('test');
  return {
    app, store, dir: join(tmp.dir, 'messages'),
    call: (method, url, body) => app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {}) }),
  };
}

function add(store: ConfigStore, n: number): number {
  const samples = Int16Array.from({ length: 8000 }, (_, i) => Math.round(2000 * Math.sin(i / 4)));
  return store.messages.add({ receivedAt: 1_700_000_000_000 + n, from: `555000${n}`, callerName: null, port: 3, samples }).id;
}

test('GET /api/messages lists newest first with the unheard count; it needs a session or token', async (t) => {
  const r = await rig(t);
  const a = add(r.store, 1);
  const b = add(r.store, 2);
  r.store.messages.setHeard(a, true);
  const res = await r.call('GET', '/api/messages');
  assert.equal(res.statusCode, 200);
  const body = res.json<{ messages: MessageView[]; unheard: number }>();
  assert.equal(body.unheard, 1);
  assert.deepEqual(body.messages[0], {
    id: b, receivedAt: 1_700_000_000_002, from: '5550002', callerName: null, port: 3, durationMs: 1000, heard: false, audioUrl: `/api/messages/${b}/audio`,
  });
  assert.deepEqual(body.messages.map((m) => m.id), [b, a]);
  assert.equal((await r.app.inject({ method: 'GET', url: '/api/messages' })).statusCode, 401);
  assert.equal((await r.app.inject({ method: 'GET', url: `/api/messages/${a}/audio` })).statusCode, 401);
});

test('GET /api/messages/:id/audio is the WAV file; an unknown id is 404, a missing or corrupt file 500 saying so', async (t) => {
  const r = await rig(t);
  const a = add(r.store, 1);
  const b = add(r.store, 2);
  const res = await r.call('GET', `/api/messages/${a}/audio`);
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'audio/wav');
  assert.equal(parseWav(res.rawPayload).length, 8000);
  for (const id of ['999', 'abc', '-1']) {
    const missing = await r.call('GET', `/api/messages/${id}/audio`);
    assert.equal(missing.statusCode, 404, id);
    assert.equal(missing.json<{ error: { code: string } }>().error.code, 'not_found');
  }
  rmSync(join(r.dir, `message-${a}.wav`));
  writeFileSync(join(r.dir, `message-${b}.wav`), 'junk');
  const gone = await r.call('GET', `/api/messages/${a}/audio`);
  assert.equal(gone.statusCode, 500);
  assert.deepEqual(gone.json(), { error: { code: 'message_audio', message: `the audio of message ${a} is missing (messages/message-${a}.wav)` } });
  assert.match((await r.call('GET', `/api/messages/${b}/audio`)).json<{ error: { message: string } }>().error.message, /is corrupt/);
  assert.equal((await r.call('GET', '/api/messages')).json<{ messages: unknown[] }>().messages.length, 2, 'the list still works');
});

test('PATCH /api/messages/:id marks it heard or unheard; a bad body is 400 naming the field; an unknown id 404', async (t) => {
  const r = await rig(t);
  const a = add(r.store, 1);
  const res = await r.call('PATCH', `/api/messages/${a}`, { heard: true });
  assert.equal(res.statusCode, 200);
  assert.equal(res.json<MessageView>().heard, true);
  assert.equal(r.store.messages.get(a).heard, true);
  assert.equal((await r.call('PATCH', `/api/messages/${a}`, { heard: false })).json<MessageView>().heard, false);
  const bad = await r.call('PATCH', `/api/messages/${a}`, { heard: 'yes' });
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(bad.json<{ error: { fields: unknown } }>().error.fields, { heard: 'must be true or false' });
  assert.equal((await r.call('PATCH', `/api/messages/${a}`, { heard: true, extra: 1 })).statusCode, 400);
  const unknown = await r.call('PATCH', '/api/messages/999', { heard: true });
  assert.equal(unknown.statusCode, 404);
  assert.deepEqual(unknown.json(), { error: { code: 'not_found', message: 'message 999 not found' } });
});

test('DELETE /api/messages/:id removes the message and its file; again is 404', async (t) => {
  const r = await rig(t);
  const a = add(r.store, 1);
  assert.equal((await r.call('DELETE', `/api/messages/${a}`)).statusCode, 204);
  assert.deepEqual(r.store.messages.list(), []);
  assert.equal((await r.call('GET', `/api/messages/${a}/audio`)).statusCode, 404);
  assert.equal((await r.call('DELETE', `/api/messages/${a}`)).statusCode, 404);
});

test('while the configuration restarts the routes answer 503', async (t) => {
  const r = await rig(t, false);
  const res = await r.call('GET', '/api/messages');
  assert.equal(res.statusCode, 503);
  assert.equal(res.json<{ error: { code: string } }>().error.code, 'unavailable');
});
