/**
 * The virtual phone panel's WebSocket over a real socket: the login and the
 * Origin check refuse the handshake, the earpiece streams out as 20 ms s16le
 * frames with state messages, and the browser's audio reaches the microphone.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { tonePlan } from '../../../audio/tones/index.js';
import { capture, simSetup } from '../../../board/sim/test-support/harness.js';
import { createWebServer } from '../server.js';
import { fakeWebDeps } from '../test-support/fake-deps.js';
import { simRoutes } from './sim.js';
import { fromS16le, simAudioRoutes, toS16le } from './sim-audio.js';

/** The part of the `ws` package's client this test uses (the package ships no types). */
interface WsClient {
  readonly readyState: number;
  send(data: Buffer | string): void;
  close(): void;
  on(event: 'open' | 'close', fn: () => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(event: 'message', fn: (data: Buffer | string, isBinary?: boolean) => void): void;
  on(event: 'unexpected-response', fn: (req: { abort(): void }, res: { statusCode?: number; resume(): void }) => void): void;
}
type WsConstructor = new (url: string, opts?: { headers?: Record<string, string> }) => WsClient;
const WebSocket = createRequire(import.meta.url)('ws') as WsConstructor;

const US = tonePlan('US');

interface Setup extends ReturnType<typeof simSetup> {
  app: FastifyInstance;
  url: string;
  cookie: string;
}

async function setup(): Promise<Setup> {
  const sim = simSetup(US);
  const deps = fakeWebDeps();
  deps.plugins = [simRoutes(() => sim.board), simAudioRoutes(() => sim.board)];
  const app = createWebServer(deps);
  deps.admin.setPassword('correct horse');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const login = await app.inject({ method: 'POST', url: '/api/session', payload: { username: 'admin', password: 'correct horse' } });
  const setCookie = login.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
  assert.match(cookie, /^dialtone_session=/);
  return { ...sim, app, url: `ws://127.0.0.1:${port}`, cookie };
}

/** Connects; resolves with the socket once open, or rejects with the refused handshake's HTTP status. */
function connect(url: string, headers: Record<string, string>): Promise<{ ws: WsClient; frames: Int16Array[]; texts: Record<string, unknown>[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: Int16Array[] = [];
    const texts: Record<string, unknown>[] = [];
    ws.on('message', (data, isBinary) => {
      if (typeof data === 'string' || isBinary === false) texts.push(JSON.parse(data.toString()) as Record<string, unknown>);
      else frames.push(fromS16le(data));
    });
    ws.on('unexpected-response', (req, res) => {
      res.resume();
      req.abort();
      reject(Object.assign(new Error(`refused: ${res.statusCode}`), { status: res.statusCode }));
    });
    ws.on('error', reject);
    ws.on('open', () => resolve({ ws, frames, texts }));
  });
}

async function until(what: string, ok: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('no session, or a cross-site Origin: the handshake is refused', { timeout: 8000 }, async (t) => {
  const { app, url, cookie } = await setup();
  t.after(() => app.close());
  await assert.rejects(connect(`${url}/api/sim/fxs/1/audio`, {}), { status: 401 });
  await assert.rejects(connect(`${url}/api/sim/fxs/1/audio`, { cookie, origin: 'http://evil.example' }), { status: 403 });
  await assert.rejects(connect(`${url}/api/sim/fxs/9/audio`, { cookie }), { status: 404 });
  const same = await connect(`${url}/api/sim/fxs/1/audio`, { cookie, origin: url.replace('ws:', 'http:') });
  same.ws.close();
});

test('the earpiece streams as 160-sample frames, with a state message at once and on change', { timeout: 8000 }, async (t) => {
  const { app, url, cookie, h, board } = await setup();
  t.after(() => app.close());
  const { ws, frames, texts } = await connect(`${url}/api/sim/fxs/1/audio`, { cookie });
  await until('the first state', () => texts.length >= 1);
  assert.deepEqual(texts[0], { type: 'state', port: 1, hook: 'on', ringing: false, rings: 0, callerId: null, hearing: 'silence', digitsHeard: '' });
  board.phone(1).hook('off');
  h.playTone(board.audio(1), US.dial);
  h.run(1000);
  await until('50 frames', () => frames.length >= 50);
  assert.ok(frames.every((f) => f.length === 160), 'each frame is 20 ms');
  assert.ok(frames.some((f) => f.some((v) => Math.abs(v) > 1000)), 'the dial tone is in them');
  await until('the state after lifting', () => texts.some((m) => m.hook === 'off'));
  ws.close();
});

test('binary audio from the browser reaches the microphone; far too much is dropped', { timeout: 8000 }, async (t) => {
  const { app, url, cookie, h, board } = await setup();
  t.after(() => app.close());
  const { ws, texts } = await connect(`${url}/api/sim/fxs/1/audio`, { cookie });
  await until('the first state', () => texts.length >= 1);
  board.phone(1).hook('off');
  const box = capture(board.audio(1));
  const tone = Int16Array.from({ length: 800 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
  ws.send(toS16le(tone));
  // 2 s at once would put the microphone more than 500 ms behind: dropped.
  ws.send(toS16le(new Int16Array(16000).fill(3000)));
  ws.send(toS16le(new Int16Array(1600).fill(-3000)));
  await new Promise((r) => setTimeout(r, 200));
  h.run(3000);
  const got = box.samples();
  assert.equal(got.filter((v) => Math.abs(v) > 5000).length, 600, 'the tone was captured (6 of its 8 samples a cycle are loud)');
  assert.equal(got.filter((v) => v === 3000).length, 0, 'the 2 s message was dropped');
  assert.equal(got.filter((v) => v === -3000).length, 1600, 'the 200 ms message after it was queued');
  ws.close();
  box.stop();
});

test('s16le conversion round-trips; an odd trailing byte is ignored', () => {
  const pcm = Int16Array.from([0, 1, -1, 32767, -32768]);
  assert.deepEqual([...fromS16le(toS16le(pcm))], [...pcm]);
  assert.equal(fromS16le(Buffer.from([1, 0, 2])).length, 1);
});
