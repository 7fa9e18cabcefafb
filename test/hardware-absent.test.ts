/**
 * The hardware boards on a machine without the hardware: the box starts, serves the
 * page and calls nothing, and each port says "hardware fault: …" until the
 * hardware is there (it keeps trying with backoff). A bad profile is refused at once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, runToExit, startAppliance } from './support/appliance-process.js';
import { waitFor } from './support/wait-for.js';

interface PortView { port: number; fault: string | null }
interface StatusView { healthy: boolean; lines: { fxs: PortView[]; fxo: PortView[] } }

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
