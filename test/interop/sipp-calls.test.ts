/**
 * Our user agent against SIPp (Debian's sip-tester), both ways: SIPp calls us (answered,
 * hung up by either side, cancelled, held and resumed, 100rel, over UDP and TCP, with
 * packet loss), and we call SIPp (answered, hung up by either side, 401 and 407
 * challenges). Scenarios are in test/sipp/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSippSuccess, runSipp, sippAvailable, startSippUas, type SippTransport } from '../support/sipp.js';
import { startTestUa, type TestUa } from '../support/test-ua.js';
import { waitFor } from '../support/wait-for.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

async function ua(t: { after(fn: () => Promise<void>): void }, behaviour: TestUa['behaviour'] = {}): Promise<TestUa> {
  const u = await startTestUa({ behaviour });
  t.after(() => u.stop());
  return u;
}

const incomingCases: { scenario: string; title: string; behaviour?: TestUa['behaviour']; transport?: SippTransport; lost?: number; calls?: number }[] = [
  { scenario: 'uac-call-caller-hangs-up.xml', title: 'SIPp calls us, we answer, SIPp hangs up (UDP)' },
  { scenario: 'uac-call-caller-hangs-up.xml', title: 'SIPp calls us, we answer, SIPp hangs up (TCP)', transport: 't1' },
  { scenario: 'uac-call-callee-hangs-up.xml', title: 'SIPp calls us, we answer and hang up', behaviour: { hangupAfterMs: 300 } },
  { scenario: 'uac-cancel.xml', title: 'SIPp cancels before we answer: 487', behaviour: { ringMs: 5000 } },
  { scenario: 'uac-hold-resume.xml', title: 'SIPp holds and resumes with re-INVITEs: we answer recvonly then sendrecv' },
  { scenario: 'uac-100rel.xml', title: 'SIPp requires 100rel: our 180 is reliable and its PRACK answered' },
  { scenario: 'uac-call-caller-hangs-up.xml', title: 'ten calls with 10 % packet loss all complete (retransmissions)', lost: 10, calls: 10 },
];

for (const c of incomingCases) {
  test(c.title, { skip, timeout: 60_000 }, async (t) => {
    const u = await ua(t, c.behaviour);
    const result = await runSipp({
      scenario: c.scenario, remote: `127.0.0.1:${u.port}`, service: 'alice',
      ...(c.transport !== undefined ? { transport: c.transport } : {}),
      ...(c.lost !== undefined ? { lost: c.lost, timeoutS: 40 } : {}),
      ...(c.calls !== undefined ? { calls: c.calls, rate: 5 } : {}),
    });
    assertSippSuccess(result, c.calls ?? 1);
    await waitFor('our side to end every call', async () => (u.ended.length >= (c.calls ?? 1) ? true : undefined), 10_000);
    if (c.scenario === 'uac-cancel.xml') assert.equal(u.ended[0]?.cause, 'cancelled');
  });
}

const outgoingCases: { scenario: string; title: string; hangupAfterMs?: number; credentials?: boolean; by: 'local' | 'remote' }[] = [
  { scenario: 'uas-answer.xml', title: 'we call SIPp, it answers, we hang up', hangupAfterMs: 200, by: 'local' },
  { scenario: 'uas-answer-then-bye.xml', title: 'we call SIPp, it answers and hangs up', by: 'remote' },
  { scenario: 'uas-challenge-401.xml', title: 'we call SIPp, it challenges with 401: we retry with a digest it verifies', hangupAfterMs: 200, credentials: true, by: 'local' },
  { scenario: 'uas-challenge-407.xml', title: 'we call SIPp, it challenges with 407: we retry with Proxy-Authorization', hangupAfterMs: 200, credentials: true, by: 'local' },
];

for (const c of outgoingCases) {
  test(c.title, { skip, timeout: 60_000 }, async (t) => {
    const u = await ua(t);
    const sipp = await startSippUas({ scenario: c.scenario });
    const session = u.call({
      from: { uri: 'sip:alice@127.0.0.1' },
      to: { uri: `sip:service@127.0.0.1:${sipp.port}` },
      ...(c.credentials === true ? { credentials: { username: 'alice', password: 'alice-secret' } } : {}),
    });
    if (c.hangupAfterMs !== undefined) {
      const after = c.hangupAfterMs;
      session.once('answered', () => setTimeout(() => session.hangup(), after));
    }
    const ended = await waitFor('the call to end', async () => u.ended[0], 20_000);
    assertSippSuccess(await sipp.stop());
    assert.equal(ended.by, c.by);
    assert.equal(ended.cause, 'normal');
    assert.equal(u.answered, 1);
  });
}
