/**
 * Message waiting from the provider (RFC 3842 unsolicited NOTIFY, as Asterisk and
 * FreeSWITCH send it), through the real entry point: the account's phone shows it,
 * and keeps showing it when the lines are rebuilt for new settings (a region
 * change); "no" turns it off. The voicemail server sends a NOTIFY only when the
 * count changes, so state lost in a rebuild would stay lost until the next message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { startBox } from './support/phones.js';
import { waitFor } from './support/wait-for.js';

interface PortStatus { port: number; messageWaiting: boolean }
interface Status { lines: { fxs: PortStatus[] } }

let cseq = 1;

/** Sends an unsolicited message-summary NOTIFY from `sock` to the box and resolves with the status line of its answer. */
async function notify(sock: Socket, sipPort: number, waiting: boolean): Promise<string> {
  const local = sock.address().port;
  const body = `Messages-Waiting: ${waiting ? 'yes' : 'no'}\r\nMessage-Account: sip:*97@127.0.0.1\r\nVoice-Message: ${waiting ? '2/0' : '0/0'} (0/0)\r\n`;
  const msg = [
    'NOTIFY sip:1001@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bK-mwi-${Date.now()}-${cseq};rport`,
    'Max-Forwards: 70',
    `From: <sip:1001@127.0.0.1:${local}>;tag=vm`,
    'To: <sip:1001@127.0.0.1>',
    `Call-ID: mwi-${Date.now()}-${cseq}@127.0.0.1`,
    `CSeq: ${cseq++} NOTIFY`,
    'Event: message-summary',
    'Subscription-State: active',
    'Content-Type: application/simple-message-summary',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '', body,
  ].join('\r\n');
  const answer = once(sock, 'message') as Promise<[Buffer]>;
  sock.send(msg, sipPort, '127.0.0.1');
  const [reply] = await answer;
  return reply.toString('utf8').split('\r\n')[0] ?? '';
}

test('message waiting from the provider shows on the account\'s phone, survives a rebuild of the lines, and clears', async () => {
  const voicemail = createSocket('udp4');
  voicemail.bind(0, '127.0.0.1');
  await once(voicemail, 'listening');
  const server = `127.0.0.1:${voicemail.address().port}`;
  const box = await startBox({
    region: 'US',
    accounts: [{ id: 'main', server, transport: 'udp', username: '1001', password: '', register: false }],
    lines: [{ port: 1, kind: 'fxs', account: 'main', extension: '11' }, { port: 2, kind: 'fxs', extension: '12' }],
  });
  const waitingOn = async (): Promise<Record<number, boolean>> => {
    const s = (await box.api.request('GET', '/api/status')).json as Status;
    return Object.fromEntries(s.lines.fxs.map((p) => [p.port, p.messageWaiting]));
  };
  try {
    assert.equal(await notify(voicemail, box.app.sipPort, true), 'SIP/2.0 200 OK');
    await waitFor('port 1 to show message waiting', async () => ((await waitingOn())[1] === true ? true : undefined));
    assert.equal((await waitingOn())[2], false, 'port 2 is not on the account');

    // New region: the lines are rebuilt (tones, cadences, caller ID); no new NOTIFY comes.
    assert.equal((await box.api.request('PUT', '/api/settings/region', { region: 'GB' })).status, 200);
    await waitFor('the lines to be rebuilt', async () => {
      const logs = (await box.api.request('GET', '/api/logs?component=lines')).json as { entries: { message: string }[] };
      return logs.entries.some((e) => e.message === 'line settings changed: rebuilding the lines') ? true : undefined;
    });
    await waitFor('the rebuilt port 1 to show message waiting again', async () => ((await waitingOn())[1] === true ? true : undefined), 5000);

    assert.equal(await notify(voicemail, box.app.sipPort, false), 'SIP/2.0 200 OK');
    await waitFor('message waiting to clear', async () => ((await waitingOn())[1] === false ? true : undefined));
  } finally {
    voicemail.close();
    await box.stop();
  }
});
