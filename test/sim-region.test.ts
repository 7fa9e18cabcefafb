/**
 * The simulated board follows the box's region (DESIGN §7: a virtual phone's
 * `hearing` is classified against the region's call-progress tones): after the
 * region changes from US to Germany, a lifted phone hears German dial tone
 * (425 Hz) as "dial" (it heard it as "voice" before). The landline's side (ring
 * cadence and frequency, caller ID) is checked in board/sim/virtual-landline.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBox } from './support/phones.js';
import { waitFor } from './support/wait-for.js';

interface Phone { hook: string; hearing: string }

test('after a region change the virtual phones hear the new region\'s dial tone as dial tone', async () => {
  const box = await startBox({ region: 'US', lines: [{ port: 1, kind: 'fxs', extension: '11' }, { port: 3, kind: 'fxo', prefix: '9' }] });
  try {
    assert.equal((await box.api.request('PUT', '/api/settings/region', { region: 'DE' })).status, 200);
    await waitFor('the lines to be rebuilt for Germany', async () => {
      const logs = (await box.api.request('GET', '/api/logs?component=lines')).json as { entries: { message: string }[] };
      return logs.entries.some((e) => e.message === 'line settings changed: rebuilding the lines') ? true : undefined;
    });
    await box.sim('fxs/1/hook', { state: 'off' });
    const heard = await waitFor('phone 1 to hear dial tone', async () => {
      const p = (await box.api.request('GET', '/api/sim/fxs/1')).json as Phone;
      return p.hearing === 'dial' ? p.hearing : undefined;
    }, 5000).catch(async () => ((await box.api.request('GET', '/api/sim/fxs/1')).json as Phone).hearing);
    assert.equal(heard, 'dial', 'German dial tone (425 Hz) is dial tone in Germany');
    await box.sim('fxs/1/hook', { state: 'on' });
  } finally {
    await box.stop();
  }
});
