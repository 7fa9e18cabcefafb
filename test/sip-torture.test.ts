/**
 * Black-box: every RFC 4475 torture message sent over UDP to the running
 * appliance; it must stay alive and keep answering (DESIGN §4, issue 4).
 * Reads the messages from ../shared/testdata/rfc4475 beside the project.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, ROOT, startAppliance } from './support/appliance-process.js';

const DIR = join(ROOT, '..', 'shared', 'testdata', 'rfc4475');

function options(branch: string): Buffer {
  return Buffer.from(`OPTIONS sip:dialtone@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:9;branch=z9hG4bK${branch};rport\r\nMax-Forwards: 70\r\n` +
    `From: <sip:probe@127.0.0.1>;tag=p\r\nTo: <sip:dialtone@127.0.0.1>\r\nCall-ID: ${branch}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`);
}

test('the running appliance survives every RFC 4475 torture message over UDP and still answers OPTIONS', { skip: existsSync(DIR) ? false : `no test data at ${DIR}` }, async () => {
  const app = await startAppliance();
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  const replies: string[] = [];
  socket.on('message', (m) => replies.push(m.toString('latin1').split('\r\n')[0] ?? ''));
  try {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.dat')).sort();
    assert.ok(files.length >= 49, `expected the 49 messages, found ${files.length}`);
    for (const f of files) {
      await new Promise<void>((resolve, reject) => socket.send(readFileSync(join(DIR, f)), app.sipPort, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
    }
    const answered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to OPTIONS; replies so far: ${replies.join(' | ')}`)), 5000);
      socket.on('message', (m) => {
        if (m.toString('latin1').includes('CSeq: 1 OPTIONS') && m.toString('latin1').includes('Call-ID: alive-check')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    socket.send(options('alive-check'), app.sipPort, '127.0.0.1');
    await answered;
    assert.equal(app.child.exitCode, null, 'still running');
    const api = new ApiClient(app.url);
    await api.setupAndLogin();
    const status = (await api.request('GET', '/api/status')).json as { healthy: boolean };
    assert.equal(status.healthy, true);
    console.log(`torture: ${files.length} messages sent, ${replies.length} responses: ${[...new Set(replies)].join(', ')}`);
    const metrics = await api.request('GET', '/metrics');
    assert.match(metrics.text, /dialtone_sip_malformed_total\{action="answered_400"\} \d+/);
  } finally {
    socket.close();
    await app.stop();
    app.cleanup();
  }
});
