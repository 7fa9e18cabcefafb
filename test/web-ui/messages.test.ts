/**
 * The Messages page in a real browser: a message an unknown landline caller left is
 * listed as new; playing it marks it heard on the box and on the page, and the
 * player keeps playing (the page must not rebuild the list under it: a media element
 * taken out of the document pauses).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { browserSkip, launchBrowser, loginInBrowser, type RunningBrowser } from '../support/browser.js';
import { leaveMessage } from '../support/leave-message.js';
import { ADMIN_PASSWORD, startBox, type Box } from '../support/phones.js';
import { waitFor } from '../support/wait-for.js';

const skip = browserSkip();

let box: Box;
let browser: RunningBrowser;
let page: Page;

before(async () => {
  if (skip !== false) return;
  box = await startBox({
    region: 'US',
    lines: [{ port: 1, kind: 'fxs', extension: '101' }, { port: 3, kind: 'fxo', prefix: '9' }],
    callScreening: { allowed: ['2125550000'], unknownCallers: 'message' },
  });
  await leaveMessage(box, '5559876543', 'DOE JANE');
  browser = await launchBrowser();
  page = (await browser.open(`${box.app.url}/`)).page;
  await loginInBrowser(page, ADMIN_PASSWORD);
});

after(async () => {
  await browser?.close();
  await box?.stop();
});

interface MessagesBody { unheard: number }

test('playing a new message marks it heard, and the player keeps playing', { skip, timeout: 120_000 }, async () => {
  await page.evaluate('location.hash = "#/messages"');
  await page.getByRole('heading', { level: 1, name: 'Messages' }).waitFor();
  const card = page.locator('li.message');
  await card.locator('.badge', { hasText: 'New' }).waitFor();
  await page.getByText('1 message, 1 new.').waitFor();

  const started = await page.evaluate(`(async () => {
    const player = document.querySelector('li.message audio');
    window.__player = player;
    player.muted = true;
    try { await player.play(); return 'playing'; } catch (err) { return String(err); }
  })()`);
  assert.equal(started, 'playing');

  await waitFor('the box has it heard', async () => (((await box.api.request('GET', '/api/messages')).json as MessagesBody).unheard === 0 ? true : undefined), 10_000, 100);
  await page.getByText('1 message, 0 new.').waitFor();
  assert.equal(await card.locator('.badge').count(), 0, 'the New badge is gone');
  assert.equal(await card.getByRole('button', { name: 'Mark as new' }).count(), 1);
  const player = await page.evaluate('({ attached: window.__player.isConnected, same: window.__player === document.querySelector("li.message audio") })');
  assert.deepEqual(player, { attached: true, same: true }, 'the player that is playing is still the one on the page');
});
