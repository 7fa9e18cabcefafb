/**
 * Headless Chromium for the web page's end-to-end tests: Debian's `chromium`
 * driven by playwright-core (no browser download). Tests skip when neither the
 * package nor CHROMIUM_PATH is there.
 */
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The Chromium binary, or null when none is installed. */
export function chromiumPath(): string | null {
  for (const c of CANDIDATES) if (c !== undefined && c !== '' && existsSync(c)) return c;
  return null;
}

/** Why browser tests cannot run here, or false when they can (for `test(..., { skip })`). */
export function browserSkip(): string | false {
  return chromiumPath() === null ? 'Chromium is not installed (apt-get install chromium)' : false;
}

export interface RunningBrowser {
  browser: Browser;
  /** A fresh context (its own cookies: a second browser session). */
  context(opts?: ContextOptions): Promise<BrowserContext>;
  /** A page in a fresh context at `url`, with console errors and page errors collected. */
  open(url: string, opts?: ContextOptions): Promise<OpenedPage>;
  close(): Promise<void>;
}

export interface ContextOptions {
  phone?: boolean;
  /** Accept the box's self-signed HTTPS certificate, as a user does at the browser's warning. */
  acceptSelfSigned?: boolean;
}

export interface OpenedPage {
  page: Page;
  context: BrowserContext;
  /** Uncaught errors and console errors the page produced. */
  errors: string[];
}

export const DESKTOP = { width: 1280, height: 860 };
export const PHONE = { width: 390, height: 844 };

/** Launches Chromium headless with the flags this closed network needs. */
export async function launchBrowser(): Promise<RunningBrowser> {
  const executablePath = chromiumPath();
  if (executablePath === null) throw new Error('Chromium is not installed');
  const userData = mkdtempSync(join(tmpdir(), 'dialtone-chromium-'));
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  const context = async (opts: ContextOptions = {}): Promise<BrowserContext> =>
    browser.newContext({
      viewport: opts.phone === true ? PHONE : DESKTOP,
      ...(opts.phone === true ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
      acceptDownloads: true,
      permissions: ['microphone'],
      ...(opts.acceptSelfSigned === true ? { ignoreHTTPSErrors: true } : {}),
    });
  return {
    browser,
    context,
    open: async (url, opts = {}) => {
      const ctx = await context(opts);
      const page = await ctx.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console: ${m.text()}`);
      });
      await page.goto(url);
      return { page, context: ctx, errors };
    },
    close: async () => {
      await browser.close();
      rmSync(userData, { recursive: true, force: true });
    },
  };
}

/** Logs in through the page's form (the box must have its admin password set). */
export async function loginInBrowser(page: Page, password: string): Promise<void> {
  await page.getByLabel('Admin password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('button', { name: 'Log out' }).waitFor(); // the menu itself is folded on a phone screen
}
