/**
 * Transfers against real SIP peers (SIPp), the two paths the attended transfer in
 * calls-features-sip.test.ts does not take (src/calls/call-transfer.ts):
 * - a blind transfer: phone 1 hangs up while its second call still rings, so the
 *   held SIPp caller gets a REFER to the number dialled (no Replaces), and the box
 *   cancels its own ringing call once the REFER is accepted;
 * - a REFER the held caller refuses (501): the box joins the two calls itself and
 *   hangs up the caller when the other far end hangs up.
 * SIPp's scenarios check the signalling; /api/calls and the virtual phone show the
 * calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSippSuccess, freeUdpTcpPort, runSipp, sippAvailable, startSippUas } from './support/sipp.js';
import { calls, connectedCalls, flash } from './support/box-calls.js';
import { startBox, type Box } from './support/phones.js';
import { waitFor } from './support/wait-for.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';
/** The number phone 1 dials for the second call; the SIPp scenarios check it as a literal. */
const CALLEE = '2125551234';

/**
 * A box whose account's server is the SIPp callee (calls out go there, and a blind
 * transfer's Refer-To names it) and which takes calls in from any address (the SIPp caller).
 */
async function boxCallingTo(calleePort: number): Promise<Box> {
  return startBox({
    region: 'US',
    accounts: [{ id: 'main', server: `127.0.0.1:${calleePort}`, username: '2000', register: false, acceptCallsFromAnyAddress: true }],
    lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }],
  });
}

/** Phone 1 answers the SIP caller, flashes to hold it and dials the callee. */
async function answerHoldAndDial(box: Box): Promise<void> {
  await box.waitPhone(1, 'rings', (p) => p.ringing, 10_000);
  await box.sim('fxs/1/hook', { state: 'off' });
  await connectedCalls(box, 1, 'the caller is connected');
  await flash(box, 1);
  await box.waitPhone(1, 'dial tone with the caller held', (p) => p.hearing === 'dial', 3000);
  await box.sim('fxs/1/dial', { digits: CALLEE, mode: 'dtmf' });
}

test('blind transfer: phone 1 holds a SIP caller, dials a SIP callee, hangs up while it rings: REFER to the number, the ringing call is cancelled, the caller hung up after the final NOTIFY', { skip, timeout: 120_000 }, async (t) => {
  const callerPort = await freeUdpTcpPort();
  const calleePort = await freeUdpTcpPort();
  const callee = await startSippUas({ scenario: 'uas-ring-cancelled.xml', localPort: calleePort, timeoutS: 90 });
  t.after(() => callee.stop(0));
  const box = await boxCallingTo(calleePort);
  t.after(() => box.stop());
  const caller = runSipp({
    scenario: 'uac-held-blind-referred.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: callerPort, service: '2000', timeoutS: 90,
    traceMessages: true,
  });
  await answerHoldAndDial(box);
  await box.waitPhone(1, 'ringback from the callee', (p) => p.hearing === 'ringback', 10_000);
  const ringing = await calls(box);
  assert.equal(ringing.active.length, 2, JSON.stringify(ringing.active));
  assert.equal(ringing.active.filter((c) => c.state === 'connected').length, 1, `only the held caller is connected: ${JSON.stringify(ringing.active)}`);

  await box.sim('fxs/1/hook', { state: 'on' }); // the second call still rings: a blind transfer
  const callerResult = await caller; // REFER without Replaces, 202, NOTIFYs, then our BYE
  assertSippSuccess(callerResult);
  assertSippSuccess(await callee.stop(10_000)); // our CANCEL once the REFER was accepted
  const referTo = /^Refer-To:.*$/m.exec(callerResult.messagesLog ?? '')?.[0];
  assert.equal(referTo?.trim(), `Refer-To: <sip:${CALLEE}@127.0.0.1:${calleePort}>`, 'the number dialled at the account server, without Replaces');

  await waitFor('both calls are over', async () => (await calls(box)).active.length === 0, 5000, 100);
  const history = await calls(box);
  const held = history.calls.find((c) => c.direction === 'inbound');
  const second = history.calls.find((c) => c.direction === 'outbound');
  assert.deepEqual([held?.disposition, held?.hangupCause], ['answered', 'transferred'], JSON.stringify(history.calls.slice(0, 2)));
  assert.deepEqual([second?.to, second?.disposition], [CALLEE, 'cancelled'], JSON.stringify(history.calls.slice(0, 2)));
  assert.equal((await box.phone(1)).ringing, false);
});

test('REFER refused: the SIP caller answers the REFER 501, the box joins it to the SIP callee itself; the callee hangs up and the box hangs up the caller', { skip, timeout: 120_000 }, async (t) => {
  const callerPort = await freeUdpTcpPort();
  const calleePort = await freeUdpTcpPort();
  // The callee answers at once and hangs up after 10 s: time to see the calls joined.
  const callee = await startSippUas({
    scenario: 'uas-answer-wait-bye.xml', localPort: calleePort, pauseMs: 10_000, timeoutS: 90,
    extraArgs: ['-rtp_echo', '-mp', String(await freeUdpTcpPort())],
  });
  t.after(() => callee.stop(0));
  const box = await boxCallingTo(calleePort);
  t.after(() => box.stop());
  const caller = runSipp({
    scenario: 'uac-held-refer-refused.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: callerPort, service: '2000', timeoutS: 90,
    traceMessages: true,
  });
  await answerHoldAndDial(box);
  await connectedCalls(box, 2, 'the callee answered');

  await box.sim('fxs/1/hook', { state: 'on' }); // attended transfer: REFER with Replaces, refused
  await new Promise((res) => setTimeout(res, 1500));
  const joined = await calls(box);
  assert.deepEqual(joined.active.map((c) => [c.direction, c.state]).sort(), [['inbound', 'connected'], ['outbound', 'connected']],
    `the box keeps both calls, joined: ${JSON.stringify(joined.active)}`);
  const phone = await box.phone(1);
  assert.deepEqual([phone.hook, phone.ringing], ['on', false], JSON.stringify(phone));

  // The callee hangs up (10 s after answering): the box ends the caller's call too.
  // (`exited`, not stop(grace): stop's grace timer would keep the test process alive.)
  assertSippSuccess(await callee.exited);
  assertSippSuccess(await caller); // 501 to the REFER, the resume offer, then our BYE
  await waitFor('both calls are over', async () => (await calls(box)).active.length === 0, 5000, 100);
  const history = await calls(box);
  const held = history.calls.find((c) => c.direction === 'inbound');
  const second = history.calls.find((c) => c.direction === 'outbound');
  assert.deepEqual([held?.disposition, held?.hangupCause], ['answered', 'the other party hung up'], JSON.stringify(history.calls.slice(0, 2)));
  assert.deepEqual([second?.to, second?.disposition], [CALLEE, 'answered'], JSON.stringify(history.calls.slice(0, 2)));
  assert.equal((await box.phone(1)).ringing, false);
});
