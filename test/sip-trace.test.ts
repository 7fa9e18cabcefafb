/** The SIP trace through the API: what went in and out is there as text and as pcap, and can be switched off. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { ApiClient, startAppliance } from './support/appliance-process.js';
import { waitFor } from './support/wait-for.js';

async function options(port: number, callId: string): Promise<string> {
  const sock = createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  try {
    const text = `OPTIONS sip:127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${sock.address().port};branch=z9hG4bK${callId}\r\n` +
      `Max-Forwards: 70\r\nFrom: <sip:probe@example.net>;tag=1\r\nTo: <sip:127.0.0.1>\r\nCall-ID: ${callId}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n`;
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no answer')), 3000);
      sock.once('message', (m) => {
        clearTimeout(timer);
        resolve(m.toString());
      });
      sock.send(text, port, '127.0.0.1');
    });
  } finally {
    sock.close();
  }
}

test('GET /api/sip/trace shows an OPTIONS and our 200; the pcap holds both; switching off clears and stops it', { timeout: 40_000 }, async (t) => {
  const app = await startAppliance();
  t.after(async () => {
    await app.stop();
    app.cleanup();
  });
  const api = new ApiClient(app.url);
  assert.equal((await api.request('GET', '/api/sip/trace')).status, 401);
  await api.setupAndLogin();
  assert.match(await options(app.sipPort, 'trace-probe-1'), /^SIP\/2\.0 200/);
  const text = await waitFor('trace text', async () => {
    const r = await api.request('GET', '/api/sip/trace?minutes=1');
    return r.text.includes('SIP/2.0 200') ? r.text : undefined;
  });
  assert.match(text, /OPTIONS sip:127\.0\.0\.1/);
  assert.match(text, /Call-ID: trace-probe-1/);
  const pcap = await fetch(`${app.url}/api/sip/trace.pcap?minutes=1`, { headers: { cookie: (await login(app.url)) } });
  assert.equal(pcap.status, 200);
  const bytes = Buffer.from(await pcap.arrayBuffer());
  assert.equal(bytes.readUInt32LE(0), 0xa1b2c3d4, 'libpcap magic');
  assert.ok(bytes.includes(Buffer.from('Call-ID: trace-probe-1')), 'the OPTIONS is in the pcap');
  assert.equal((await api.request('GET', '/api/sip/trace?minutes=11')).status, 400);

  const off = await api.request('PUT', '/api/sip/trace/settings', { enabled: false });
  assert.deepEqual(off.json, { enabled: false });
  await options(app.sipPort, 'trace-probe-2');
  const after = await api.request('GET', '/api/sip/trace');
  assert.doesNotMatch(after.text, /trace-probe/);
});

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'a good password' }) });
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}
