/**
 * Self-test of the interoperability harness, without our user agent:
 * Kamailio starts/answers/stops, SIPp registers through it (and fails with a
 * wrong password), and SIPp scenarios pair with each other so that runSipp,
 * startSippUas and the statistics parsing are known to work before they are
 * pointed at Dialtone's UA.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSippSuccess, freeUdpTcpPort, portBound, runSipp, sippAvailable, startSippUas, type SippTransport } from '../support/sipp.js';
import { kamailioAvailable, startKamailio, waitForSipOptions } from '../support/kamailio.js';

const noSipp = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';
const noKamailio = kamailioAvailable() ? false : 'kamailio not installed (Debian package kamailio)';
const noBoth = noSipp !== false ? noSipp : noKamailio;

test('freeUdpTcpPort returns a port that is free for both UDP and TCP', async () => {
  const port = await freeUdpTcpPort();
  assert.ok(port > 1024 && port < 65536, `port ${port}`);
  assert.equal(portBound(port, 'u1'), false);
  assert.equal(portBound(port, 't1'), false);
});

test('Kamailio starts, answers OPTIONS over UDP, and stops cleanly', { skip: noKamailio, timeout: 20_000 }, async (t) => {
  const k = await startKamailio();
  t.after(() => k.stop());
  assert.equal(k.domain, 'dialtone.test');
  assert.ok(portBound(k.port, 'u1'), 'UDP listener');
  assert.ok(portBound(k.port, 't1'), 'TCP listener');
  const status = await waitForSipOptions(k.port, 2000);
  assert.match(status, /^SIP\/2\.0 200 /, k.log());
  await k.stop();
  assert.equal(portBound(k.port, 'u1'), false, 'UDP port released after stop');
  assert.equal(portBound(k.port, 't1'), false, 'TCP port released after stop');
  await assert.rejects(waitForSipOptions(k.port, 300), /no answer to OPTIONS/);
});

for (const transport of ['u1', 't1'] as const satisfies readonly SippTransport[]) {
  test(`SIPp registers alice with Kamailio over ${transport === 'u1' ? 'UDP' : 'TCP'} (401 challenge, then 200)`, { skip: noBoth, timeout: 30_000 }, async (t) => {
    const k = await startKamailio();
    t.after(() => k.stop());
    const r = await runSipp({
      scenario: 'register-auth.xml',
      remote: `127.0.0.1:${k.port}`,
      transport,
      keys: { user: 'alice', domain: k.domain, expires: '60' },
      authUser: 'alice',
      authPassword: 'alice-secret',
      timeoutS: 10,
    });
    assertSippSuccess(r, 1);
  });
}

test('SIPp registration with a wrong password fails (Kamailio answers 403)', { skip: noBoth, timeout: 30_000 }, async (t) => {
  const k = await startKamailio();
  t.after(() => k.stop());
  const r = await runSipp({
    scenario: 'register-auth.xml',
    remote: `127.0.0.1:${k.port}`,
    keys: { user: 'alice', domain: k.domain, expires: '60' },
    authUser: 'alice',
    authPassword: 'not-the-secret',
    timeoutS: 10,
  });
  assert.equal(r.successful, 0, r.report);
  assert.equal(r.failed, 1, r.report);
  assert.equal(r.exitCode, 1, r.report);
  assert.match(r.errorLog, /403 Forbidden/, r.report);
});

test('runSipp reports a failed call when nobody answers (global timeout)', { skip: noSipp, timeout: 30_000 }, async () => {
  const port = await freeUdpTcpPort();
  const r = await runSipp({ scenario: 'uac-call-caller-hangs-up.xml', remote: `127.0.0.1:${port}`, timeoutS: 2 });
  assert.notEqual(r.exitCode, 0, r.report);
  assert.equal(r.successful, 0, r.report);
  assert.throws(() => assertSippSuccess(r), /expected 1 successful SIPp call/);
});

const pairings: Array<{ uac: string; uas: string; transport: SippTransport; lost?: number }> = [
  { uac: 'uac-call-caller-hangs-up.xml', uas: 'uas-answer.xml', transport: 'u1' },
  { uac: 'uac-call-caller-hangs-up.xml', uas: 'uas-answer.xml', transport: 't1' },
];

for (const p of pairings) {
  test(`SIPp ${p.uac} against SIPp ${p.uas} over ${p.transport}${p.lost !== undefined ? ` with ${p.lost}% loss` : ''}`, { skip: noSipp, timeout: 30_000 }, async (t) => {
    const uas = await startSippUas({ scenario: p.uas, transport: p.transport, timeoutS: 15, ...(p.lost !== undefined ? { lost: p.lost } : {}) });
    t.after(() => uas.stop(0));
    const uac = await runSipp({ scenario: p.uac, remote: `127.0.0.1:${uas.port}`, transport: p.transport, timeoutS: 12, ...(p.lost !== undefined ? { lost: p.lost } : {}) });
    const server = await uas.stop();
    assertSippSuccess(uac, 1);
    assertSippSuccess(server, 1);
  });
}

const pairings2: Array<{ uac: string; uas: string; transport: SippTransport; lost?: number; pauseMs?: number; auth?: [string, string]; expectFail?: boolean }> = [
  { uac: 'uac-call-callee-hangs-up.xml', uas: 'uas-answer-then-bye.xml', transport: 'u1' },
  // Loss on the caller's side only (both ways through its socket): with -lost on both
  // SIPps, one run in ~15 stalled inside SIPp with no 200 reaching the caller in 12 s.
  // Talk 4 s: a lost ACK is resent on the 200's retransmissions (0.5, 1.5, 3.5 s)
  // before the BYE comes; a BYE that overtakes it fails SIPp's answering side.
  { uac: 'uac-call-caller-hangs-up.xml', uas: 'uas-answer.xml', transport: 'u1', lost: 10, pauseMs: 4000 },
  { uac: 'uac-call-auth-407.xml', uas: 'uas-challenge-407.xml', transport: 'u1', auth: ['alice', 'alice-secret'] },
  { uac: 'uac-call-auth-401.xml', uas: 'uas-challenge-401.xml', transport: 'u1', auth: ['alice', 'alice-secret'] },
  { uac: 'uac-call-auth-401.xml', uas: 'uas-challenge-401.xml', transport: 'u1', auth: ['alice', 'wrong-secret'], expectFail: true },
];

for (const p of pairings2) {
  test(`SIPp ${p.uac} against SIPp ${p.uas} over ${p.transport}${p.lost !== undefined ? ` with ${p.lost}% loss at the caller` : ''}${p.expectFail === true ? ' fails with a wrong password' : ''}`, { skip: noSipp, timeout: 30_000 }, async (t) => {
    const lost = p.lost !== undefined ? { lost: p.lost } : {};
    const uas = await startSippUas({ scenario: p.uas, transport: p.transport, timeoutS: 15 });
    t.after(() => uas.stop(0));
    const uac = await runSipp({ scenario: p.uac, remote: `127.0.0.1:${uas.port}`, transport: p.transport, timeoutS: 12, ...lost, ...(p.pauseMs !== undefined ? { pauseMs: p.pauseMs } : {}), ...(p.auth !== undefined ? { authUser: p.auth[0], authPassword: p.auth[1] } : {}) });
    const server = await uas.stop();
    if (p.expectFail === true) {
      // The scenario answers 403 only when verifyauth refused the digest: its screen counts
      // that 403. SIPp's own ending races the caller's next message (it exits 255 with the
      // failure uncounted, or counts it on an unexpected BYE), so its counters prove less.
      assert.equal(server.successful, 0, server.report);
      assert.match(server.report, /<-+ 403 +1 /, server.report);
      assert.equal(uac.successful, 0, uac.report);
      return;
    }
    assertSippSuccess(uac, 1);
    assertSippSuccess(server, 1);
  });
}
