/**
 * Call screening against a real SIP caller (SIPp), issue 6: with a list of known
 * callers, an unknown caller is refused (603 Decline) or answered by the box with the
 * announcement and hung up on; the phone never rings, and the call history shows the
 * call as screened. (The SIPp caller's From is sip:sipp@…, which has no number: an
 * unknown caller. Blocked numbers and withheld numbers are covered by the unit tests
 * of call-screening.ts and by the landline tests in phone-dialing.test.ts.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSippSuccess, freeUdpTcpPort, runSipp, sippAvailable } from './support/sipp.js';
import { startBox, type Box } from './support/phones.js';
import { waitFor } from './support/wait-for.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

interface CallsBody {
  calls: { direction: string; disposition: string; hangupCause: string; from: string }[];
}

async function screenedBox(sippPort: number, unknownCallers: 'reject' | 'announce'): Promise<Box> {
  return startBox({
    region: 'US',
    accounts: [{ id: 'main', server: `127.0.0.1:${sippPort}`, username: '2000', register: false }],
    lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }],
    callScreening: { allowed: ['2125550000'], unknownCallers },
  });
}

async function screenedCall(box: Box): Promise<CallsBody['calls'][number]> {
  let found: CallsBody['calls'][number] | undefined;
  await waitFor('the screened call is in the history', async () => {
    found = ((await box.api.request('GET', '/api/calls')).json as CallsBody).calls.find((c) => c.disposition === 'screened');
    return found !== undefined;
  }, 10_000, 100);
  assert.ok(found !== undefined);
  return found;
}

test('an unknown SIP caller is refused with 603 and the phone does not ring', { skip, timeout: 60_000 }, async (t) => {
  const sippPort = await freeUdpTcpPort();
  const box = await screenedBox(sippPort, 'reject');
  t.after(() => box.stop());
  const r = await runSipp({
    scenario: 'uac-expect-final.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: sippPort, service: '2000', timeoutS: 20,
    keys: { expect_status: '603', target: '-', reason: '-' }, extraArgs: ['-mp', String(await freeUdpTcpPort())],
  });
  assertSippSuccess(r);
  const cdr = await screenedCall(box);
  assert.deepEqual({ direction: cdr.direction, cause: cdr.hangupCause }, { direction: 'inbound', cause: 'screened: unknown caller' });
  assert.equal((await box.phone(1)).rings, 0, 'the phone never rang');
});

test('an unknown SIP caller is answered with the announcement, then the box hangs up; the phone does not ring', { skip, timeout: 60_000 }, async (t) => {
  const sippPort = await freeUdpTcpPort();
  const box = await screenedBox(sippPort, 'announce');
  t.after(() => box.stop());
  const started = Date.now();
  const r = await runSipp({
    scenario: 'uac-call-callee-hangs-up.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: sippPort, service: '2000', timeoutS: 30,
    extraArgs: ['-mp', String(await freeUdpTcpPort())],
  });
  assertSippSuccess(r);
  const seconds = (Date.now() - started) / 1000;
  // The announcement is 6.2 s long: the BYE comes after it has played, not at once.
  assert.ok(seconds > 5.5, `the box hung up after ${seconds.toFixed(1)} s`);
  const cdr = await screenedCall(box);
  assert.equal(cdr.hangupCause, 'screened: unknown caller, announcement played');
  assert.equal((await box.phone(1)).rings, 0, 'the phone never rang');
  const out = box.app.output();
  assert.doesNotMatch(out, /"level":"(error|fatal)"|"level":[56]0/, 'no errors logged');
});
