/**
 * An unknown landline caller leaves a message on a sim-board box whose call screening
 * takes messages: the landline rings with `number`, the box answers and plays the
 * greeting and the beep, the caller speaks 3 s of noise and hangs up.
 */
import assert from 'node:assert/strict';
import { noiseWav, type Box } from './phones.js';

/** The greeting is 7.8 s, then the 0.5 s beep: the caller starts speaking after it. */
const GREETING_AND_BEEP_MS = 9500;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function leaveMessage(box: Box, number: string, name: string): Promise<void> {
  await box.sim('fxo/3/ring', { number, name });
  await box.waitLandline(3, 'the box answers', (l) => l.offHook, 15_000);
  await box.waitLandline(3, 'the caller hears the greeting', (l) => l.hearing === 'voice', 5000);
  await sleep(GREETING_AND_BEEP_MS);
  const play = await box.api.request('POST', '/api/sim/fxo/3/play', noiseWav(3000, 5));
  assert.equal(play.status, 202);
  await sleep(3500);
  await box.sim('fxo/3/hangup');
  await box.waitLandline(3, 'the box hangs up', (l) => !l.offHook, 10_000);
}
