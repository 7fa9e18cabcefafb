/**
 * Takes the screenshots of the web page shown in the README (docs/screenshots/), at
 * desktop and phone width, from a real box on the simulated board with a call up:
 *   npm run screenshots
 * Kamailio (when installed) gives the account something to register with.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './support/appliance-process.js';
import { launchBrowser, loginInBrowser } from './support/browser.js';
import { kamailioAvailable, startKamailio, type RunningKamailio } from './support/kamailio.js';
import { ADMIN_PASSWORD, noiseWav, startBox } from './support/phones.js';
import { waitFor } from './support/wait-for.js';

const OUT = join(ROOT, 'docs', 'screenshots');
const PAGES: { id: string; phone: boolean }[] = [
  { id: 'status', phone: true },
  { id: 'accounts', phone: true },
  { id: 'ports', phone: false },
  { id: 'dialplan', phone: false },
  { id: 'calls', phone: false },
  { id: 'diagnostics', phone: false },
  { id: 'phone', phone: true },
  { id: 'settings', phone: false },
];

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  let kamailio: RunningKamailio | undefined;
  if (kamailioAvailable()) kamailio = await startKamailio({ users: { '5551001': 'secret-1001' } });
  const server = kamailio !== undefined ? `127.0.0.1:${kamailio.port}` : '127.0.0.1:5999';
  const box = await startBox({
    region: 'US',
    accounts: [{ id: 'main', server, username: '5551001', password: 'secret-1001', displayName: 'Home', register: kamailio !== undefined }],
    lines: [
      { port: 1, kind: 'fxs', account: 'main', extension: '11', name: 'Kitchen', features: { speedDial: { '2': '5551234567' } } },
      { port: 2, kind: 'fxs', account: 'main', extension: '12', name: 'Office' },
      { port: 3, kind: 'fxo', account: 'main', prefix: '9', name: 'Landline' },
    ],
    dialPlan: [
      { pattern: '911', route: 'fxo' },
      { pattern: '1[2-9]xx[2-9]xxxxxx', route: 'account:main' },
      { pattern: '[2-9]xx[2-9]xxxxxx', route: 'account:main', prepend: '1' },
    ],
  });
  const browser = await launchBrowser();
  try {
    // Some history, then a call up for the live figures: with Kamailio, phone 1 calls the
    // account's own number, which comes back through Kamailio to phone 2 (RTP both ways).
    const calls: [number, number, string][] = [[1, 2, '12'], [2, 1, '11'], [1, 2, kamailio !== undefined ? '5551001#' : '12']];
    for (const [i, [a, b, digits]] of calls.entries()) {
      if (kamailio !== undefined && i === calls.length - 1) {
        await waitFor('registered', async () => {
          const s = (await box.api.request('GET', '/api/status')).json as { sip: { registrations: { state: string }[] } };
          return s.sip.registrations[0]?.state === 'registered' ? true : undefined;
        }, 15_000);
      }
      await box.sim(`fxs/${a}/hook`, { state: 'off' });
      await box.sim(`fxs/${a}/dial`, { digits, mode: 'dtmf' });
      await box.waitPhone(b, 'ringing', (p) => p.ringing, 15_000);
      await box.sim(`fxs/${b}/hook`, { state: 'off' });
      await new Promise((r) => setTimeout(r, 1500));
      if (i < calls.length - 1) {
        await box.sim(`fxs/${a}/hook`, { state: 'on' });
        await box.sim(`fxs/${b}/hook`, { state: 'on' });
        await new Promise((r) => setTimeout(r, 1500));
      }
    }
    box.sim('fxs/1/play', noiseWav(30_000)).catch(() => undefined); // speech-like level on the line for the meters
    for (const width of ['desktop', 'phone'] as const) {
      const { page, context } = await browser.open(box.app.url, { phone: width === 'phone' });
      await loginInBrowser(page, ADMIN_PASSWORD);
      for (const p of PAGES) {
        if (width === 'phone' && !p.phone) continue;
        await page.goto(`${box.app.url}/#/${p.id}`);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await new Promise((r) => setTimeout(r, p.id === 'status' ? 6000 : 1500)); // charts gather a few points
        const file = join(OUT, `${p.id}-${width}.png`);
        await page.screenshot({ path: file, fullPage: width === 'desktop' });
        console.log(file);
      }
      await context.close();
    }
  } finally {
    await browser.close();
    await box.stop();
    await kamailio?.stop();
  }
}

await main();
