/**
 * Issue 6 acceptance, the flash features against real SIP peers (SIPp): call waiting
 * (two SIPp callers, flash to take the second and to swap back), a 3-way call (a SIPp
 * caller and the other phone, mixed in the box, then joined when the phone hangs
 * up), and an attended transfer by REFER with Replaces (a SIPp caller and a SIPp
 * callee). SIPp's scenarios check the signalling (hold and resume offers, the REFER);
 * the virtual phones and /api/calls show the audio and the calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSippSuccess, freeUdpTcpPort, runSipp, sippAvailable, startSippUas } from './support/sipp.js';
import { calls, connectedCalls, flash } from './support/box-calls.js';
import { noiseWav, startBox, type Box } from './support/phones.js';
import { waitFor } from './support/wait-for.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';
const CALLEE = '2125551234';

/** The phone talks into its microphone; true when it then hears speech (an echo through SIPp, or the mix). */
async function hearsItselfBack(box: Box, port: number): Promise<void> {
  const play = await box.api.request('POST', `/api/sim/fxs/${port}/play`, noiseWav(3000));
  assert.equal(play.status, 202, play.text);
  await box.waitPhone(port, `phone ${port} hears its voice come back`, (p) => p.hearing === 'voice', 5000);
  await new Promise((res) => setTimeout(res, 3000));
}

test('call waiting: a second SIP call plays the waiting tone; flash holds the first and answers it; flash swaps back', { skip, timeout: 120_000 }, async (t) => {
  const first = await freeUdpTcpPort();
  const second = await freeUdpTcpPort();
  const box = await startBox({
    region: 'US',
    accounts: [{ id: 'main', server: `127.0.0.1:${first}`, username: '2000', register: false, acceptCallsFromAnyAddress: true }],
    lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }],
  });
  t.after(() => box.stop());
  const a = runSipp({ scenario: 'uac-held-resumed.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: first, service: '2000', timeoutS: 90 });
  await box.waitPhone(1, 'rings for the first call', (p) => p.ringing, 10_000);
  await box.sim('fxs/1/hook', { state: 'off' });
  await connectedCalls(box, 1, 'the first call is up');

  const b = runSipp({
    scenario: 'uac-held-hangs-up.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: second, service: '2000', timeoutS: 90,
    pauseMs: 3000, extraArgs: ['-rtp_echo', '-mp', String(await freeUdpTcpPort())],
  });
  await box.waitPhone(1, 'hears the call-waiting tone', (p) => p.hearing === 'callwaiting', 15_000);
  assert.equal((await box.phone(1)).rings, 1, 'a phone in a call is not rung for the second call');

  await flash(box, 1);
  await connectedCalls(box, 2, 'the waiting call is answered, the first is held');
  await hearsItselfBack(box, 1); // the second caller echoes: the phone talks to it

  await flash(box, 1); // back to the first caller: the second is held, then hangs up after 3 s
  assertSippSuccess(await b);
  await connectedCalls(box, 1, 'the second caller hung up; the first call goes on');
  await box.sim('fxs/1/hook', { state: 'on' });
  assertSippSuccess(await a);
  const history = await calls(box);
  assert.deepEqual(history.calls.slice(0, 2).map((c) => [c.direction, c.disposition]), [['inbound', 'answered'], ['inbound', 'answered']]);
});

test('3-way call: a SIP caller is held, phone 1 calls phone 2, flash mixes all three; phone 1 hangs up and the other two stay joined', { skip, timeout: 120_000 }, async (t) => {
  const sippPort = await freeUdpTcpPort();
  const box = await startBox({
    region: 'US',
    accounts: [{ id: 'main', server: `127.0.0.1:${sippPort}`, username: '2000', register: false }],
    lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }, { port: 2, kind: 'fxs', extension: '102' }],
  });
  t.after(() => box.stop());
  // SIPp echoes what it receives: whoever's voice reaches it comes back.
  const a = runSipp({
    scenario: 'uac-held-resumed.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: sippPort, service: '2000', timeoutS: 100,
    extraArgs: ['-rtp_echo', '-mp', String(await freeUdpTcpPort())],
  });
  await box.waitPhone(1, 'rings', (p) => p.ringing, 10_000);
  await box.sim('fxs/1/hook', { state: 'off' });
  await connectedCalls(box, 1, 'the SIP call is up');

  await flash(box, 1);
  await box.waitPhone(1, 'dial tone with the SIP call held', (p) => p.hearing === 'dial', 3000);
  await box.sim('fxs/1/dial', { digits: '102#', mode: 'dtmf' });
  await box.waitPhone(2, 'phone 2 rings', (p) => p.ringing, 5000);
  await box.sim('fxs/2/hook', { state: 'off' });
  await connectedCalls(box, 2, 'phone 1 talks to phone 2');

  await flash(box, 1); // the 3-way call: the SIP caller is resumed into the mix
  await hearsItselfBack(box, 2); // phone 2 → mix → SIPp (echo) → mix → phone 2

  await box.sim('fxs/1/hook', { state: 'on' }); // phone 1 leaves: the SIP caller and phone 2 stay joined
  await new Promise((res) => setTimeout(res, 1500));
  await hearsItselfBack(box, 2);
  assert.equal((await box.phone(1)).ringing, false);
  await box.sim('fxs/2/hook', { state: 'on' });
  assertSippSuccess(await a); // the BYE reaches SIPp when phone 2 hangs up
  await waitFor('no call left', async () => (await calls(box)).active.length === 0, 5000, 100);
});

test('attended transfer: phone 1 holds a SIP caller, calls a SIP callee, hangs up: the caller gets a REFER with Replaces, the box leaves both calls', { skip, timeout: 120_000 }, async (t) => {
  const callerPort = await freeUdpTcpPort();
  const calleePort = await freeUdpTcpPort();
  const callee = await startSippUas({
    scenario: 'uas-ring-answer.xml', localPort: calleePort, pauseMs: 1000, timeoutS: 90,
    extraArgs: ['-rtp_echo', '-mp', String(await freeUdpTcpPort())],
  });
  t.after(() => callee.stop(0));
  // Calls out go through the "outbound proxy", which is the SIPp callee; calls in come from the "server", the SIPp caller.
  const box = await startBox({
    region: 'US',
    accounts: [{ id: 'main', server: `127.0.0.1:${callerPort}`, outboundProxy: `127.0.0.1:${calleePort}`, username: '2000', register: false }],
    lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }],
  });
  t.after(() => box.stop());
  const caller = runSipp({ scenario: 'uac-held-referred.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: callerPort, service: '2000', timeoutS: 90 });
  await box.waitPhone(1, 'rings', (p) => p.ringing, 10_000);
  await box.sim('fxs/1/hook', { state: 'off' });
  await connectedCalls(box, 1, 'the caller is connected');

  await flash(box, 1);
  await box.waitPhone(1, 'dial tone with the caller held', (p) => p.hearing === 'dial', 3000);
  await box.sim('fxs/1/dial', { digits: CALLEE, mode: 'dtmf' });
  await connectedCalls(box, 2, 'the callee answered');
  await hearsItselfBack(box, 1); // talking to the callee (it echoes)

  await box.sim('fxs/1/hook', { state: 'on' });
  assertSippSuccess(await caller); // REFER with Replaces, NOTIFYs, then our BYE
  assertSippSuccess(await callee.stop(10_000)); // our BYE once the transfer succeeded
  await waitFor('both calls are over', async () => (await calls(box)).active.length === 0, 5000, 100);
  const history = await calls(box);
  assert.deepEqual(history.calls.slice(0, 2).map((c) => c.hangupCause).sort(), ['transferred', 'transferred']);
});

test('a landline call goes to the configured SIP number with the landline caller ID in From; the landline is answered when SIP answers', { skip, timeout: 90_000 }, async (t) => {
  const sippPort = await freeUdpTcpPort();
  const uas = await startSippUas({
    scenario: 'uas-ring-answer.xml', localPort: sippPort, pauseMs: 1000, timeoutS: 60, traceMessages: true,
    extraArgs: ['-rtp_echo', '-mp', String(await freeUdpTcpPort())],
  });
  t.after(() => uas.stop(0));
  const box = await startBox({
    region: 'US',
    accounts: [{ id: 'main', server: `127.0.0.1:${sippPort}`, username: '2000', register: false }],
    lines: [{ port: 1, kind: 'fxs', extension: '101' }, { port: 3, kind: 'fxo', account: 'main', sipTarget: CALLEE }],
  });
  t.after(() => box.stop());
  await box.sim('fxo/3/ring', { number: '5551234', name: 'ALICE' });
  await box.waitLandline(3, 'the landline is answered once SIP answers', (l) => l.offHook, 20_000);
  assert.equal((await box.phone(1)).rings, 0, 'no phone rings: the call went to SIP');
  const play = await box.api.request('POST', '/api/sim/fxo/3/play', noiseWav(3000));
  assert.equal(play.status, 202, play.text);
  await box.waitLandline(3, 'the landline caller hears its voice back through SIPp', (l) => l.hearing === 'voice', 5000);
  await box.sim('fxo/3/hangup');
  const result = await uas.stop(10_000);
  assertSippSuccess(result);
  const invite = /INVITE sip:[\s\S]*?\n\s*\n/.exec(result.messagesLog ?? '')?.[0] ?? '';
  assert.match(invite, /^From: "ALICE" <sip:5551234@/m, `From carries the landline caller ID:\n${invite}`);
  const history = await calls(box);
  assert.deepEqual([history.calls[0]?.direction, history.calls[0]?.to, history.calls[0]?.disposition], ['inbound', CALLEE, 'answered']);
});
