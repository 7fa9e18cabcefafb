/**
 * The answering machine end to end on the simulated board: call screening set to take
 * a message; an unknown landline caller rings, is answered, hears the greeting and the
 * beep, speaks, hangs up. The message is listed by GET /api/messages with the caller's
 * number, its audio is what the caller said (not silence), it can be marked heard and
 * deleted; the phones never rang and the call history says `screened`. While it is
 * unheard, the phones the landline rings show message waiting (stutter dial tone, the
 * lamp), like an answering machine's light; marked heard, it goes out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rms } from '../audio/levels.js';
import { parseWav } from '../board/sim/wav.js';
import { leaveMessage } from './support/leave-message.js';
import { startBox } from './support/phones.js';
import { waitFor } from './support/wait-for.js';

const UNKNOWN = '5559876543';

interface MessagesBody { messages: { id: number; from: string | null; callerName: string | null; port: number; durationMs: number; heard: boolean; audioUrl: string }[]; unheard: number }
interface StatusBody { lines: { fxs: { port: number; messageWaiting: boolean }[] } }
interface CallsBody { calls: { from: string; disposition: string; hangupCause: string }[] }

test('an unknown landline caller leaves a message: listed with its audio, marked heard, deleted; no phone rang', { timeout: 90_000 }, async (t) => {
  const box = await startBox({
    region: 'US',
    lines: [
      { port: 1, kind: 'fxs', extension: '101' },
      { port: 2, kind: 'fxs', extension: '102' },
      { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [2] },
    ],
    callScreening: { allowed: ['2125550000'], unknownCallers: 'message' },
  });
  t.after(() => box.stop());
  await leaveMessage(box, UNKNOWN, 'DOE JANE');

  const listed = await waitFor('the message listed', async () => {
    const body = (await box.api.request('GET', '/api/messages')).json as MessagesBody;
    return body.messages.length > 0 ? body : undefined;
  }, 5000, 200);
  assert.equal(listed.unheard, 1);
  assert.equal(listed.messages.length, 1);
  const m = listed.messages[0]!;
  assert.deepEqual({ from: m.from, callerName: m.callerName, port: m.port, heard: m.heard }, { from: UNKNOWN, callerName: 'DOE JANE', port: 3, heard: false });
  // The recording runs from the beep: a gap of 1-2 s (when the caller starts, by wall clock), the 3 s
  // spoken, 0.5 s kept after. Untrimmed, the 5 s of silence that ended it would make it 8.5 s or more.
  assert.ok(m.durationMs >= 3000 && m.durationMs <= 6500, `the 3 s the caller spoke, the gap before it and the 0.5 s tail (${m.durationMs} ms)`);

  const audio = await box.api.request('HEAD', m.audioUrl);
  assert.equal(audio.status, 200);
  assert.equal(audio.headers.get('content-type'), 'audio/wav');
  const samples = parseWav(await box.api.bytes(m.audioUrl));
  assert.ok(rms(samples) > 500, `the recording is what the caller said, not silence (RMS ${rms(samples).toFixed(0)})`);

  for (const port of [1, 2]) assert.equal((await box.phone(port)).rings, 0, `phone ${port} never rang`);
  const waiting = async (): Promise<boolean[]> =>
    ((await box.api.request('GET', '/api/status')).json as StatusBody).lines.fxs.sort((a, b) => a.port - b.port).map((p) => p.messageWaiting);
  assert.deepEqual(await waiting(), [false, true], 'message waiting on phone 2, the one the landline rings');
  const calls = (await box.api.request('GET', '/api/calls')).json as CallsBody;
  assert.deepEqual(calls.calls.map((c) => [c.from, c.disposition, c.hangupCause]), [[UNKNOWN, 'screened', 'screened: unknown caller, message recorded']]);

  assert.equal((await box.api.request('PATCH', `/api/messages/${m.id}`, { heard: true })).status, 200);
  assert.equal(((await box.api.request('GET', '/api/messages')).json as MessagesBody).unheard, 0);
  assert.deepEqual(await waiting(), [false, false], 'heard: message waiting goes out');
  assert.equal((await box.api.request('DELETE', `/api/messages/${m.id}`)).status, 204);
  assert.deepEqual(((await box.api.request('GET', '/api/messages')).json as MessagesBody).messages, []);
  assert.equal((await box.api.request('GET', `/api/messages/${m.id}/audio`)).status, 404);
});
