/**
 * Issue 6 acceptance without a SIP server: intercom between the two phones, the
 * landline ringing the phones with its caller ID, a call out on the landline by its
 * prefix, and a kill -9 in the middle of a call (the box comes back with its
 * configuration and call history whole, and gives dial tone again).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBox, noiseWav, type Box } from './support/phones.js';
import { BOARDS_UNDER_TEST } from './support/boards-under-test.js';
import { tempDataDir } from './support/appliance-process.js';
import { waitFor } from './support/wait-for.js';
import { kamailioAvailable, startKamailio } from './support/kamailio.js';

const LINES = [
  { port: 1, kind: 'fxs', extension: '101', name: 'Kitchen' },
  { port: 2, kind: 'fxs', extension: '102', name: 'Office' },
  { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [2] },
];

interface CallsBody { active: { state: string }[]; calls: { direction: string; disposition: string; from: string; to: string; port: number | null }[] }

async function calls(box: Box): Promise<CallsBody> {
  return (await box.api.request('GET', '/api/calls')).json as CallsBody;
}

for (const board of BOARDS_UNDER_TEST) {
  test(`${board.name}: intercom: port 1 dials 102, port 2 rings with port 1's caller ID, they talk, port 2 hangs up`, { skip: board.skip, timeout: 60_000 }, async (t) => {
    const box = await board.start({ region: 'US', lines: LINES });
    t.after(() => box.stop());
    await box.sim('fxs/1/hook', { state: 'off' });
    await box.waitPhone(1, 'dial tone', (p) => p.hearing === 'dial');
    await box.sim('fxs/1/dial', { digits: '102#' });
    const rung = await box.waitPhone(2, 'rings with caller ID', (p) => p.callerId?.number === '101', 10_000);
    assert.equal(rung.callerId?.name, 'Kitchen');
    await box.waitPhone(1, 'ringback', (p) => p.hearing === 'ringback');
    await box.sim('fxs/2/hook', { state: 'off' });
    await box.waitPhone(1, 'quiet once answered', (p) => p.hearing === 'silence');
    await box.sim('fxs/1/play', noiseWav(3000, 7));
    await box.waitPhone(2, 'hears port 1', (p) => p.hearing === 'voice', 5000);
    await box.waitPhone(2, 'quiet again', (p) => p.hearing === 'silence', 8000);
    await box.sim('fxs/2/play', noiseWav(3000, 9));
    await box.waitPhone(1, 'hears port 2', (p) => p.hearing === 'voice', 5000);
    await box.sim('fxs/2/hook', { state: 'on' });
    await box.waitPhone(1, 'hears reorder: the other side hung up', (p) => p.hearing === 'reorder', 8000);
    await box.sim('fxs/1/hook', { state: 'on' });
    const c = await calls(box);
    assert.deepEqual(c.calls.map((x) => [x.direction, x.disposition, x.from, x.to, x.port]), [['internal', 'answered', '101', '102', 1]]);
  });

  test(`${board.name}: the landline rings with caller ID: the chosen phone rings with it; a call out with the prefix is dialled on the landline`, { skip: board.skip, timeout: 90_000 }, async (t) => {
    const box = await board.start({ region: 'US', lines: LINES });
    t.after(() => box.stop());
    await box.sim('fxo/3/ring', { number: '5551234', name: 'ALICE' });
    const rung = await box.waitPhone(2, 'rings with the landline caller ID', (p) => p.callerId?.number === '5551234', 15_000);
    assert.equal(rung.callerId?.name, 'ALICE');
    assert.equal((await box.phone(1)).rings, 0, 'port 1 is not chosen for the landline');
    await box.sim('fxs/2/hook', { state: 'off' });
    await box.waitLandline(3, 'answered', (l) => l.offHook);
    await box.sim('fxo/3/play', noiseWav(3000, 3));
    await box.waitPhone(2, 'hears the landline caller', (p) => p.hearing === 'voice', 5000);
    await box.sim('fxo/3/hangup');
    await box.waitPhone(2, 'disconnect tone after the landline caller hung up', (p) => p.hearing === 'reorder' || p.hearing === 'busy', 10_000);
    await box.sim('fxs/2/hook', { state: 'on' });
    await box.waitLandline(3, 'released', (l) => !l.offHook);

    await box.sim('fxs/1/hook', { state: 'off' });
    await box.waitPhone(1, 'dial tone', (p) => p.hearing === 'dial');
    await box.sim('fxs/1/dial', { digits: '95551234#' });
    await box.waitLandline(3, 'the landline hears the number, without the prefix', (l) => l.offHook && l.digitsDialed === '5551234', 10_000);
    await box.sim('fxs/1/hook', { state: 'on' });
    await waitFor('the call is over', async () => ((await calls(box)).active.length === 0 ? true : undefined));
    const c = await calls(box);
    assert.deepEqual(c.calls.map((x) => [x.direction, x.from, x.to]), [['outbound', '101', '5551234'], ['inbound', '5551234', 'landline 3']]);
  });
}

async function registered(box: Box): Promise<true | undefined> {
  const s = (await box.api.request('GET', '/api/status')).json as { sip: { registrations: { id: string; state: string }[] } };
  return s.sip.registrations.some((r) => r.id === 'main' && r.state === 'registered') ? true : undefined;
}

test('kill -9 during a call: the restarted box re-registers, keeps its configuration and history, and gives dial tone again', { timeout: 90_000 }, async (t) => {
  const dataDir = tempDataDir();
  // With Kamailio (when installed) as the registrar, the restart must also register again.
  const k = kamailioAvailable() ? await startKamailio() : undefined;
  const accounts = k === undefined ? [] : [{ id: 'main', server: `127.0.0.1:${k.port}`, username: 'alice', password: 'alice-secret', registerExpires: 300 }];
  const first = await startBox({ region: 'US', accounts, lines: LINES }, { dataDir });
  let stopped = false;
  const restarted: { box?: Box } = {};
  // The box stops before Kamailio (it unregisters through it).
  t.after(async () => {
    if (!stopped) await first.stop();
    await restarted.box?.stop();
    await k?.stop();
  });
  if (k !== undefined) await waitFor('registered before the crash', () => registered(first), 15_000, 200);
  // One finished call in the history, then a call in progress.
  await first.sim('fxs/1/hook', { state: 'off' });
  await first.waitPhone(1, 'dial tone', (p) => p.hearing === 'dial');
  await first.sim('fxs/1/dial', { digits: '102#' });
  await first.waitPhone(2, 'rings', (p) => p.ringing || p.rings > 0, 10_000);
  await first.sim('fxs/2/hook', { state: 'off' });
  await waitFor('the first call is up', async () => ((await calls(first)).active[0]?.state === 'connected' ? true : undefined), 10_000);
  await first.sim('fxs/2/hook', { state: 'on' });
  await waitFor('the first call is recorded', async () => ((await calls(first)).calls.length === 1 ? true : undefined), 10_000);
  await first.sim('fxs/1/hook', { state: 'on' });
  // Back on hook for longer than a flash: the line is idle again.
  await waitFor('port 1 idle', async () => {
    const s = (await first.api.request('GET', '/api/status')).json as { lines: { fxs: { port: number; phase: string }[] } };
    return s.lines.fxs.find((l) => l.port === 1)?.phase === 'idle' ? true : undefined;
  }, 5000);
  await first.sim('fxs/1/hook', { state: 'off' });
  await first.waitPhone(1, 'dial tone', (p) => p.hearing === 'dial');
  await first.sim('fxs/1/dial', { digits: '102#' });
  await first.waitPhone(2, 'rings', (p) => p.ringing || p.rings > 0, 10_000);
  await first.sim('fxs/2/hook', { state: 'off' });
  await waitFor('the second call is up', async () => ((await calls(first)).active[0]?.state === 'connected' ? true : undefined), 10_000);

  first.app.child.kill('SIGKILL');
  await first.app.exited;
  stopped = true;

  // What systemd's Restart=always does: start it again on the same data.
  const again = await startBox({}, { dataDir });
  restarted.box = again;
  if (k !== undefined) await waitFor('registered again after the restart', () => registered(again), 15_000, 200);
  const c = await calls(again);
  assert.deepEqual(c.calls.map((x) => [x.direction, x.disposition, x.from, x.to]), [['internal', 'answered', '101', '102']], 'the history before the crash is intact');
  const doc = (await again.api.request('GET', '/api/config/export')).json as { lines?: unknown[]; region?: string };
  assert.equal(doc.region, 'US');
  assert.equal(doc.lines?.length, 3);
  await again.sim('fxs/1/hook', { state: 'off' });
  await again.waitPhone(1, 'dial tone after the restart', (p) => p.hearing === 'dial', 10_000);
});

test('a new extension applies without a restart: after the import, 202 rings port 2', { timeout: 60_000 }, async (t) => {
  const box = await startBox({ region: 'US', lines: LINES });
  t.after(() => box.stop());
  const lines = LINES.map((l) => (l.port === 2 ? { ...l, extension: '202' } : l));
  const imported = await box.api.request('POST', '/api/config/import', { version: 1, lines });
  assert.ok(imported.status >= 200 && imported.status < 300, imported.text);
  await box.sim('fxs/1/hook', { state: 'off' });
  await box.waitPhone(1, 'dial tone', (p) => p.hearing === 'dial');
  await box.sim('fxs/1/dial', { digits: '202#' });
  await box.waitPhone(2, 'rings for its new extension', (p) => p.callerId?.number === '101', 10_000);
});
