/**
 * Issue 6 acceptance, inbound SIP: SIPp calls the box's account and a phone on the
 * simulated board takes the call. Everything is observed from outside: SIPp's verdict,
 * the virtual phone's state through /api/sim, and the call history through /api/calls.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSippSuccess, freeUdpTcpPort, runSipp, sippAvailable, SIPP_DIR } from './support/sipp.js';
import { noiseWav, type Box } from './support/phones.js';
import { BOARDS_UNDER_TEST, type BoardUnderTest } from './support/boards-under-test.js';
import { writeRtpPcap } from './support/rtp-pcap.js';
import { sine } from '../src/calls/test-support/router-rig.js';

const skip = sippAvailable() ? false : 'sipp not installed (Debian package sip-tester)';

interface CallsBody {
  active: unknown[];
  calls: { direction: string; disposition: string; from: string; port: number | null; account: string | null; media: { packetsReceived: number; packetsSent: number; codec: string } | null }[];
}

async function boxWithAccount(board: BoardUnderTest, sippPort: number): Promise<Box> {
  return board.start({
    region: 'US',
    // No registration: the "server" is SIPp itself, so the inbound policy trusts 127.0.0.1.
    accounts: [{ id: 'main', server: `127.0.0.1:${sippPort}`, username: '2000', register: false }],
    lines: [
      { port: 1, kind: 'fxs', account: 'main', extension: '101' },
      { port: 2, kind: 'fxs', extension: '102' },
      { port: 3, kind: 'fxo', prefix: '9' },
    ],
  });
}

/** When `ringing` turns on, polled, for `ms`. */
async function ringStarts(box: Box, port: number, ms: number): Promise<number[]> {
  const starts: number[] = [];
  let was = false;
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const p = await box.phone(port);
    if (p.ringing && !was) starts.push(Date.now());
    was = p.ringing;
    await new Promise((r) => setTimeout(r, 50));
  }
  return starts;
}

for (const board of BOARDS_UNDER_TEST) {
  test(`${board.name}: SIPp calls the account: phone 1 rings in the US cadence with caller ID, answers, hears SIPp's audio; SIPp hangs up and the phone hears reorder`, { skip: skip || board.skip, timeout: 90_000 }, async (t) => {
    const sippPort = await freeUdpTcpPort();
    const box = await boxWithAccount(board, sippPort);
    t.after(() => box.stop());
    const dir = mkdtempSync(join(tmpdir(), 'dialtone-sipp-'));
    writeRtpPcap(join(dir, 'phone-audio.pcap'), sine(1000, 3000, 10_000));
    const scenario = join(dir, 'uac-call-phone-audio.xml');
    copyFileSync(join(SIPP_DIR, 'uac-call-phone-audio.xml'), scenario);

    const sipp = runSipp({
      scenario, remote: `127.0.0.1:${box.app.sipPort}`, localPort: sippPort, service: '2000',
      keys: { caller_number: '5551234', caller_name: 'Alice Smith' }, pauseMs: 5000, timeoutS: 60,
    });
    // US ring cadence: 2 s on, 4 s off; the second ring starts 6 s after the first.
    const starts = await ringStarts(box, 1, 9000);
    assert.ok(starts.length >= 2, `two rings in 9 s (${starts.length})`);
    assert.ok(Math.abs(starts[1]! - starts[0]! - 6000) < 500, `ring period ${starts[1]! - starts[0]!} ms`);
    const rung = await box.phone(1);
    assert.equal(rung.callerId?.number, '5551234', 'caller ID decoded from the FSK after the first ring');
    assert.equal(rung.callerId?.name, 'Alice Smith');
    assert.equal((await box.phone(2)).rings, 0, 'phone 2 has no account: it does not ring');

    await box.sim('fxs/1/hook', { state: 'off' });
    await box.waitPhone(1, 'hears SIPp\'s audio', (p) => p.hearing === 'voice', 6000);
    await box.waitPhone(1, 'hears reorder once SIPp has hung up', (p) => p.hearing === 'reorder', 15_000);
    assertSippSuccess(await sipp);
    await box.sim('fxs/1/hook', { state: 'on' });

    const calls = (await box.api.request('GET', '/api/calls')).json as CallsBody;
    const cdr = calls.calls[0];
    assert.equal(cdr?.direction, 'inbound');
    assert.equal(cdr?.disposition, 'answered');
    assert.equal(cdr?.from, '5551234');
    assert.equal(cdr?.port, 1);
    assert.equal(cdr?.account, 'main');
    assert.ok((cdr?.media?.packetsReceived ?? 0) > 50, `RTP received: ${JSON.stringify(cdr?.media)}`);
  });

  test(`${board.name}: SIPp calls, the phone answers and talks into an echo: its audio reaches SIPp and comes back; the phone hangs up and SIPp gets the BYE`, { skip: skip || board.skip, timeout: 90_000 }, async (t) => {
    const sippPort = await freeUdpTcpPort();
    const mediaPort = await freeUdpTcpPort();
    const box = await boxWithAccount(board, sippPort);
    t.after(() => box.stop());
    const sipp = runSipp({
      scenario: 'uac-call-callee-hangs-up.xml', remote: `127.0.0.1:${box.app.sipPort}`, localPort: sippPort, service: '2000', timeoutS: 60,
      extraArgs: ['-rtp_echo', '-mp', String(mediaPort)],
    });
    await box.waitPhone(1, 'rings', (p) => p.ringing || p.rings > 0, 15_000);
    await box.sim('fxs/1/hook', { state: 'off' });
    await box.waitPhone(1, 'the call is quiet before the phone talks', (p) => p.hearing === 'silence', 6000);
    await box.sim('fxs/1/play', noiseWav(4000));
    await box.waitPhone(1, 'hears its own voice back from SIPp', (p) => p.hearing === 'voice', 6000);
    await box.sim('fxs/1/hook', { state: 'on' });
    assertSippSuccess(await sipp);
    const calls = (await box.api.request('GET', '/api/calls')).json as CallsBody;
    assert.equal(calls.calls[0]?.disposition, 'answered');
    assert.ok((calls.calls[0]?.media?.packetsSent ?? 0) > 20);
  });
}
