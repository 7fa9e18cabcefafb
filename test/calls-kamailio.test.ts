/**
 * Issue 6 acceptance, outbound SIP: the box registers with Kamailio; a phone on the
 * simulated board goes off hook, hears dial tone, dials a number (DTMF, then rotary
 * pulses), the box sends the INVITE through Kamailio, which finds the callee (SIPp,
 * registered as that number); the phone hears ringback, then two-way audio (SIPp
 * echoes the phone's voice back).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kamailioAvailable, startKamailio } from './support/kamailio.js';
import { assertSippSuccess, freeUdpTcpPort, runSipp, sippAvailable, startSippUas } from './support/sipp.js';
import { noiseWav, startBox } from './support/phones.js';
import { waitFor } from './support/wait-for.js';

const skip = !kamailioAvailable() ? 'kamailio not installed (Debian package kamailio)' : !sippAvailable() ? 'sipp not installed (Debian package sip-tester)' : false;

const CALLEE = '2125551234';

interface Registration { id: string; state: string }

for (const mode of ['dtmf', 'pulse'] as const) {
  test(`phone 1 dials ${CALLEE} by ${mode}: INVITE through Kamailio, ringback, then two-way audio`, { skip, timeout: 120_000 }, async (t) => {
    const stack: (() => Promise<unknown>)[] = [];
    t.after(async () => {
      for (const fn of stack.reverse()) await fn().catch(() => undefined);
    });
    const k = await startKamailio({ users: { alice: 'alice-secret', [CALLEE]: 'callee-secret' } });
    stack.push(() => k.stop());
    // The callee: SIPp registers as 5551234, then answers on the same port, echoing RTP.
    const calleePort = await freeUdpTcpPort();
    const reg = await runSipp({
      scenario: 'register-auth.xml', remote: `127.0.0.1:${k.port}`, localPort: calleePort,
      keys: { user: CALLEE, domain: k.domain, expires: '300' }, authUser: CALLEE, authPassword: 'callee-secret',
    });
    assertSippSuccess(reg);
    const uas = await startSippUas({
      scenario: 'uas-ring-answer.xml', localPort: calleePort, pauseMs: 3000, timeoutS: 90,
      extraArgs: ['-rtp_echo', '-mp', String(await freeUdpTcpPort())],
    });
    stack.push(() => uas.stop(0));

    const box = await startBox({
      region: 'US',
      accounts: [{ id: 'main', server: `127.0.0.1:${k.port}`, username: 'alice', password: 'alice-secret', registerExpires: 300 }],
      lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '101' }, { port: 2, kind: 'fxs', extension: '102' }],
    });
    stack.push(() => box.stop());
    await waitFor('the box registers with Kamailio', async () => {
      const s = (await box.api.request('GET', '/api/status')).json as { sip: { registrations: Registration[] } };
      return s.sip.registrations.find((r) => r.id === 'main' && r.state === 'registered');
    }, 15_000, 200);

    await box.sim('fxs/1/hook', { state: 'off' });
    await box.waitPhone(1, 'hears dial tone', (p) => p.hearing === 'dial');
    await box.sim('fxs/1/dial', { digits: CALLEE, mode });
    await box.waitPhone(1, 'hears ringback', (p) => p.hearing === 'ringback', 10_000);
    const status = (await box.api.request('GET', '/api/status')).json as { calls: { state: string; to: string; via: string }[] };
    assert.deepEqual(status.calls.map((c) => [c.to, c.via]), [[CALLEE, 'sip']]);
    await box.waitPhone(1, 'the ringback stops: the callee answered', (p) => p.hearing === 'silence', 10_000);
    const play = await box.api.request('POST', '/api/sim/fxs/1/play', noiseWav(4000));
    assert.equal(play.status, 202, play.text);
    await box.waitPhone(1, 'hears its own voice back through the callee', (p) => p.hearing === 'voice', 6000);
    const live = (await box.api.request('GET', '/api/calls')).json as { active: { state: string; media: { codec: string } | null }[] };
    assert.equal(live.active[0]?.state, 'connected');
    assert.equal(live.active[0]?.media?.codec, 'PCMU');
    await box.sim('fxs/1/hook', { state: 'on' });
    assertSippSuccess(await uas.stop(10_000));
    const calls = (await box.api.request('GET', '/api/calls')).json as { calls: { direction: string; to: string; disposition: string }[] };
    assert.deepEqual([calls.calls[0]?.direction, calls.calls[0]?.to, calls.calls[0]?.disposition], ['outbound', CALLEE, 'answered']);
  });
}
