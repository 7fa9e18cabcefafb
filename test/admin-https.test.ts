/**
 * The admin page over HTTPS (`--https-port`), through the real entry point: the
 * box's own certificate (made in DATA/tls on the first start, kept after), the
 * same API and login as on HTTP with a `Secure` cookie, the virtual phone's
 * WebSocket over TLS, and HTTPS back on its port after the web part restarts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { ApiClient, startAppliance, tempDataDir } from './support/appliance-process.js';
import { waitFor } from './support/wait-for.js';

interface HttpsStatus { port: number | null; fingerprint: string | null; error: string | null }
const PASSWORD = 'a good password';

interface Reply { status: number; headers: IncomingHttpHeaders; body: string }

/** One HTTPS request that trusts only the box's certificate, for the name dialtone.local. */
function httpsRequest(port: number, ca: Buffer, method: string, path: string, opts: { body?: unknown; cookie?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
  const options: RequestOptions = {
    host: '127.0.0.1', port, method, path, ca, servername: 'dialtone.local',
    headers: {
      host: `dialtone.local:${port}`,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(opts.cookie !== undefined ? { cookie: opts.cookie } : {}),
      ...opts.headers,
    },
  };
  return new Promise((resolve, reject) => {
    const req = request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('--https-port serves the page over HTTPS with the box\'s own certificate, login and WebSocket included', async () => {
  const dataDir = tempDataDir();
  const app = await startAppliance({ dataDir, args: ['--https-port', '0'] });
  let fingerprint: string;
  try {
    assert.match(app.output(), /Also over HTTPS: https:\/\/127\.0\.0\.1:\d+\/ \(certificate SHA-256 [0-9A-F:]{95}\)/);
    const certPem = readFileSync(join(dataDir, 'tls', 'admin.crt'));
    const cert = new X509Certificate(certPem);
    fingerprint = cert.fingerprint256;
    assert.match(cert.subjectAltName ?? '', /DNS:dialtone\.local/);

    // Over HTTP: set up, and read where HTTPS is.
    const api = new ApiClient(app.url);
    await api.setupAndLogin(PASSWORD);
    const info = (await api.request('GET', '/api/system/info')).json as { https: HttpsStatus };
    assert.equal(info.https.error, null);
    assert.equal(info.https.fingerprint, cert.fingerprint256, 'the page shows the fingerprint the browser will show');
    const port = info.https.port;
    assert.ok(port !== null && port > 0);

    // Over HTTPS: the same API, refused without login, and a Secure session cookie.
    const page = await httpsRequest(port, certPem, 'GET', '/');
    assert.equal(page.status, 200);
    assert.match(page.headers['content-type'] ?? '', /text\/html/);
    assert.equal((await httpsRequest(port, certPem, 'GET', '/api/status')).status, 401);
    const login = await httpsRequest(port, certPem, 'POST', '/api/session', { body: { username: 'admin', password: PASSWORD } });
    assert.equal(login.status, 200, login.body);
    const setCookie = (login.headers['set-cookie'] ?? [])[0] ?? '';
    assert.match(setCookie, /HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    const cookie = setCookie.split(';')[0] ?? '';
    const status = await httpsRequest(port, certPem, 'GET', '/api/status', { cookie });
    assert.equal(status.status, 200);
    assert.deepEqual((JSON.parse(status.body) as { https: HttpsStatus }).https, info.https);
    const crossSite = await httpsRequest(port, certPem, 'POST', '/api/sim/fxs/1/hook', { cookie, body: { state: 'off' }, headers: { origin: 'https://evil.example' } });
    assert.equal(crossSite.status, 403, 'the cross-site guard holds over HTTPS too');

    // The virtual phone's audio socket upgrades over TLS (wss://).
    const ws = await httpsRequest(port, certPem, 'GET', '/api/sim/fxs/1/audio', {
      cookie,
      headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': randomBytes(16).toString('base64'), origin: `https://dialtone.local:${port}` },
    });
    assert.equal(ws.status, 101);

    // A restart of the web part brings HTTPS back on the same port with the same certificate.
    assert.equal((await api.request('POST', '/api/system/restart', { part: 'web' })).status, 202);
    const again = await waitFor('HTTPS to be served again after the web restart', async () => {
      const r = await httpsRequest(port, certPem, 'GET', '/api/status', { cookie }).catch(() => undefined);
      return r?.status === 200 ? r : undefined;
    });
    assert.equal((JSON.parse(again.body) as { https: HttpsStatus }).https.fingerprint, cert.fingerprint256);
  } finally {
    await app.stop();
  }

  // The next start keeps the certificate (a browser's exception for it stays valid).
  const second = await startAppliance({ dataDir, args: ['--https-port', '0'] });
  try {
    assert.ok(second.output().includes(`certificate SHA-256 ${fingerprint})`), second.output());
    assert.equal(new X509Certificate(readFileSync(join(dataDir, 'tls', 'admin.crt'))).fingerprint256, fingerprint);
  } finally {
    await second.stop();
    second.cleanup();
  }
});

test('without --https-port the page is HTTP only and says so', async () => {
  const app = await startAppliance();
  try {
    const api = new ApiClient(app.url);
    await api.setupAndLogin();
    assert.equal(((await api.request('GET', '/api/system/info')).json as { https: unknown }).https, null);
    assert.doesNotMatch(app.output(), /HTTPS/);
  } finally {
    await app.stop();
    app.cleanup();
  }
});
