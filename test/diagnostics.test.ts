/**
 * The diagnostics API against the running box on the simulated board: a test call
 * rings the phone with its caller ID and talks when answered; a tone reaches an
 * off-hook phone; wrong requests get field errors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBox } from './support/phones.js';

const LINES = { lines: [{ port: 1, kind: 'fxs', extension: '11' }, { port: 2, kind: 'fxs', extension: '12' }] };

test('call me: the phone rings as "Dialtone test" and hears the announcement when answered', async () => {
  const box = await startBox(LINES);
  try {
    const r = await box.api.request('POST', '/api/diag/call-me', { port: 1 });
    assert.equal(r.status, 202, r.text);
    await box.waitPhone(1, 'ringing with the test caller ID', (p) => p.ringing && p.callerId?.name === 'Dialtone test', 10_000);
    assert.equal((await box.api.request('POST', '/api/diag/ring', { port: 1 })).status, 409, 'one test at a time');
    await box.sim('fxs/1/hook', { state: 'off' });
    await box.waitPhone(1, 'hearing the announcement', (p) => p.hearing === 'voice', 5000);
    await box.sim('fxs/1/hook', { state: 'on' });
  } finally {
    await box.stop();
  }
});

test('tone: an off-hook phone hears busy; on hook is refused; bad fields are named', async () => {
  const box = await startBox(LINES);
  try {
    const onHook = await box.api.request('POST', '/api/diag/tone', { port: 2, tone: 'busy' });
    assert.equal(onHook.status, 409);
    assert.match(onHook.text, /pick up/);
    const bad = await box.api.request('POST', '/api/diag/tone', { port: 2, tone: 'jingle', seconds: 99 });
    assert.equal(bad.status, 400);
    assert.ok((bad.json as { error: { fields: Record<string, string> } }).error.fields.tone);
    await box.sim('fxs/2/hook', { state: 'off' });
    await box.waitPhone(2, 'dial tone', (p) => p.hearing === 'dial');
    assert.equal((await box.api.request('POST', '/api/diag/tone', { port: 2, tone: 'busy', seconds: 3 })).status, 202);
    await box.waitPhone(2, 'busy tone', (p) => p.hearing === 'busy', 4000);
    await box.waitPhone(2, 'dial tone again', (p) => p.hearing === 'dial', 6000);
  } finally {
    await box.stop();
  }
});
