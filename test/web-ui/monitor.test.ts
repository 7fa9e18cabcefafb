/**
 * The monitoring pages in a real browser against a real box on the sim board:
 * a call placed from the virtual phone panel shows on the status page and in the
 * call history; the panel shows caller ID and receives earpiece audio over its
 * WebSocket; diagnostics shows the system's figures; the logs page lists lines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, loginInBrowser, type RunningBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, startBox, type Box } from '../support/phones.js';
import { waitFor } from '../support/wait-for.js';

const skip = browserSkip();
const LINES = [
  { port: 1, kind: 'fxs', extension: '11', name: 'Kitchen' },
  { port: 2, kind: 'fxs', extension: '12', name: 'Office' },
];

let box: Box;
let browser: RunningBrowser;
let page: Page;
let errors: string[];
/** Errors before logging in (the first GET /api/status answers 401) are the shell's, not these pages'. */
let errorsBefore = 0;

before(async () => {
  if (skip !== false) return;
  box = await startBox({ region: 'US', lines: LINES });
  browser = await launchBrowser();
  const opened = await browser.open(`${box.app.url}/`);
  page = opened.page;
  errors = opened.errors;
  await loginInBrowser(page, ADMIN_PASSWORD);
  errorsBefore = errors.length;
});

after(async () => {
  await browser?.close();
  await box?.stop();
});

async function go(hash: string, heading: string): Promise<void> {
  await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

async function openPhone(): Promise<void> {
  await go('#/phone', 'Virtual phone');
  await page.locator('.phone-panel[data-socket="open"]').waitFor();
}

test('a call placed from the virtual phone panel shows on the status page and in the call history', { skip, timeout: 90_000 }, async () => {
  await openPhone();
  await page.getByRole('button', { name: 'Pick up' }).click();
  await page.getByText('Earpiece: dial tone').waitFor({ timeout: 10_000 });
  await page.getByRole('button', { name: '1', exact: true }).click();
  await page.keyboard.press('2'); // the keyboard dials too
  await box.waitPhone(2, 'rings', (p) => p.ringing || p.rings > 0, 15_000);
  await box.sim('fxs/2/hook', { state: 'off' });
  await box.waitPhone(1, 'answered', (p) => p.hearing !== 'ringback' && p.hearing !== 'dial', 10_000);

  await go('#/status', 'Status');
  await page.getByText('Talking with 12').waitFor({ timeout: 10_000 });
  const call = page.locator('article.call').first();
  await call.waitFor();
  assert.match(await call.innerText(), /11 → 12/);

  await openPhone();
  await page.getByRole('button', { name: 'Hang up' }).click();
  await page.getByRole('button', { name: 'Pick up' }).waitFor();
  await box.sim('fxs/2/hook', { state: 'on' });
  await waitFor('the call in the history', async () => {
    const r = await box.api.request('GET', '/api/calls');
    return (r.json as { calls: unknown[] }).calls.length > 0 ? true : undefined;
  }, 10_000, 100);

  await go('#/calls', 'Call history');
  const row = page.locator('table.calls-table tbody tr').first();
  await row.waitFor({ timeout: 10_000 });
  const text = await row.innerText();
  assert.match(text, /Internal/);
  assert.match(text, /11/);
  assert.match(text, /12/);
  assert.match(text, /Answered/);
  const csv = await page.getByRole('link', { name: 'Download as CSV' }).getAttribute('href');
  assert.equal(csv, '/api/calls.csv');
});

test('the panel shows the caller ID and ringing when port 1 is called; earpiece audio arrives over the WebSocket', { skip, timeout: 60_000 }, async () => {
  await openPhone();
  // The panel counts the earpiece frames the WebSocket brought (20 ms each).
  const panel = page.locator('.phone-panel');
  await waitFor('earpiece frames in the page', async () => (Number(await panel.getAttribute('data-frames')) > 10 ? true : undefined), 10_000, 100);
  await box.sim('fxs/2/hook', { state: 'off' });
  await box.waitPhone(2, 'dial tone', (p) => p.hearing === 'dial');
  await box.sim('fxs/2/dial', { digits: '11' });
  await page.locator('.phone-cid', { hasText: '12' }).waitFor({ timeout: 15_000 });
  assert.match(await page.locator('.phone-display').innerText(), /Office/);
  await page.locator('.phone-ringing', { hasText: 'Ringing' }).waitFor();
  await box.sim('fxs/2/hook', { state: 'on' });
  // Sound on (a user gesture): the earpiece plays through WebAudio without errors.
  await page.getByRole('button', { name: 'Turn on sound' }).click();
  await page.getByRole('button', { name: 'Turn off sound' }).waitFor();
  await page.getByRole('button', { name: 'Turn on microphone' }).click();
  await page.getByText('Sound and microphone are on').waitFor();
  await page.getByRole('button', { name: 'Turn off microphone' }).waitFor();
  assert.deepEqual(errors.slice(errorsBefore), []);
});

test('the diagnostics page shows the system information', { skip, timeout: 30_000 }, async () => {
  await go('#/diagnostics', 'Diagnostics');
  await page.getByText('Firmware version').waitFor({ timeout: 10_000 });
  assert.match(await page.locator('.system-info').innerText(), /Memory/);
});

test('the logs page lists the log lines', { skip, timeout: 30_000 }, async () => {
  await go('#/logs', 'Logs');
  await page.locator('.log-entry').first().waitFor({ timeout: 10_000 });
  assert.ok((await page.locator('.log-entry').count()) > 0);
});
