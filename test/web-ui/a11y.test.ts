/**
 * Accessibility of every page, checked by axe-core (Deque's rules engine, the one
 * browsers' audit tools use) at desktop and phone width: labels, names, contrast,
 * landmarks, ARIA. Also: nothing is wider than a phone screen, and the main
 * controls can be reached with the keyboard.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, loginInBrowser, type RunningBrowser } from '../support/browser.js';
import { ADMIN_PASSWORD, startBox, type Box } from '../support/phones.js';

const skip = browserSkip();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const PAGES = ['status', 'calls', 'messages', 'accounts', 'ports', 'landline', 'dialplan', 'settings', 'diagnostics', 'logs', 'phone', 'wizard'];

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

let browser: RunningBrowser;
let box: Box;

before(async () => {
  if (skip !== false) return;
  browser = await launchBrowser();
  box = await startBox({
    accounts: [{ id: 'main', server: '127.0.0.1:5999', username: '1001', register: false, displayName: 'Home' }],
    lines: [
      { port: 1, kind: 'fxs', account: 'main', extension: '11', name: 'Kitchen', features: { speedDial: { '2': '5551234567' } } },
      { port: 2, kind: 'fxs', account: 'main', extension: '12' },
      { port: 3, kind: 'fxo', account: 'main', prefix: '9' },
    ],
    dialPlan: [{ pattern: '911', route: 'fxo' }, { pattern: '1[2-9]xx[2-9]xxxxxx', route: 'account:main' }],
  });
});
after(async () => {
  await box?.stop();
  await browser?.close();
});

async function violations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  return page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`);
}

for (const [phone, scheme] of [[false, 'light'], [true, 'light'], [false, 'dark']] as const) {
  test(`every page passes axe-core's checks at ${phone ? 'phone' : 'desktop'} width in ${scheme} colours and fits the screen`, { skip, timeout: 180_000 }, async () => {
    // bypassCSP: only so the test can inject axe itself; the page keeps its own CSP otherwise.
    const context = await browser.browser.newContext({
      viewport: phone ? { width: 390, height: 844 } : { width: 1280, height: 860 }, colorScheme: scheme, bypassCSP: true,
    });
    const page = await context.newPage();
    try {
      await page.goto(box.app.url);
      // The shell asks the box whether to show setup or login first: check the login screen once it is there.
      await page.getByRole('heading', { level: 1, name: 'Log in' }).waitFor();
      const login = await violations(page);
      await loginInBrowser(page, ADMIN_PASSWORD);
      const found: string[] = login.map((v) => `login: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      for (const id of PAGES) {
        await page.goto(`${box.app.url}/#/${id}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.waitForTimeout(700); // the page's data arrives
        for (const v of await violations(page)) {
          found.push(`#/${id}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
        }
        if (phone) {
          const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
          assert.ok(Number(overflow) <= 1, `#/${id} is ${String(overflow)} px wider than a phone screen`);
        }
      }
      assert.deepEqual(found, []);
    } finally {
      await context.close();
    }
  });
}

test('the keyboard reaches the menu, the forms and their buttons; focus is visible', { skip, timeout: 60_000 }, async () => {
  const { page, context } = await browser.open(box.app.url);
  try {
    await page.keyboard.press('Tab'); // the skip link first
    assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
    await page.getByLabel('Admin password').focus();
    await page.keyboard.type(ADMIN_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    await page.goto(`${box.app.url}/#/ports`);
    await page.getByRole('heading', { level: 1, name: 'Phone ports' }).waitFor();
    // Tab from the top reaches a form control of the page, and it shows a focus outline.
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = (await page.evaluate('!!document.activeElement.closest("main") && ["INPUT","SELECT","BUTTON","TEXTAREA"].includes(document.activeElement.tagName)')) === true;
    }
    assert.ok(reached, 'Tab reaches the page\'s controls');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    assert.notEqual(outline, 'none', 'the focused control shows an outline');
  } finally {
    await context.close();
  }
});
