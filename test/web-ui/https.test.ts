/**
 * The admin page over HTTPS in Chromium (`--https-port`): the user accepts the box's
 * self-signed certificate at the browser's warning, logs in (the session cookie is
 * `Secure`), and Settings → Network shows the certificate's fingerprint, the same
 * one the browser was given, so the warning can be checked against the box.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, startAppliance } from '../support/appliance-process.js';
import { browserSkip, launchBrowser, loginInBrowser } from '../support/browser.js';

const skip = browserSkip();
const PASSWORD = 'a good password';

test('over HTTPS: log in, the cookie is Secure, and Settings shows the certificate fingerprint', { skip, timeout: 90_000 }, async () => {
  const app = await startAppliance({ args: ['--https-port', '0'] });
  const browser = await launchBrowser();
  try {
    await new ApiClient(app.url).setupAndLogin(PASSWORD);
    const port = /Also over HTTPS: https:\/\/[^:]+:(\d+)\//.exec(app.output())?.[1];
    assert.ok(port !== undefined, app.output());
    const fingerprint = new X509Certificate(readFileSync(join(app.dataDir, 'tls', 'admin.crt'))).fingerprint256;

    const { page, context, errors } = await browser.open(`https://127.0.0.1:${port}/`, { acceptSelfSigned: true });
    await loginInBrowser(page, PASSWORD);
    const cookies = await context.cookies();
    assert.equal(cookies.find((c) => c.name === 'dialtone_session')?.secure, true);

    await page.goto(`https://127.0.0.1:${port}/#/settings`);
    await page.getByRole('heading', { level: 2, name: 'Network' }).waitFor();
    const dd = page.locator('dt', { hasText: 'Certificate SHA-256' }).locator('xpath=following-sibling::dd[1]');
    assert.equal((await dd.textContent())?.trim(), fingerprint);
    assert.equal((await page.locator('dt', { hasText: /^HTTPS$/ }).locator('xpath=following-sibling::dd[1]').textContent())?.trim(), `https://127.0.0.1:${port}/`);
    // (the page's first look at /api/status before logging in is a 401 by design)
    assert.deepEqual(errors.filter((e) => !e.includes('status of 401')), [], 'no page errors over HTTPS (CSP, mixed content, Secure cookie)');
  } finally {
    await browser.close();
    await app.stop();
    app.cleanup();
  }
});
