/**
 * Landline call screening on the simulated board, through the call router with a fake
 * clock: an unknown caller with `announce` hears the announcement, and the landline
 * port is told to play (transmit) before it (a half-duplex voice modem drops what it
 * is given while it listens); with `message` it hears the greeting and the beep, the
 * port is switched back to listening, and what the caller says is kept as a message.
 */
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Board } from '../../board/board.js';
import type { CallScreening } from '../config/provisioning-schema.js';
import { parseWav } from '../../board/sim/wav.js';
import { routerRig, shareAt, sine, type RouterRig } from './test-support/router-rig.js';

const FXO = 3;
const UNKNOWN = { number: '5559876543', name: 'DOE JANE' };

const rigs: RouterRig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) await r.close();
});

/** A rig whose board records the voice directions it is given (as a half-duplex modem would act on them). */
function rig(unknownCallers: CallScreening['unknownCallers']): { r: RouterRig; directions: string[] } {
  const r = routerRig({
    lines: [
      { port: 1, kind: 'fxs', extension: '101' },
      { port: 3, kind: 'fxo', prefix: '9' },
    ],
  });
  rigs.push(r);
  r.store.settings.setCallScreening({ allowed: ['2125550000'], unknownCallers });
  const directions: string[] = [];
  const board: Board = r.board;
  board.setVoiceDirection = (port, direction) => directions.push(`${port}:${direction}`);
  return { r, directions };
}

function lastCdr(r: RouterRig): { disposition: string; hangupCause: string | null } | undefined {
  return r.store.cdrs.list()[0];
}

test('announce: the landline port is set to transmit before the announcement plays; the phones never ring', () => {
  const { r, directions } = rig('announce');
  r.landline(FXO).ring(UNKNOWN);
  assert.ok(r.runUntil(() => r.landline(FXO).state().offHook, 15_000), 'the box answers');
  assert.ok(r.runUntil(() => r.landline(FXO).state().hearing === 'voice', 3000), 'the caller hears the announcement');
  assert.deepEqual(directions, ['3:transmit']);
  assert.ok(r.runUntil(() => !r.landline(FXO).state().offHook, 10_000), 'the box hangs up after it');
  assert.equal(r.phone(1).state().rings, 0);
  assert.deepEqual(lastCdr(r), { ...lastCdr(r), disposition: 'screened', hangupCause: 'screened: unknown caller, announcement played' });
});

const BOX = 'screened: unknown caller, message recorded';

/** Rings as an unknown caller and runs until the box listens for the message (after the greeting and the beep). */
function untilRecording(r: RouterRig, directions: string[]): void {
  r.landline(FXO).ring(UNKNOWN);
  assert.ok(r.runUntil(() => r.landline(FXO).state().offHook, 15_000), 'the box answers');
  assert.ok(r.runUntil(() => r.landline(FXO).state().hearing === 'voice', 3000), 'the caller hears the greeting');
  assert.ok(r.runUntil(() => directions.includes('3:receive'), 12_000), 'the box turns to listening');
  assert.deepEqual(directions, ['3:transmit', '3:receive']);
}

test('message: greeting, beep, the caller speaks and hangs up: the message is kept with the caller ID; the phones never ring', async () => {
  const { r, directions } = rig('message');
  untilRecording(r, directions);
  assert.ok(shareAt(r.landline(FXO).recording(0.5), 1000) > 0.3, 'the caller heard the 1000 Hz beep last');
  void r.landline(FXO).play(sine(440, 3000));
  r.run(3500);
  r.landline(FXO).hangup();
  assert.ok(r.runUntil(() => !r.landline(FXO).state().offHook, 3000), 'the box hangs up');
  assert.equal(r.phone(1).state().rings, 0);
  assert.equal(lastCdr(r)?.disposition, 'screened');
  assert.equal(lastCdr(r)?.hangupCause, BOX);
  const messages = r.store.messages.list();
  assert.equal(messages.length, 1);
  const m = messages[0]!;
  assert.deepEqual({ from: m.from, callerName: m.callerName, port: m.port, heard: m.heard }, { from: UNKNOWN.number, callerName: UNKNOWN.name, port: FXO, heard: false });
  assert.ok(m.durationMs >= 3000 && m.durationMs <= 4000, `about 3 s kept (${m.durationMs} ms)`);
  const samples = parseWav(r.store.messages.audio(m.id));
  assert.ok(shareAt(samples, 440) > 0.3, 'the message holds what the caller said');
});

test('message: 5 s of silence after the caller spoke ends it: the box hangs up and keeps the speech, not the silence', () => {
  const { r, directions } = rig('message');
  untilRecording(r, directions);
  void r.landline(FXO).play(sine(440, 2000));
  r.run(2000);
  assert.ok(r.runUntil(() => !r.landline(FXO).state().offHook, 6000), 'the box hangs up about 5 s after the caller fell silent');
  const [m] = r.store.messages.list();
  assert.ok(m !== undefined && m.durationMs >= 2000 && m.durationMs <= 3000, `the speech and a little after it (${m?.durationMs} ms)`);
  assert.equal(lastCdr(r)?.hangupCause, BOX);
});

test('message: a caller who says nothing and hangs up leaves no message', () => {
  const { r, directions } = rig('message');
  untilRecording(r, directions);
  r.run(3000);
  r.landline(FXO).hangup();
  assert.ok(r.runUntil(() => !r.landline(FXO).state().offHook, 3000), 'the box hangs up');
  assert.deepEqual(r.store.messages.list(), []);
  assert.equal(lastCdr(r)?.hangupCause, 'screened: unknown caller, no message left');
});

test('message: a caller hanging up during the greeting leaves no message', () => {
  const { r } = rig('message');
  r.landline(FXO).ring(UNKNOWN);
  assert.ok(r.runUntil(() => r.landline(FXO).state().offHook, 15_000), 'the box answers');
  r.run(2000);
  r.landline(FXO).hangup();
  assert.ok(r.runUntil(() => !r.landline(FXO).state().offHook, 3000), 'the box hangs up');
  assert.deepEqual(r.store.messages.list(), []);
  assert.equal(lastCdr(r)?.hangupCause, 'screened: unknown caller, hung up during the greeting');
});
