/**
 * The appliance registers its accounts with a real registrar (Kamailio with digest
 * authentication), shows the outcome in /api/status in plain words, and re-registers
 * when the configuration changes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, startAppliance, tempDataDir, type RunningAppliance } from '../support/appliance-process.js';
import { kamailioAvailable, startKamailio } from '../support/kamailio.js';
import { waitFor } from '../support/wait-for.js';

const skip = kamailioAvailable() ? false : 'kamailio not installed (Debian package kamailio)';

interface Registration { id: string; state: string; error?: string; registrar?: string; expiresAt?: string }

function doc(port: number, password: string, transport: 'udp' | 'tcp' = 'udp'): unknown {
  return {
    version: 1,
    admin: { password: 'a good password' },
    region: 'US',
    accounts: [{ id: 'main', server: `127.0.0.1:${port}`, transport, username: 'alice', password, register: true }],
    lines: [],
  };
}

async function boot(document: unknown): Promise<{ app: RunningAppliance; api: ApiClient }> {
  const dir = tempDataDir();
  const file = join(dir, 'provision.json');
  writeFileSync(file, JSON.stringify(document));
  const app = await startAppliance({ dataDir: dir, args: ['--provision', file] });
  const api = new ApiClient(app.url);
  await api.setupAndLogin('a good password');
  return { app, api };
}

async function registration(api: ApiClient, want: (r: Registration) => boolean): Promise<Registration> {
  return waitFor('registration state', async () => {
    const res = await api.request('GET', '/api/status');
    const r = (res.json as { sip: { registrations: Registration[] } }).sip.registrations[0];
    return r !== undefined && want(r) ? r : undefined;
  }, 15_000, 100);
}

for (const transport of ['udp', 'tcp'] as const) {
  test(`registers with Kamailio over ${transport.toUpperCase()} after its digest challenge`, { skip, timeout: 40_000 }, async (t) => {
    const k = await startKamailio();
    t.after(() => k.stop());
    const { app, api } = await boot(doc(k.port, 'alice-secret', transport));
    t.after(async () => {
      await app.stop();
      app.cleanup();
    });
    const r = await registration(api, (x) => x.state === 'registered');
    assert.equal(r.registrar, `${transport}:127.0.0.1:${k.port}`);
    assert.ok(r.expiresAt !== undefined && Date.parse(r.expiresAt) > Date.now() + 60_000, `expires ${r.expiresAt}`);
  });
}

test('a wrong password is reported in plain words and fixed by a configuration change, which re-registers', { skip, timeout: 40_000 }, async (t) => {
  const k = await startKamailio();
  t.after(() => k.stop());
  const { app, api } = await boot(doc(k.port, 'wrong'));
  t.after(async () => {
    await app.stop();
    app.cleanup();
  });
  const failed = await registration(api, (r) => r.state === 'failed');
  assert.match(failed.error ?? '', /user name and password|wrong user name or password/);
  const fixed = doc(k.port, 'alice-secret') as { admin?: unknown };
  delete fixed.admin;
  const imported = await api.request('POST', '/api/config/import', fixed);
  assert.equal(imported.status, 200, imported.text);
  await registration(api, (r) => r.state === 'registered');
});

test('an unreachable server is reported as not reachable, and the box keeps serving', { skip, timeout: 60_000 }, async (t) => {
  const k = await startKamailio();
  const port = k.port;
  await k.stop();
  const { app, api } = await boot(doc(port, 'alice-secret', 'tcp'));
  t.after(async () => {
    await app.stop();
    app.cleanup();
  });
  const r = await registration(api, (x) => x.state === 'failed');
  assert.match(r.error ?? '', /not reachable/);
  const status = await api.request('GET', '/api/status');
  assert.equal((status.json as { healthy: boolean }).healthy, true);
});
