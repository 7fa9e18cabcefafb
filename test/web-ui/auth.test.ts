/**
 * The web page's front door in headless Chromium, against the real box: first-start
 * password setup, login and logout, a second browser that never logged in, and the
 * attacks a box on a home network meets — a cross-site form (CSRF), a planted session
 * cookie (session fixation) and password guessing (lockout).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient, startAppliance } from '../support/appliance-process.js';
import { browserSkip, launchBrowser, loginInBrowser, type RunningBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, startBox, type Box } from '../support/phones.js';

const skip = browserSkip();
let browser: RunningBrowser;
let box: Box;

before(async () => {
  if (skip !== false) return;
  browser = await launchBrowser();
  box = await startBox({ accounts: [{ id: 'main', server: '127.0.0.1:5999', username: '1001', register: false }], lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '11' }] });
});
after(async () => {
  await box?.stop();
  await browser?.close();
});

const SESSION = 'dialtone_session';

test('first start: the page asks for a new admin password, refuses two that differ, then opens the setup wizard', { skip }, async () => {
  const app = await startAppliance({ args: ['--board', 'sim'] });
  try {
    const { page, context, errors } = await browser.open(app.url);
    await page.getByRole('heading', { name: 'Set up Dialtone' }).waitFor();
    await page.getByLabel('New admin password').fill('first password');
    await page.getByLabel('Repeat the password').fill('another password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByText('does not match the password').waitFor();
    await page.getByLabel('Repeat the password').fill('first password');
    await page.getByRole('button', { name: 'Set password' }).click();
    await page.getByRole('heading', { name: 'Setup wizard' }).waitFor();
    assert.match(page.url(), /#\/wizard$/);
    const cookie = (await context.cookies()).find((c) => c.name === SESSION);
    assert.ok(cookie?.httpOnly, 'the session cookie is HttpOnly');
    assert.equal(cookie.sameSite, 'Strict');
    // The password is now set: setting it again from anywhere is refused.
    assert.equal((await new ApiClient(app.url).request('POST', '/api/setup', { password: 'attacker password' })).status, 409);
    assert.deepEqual(errors.filter((e) => !e.includes('Failed to load resource')), []);
    await context.close();
  } finally {
    await app.stop();
    app.cleanup();
  }
});

test('login and logout: a wrong password is shown as an error; logout ends the session on the box', { skip }, async () => {
  const { page, context, errors } = await browser.open(box.app.url);
  await page.getByLabel('Admin password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByText('wrong username or password').waitFor();
  await loginInBrowser(page, ADMIN_PASSWORD);
  await page.getByRole('heading', { name: 'Status' }).waitFor();
  const cookie = (await context.cookies()).find((c) => c.name === SESSION);
  assert.ok(cookie !== undefined);
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.getByRole('heading', { name: 'Log in' }).waitFor();
  assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false);
  // The old cookie is dead on the box, not just forgotten by the browser.
  const replay = await fetch(`${box.app.url}/api/status`, { headers: { cookie: `${SESSION}=${cookie.value}` } });
  assert.equal(replay.status, 401);
  assert.deepEqual(errors.filter((e) => !e.includes('Failed to load resource')), []);
  await context.close();
});

test('a second browser session that has not logged in sees nothing', { skip }, async () => {
  const first = await browser.open(box.app.url);
  await loginInBrowser(first.page, ADMIN_PASSWORD);
  await first.page.getByRole('heading', { name: 'Status' }).waitFor();

  const second = await browser.open(`${box.app.url}/#/accounts`);
  await second.page.getByRole('heading', { name: 'Log in' }).waitFor();
  assert.equal(await second.page.getByRole('navigation', { name: 'Main' }).isVisible(), false);
  assert.equal(await second.page.getByText('127.0.0.1:5999').count(), 0, 'no account data on the page');
  const answers = await second.page.evaluate(async () => {
    const paths = ['/api/status', '/api/accounts', '/api/config/export?secrets=true', '/api/calls', '/api/sim'];
    return Promise.all(paths.map(async (p) => [p, (await fetch(p)).status] as const));
  });
  for (const [path, status] of answers) assert.equal(status, 401, `${path} without login`);
  await first.context.close();
  await second.context.close();
});

test('CSRF: a form on another site posting to the box with the admin logged in is refused and changes nothing', { skip }, async () => {
  const { page, context } = await browser.open(box.app.url);
  await loginInBrowser(page, ADMIN_PASSWORD);
  const before = await box.api.request('GET', '/api/config/export');
  // The evil page: another origin (a different port of the same host, so the
  // SameSite=Strict cookie is still sent — only the Origin / Sec-Fetch-Site check stops it).
  const evil = await serve(`<!doctype html><form id="f" method="POST" enctype="text/plain" action="${box.app.url}/api/config/import">
    <input name='{"version":1,"region":"DE","x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`);
  try {
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/config/import'));
    await page.goto(evil.url);
    const response = await answer;
    assert.equal(response.status(), 403);
    assert.match(await response.text(), /cross_site/);
    // And a cross-origin fetch with credentials, the other way in.
    await page.goto(evil.url.replace(/\/$/, '') + '/blank');
    const status = await page.evaluate(async (url) => {
      try {
        const r = await fetch(`${url}/api/settings/region`, { method: 'PUT', credentials: 'include', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"region":"DE"}' });
        return r.type;
      } catch (e) {
        return String(e);
      }
    }, box.app.url);
    assert.ok(status === 'opaque' || status.includes('Failed'), status);
    const afterDoc = await box.api.request('GET', '/api/config/export');
    assert.deepEqual(afterDoc.json, before.json, 'the configuration is unchanged');
  } finally {
    await evil.close();
    await context.close();
  }
});

test('session fixation: a session id planted before login is never the one the box accepts after it', { skip }, async () => {
  const planted = 'planted-by-an-attacker-0123456789abcdef';
  const context = await browser.context();
  const host = new URL(box.app.url).hostname;
  await context.addCookies([{ name: SESSION, value: planted, domain: host, path: '/', httpOnly: true, sameSite: 'Strict' }]);
  const page = await context.newPage();
  await page.goto(box.app.url);
  await loginInBrowser(page, ADMIN_PASSWORD);
  const issued = (await context.cookies()).find((c) => c.name === SESSION)?.value;
  assert.ok(issued !== undefined && issued !== planted, 'login issues a fresh id');
  assert.equal((await fetch(`${box.app.url}/api/status`, { headers: { cookie: `${SESSION}=${planted}` } })).status, 401, 'the planted id is no session');
  // Logging in again (another tab, the same browser) rotates the id as well.
  await page.evaluate(async (password) => {
    await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
  }, ADMIN_PASSWORD);
  const rotated = (await context.cookies()).find((c) => c.name === SESSION)?.value;
  assert.notEqual(rotated, issued);
  await context.close();
});

test('brute force: after five wrong passwords even the right one is refused for a while, and the page says so', { skip }, async () => {
  // A box of its own: the lockout is per address, and every test here comes from 127.0.0.1.
  const own = await startBox({});
  try {
    const { page, context } = await browser.open(own.app.url);
    for (let i = 0; i < 5; i++) {
      await page.getByLabel('Admin password').fill(`guess ${i}`);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.getByText('wrong username or password').waitFor();
      await page.locator('.form-message').evaluate((el: { textContent: string | null }) => { el.textContent = ''; });
    }
    await page.getByLabel('Admin password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText(/too many failed logins; try again in \d+ s/).waitFor();
    assert.equal(await page.getByRole('navigation', { name: 'Main' }).isVisible(), false);
    await context.close();
  } finally {
    await own.stop();
  }
});

/** A page on another origin (another port of 127.0.0.1). */
async function serve(html: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(req.url === '/' ? html : '<!doctype html><title>blank</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
