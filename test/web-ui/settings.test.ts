/**
 * Settings and landline pages in Chromium against the real box, each change seen in
 * what the box then does: a landline set to ring only phone 2; a blocked caller that
 * no longer rings; a star code moved; the admin password changed (the old one stops
 * working); and a factory reset that brings back the first-start screen.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { ApiClient } from '../support/appliance-process.js';
import { browserSkip, launchBrowser, loginInBrowser, type RunningBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, startBox, type Box } from '../support/phones.js';
import { waitFor } from '../support/wait-for.js';

const skip = browserSkip();
let browser: RunningBrowser;
let box: Box;
let page: Page;

before(async () => {
  if (skip !== false) return;
  browser = await launchBrowser();
  box = await startBox({
    lines: [
      { port: 1, kind: 'fxs', extension: '11' },
      { port: 2, kind: 'fxs', extension: '12' },
      { port: 3, kind: 'fxo', prefix: '9' },
    ],
  });
  page = (await browser.open(box.app.url)).page;
  await loginInBrowser(page, ADMIN_PASSWORD);
});
after(async () => {
  await box?.stop();
  await browser?.close();
});

async function go(hash: string, heading: string): Promise<void> {
  await page.goto(`${box.app.url}/${hash}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

test('landline page: ring only phone 2; the next landline call rings phone 2 and not phone 1', { skip, timeout: 60_000 }, async () => {
  await go('#/landline', 'Landline');
  await page.getByLabel('Phone port 1').uncheck();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await page.getByText(/saved/i).first().waitFor();
  await box.sim('fxo/3/ring', { number: '5557654321', name: 'Landline caller' });
  await box.waitPhone(2, 'ringing for the landline', (p) => p.ringing, 15_000);
  assert.equal((await box.phone(1)).rings, 0, 'phone 1 does not ring');
  await box.sim('fxo/3/hangup');
  await waitForNoCalls();
});

/** Until the box has no call in progress (a landline caller who hangs up is noticed when the rings stop). */
async function waitForNoCalls(): Promise<void> {
  for (let i = 0; i < 60; i++) {
    const calls = (await box.api.request('GET', '/api/calls')).json as { active: unknown[] };
    if (calls.active.length === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail('a call is still in progress');
}

test('call screening: a number blocked on the settings page no longer rings the phones', { skip, timeout: 60_000 }, async () => {
  await go('#/settings', 'Settings');
  await page.getByLabel('Blocked numbers (one per line)').fill('5550001111');
  await page.getByRole('button', { name: 'Save call screening' }).click();
  await page.getByText('Saved. New calls are screened with these lists.').waitFor();
  await box.sim('fxo/3/ring', { number: '5550001111', name: 'Blocked' });
  // Caller ID after the first ring, then the second ring would ring the phones: watch them for 9 s.
  for (let i = 0; i < 45; i++) {
    const [p1, p2] = await Promise.all([box.phone(1), box.phone(2)]);
    assert.ok(!p1.ringing && !p2.ringing, 'the blocked caller rings no phone');
    await new Promise((r) => setTimeout(r, 200));
  }
  await box.sim('fxo/3/hangup');
  // Written when the landline caller has gone (the rings stop).
  await waitFor('the history says screened', async () => {
    const calls = (await box.api.request('GET', '/api/calls?disposition=screened')).json as { calls: { from: string }[] };
    return calls.calls.some((c) => c.from === '5550001111') ? true : undefined;
  }, 20_000, 500);
});

test('star codes: DND moved to *11 on the settings page works from a phone; a clash is refused beside its field', { skip, timeout: 60_000 }, async () => {
  await go('#/settings', 'Settings');
  await page.getByLabel('Do not disturb on').fill('*79'); // the default DND-off code: a clash
  await page.getByRole('button', { name: 'Save star codes' }).click();
  await page.locator('[data-field="dndOn"][aria-invalid="true"]').waitFor();
  await page.getByLabel('Do not disturb on').fill('*11');
  await page.getByRole('button', { name: 'Save star codes' }).click();
  await page.locator('[data-field="dndOn"]:not([aria-invalid])').waitFor();
  await box.sim('fxs/1/hook', { state: 'off' });
  await box.waitPhone(1, 'dial tone', (p) => p.hearing === 'dial');
  await box.sim('fxs/1/dial', { digits: '*11', mode: 'dtmf' });
  await box.waitPhone(1, 'the confirmation tone then dial tone', (p) => p.hearing === 'dial' || p.hearing === 'silence', 10_000);
  await box.sim('fxs/1/hook', { state: 'on' });
  const line = (await box.api.request('GET', '/api/lines')).json as { lines: { port: number; features?: { dnd?: boolean } }[] };
  assert.equal(line.lines.find((l) => l.port === 1)?.features?.dnd, true, '*11 turned DND on');
});

test('admin password: changed on the settings page, the old one no longer logs in', { skip, timeout: 60_000 }, async () => {
  await go('#/settings', 'Settings');
  await page.getByLabel('Current password').fill(ADMIN_PASSWORD);
  await page.getByLabel('New password', { exact: true }).fill('a new good password');
  await page.getByLabel('Repeat the new password').fill('a new good password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('The password is changed.').waitFor();
  const old = await new ApiClient(box.app.url).request('POST', '/api/session', { username: 'admin', password: ADMIN_PASSWORD });
  assert.equal(old.status, 401);
  const fresh = await new ApiClient(box.app.url).request('POST', '/api/session', { username: 'admin', password: 'a new good password' });
  assert.equal(fresh.status, 200);
  // This page's own session goes on.
  await go('#/status', 'Status');
});

test('factory reset: refused without the words; with them the box forgets everything and asks for a new password', { skip, timeout: 60_000 }, async () => {
  await go('#/settings', 'Settings');
  await page.getByLabel('Type "factory reset" to confirm').fill('reset');
  await page.getByRole('button', { name: 'Erase everything' }).click();
  await page.locator('[data-field="confirm"][aria-invalid="true"]').waitFor();
  await page.getByLabel('Type "factory reset" to confirm').fill('factory reset');
  await page.getByRole('button', { name: 'Erase everything' }).click();
  await page.getByRole('heading', { name: 'Set up Dialtone' }).waitFor({ timeout: 15_000 });
  const setup = (await new ApiClient(box.app.url).request('GET', '/api/setup')).json as { required: boolean };
  assert.equal(setup.required, true);
});
