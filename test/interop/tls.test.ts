/**
 * SIP over TLS against Kamailio's tls module (Debian package kamailio-tls-modules)
 * with a throwaway CA: the appliance registers only when it trusts the server's
 * certificate and the certificate is for the server's name, says in plain words
 * why not otherwise, and takes a call relayed to it over TLS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, startAppliance, tempDataDir, type RunningAppliance } from '../support/appliance-process.js';
import { kamailioAvailable, kamailioModulesDir, startKamailio, type RunningKamailio } from '../support/kamailio.js';
import { startTestUa } from '../support/test-ua.js';
import { makeTestPki, type TestPki } from '../support/test-pki.js';
import { waitFor } from '../support/wait-for.js';

const modules = kamailioModulesDir();
const skip = !kamailioAvailable() ? 'kamailio not installed (Debian package kamailio)'
  : modules === null || !existsSync(join(modules, 'tls.so')) ? 'Kamailio\'s tls module not installed (Debian package kamailio-tls-modules)' : false;

interface Registration { id: string; state: string; error?: string; registrar?: string }

function doc(tlsPort: number, sipTls: Record<string, unknown> | undefined): unknown {
  return {
    version: 1,
    admin: { password: 'a good password' },
    accounts: [{ id: 'main', server: `localhost:${tlsPort}`, transport: 'tls', username: 'alice', password: 'alice-secret', register: true }],
    lines: [],
    ...(sipTls !== undefined ? { sipTls } : {}),
  };
}

type Cleanup = () => Promise<void> | void;

/** A cleanup stack: the appliance and UAs stop before Kamailio (an un-REGISTER would wait for it otherwise). */
function cleanups(t: { after(fn: () => Promise<void>): void }): (fn: Cleanup) => void {
  const stack: Cleanup[] = [];
  t.after(async () => {
    for (const fn of stack.reverse()) await fn();
  });
  return (fn) => stack.push(fn);
}

async function kamailioWith(pki: TestPki, names: string[], later: (fn: Cleanup) => void): Promise<RunningKamailio> {
  const k = await startKamailio({ tls: pki.issue(names.join('_'), names) });
  later(() => k.stop());
  assert.ok(k.tlsPort !== undefined);
  return k;
}

async function boot(document: unknown, later: (fn: Cleanup) => void): Promise<ApiClient> {
  const dir = tempDataDir();
  const file = join(dir, 'provision.json');
  writeFileSync(file, JSON.stringify(document));
  const app: RunningAppliance = await startAppliance({ dataDir: dir, args: ['--provision', file] });
  later(async () => {
    await app.stop();
    app.cleanup();
  });
  const api = new ApiClient(app.url);
  await api.setupAndLogin('a good password');
  return api;
}

function registration(api: ApiClient, want: (r: Registration) => boolean): Promise<Registration> {
  return waitFor('registration state', async () => {
    const res = await api.request('GET', '/api/status');
    const r = (res.json as { sip: { registrations: Registration[] } }).sip.registrations[0];
    return r !== undefined && want(r) ? r : undefined;
  }, 20_000, 100);
}

test('TLS: registers with a server whose certificate a trusted CA issued for its name, and takes a call relayed over TLS', { skip, timeout: 60_000 }, async (t) => {
  const later = cleanups(t);
  const pki = makeTestPki();
  later(() => pki.cleanup());
  const k = await kamailioWith(pki, ['localhost'], later);
  const api = await boot(doc(k.tlsPort ?? 0, { trustedCertificates: pki.caPem }), later);
  const r = await registration(api, (x) => x.state === 'registered');
  assert.equal(r.registrar, `tls:127.0.0.1:${k.tlsPort}`);

  // bob (UDP) calls alice: Kamailio relays the INVITE to the appliance's TLS Contact. Nothing
  // takes calls yet (lines come later), so the box answers 480 — over TLS, through Kamailio.
  const bob = await startTestUa({ user: 'bob' });
  later(() => bob.stop());
  const server = `127.0.0.1:${k.port}`;
  await bob.register({ server, username: 'bob', password: 'bob-secret', transport: 'udp' });
  bob.call({
    from: { uri: `sip:bob@${k.domain}` }, to: { uri: `sip:alice@${k.domain}` }, routeSet: [`<sip:${server};lr>`],
    credentials: { username: 'bob', password: 'bob-secret' },
  });
  const ended = await waitFor('the call to end', async () => bob.ended[0], 15_000);
  assert.equal(ended.status, 480, `the call ended with ${JSON.stringify(ended)}\n${k.log().slice(-3000)}`);
});

test('TLS: an untrusted certificate is refused in plain words; trusting its CA registers at once', { skip, timeout: 60_000 }, async (t) => {
  const later = cleanups(t);
  const pki = makeTestPki();
  later(() => pki.cleanup());
  const k = await kamailioWith(pki, ['localhost'], later);
  const api = await boot(doc(k.tlsPort ?? 0, undefined), later);
  const failed = await registration(api, (x) => x.state === 'failed');
  assert.match(failed.error ?? '', /certificate is not trusted/);
  const trust = await api.request('POST', '/api/config/import', { version: 1, sipTls: { trustedCertificates: pki.caPem } });
  assert.equal(trust.status, 200, trust.text);
  await registration(api, (x) => x.state === 'registered');
});

test('TLS: a trusted certificate for another name is refused; with checks turned off the box registers', { skip, timeout: 60_000 }, async (t) => {
  const later = cleanups(t);
  const pki = makeTestPki();
  later(() => pki.cleanup());
  const k = await kamailioWith(pki, ['sip.elsewhere.test'], later);
  const api = await boot(doc(k.tlsPort ?? 0, { trustedCertificates: pki.caPem }), later);
  const failed = await registration(api, (x) => x.state === 'failed');
  assert.match(failed.error ?? '', /certificate is not for localhost/);
  const off = await api.request('POST', '/api/config/import', { version: 1, sipTls: { verifyServer: false } });
  assert.equal(off.status, 200, off.text);
  await registration(api, (x) => x.state === 'registered');
});
