import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { SystemClock } from '../../clock.js';
import { MemoryLogger } from '../../log.js';
import { MetricsRegistry } from '../../metrics/registry.js';
import { createResponse, parseMessage, type SipResponse } from '../message/index.js';
import type { PolicyAccount } from '../policy/index.js';
import { localAddressFor } from '../resolve/index.js';
import { SipStack } from '../stack/sip-stack.js';
import { UserAgent, type IncomingInvite } from './user-agent.js';

interface Rig {
  ua: UserAgent;
  ask: (text: string) => Promise<SipResponse>;
  invites: IncomingInvite[];
}

async function withUa(accounts: PolicyAccount[], fn: (rig: Rig) => Promise<void>, rateLimit?: { ratePerSecond: number; burst: number }): Promise<void> {
  const clock = new SystemClock();
  const stack = await SipStack.start({ port: 0, address: '127.0.0.1', clock, log: new MemoryLogger(), metrics: new MetricsRegistry(), userAgent: 'Dialtone test' });
  const ua = new UserAgent({
    stack, clock, log: new MemoryLogger(), userAgent: 'Dialtone test',
    resolve: (hop) => Promise.resolve([{ protocol: hop.transport ?? 'udp', address: hop.host, port: hop.port ?? 5060 }]),
    localAddressFor, defaultAddress: '127.0.0.1', policyAccounts: () => accounts,
    ...(rateLimit !== undefined ? { rateLimit } : {}),
  });
  stack.setCore(ua);
  const invites: IncomingInvite[] = [];
  ua.onInvite((i) => {
    invites.push(i);
    i.tx.respond(createResponse(i.request, 486, undefined, { toTag: 't1' }));
  });
  const client: Socket = createSocket('udp4');
  await new Promise<void>((r) => client.bind(0, '127.0.0.1', () => r()));
  const port = stack.local('udp')?.port ?? 0;
  const send = (text: string): void => client.send(Buffer.from(text), port, '127.0.0.1');
  const ask = (text: string): Promise<SipResponse> => new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no response')), 2000);
    const onMessage = (bytes: Buffer): void => {
      const parsed = parseMessage(bytes);
      if (!parsed.ok || parsed.message.kind !== 'response' || parsed.message.status < 200) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(parsed.message);
    };
    client.on('message', onMessage);
    send(text);
  });
  try {
    await fn({ ua, ask, invites });
  } finally {
    client.close();
    await stack.stop();
  }
}

let seq = 0;
function request(method: string, user: string, extra = '', body = ''): string {
  const id = `${++seq}x${Date.now()}`;
  return `${method} sip:${user}@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK${id}\r\nMax-Forwards: 70\r\n` +
    `From: <sip:caller@example.net>;tag=f${id}\r\nTo: <sip:${user}@127.0.0.1>\r\nCall-ID: ${id}\r\nCSeq: 1 ${method}\r\n${extra}` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

const PBX: PolicyAccount = { id: 'main', username: '1001', trustedSources: ['127.0.0.1'], acceptFromAnywhere: false };
const ELSEWHERE: PolicyAccount = { id: 'main', username: '1001', trustedSources: ['192.0.2.10'], acceptFromAnywhere: false };

test('an INVITE for an unknown user gets 404 and never reaches the call handler', async () => {
  await withUa([PBX], async ({ ask, invites }) => {
    const res = await ask(request('INVITE', '9999'));
    assert.equal(res.status, 404);
    assert.equal(invites.length, 0);
  });
});

test('an INVITE from an address that is not the account\'s server gets 403 ("ghost call" protection)', async () => {
  await withUa([ELSEWHERE], async ({ ask, invites }) => {
    const res = await ask(request('INVITE', '1001'));
    assert.equal(res.status, 403);
    assert.equal(invites.length, 0);
  });
});

test('an INVITE from the account\'s server reaches the call handler with the account named', async () => {
  await withUa([PBX], async ({ ask, invites }) => {
    const res = await ask(request('INVITE', '1001'));
    assert.equal(res.status, 486);
    assert.equal(invites[0]?.accountId, 'main');
  });
});

test('acceptFromAnywhere lets a direct call in', async () => {
  await withUa([{ ...ELSEWHERE, acceptFromAnywhere: true }], async ({ ask, invites }) => {
    assert.equal((await ask(request('INVITE', '1001'))).status, 486);
    assert.equal(invites.length, 1);
  });
});

test('OPTIONS is answered 200 with Allow, Accept and Supported', async () => {
  await withUa([PBX], async ({ ask }) => {
    const res = await ask(request('OPTIONS', '1001'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('Allow') ?? '', /INVITE.*BYE.*REFER/);
    assert.match(res.headers.get('Supported') ?? '', /100rel/);
  });
});

test('an unsolicited message-summary NOTIFY is answered 200 and reported as MWI', async () => {
  await withUa([PBX], async ({ ua, ask }) => {
    const got = new Promise<unknown>((resolve) => ua.once('mwi', resolve));
    const body = 'Messages-Waiting: yes\r\nMessage-Account: sip:*97@pbx\r\nVoice-Message: 2/8 (0/2)\r\n';
    const res = await ask(request('NOTIFY', '1001', 'Event: message-summary\r\nSubscription-State: active\r\nContent-Type: application/simple-message-summary\r\n', body));
    assert.equal(res.status, 200);
    const mwi = await got as { accountId: string; summary: { waiting: boolean; voice?: { new: number } } };
    assert.equal(mwi.accountId, 'main');
    assert.equal(mwi.summary.waiting, true);
    assert.equal(mwi.summary.voice?.new, 2);
  });
});

test('a NOTIFY for another event package gets 489; a BYE for no dialog 481', async () => {
  await withUa([PBX], async ({ ask }) => {
    assert.equal((await ask(request('NOTIFY', '1001', 'Event: presence\r\n'))).status, 489);
    assert.equal((await ask(request('BYE', '1001'))).status, 481);
  });
});

test('a flood from one address is cut off by the per-source rate limit', async () => {
  await withUa([PBX], async ({ ask }) => {
    for (let i = 0; i < 5; i++) assert.equal((await ask(request('OPTIONS', '1001'))).status, 200);
    await assert.rejects(ask(request('OPTIONS', '1001')), /no response/);
  }, { ratePerSecond: 1, burst: 5 });
});
