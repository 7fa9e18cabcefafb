/**
 * The hardware boards on a machine without the hardware: the box starts, serves the
 * page and calls nothing, and each port says "hardware fault: …" until the
 * hardware is there (it keeps trying with backoff). A bad profile is refused at once.
 * The hardware can be chosen over the API (the page's Settings > Hardware): the choice
 * restarts the lines on the new profile and is kept across a restart of the process;
 * --profile on the command line wins over it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, runToExit, startAppliance } from './support/appliance-process.js';
import { waitFor } from './support/wait-for.js';

interface PortView { port: number; fault: string | null }
interface StatusView { healthy: boolean; lines: { fxs: PortView[]; fxo: PortView[] } }
interface BoardView {
  board: string;
  profile: { id: string; name: string; fromCommandLine: boolean } | null;
  profiles: { id: string; name: string; description: string }[];
  ports: { port: number; kind: string; fault: string | null }[];
}
interface ErrorView { error: { code: string; message: string; fields?: Record<string, string> } }

for (const [board, args, ports] of [
  ['gpio-slic', ['--profile', 'ag1171-cm108-cpc5622', '--gpio-root', '/nonexistent-sysfs'], [1, 2, 3]],
  ['usb-modem', ['--modem', '/dev/nonexistent-modem'], [1]],
] as const) {
  test(`--board ${board} without its hardware: the box serves, each port shows a hardware fault`, { timeout: 60_000 }, async () => {
    const app = await startAppliance({ args: ['--board', board, ...args] });
    try {
      const api = new ApiClient(app.url);
      await api.setupAndLogin();
      const status = await waitFor('every port reports its fault', async () => {
        const s = (await api.request('GET', '/api/status')).json as StatusView;
        const all = [...s.lines.fxs, ...s.lines.fxo];
        return all.length === ports.length && all.every((p) => p.fault?.startsWith('hardware fault: ') === true) ? s : undefined;
      }, 15_000, 200);
      assert.equal(status.healthy, true, 'absent hardware is not a failed service');
      assert.deepEqual([...status.lines.fxs, ...status.lines.fxo].map((p) => p.port), [...ports]);
      assert.equal((await api.request('GET', '/api/sim')).status, 404, 'no simulated board here');
    } finally {
      await app.stop();
      app.cleanup();
    }
  });
}

test('a profile of another board is refused with the board\'s own profiles listed', async () => {
  const r = await runToExit(['--board', 'usb-modem', '--profile', 'ag1171-cm108']);
  assert.notEqual(r.code, 0);
  assert.match(r.output, /usb-modem/);
});

test('gpio-slic without --profile: the default hardware; another chosen over the API is used after the restart and kept', { timeout: 120_000 }, async () => {
  const args = ['--board', 'gpio-slic', '--gpio-root', '/nonexistent-sysfs'];
  const first = await startAppliance({ args });
  const dataDir = first.dataDir;
  try {
    try {
      const api = new ApiClient(first.url);
      await api.setupAndLogin();
      const before = (await api.request('GET', '/api/board')).json as BoardView;
      assert.equal(before.board, 'gpio-slic');
      assert.deepEqual(before.profile && { id: before.profile.id, fromCommandLine: before.profile.fromCommandLine }, { id: 'ag1171-cm108', fromCommandLine: false });
      assert.deepEqual(before.ports.map((p) => [p.port, p.kind]), [[1, 'fxs'], [2, 'fxs']]);
      assert.ok(before.profiles.some((p) => p.id === 'ag1171-cm108-cpc5622'));
      assert.ok(!before.profiles.some((p) => p.id === 'usb-modem'), 'only the board\'s own profiles');

      const unknown = await api.request('PUT', '/api/board/profile', { profile: 'no-such-hardware' });
      assert.equal(unknown.status, 400);
      assert.match((unknown.json as ErrorView).error.fields?.profile ?? '', /unknown hardware .*choose one of .*ag1171-cm108-cpc5622/);

      const put = await api.request('PUT', '/api/board/profile', { profile: 'ag1171-cm108-cpc5622' });
      assert.equal(put.status, 202, put.text);
      assert.deepEqual(put.json, { profile: 'ag1171-cm108-cpc5622' });
      const status = await waitFor('the lines on the new hardware, each port with its fault', async () => {
        const s = (await api.request('GET', '/api/status')).json as StatusView;
        const all = [...s.lines.fxs, ...s.lines.fxo];
        return s.lines.fxs.length === 2 && s.lines.fxo.length === 1 && all.every((p) => p.fault?.startsWith('hardware fault: ') === true) ? s : undefined;
      }, 30_000, 250);
      assert.deepEqual([...status.lines.fxs, ...status.lines.fxo].map((p) => p.port), [1, 2, 3]);
      const after = (await api.request('GET', '/api/board')).json as BoardView;
      assert.equal(after.profile?.id, 'ag1171-cm108-cpc5622');
      assert.deepEqual(after.ports.map((p) => [p.port, p.kind]), [[1, 'fxs'], [2, 'fxs'], [3, 'fxo']]);
    } finally {
      await first.stop();
    }

    const second = await startAppliance({ args, dataDir });
    try {
      const api = new ApiClient(second.url);
      await api.setupAndLogin();
      const board = await waitFor('the kept choice in use', async () => {
        const b = (await api.request('GET', '/api/board')).json as BoardView;
        return b.ports.length === 3 ? b : undefined;
      }, 15_000, 200);
      assert.equal(board.profile?.id, 'ag1171-cm108-cpc5622', 'the choice survives a restart of the process');
    } finally {
      await second.stop();
    }

    const pinned = await startAppliance({ args: [...args, '--profile', 'ag1171-cm108'], dataDir });
    try {
      const api = new ApiClient(pinned.url);
      await api.setupAndLogin();
      const board = (await api.request('GET', '/api/board')).json as BoardView;
      assert.deepEqual(board.profile && { id: board.profile.id, fromCommandLine: board.profile.fromCommandLine }, { id: 'ag1171-cm108', fromCommandLine: true }, '--profile wins');
      const refused = await api.request('PUT', '/api/board/profile', { profile: 'ag1171-cm108-cpc5622' });
      assert.equal(refused.status, 409);
      assert.match((refused.json as ErrorView).error.message, /--profile ag1171-cm108/);
    } finally {
      await pinned.stop();
    }
  } finally {
    first.cleanup();
  }
});
