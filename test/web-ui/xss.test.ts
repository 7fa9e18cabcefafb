/**
 * Stored XSS: text that came from outside (a display name typed in a form, a line's
 * name, a caller's name from the landline's caller ID, a number dialled) is shown
 * as text on every page that shows it, and never runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, launchBrowser, loginInBrowser, type RunningBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, startBox, type Box } from '../support/phones.js';

const skip = browserSkip();
const IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">';
const SCRIPT = '<script>window.__xss=(window.__xss||0)+1</script>';
let browser: RunningBrowser;
let box: Box;

before(async () => {
  if (skip !== false) return;
  browser = await launchBrowser();
  box = await startBox({
    accounts: [{ id: 'main', server: '127.0.0.1:5999', username: '1001', register: false }],
    lines: [
      { port: 1, kind: 'fxs', account: 'main', extension: '11' },
      { port: 2, kind: 'fxs', account: 'main', extension: '12' },
      { port: 3, kind: 'fxo', account: 'main', prefix: '9', ringsOnFxs: [1] },
    ],
  });
});
after(async () => {
  await box?.stop();
  await browser?.close();
});

test('names with HTML from forms and from caller ID show as text on every page and never run', { skip, timeout: 120_000 }, async () => {
  // Through the API a script (or the page) would use: the box stores what it is given.
  const account = await box.api.request('PUT', '/api/accounts/main', { server: '127.0.0.1:5999', username: '1001', register: false, displayName: IMG });
  assert.equal(account.status, 200, account.text);
  const line = await box.api.request('PUT', '/api/lines/2', { port: 2, kind: 'fxs', account: 'main', extension: '12', name: SCRIPT });
  assert.equal(line.status, 200, line.text);
  // A landline caller whose caller-ID name is markup: it rings phone 1, is answered, and ends up in the history.
  await box.sim('fxo/3/ring', { number: '5551234567', name: '<b>Evil</b>' });
  await box.waitPhone(1, 'ringing', (p) => p.ringing, 15_000);
  await box.sim('fxs/1/hook', { state: 'off' });
  await new Promise((r) => setTimeout(r, 1500));

  const { page, context, errors } = await browser.open(box.app.url);
  await loginInBrowser(page, ADMIN_PASSWORD);
  const pages: [string, string | RegExp][] = [
    ['accounts', IMG],
    ['ports', SCRIPT],
    ['status', /5551234567/],
  ];
  for (const [id, text] of pages) {
    await page.goto(`${box.app.url}/#/${id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await page.getByText(text).first().waitFor({ timeout: 10_000 });
  }
  await box.sim('fxs/1/hook', { state: 'on' });
  await page.goto(`${box.app.url}/#/calls`);
  await page.getByText('5551234567').first().waitFor({ timeout: 10_000 });
  for (const id of ['accounts', 'ports', 'landline', 'dialplan', 'status', 'calls', 'phone', 'wizard']) {
    await page.goto(`${box.app.url}/#/${id}`);
    await page.getByRole('heading', { level: 1 }).waitFor();
    await new Promise((r) => setTimeout(r, 300));
    const found = {
      ran: await page.evaluate('window.__xss ?? 0'),
      injected: await page.locator('main img[src="x"], main script, main b').count(),
    };
    assert.deepEqual(found, { ran: 0, injected: 0 }, `#/${id}: markup from data became elements`);
  }
  assert.deepEqual(errors.filter((e) => !e.includes('Failed to load resource')), []);
  await context.close();
});
