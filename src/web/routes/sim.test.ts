import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';
import { CallerIdReceiver } from '../../../audio/caller-id/index.js';
import { DtmfDetector, dtmfSamples } from '../../../audio/dtmf/index.js';
import { tonePlan } from '../../../audio/tones/index.js';
import type { SimBoard } from '../../../board/sim/sim-board.js';
import { capture, only, simSetup } from '../../../board/sim/test-support/harness.js';
import type { LandlineState, PhoneState } from '../../../board/sim/types.js';
import { encodeWav, parseWav } from '../../../board/sim/wav.js';
import type { ErrorBody } from '../http-error.js';
import { createWebServer } from '../server.js';
import { fakeWebDeps } from '../test-support/fake-deps.js';
import { simRoutes } from './sim.js';

const US = tonePlan('US');
const HOST = 'dialtone.local';
const FXO = 3;

type Api = (method: HTTPMethods, url: string, payload?: object | Buffer, headers?: Record<string, string>) => Promise<LightMyRequestResponse>;

/** A sim board (2 FXS, 1 FXO, US tones) behind a web server with the sim routes, and a logged-in client. */
async function setup(): Promise<ReturnType<typeof simSetup> & { app: FastifyInstance; api: Api; setBoard: (b: SimBoard | undefined) => void }> {
  const sim = simSetup(US);
  let current: SimBoard | undefined = sim.board;
  const deps = fakeWebDeps();
  deps.plugins = [simRoutes(() => current)];
  const app = createWebServer(deps);
  deps.admin.setPassword('correct horse');
  const login = await app.inject({ method: 'POST', url: '/api/session', headers: { host: HOST }, payload: { username: 'admin', password: 'correct horse' } });
  const setCookie = login.headers['set-cookie'];
  const cookie = (Array.isArray(setCookie) ? setCookie[0] : setCookie)?.split(';')[0] ?? '';
  assert.match(cookie, /^dialtone_session=/);
  const api: Api = (method, url, payload, headers = {}) => app.inject({ method, url, headers: { cookie, host: HOST, ...headers }, ...(payload === undefined ? {} : { payload }) });
  return { ...sim, app, api, setBoard: (b) => (current = b) };
}

const WAV = { 'content-type': 'audio/wav' };

function errorOf(res: LightMyRequestResponse): ErrorBody['error'] {
  return res.json<ErrorBody>().error;
}

function fieldsOf(res: LightMyRequestResponse): string[] {
  return Object.keys(errorOf(res).fields ?? {});
}

function digitsIn(samples: Int16Array): string {
  return new DtmfDetector()
    .process(samples)
    .filter((e) => e.type === 'start')
    .map((e) => e.digit)
    .join('');
}

/** A 1 kHz tone, `ms` long. */
function tone(ms: number, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: (ms * 8000) / 1000 }, (_, i) => Math.round(amplitude * Math.cos((2 * Math.PI * 1000 * i) / 8000)));
}

test('authenticated like the rest of /api; 503 while the board is restarting', async () => {
  const { app, api, setBoard } = await setup();
  assert.equal((await app.inject({ method: 'GET', url: '/api/sim' })).statusCode, 401);
  const anon = await app.inject({ method: 'POST', url: '/api/sim/fxs/1/hook', headers: { host: HOST }, payload: { state: 'off' } });
  assert.equal(anon.statusCode, 401);
  assert.equal(errorOf(anon).code, 'unauthorized');
  const evil = await api('POST', '/api/sim/fxs/1/hook', { state: 'off' }, { origin: 'http://evil.example' });
  assert.equal(evil.statusCode, 403);
  setBoard(undefined);
  const down = await api('GET', '/api/sim/fxs/1');
  assert.equal(down.statusCode, 503);
  assert.equal(errorOf(down).code, 'unavailable');
  assert.equal(down.headers['retry-after'], '1');
});

test('GET /api/sim lists every port; hook off and on show in the phone state and as board hook events', async () => {
  const { h, board, events, api } = await setup();
  const all = await api('GET', '/api/sim');
  assert.equal(all.statusCode, 200);
  assert.deepEqual(all.json(), {
    fxs: [
      { port: 1, hook: 'on', ringing: false, rings: 0, callerId: null, hearing: 'silence', digitsHeard: '' },
      { port: 2, hook: 'on', ringing: false, rings: 0, callerId: null, hearing: 'silence', digitsHeard: '' },
    ],
    fxo: [{ port: FXO, offHook: false, ringing: false, digitsDialed: '', hearing: 'silence' }],
  });
  const off = await api('POST', '/api/sim/fxs/2/hook', { state: 'off' });
  assert.equal(off.statusCode, 200);
  assert.equal(off.json<PhoneState>().hook, 'off');
  assert.equal((await api('GET', '/api/sim/fxs/2')).json<PhoneState>().hook, 'off');
  assert.equal(board.isOffHook(2), true);
  assert.equal((await api('POST', '/api/sim/fxs/2/hook', { state: 'on' })).json<PhoneState>().hook, 'on');
  assert.deepEqual(only(events, 'hook').map((e) => [e.port, e.offHook]), [[2, true], [2, false]]);
  // What the box does shows too: ring voltage on port 1.
  board.setRinging(1, true);
  h.run(100);
  const ringing = (await api('GET', '/api/sim/fxs/1')).json<PhoneState>();
  assert.deepEqual([ringing.ringing, ringing.rings], [true, 1]);
});

test('ports: unknown or of the wrong kind → 404 naming the ports there are; not a number → 400', async () => {
  const { api } = await setup();
  const none = await api('GET', '/api/sim/fxs/9');
  assert.equal(none.statusCode, 404);
  assert.equal(errorOf(none).code, 'not_found');
  assert.match(errorOf(none).message, /FXS ports: 1, 2/);
  const fxo = await api('POST', '/api/sim/fxs/3/hook', { state: 'off' });
  assert.equal(fxo.statusCode, 404);
  assert.match(errorOf(fxo).message, /port 3 is an FXO port/);
  const fxs = await api('POST', '/api/sim/fxo/1/ring');
  assert.equal(fxs.statusCode, 404);
  assert.match(errorOf(fxs).message, /FXO ports: 3/);
  assert.equal((await api('GET', '/api/sim/fxo/1/recording')).statusCode, 404);
  const nan = await api('GET', '/api/sim/fxs/one');
  assert.equal(nan.statusCode, 400);
  assert.deepEqual(fieldsOf(nan), ['port']);
  assert.equal((await api('GET', '/api/sim/fxo/-3')).statusCode, 400);
});

test('bad bodies name the field at fault', async () => {
  const { api } = await setup();
  const cases: [string, object | undefined, string][] = [
    ['/api/sim/fxs/1/hook', { state: 'up' }, 'state'],
    ['/api/sim/fxs/1/hook', { state: 'off', extra: 1 }, 'extra'],
    ['/api/sim/fxs/1/dial', { digits: '' }, 'digits'],
    ['/api/sim/fxs/1/dial', { digits: 5551234 }, 'digits'],
    ['/api/sim/fxs/1/dial', { digits: '1'.repeat(65) }, 'digits'],
    ['/api/sim/fxs/1/dial', { digits: '12x' }, 'digits'],
    ['/api/sim/fxs/1/dial', { digits: '12*', mode: 'pulse' }, 'digits'],
    ['/api/sim/fxs/1/dial', { digits: '12', mode: 'tone' }, 'mode'],
    ['/api/sim/fxo/3/ring', { number: '555-1234' }, 'number'],
    ['/api/sim/fxo/3/ring', { number: '1'.repeat(33) }, 'number'],
    ['/api/sim/fxo/3/ring', { name: 'N'.repeat(65) }, 'name'],
    ['/api/sim/fxo/3/ring', { name: 'tab\there' }, 'name'],
  ];
  for (const [url, body, field] of cases) {
    const res = await api('POST', url, body);
    assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(body)}`);
    assert.equal(errorOf(res).code, 'invalid');
    assert.deepEqual(fieldsOf(res), [field], `${url} ${JSON.stringify(body)}`);
  }
  assert.equal((await api('POST', '/api/sim/fxs/1/hook')).statusCode, 400, 'no body');
  assert.equal((await api('POST', '/api/sim/fxs/1/hook', encodeWav(tone(20)), WAV)).statusCode, 415, 'a WAV where JSON is expected');
});

test('dial: 409 on hook; DTMF tones reach the box and the answer comes when they are out; pulses are hook breaks', async () => {
  const { h, board, events, api } = await setup();
  const onHook = await api('POST', '/api/sim/fxs/1/dial', { digits: '123' });
  assert.equal(onHook.statusCode, 409);
  assert.equal(errorOf(onHook).code, 'invalid_state');
  assert.match(errorOf(onHook).message, /on hook/);

  await api('POST', '/api/sim/fxs/1/hook', { state: 'off' });
  const box = capture(board.audio(1));
  let answered = false;
  const dtmf = api('POST', '/api/sim/fxs/1/dial', { digits: '12#', mode: 'dtmf' }).then((r) => ((answered = true), r));
  await h.runAsync(200);
  assert.equal(answered, false, 'not before the digits are out');
  await h.runAsync(800);
  assert.equal((await dtmf).statusCode, 200);
  assert.equal(digitsIn(box.samples()), '12#');

  const breaks = (): number => only(events, 'hook').filter((e) => e.port === 1 && !e.offHook).length;
  const before = breaks();
  const pulse = api('POST', '/api/sim/fxs/1/dial', { digits: '21', mode: 'pulse' });
  await h.runAsync(1500);
  const res = await pulse;
  assert.equal(res.statusCode, 200);
  assert.equal(res.json<PhoneState>().hook, 'off');
  assert.equal(breaks() - before, 3);
});

test('hanging up interrupts a dial in progress: that request answers 409', async () => {
  const { h, api } = await setup();
  await api('POST', '/api/sim/fxs/2/hook', { state: 'off' });
  const dialling = api('POST', '/api/sim/fxs/2/dial', { digits: '9', mode: 'pulse' });
  await h.runAsync(200);
  assert.equal((await api('POST', '/api/sim/fxs/2/hook', { state: 'on' })).statusCode, 200);
  const res = await dialling;
  assert.equal(res.statusCode, 409);
  assert.match(errorOf(res).message, /interrupted/);
});

test('flash: 409 on hook; off hook the loop opens and closes again before the answer', async () => {
  const { h, events, api } = await setup();
  assert.equal((await api('POST', '/api/sim/fxs/1/flash')).statusCode, 409);
  await api('POST', '/api/sim/fxs/1/hook', { state: 'off' });
  const flash = api('POST', '/api/sim/fxs/1/flash');
  await h.runAsync(600);
  assert.equal((await flash).statusCode, 200);
  assert.deepEqual(only(events, 'hook').map((e) => e.offHook), [true, false, true]);
});

test('fxs play: a WAV goes into the microphone (202 at once); bad, long or missing WAVs are refused', async () => {
  const { h, board, api } = await setup();
  await api('POST', '/api/sim/fxs/1/hook', { state: 'off' });
  const box = capture(board.audio(1));
  const res = await api('POST', '/api/sim/fxs/1/play', encodeWav(dtmfSamples('47')), { 'content-type': 'audio/x-wav' });
  assert.equal(res.statusCode, 202);
  assert.deepEqual(res.json(), { ok: true, seconds: 0.4 });
  h.run(600);
  assert.equal(digitsIn(box.samples()), '47');

  const bad = await api('POST', '/api/sim/fxs/1/play', Buffer.from('not a wav file at all'), WAV);
  assert.equal(bad.statusCode, 400);
  assert.deepEqual(fieldsOf(bad), ['wav']);
  assert.match(errorOf(bad).message, /not a usable WAV file/);
  const wide = encodeWav(tone(100));
  wide.writeUInt32LE(16000, 24);
  const rate = await api('POST', '/api/sim/fxs/1/play', wide, WAV);
  assert.equal(rate.statusCode, 400);
  assert.match(errorOf(rate).message, /expected 8000 Hz, got 16000/);
  const long = await api('POST', '/api/sim/fxs/1/play', encodeWav(new Int16Array(61 * 8000)), WAV);
  assert.equal(long.statusCode, 400);
  assert.match(errorOf(long).message, /at most 60 s/);
  assert.equal((await api('POST', '/api/sim/fxs/1/play')).statusCode, 400);
  assert.equal((await api('POST', '/api/sim/fxs/1/play', { wav: 'x' })).statusCode, 415);
});

test('fxs recording: a WAV of the last N seconds the earpiece heard, hearing classified; N checked', async () => {
  const { h, board, api } = await setup();
  await api('POST', '/api/sim/fxs/1/hook', { state: 'off' });
  h.playTone(board.audio(1), US.dial);
  h.run(6000);
  assert.equal((await api('GET', '/api/sim/fxs/1')).json<PhoneState>().hearing, 'dial');
  const res = await api('GET', '/api/sim/fxs/1/recording?seconds=2.5');
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'audio/wav');
  const pcm = parseWav(res.rawPayload);
  assert.equal(pcm.length, 20000);
  assert.ok(pcm.some((v) => Math.abs(v) > 1000), 'the dial tone is in it');
  assert.equal(parseWav((await api('GET', '/api/sim/fxs/1/recording')).rawPayload).length, 5 * 8000, 'default 5 s');
  for (const q of ['0', '31', 'abc', '', '-1']) {
    const bad = await api('GET', `/api/sim/fxs/1/recording?seconds=${q}`);
    assert.equal(bad.statusCode, 400, q);
    assert.deepEqual(fieldsOf(bad), ['seconds']);
  }
});

test('fxo ring with JSON: the box gets ring-detect edges and the caller ID after the first ring; hangup stops it', async () => {
  const { h, board, events, api } = await setup();
  const box = capture(board.audio(FXO));
  const res = await api('POST', '/api/sim/fxo/3/ring', { number: '5551234', name: 'ALICE' });
  assert.equal(res.statusCode, 202);
  assert.equal(res.json<LandlineState>().ringing, true);
  h.run(5500);
  assert.ok(only(events, 'ring-detect').length > 10);
  const cid = new CallerIdReceiver({ standard: 'bell202' }).process(box.samples()).flatMap((e) => (e.type === 'message' ? [e.message.info] : []));
  assert.deepEqual(cid.map((i) => [i.number, i.name]), [['5551234', 'ALICE']]);
  const again = await api('POST', '/api/sim/fxo/3/ring', {});
  assert.equal(again.statusCode, 409);
  assert.equal(errorOf(again).code, 'invalid_state');
  const hung = await api('POST', '/api/sim/fxo/3/hangup');
  assert.equal(hung.statusCode, 200);
  assert.equal(hung.json<LandlineState>().ringing, false);
  assert.equal((await api('GET', '/api/sim/fxo/3')).json<LandlineState>().ringing, false);
  // No body at all: it rings without caller ID.
  assert.equal((await api('POST', '/api/sim/fxo/3/ring')).statusCode, 202);
});

test('fxo ring with a WAV body: rings and plays it as the caller-ID burst after the first ring', async () => {
  const { h, board, events, api } = await setup();
  const box = capture(board.audio(FXO));
  const burst = dtmfSamples('A123C');
  const res = await api('POST', '/api/sim/fxo/3/ring', encodeWav(burst), WAV);
  assert.equal(res.statusCode, 202);
  h.run(4000);
  assert.ok(only(events, 'ring-detect').some((e) => e.active));
  const heard = box.samples();
  const at = (2500 - 20) * 8; // 500 ms after the US 2 s ring; captured frame k covers [20k, 20k + 20) ms.
  assert.deepEqual(heard.subarray(at, at + burst.length), burst);
  assert.equal((await api('POST', '/api/sim/fxo/3/ring', encodeWav(burst), WAV)).statusCode, 409, 'already ringing');
});

test('fxo answered: play reaches the box, digits the box sends show in the state, recording is what the landline heard', async () => {
  const { h, board, api } = await setup();
  await api('POST', '/api/sim/fxo/3/ring');
  h.run(100);
  board.setSeized(FXO, true);
  h.run(100);
  assert.equal((await api('GET', '/api/sim/fxo/3')).json<LandlineState>().offHook, true);
  const box = capture(board.audio(FXO));
  const played = tone(300);
  assert.equal((await api('POST', '/api/sim/fxo/3/play', encodeWav(played), WAV)).statusCode, 202);
  h.run(500);
  const heard = box.samples();
  const start = heard.findIndex((v) => v !== 0);
  assert.ok(start >= 0);
  assert.deepEqual(heard.subarray(start, start + played.length), played);

  h.playSamples(board.audio(FXO), dtmfSamples('42'));
  h.run(1000);
  const state = (await api('GET', '/api/sim/fxo/3')).json<LandlineState>();
  assert.equal(state.digitsDialed, '42');
  const rec = await api('GET', '/api/sim/fxo/3/recording?seconds=1');
  assert.equal(rec.statusCode, 200);
  const pcm = parseWav(rec.rawPayload);
  assert.equal(pcm.length, 8000);
  assert.equal(digitsIn(pcm), '42');
  assert.equal((await api('GET', '/api/sim/fxo/3/recording?seconds=40')).statusCode, 400);
});
