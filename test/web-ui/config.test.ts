/**
 * The configuration pages in a real browser against the real box on the simulated
 * board: the setup wizard on a fresh box, adding an account that registers with
 * Kamailio, a port setting that applies live, backup and restore, and field errors
 * shown beside their fields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PHONE, browserSkip, launchBrowser, loginInBrowser, type RunningBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, startBox, type Box } from '../support/phones.js';
import { ApiClient, startAppliance, type RunningAppliance } from '../support/appliance-process.js';
import { kamailioAvailable, startKamailio } from '../support/kamailio.js';
import { waitFor } from '../support/wait-for.js';

const skip = browserSkip();

interface Account { id: string; server: string; username: string; displayName?: string; hasPassword: boolean }
interface Line { port: number; kind: string; account?: string; extension?: string; features?: Record<string, unknown> }

async function getJson<T>(api: ApiClient, path: string): Promise<T> {
  const r = await api.request('GET', path);
  assert.equal(r.status, 200, `GET ${path}: ${r.status} ${r.text}`);
  return r.json as T;
}

/** The page's own errors (the browser also logs each 4xx answer, which the tests cause on purpose). */
function pageErrors(errors: string[]): string[] {
  return errors.filter((e) => !e.includes('Failed to load resource'));
}

/** Opens the page at `hash` on the box and logs in. */
async function openLoggedIn(browser: RunningBrowser, box: Box, hash: string, phone = false): Promise<{ page: Page; errors: string[] }> {
  const { page, errors } = await browser.open(`${box.app.url}/${hash}`);
  await loginInBrowser(page, ADMIN_PASSWORD);
  // The phone layout folds the navigation behind the Menu button: log in wide, then narrow the window.
  if (phone) await page.setViewportSize(PHONE);
  await page.locator('#page-title').waitFor();
  return { page, errors };
}

/** The text of the error beside the control labelled `label`. */
async function fieldError(page: Page, label: string): Promise<string> {
  const control = page.getByLabel(label, { exact: true });
  return (await control.locator('xpath=ancestor::div[contains(@class,"field")][1]').locator('.field-error').textContent()) ?? '';
}

test('wizard on a fresh box: password, region, first account, phone ports, test ring; all stored', { skip, timeout: 90_000 }, async () => {
  let app: RunningAppliance | undefined;
  let browser: RunningBrowser | undefined;
  try {
    app = await startAppliance({ args: ['--board', 'sim'] });
    browser = await launchBrowser();
    const { page, errors } = await browser.open(`${app.url}/`);
    await page.getByLabel('New admin password').fill(ADMIN_PASSWORD);
    await page.getByLabel('Repeat the password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Set password' }).click();

    // 1) Region
    await page.getByRole('heading', { name: /Step 1 of 4: Region/ }).waitFor();
    assert.equal(await page.locator('.wizard-steps [aria-current=step]').textContent(), '1 Region');
    assert.ok(await page.getByRole('link', { name: 'Skip setup' }).first().isVisible());
    await page.getByLabel('Country').selectOption('GB');
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    // 2) Account: a bad server first shows the error beside the field.
    await page.getByRole('heading', { name: /Step 2 of 4/ }).waitFor();
    await page.getByLabel('Server', { exact: true }).fill('not a host!');
    await page.getByLabel('Username', { exact: true }).fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('alice-secret');
    await page.getByLabel('Display name').fill('<img src=x onerror=alert(1)>');
    await page.getByRole('button', { name: 'Next', exact: true }).click();
    await waitFor('the server error beside the field', async () => ((await fieldError(page, 'Server')) !== '' ? true : undefined));
    await page.getByLabel('Server', { exact: true }).fill('127.0.0.1:5999');
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    // 3) Ports
    await page.getByRole('heading', { name: /Step 3 of 4/ }).waitFor();
    await page.getByLabel('Phone port 1').check();
    await page.getByLabel('Phone port 2').uncheck();
    await page.getByRole('button', { name: 'Next', exact: true }).click();

    // 4) Test: a live registration state in words, and a test ring.
    await page.getByRole('heading', { name: /Step 4 of 4/ }).waitFor();
    await page.locator('.wizard-reg .badge').filter({ hasNotText: 'Waiting for the status' }).waitFor({ timeout: 10_000 });
    await page.getByRole('button', { name: 'Ring my phone' }).click();
    await page.locator('.form-message').filter({ hasText: /should ring|Not Found|not/ }).waitFor();

    const api = new ApiClient(app.url);
    await api.setupAndLogin(ADMIN_PASSWORD);
    const ringing = await waitFor('phone 1 rings for the test call', async () => {
      const p = (await api.request('GET', '/api/sim/fxs/1')).json as { ringing: boolean };
      return p.ringing ? p : undefined;
    }, 10_000, 100);
    assert.equal(ringing.ringing, true);
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.waitForURL(/#\/status$/);

    const settings = await getJson<{ region: string }>(api, '/api/settings');
    assert.equal(settings.region, 'GB');
    const { accounts } = await getJson<{ accounts: Account[] }>(api, '/api/accounts');
    assert.deepEqual(accounts.map((a) => [a.id, a.server, a.username, a.hasPassword, a.displayName]),
      [['main', '127.0.0.1:5999', 'alice', true, '<img src=x onerror=alert(1)>']]);
    const { lines } = await getJson<{ lines: Line[] }>(api, '/api/lines');
    assert.equal(lines.find((l) => l.port === 1)?.account, 'main');
    assert.equal(lines.find((l) => l.port === 2)?.account, undefined);
    assert.deepEqual(pageErrors(errors), []);
  } finally {
    await browser?.close();
    await app?.stop();
    app?.cleanup();
  }
});

test('accounts page: add an account, it registers with Kamailio and shows "Registered"; a name is shown as text', {
  skip: skip || (!kamailioAvailable() ? 'kamailio not installed (Debian package kamailio)' : false), timeout: 90_000,
}, async () => {
  const stack: (() => Promise<unknown>)[] = [];
  try {
    const k = await startKamailio({ users: { alice: 'alice-secret' } });
    stack.push(() => k.stop());
    const box = await startBox({ region: 'US', lines: [{ port: 1, kind: 'fxs', extension: '101' }] });
    stack.push(() => box.stop());
    const browser = await launchBrowser();
    stack.push(() => browser.close());
    const { page, errors } = await openLoggedIn(browser, box, '#/accounts');
    await page.getByText('No SIP account yet').waitFor();
    await page.getByRole('button', { name: 'Add account' }).click();
    await page.getByLabel('Account id').fill('main');
    await page.getByLabel('Server', { exact: true }).fill(`127.0.0.1:${k.port}`);
    await page.getByLabel('Username', { exact: true }).fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('alice-secret');
    await page.getByLabel('Display name').fill('<img src=x onerror=alert(1)>');
    await page.getByLabel('Registration expiry (seconds)').fill('300');
    // The codec order: move PCMA above PCMU with the keyboard.
    await page.getByRole('button', { name: /Move G\.711 A-law \(PCMA\) up/ }).focus();
    await page.keyboard.press('Enter');
    await page.locator('form.account-form').getByRole('button', { name: 'Add account' }).click();
    const row = page.locator('tr[data-account=main]');
    await row.getByText('Registered', { exact: true }).waitFor({ timeout: 20_000 });
    await row.getByText('<img src=x onerror=alert(1)>').waitFor();
    assert.equal(await page.locator('img[src=x]').count(), 0);

    const { accounts } = await getJson<{ accounts: (Account & { codecs?: string[]; registerExpires?: number })[] }>(box.api, '/api/accounts');
    assert.deepEqual(accounts.map((a) => [a.id, a.username, a.codecs, a.registerExpires]), [['main', 'alice', ['PCMA', 'PCMU'], 300]]);
    // Editing keeps the stored password: the field says "unchanged".
    await row.getByRole('button', { name: 'Edit main' }).click();
    assert.equal(await page.getByLabel('Password', { exact: true }).getAttribute('placeholder'), 'unchanged');
    assert.deepEqual(pageErrors(errors), []);
  } finally {
    for (const fn of stack.reverse()) await fn().catch(() => undefined);
  }
});

test('ports page: a hotline set on port 1 applies live: phone 1 off hook rings phone 2; the page fits a phone screen', { skip, timeout: 90_000 }, async () => {
  let box: Box | undefined;
  let browser: RunningBrowser | undefined;
  try {
    box = await startBox({ region: 'US', lines: [{ port: 1, kind: 'fxs', extension: '101' }, { port: 2, kind: 'fxs', extension: '102' }] });
    browser = await launchBrowser();
    const { page, errors } = await openLoggedIn(browser, box, '#/ports', true);
    const card = page.locator('form[data-port="1"]');
    await card.getByLabel('Hotline number').fill('102');
    await card.getByRole('button', { name: 'Add speed dial' }).click();
    await card.getByLabel('Speed-dial key').fill('2');
    await card.getByLabel(/Number for speed dial 2/).fill('5551234567');
    await card.getByRole('button', { name: 'Save port 1' }).click();
    await card.locator('.form-message.ok').waitFor();
    const { lines } = await getJson<{ lines: Line[] }>(box.api, '/api/lines');
    assert.deepEqual(lines.find((l) => l.port === 1)?.features, { callWaiting: true, threeWay: true, dnd: false, hotline: '102', speedDial: { 2: '5551234567' } });

    await box.sim('fxs/1/hook', { state: 'off' });
    await box.waitPhone(2, 'ringing from the hotline', (p) => p.ringing);

    const overflow = await page.evaluate<number>('document.scrollingElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone screen`);
    assert.deepEqual(pageErrors(errors), []);
  } finally {
    await browser?.close();
    await box?.stop();
  }
});

test('settings page: backup download, restore undoes a change; a corrupt file gives an error and changes nothing', { skip, timeout: 90_000 }, async () => {
  let box: Box | undefined;
  let browser: RunningBrowser | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-backup-'));
  try {
    box = await startBox({
      region: 'US',
      accounts: [{ id: 'main', server: '127.0.0.1:5999', username: 'alice', password: 'alice-secret' }],
      lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }],
    });
    browser = await launchBrowser();
    const { page, errors } = await openLoggedIn(browser, box, '#/settings');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download backup' }).click();
    const file = join(dir, 'backup.json');
    await (await download).saveAs(file);
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { version: number; region: string; accounts: { password?: string }[] };
    assert.equal(doc.region, 'US');
    assert.equal(doc.accounts[0]?.password, 'alice-secret');

    // A change through the page: the region becomes GB.
    await page.getByLabel('Country').selectOption('GB');
    await page.getByRole('button', { name: 'Save region' }).click();
    await page.getByText('Saved: the region is GB.').waitFor();
    assert.equal((await getJson<{ region: string }>(box.api, '/api/settings')).region, 'GB');

    // A corrupt file: a clear error, nothing changed.
    const restore = page.locator('#set-restore');
    await restore.getByLabel('Backup file').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"version": 1, "region": "US"') });
    await restore.getByRole('button', { name: 'Restore' }).click();
    await restore.locator('.form-message.error').filter({ hasText: 'not valid JSON' }).waitFor();
    assert.match(await restore.locator('.form-message').textContent() ?? '', /Nothing was changed/);
    assert.equal((await getJson<{ region: string }>(box.api, '/api/settings')).region, 'GB');

    // The backup file: the change is undone.
    await restore.getByLabel('Backup file').setInputFiles(file);
    await restore.getByRole('button', { name: 'Restore' }).click();
    await restore.locator('.form-message.ok').filter({ hasText: 'Restored' }).waitFor({ timeout: 20_000 });
    assert.equal((await getJson<{ region: string }>(box.api, '/api/settings')).region, 'US');
    assert.deepEqual(pageErrors(errors), []);
  } finally {
    await browser?.close();
    await box?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a field error from the API appears beside its field (accounts, ports, dial plan)', { skip, timeout: 90_000 }, async () => {
  let box: Box | undefined;
  let browser: RunningBrowser | undefined;
  try {
    box = await startBox({
      region: 'US',
      accounts: [{ id: 'main', server: '127.0.0.1:5999', username: 'alice', password: 'alice-secret' }],
      lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }, { port: 2, kind: 'fxs', extension: '102' }],
    });
    browser = await launchBrowser();
    const { page, errors } = await openLoggedIn(browser, box, '#/accounts');
    await page.locator('tr[data-account=main]').getByRole('button', { name: 'Edit main' }).click();
    await page.getByLabel('Server', { exact: true }).fill('not a host!');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await waitFor('the error beside Server', async () => ((await fieldError(page, 'Server')) !== '' ? true : undefined));
    assert.equal(await page.getByLabel('Server', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await fieldError(page, 'Username'), '');
    assert.equal((await getJson<{ accounts: Account[] }>(box.api, '/api/accounts')).accounts[0]?.server, '127.0.0.1:5999');

    // Ports: a nested path (features.forwardAll).
    await page.goto(`${box.app.url}/#/ports`);
    const card = page.locator('form[data-port="1"]');
    await card.getByLabel('Forward all calls to').fill('abc');
    await card.getByRole('button', { name: 'Save port 1' }).click();
    await waitFor('the error beside Forward all calls to', async () => {
      const t = await card.getByLabel('Forward all calls to').locator('xpath=ancestor::div[contains(@class,"field")][1]').locator('.field-error').textContent();
      return t !== null && t !== '' ? t : undefined;
    });

    // Dial plan: routes[i].pattern, and the "Try a number" box and diagram.
    await page.goto(`${box.app.url}/#/dialplan`);
    await page.getByRole('button', { name: 'Add route' }).click();
    await page.getByLabel('Numbers (digit-map pattern)').fill('911');
    await page.getByLabel('Goes to').selectOption('line:2');
    await page.getByLabel('Number', { exact: true }).fill('911');
    await page.locator('#try-result').filter({ hasText: 'rings phone port 2' }).waitFor();
    assert.equal(await page.locator('.dp-svg .dp-hit').count(), 1);
    await page.getByLabel('Number', { exact: true }).fill('102');
    await page.locator('#try-result').filter({ hasText: 'extension of another phone' }).waitFor();
    await page.getByLabel('Number', { exact: true }).fill('2125551234');
    await page.locator('#try-result').filter({ hasText: 'through SIP account main' }).waitFor();
    await page.getByLabel('Numbers (digit-map pattern)').fill('9[11');
    await page.getByRole('button', { name: 'Save dial plan' }).click();
    await waitFor('the error beside the pattern', async () => ((await fieldError(page, 'Numbers (digit-map pattern)')) !== '' ? true : undefined));
    assert.deepEqual((await getJson<{ routes: unknown[] }>(box.api, '/api/dial-plan')).routes, []);
    await page.getByLabel('Numbers (digit-map pattern)').fill('911');
    await page.getByRole('button', { name: 'Save dial plan' }).click();
    await page.getByText('Saved 1 route.').waitFor();
    assert.deepEqual((await getJson<{ routes: unknown[] }>(box.api, '/api/dial-plan')).routes, [{ pattern: '911', route: 'line:2' }]);
    assert.deepEqual(pageErrors(errors), []);
  } finally {
    await browser?.close();
    await box?.stop();
  }
});
