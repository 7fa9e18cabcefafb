/**
 * The status page's live RTP figures from a real SIP call: the box registers with
 * Kamailio, phone 1 calls the account's own number, Kamailio sends the call back to
 * the box and phone 2 answers — two SIP legs with RTP between them on loopback. The
 * page must show the codec, MOS, loss and jitter charts and the level meters, and
 * move them on without a reload.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browserSkip, launchBrowser, loginInBrowser } from '../support/browser.js';
import { kamailioAvailable, startKamailio } from '../support/kamailio.js';
import { ADMIN_PASSWORD, noiseWav, startBox } from '../support/phones.js';
import { waitFor } from '../support/wait-for.js';

const skip = browserSkip() || (kamailioAvailable() ? false : 'Kamailio is not installed');
const NUMBER = '5551001';

test('a SIP call shows live codec, MOS, loss and jitter charts and level meters on the status page', { skip, timeout: 120_000 }, async (t) => {
  const k = await startKamailio({ users: { [NUMBER]: 'secret-5551001' } });
  t.after(() => k.stop());
  const box = await startBox({
    accounts: [{ id: 'main', server: `127.0.0.1:${k.port}`, username: NUMBER, password: 'secret-5551001', registerExpires: 300 }],
    lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '11' }, { port: 2, kind: 'fxs', account: 'main', extension: '12' }],
  });
  t.after(() => box.stop());
  const browser = await launchBrowser();
  t.after(() => browser.close());
  await waitFor('the box registers with Kamailio', async () => {
    const s = (await box.api.request('GET', '/api/status')).json as { sip: { registrations: { state: string }[] } };
    return s.sip.registrations[0]?.state === 'registered' ? true : undefined;
  }, 15_000);

  const { page, errors } = await browser.open(`${box.app.url}/#/status`);
  await loginInBrowser(page, ADMIN_PASSWORD);
  await page.getByRole('heading', { level: 1, name: 'Status' }).waitFor();

  await box.sim('fxs/1/hook', { state: 'off' });
  await box.sim('fxs/1/dial', { digits: `${NUMBER}#`, mode: 'dtmf' });
  await box.waitPhone(2, 'ringing for the call back through Kamailio', (p) => p.ringing, 15_000);
  await box.sim('fxs/2/hook', { state: 'off' });
  box.sim('fxs/1/play', noiseWav(20_000)).catch(() => undefined);

  // Both legs of the call, each with its codec and figures, without reloading the page.
  await page.getByText(`Outgoing: ${NUMBER}`).waitFor({ timeout: 15_000 });
  await page.getByText(`Incoming: ${NUMBER}`).waitFor();
  const outgoing = page.locator('article.call').filter({ hasText: `Outgoing: ${NUMBER}` });
  await outgoing.getByText('PCMU').waitFor();
  const mos = await outgoing.locator('p.chart-summary').getByText(/Call quality \(MOS\): now [\d.]+ MOS/).textContent({ timeout: 15_000 });
  const value = Number(/now ([\d.]+) MOS/.exec(mos ?? '')?.[1]);
  assert.ok(value >= 1 && value <= 5, `MOS ${value} is a MOS`);
  await outgoing.locator('p.chart-summary').getByText(/Packet loss: now [\d.]+ %/).waitFor();
  await outgoing.locator('p.chart-summary').getByText(/Jitter: now [\d.]+ ms/).waitFor();
  // The charts gather points as updates arrive: a line with more than one point.
  await waitFor('the MOS chart draws a line', async () => {
    const d = await outgoing.locator('svg.chart').last().locator('path, polyline').first().getAttribute('d').catch(() => null)
      ?? await outgoing.locator('svg.chart polyline').last().getAttribute('points').catch(() => null);
    return d !== null && d.split(/[ ,LM]/).filter(Boolean).length > 4 ? true : undefined;
  }, 15_000, 500);
  // Phone 1 speaks (noise at about −20 dBFS): its meter on the outgoing leg reads a level, not silence.
  const sent = await outgoing.getByRole('meter', { name: 'Phone microphone (sent)' }).getAttribute('value');
  assert.ok(Number(sent) > -40, `the sent level meter reads ${sent} dBm0`);
  assert.deepEqual(errors.filter((e) => !e.includes('Failed to load resource')), []);
  await box.sim('fxs/1/hook', { state: 'on' });
  await page.getByText('No calls right now.').waitFor({ timeout: 10_000 });
});
