/**
 * Black-box tests of the appliance process, through its command line and HTTP API
 * (the acceptance of the platform core).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiClient, runToExit, startAppliance, tempDataDir } from './support/appliance-process.js';
import { waitFor } from './support/wait-for.js';

interface TreeNode { id: string; path: string; state: string; restarts: number; children?: TreeNode[] }
interface Status { healthy: boolean; board: string; supervision: TreeNode }

function findChild(tree: TreeNode, path: string): TreeNode | undefined {
  if (tree.path === path) return tree;
  for (const c of tree.children ?? []) {
    const hit = findChild(c, path);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

const EXAMPLE = {
  version: 1,
  admin: { password: 'plain text, hashed on import' },
  region: 'US',
  accounts: [{ id: 'main', server: 'sip.example.net:5060', transport: 'udp', username: '1001', password: 'secret', displayName: 'Home', register: true }],
  lines: [
    { port: 1, kind: 'fxs', account: 'main', extension: '11' },
    { port: 2, kind: 'fxs', account: 'main', extension: '12' },
    { port: 3, kind: 'fxo', account: 'main', prefix: '9' },
  ],
};

test('first start: the URL is printed, the API refuses without a session, setup then login show the tree and metrics', async () => {
  const app = await startAppliance();
  try {
    const api = new ApiClient(app.url);
    assert.equal((await api.request('GET', '/api/status')).status, 401);
    await api.setupAndLogin();
    const status = await api.request('GET', '/api/status');
    assert.equal(status.status, 200);
    const body = status.json as Status;
    assert.equal(body.healthy, true);
    assert.equal(body.board, 'sim');
    assert.equal(body.supervision.path, 'dialtone');
    assert.deepEqual(body.supervision.children?.map((c) => [c.id, c.state]), [['config', 'running'], ['board', 'running'], ['lines', 'running'], ['sip', 'running'], ['accounts', 'running'], ['web', 'running']]);
    const metrics = await api.request('GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^dialtone_healthy 1$/m);
    assert.match(metrics.text, /^process_resident_memory_bytes \d+$/m);
    assert.ok(existsSync(join(app.dataDir, 'dialtone.db')));
    assert.equal(await app.stop(), 0, 'SIGTERM ends it cleanly');
    assert.match(app.output(), /"msg":"stopped"/);
  } finally {
    await app.stop();
    app.cleanup();
  }
});

test('a crashed child is restarted and counted in /api/status and /metrics; a restart storm ends the process', async () => {
  const app = await startAppliance();
  try {
    const api = new ApiClient(app.url);
    await api.setupAndLogin();
    const crash = await api.request('POST', '/api/debug/crash', { child: 'dialtone/web' });
    assert.equal(crash.status, 202);
    const web = await waitFor('the web child to restart', async () => {
      const s = await api.request('GET', '/api/status');
      const node = s.status === 200 ? findChild((s.json as Status).supervision, 'dialtone/web') : undefined;
      return node !== undefined && node.restarts === 1 && node.state === 'running' ? node : undefined;
    });
    assert.equal(web.restarts, 1);
    const metrics = await api.request('GET', '/metrics');
    assert.match(metrics.text, /^dialtone_supervisor_restarts_total\{child="dialtone\/web"\} 1$/m);
    assert.equal((await api.request('POST', '/api/debug/crash', { child: 'dialtone/nothing' })).status, 404);

    // The root allows 5 restarts in 30 s: the sixth fault in a row escalates and the process exits non-zero.
    const webRestarts = async (): Promise<number | undefined> => {
      const s = await api.request('GET', '/api/status');
      return s.status === 200 ? findChild((s.json as Status).supervision, 'dialtone/web')?.restarts : undefined;
    };
    for (let i = 2; i <= 6; i++) {
      await waitFor(`crash ${i} accepted`, async () => ((await api.request('POST', '/api/debug/crash', { child: 'dialtone/web' })).status === 202 ? true : undefined));
      if (i < 6) await waitFor(`restart ${i}`, async () => ((await webRestarts()) === i ? true : undefined));
    }
    const code = await Promise.race([app.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
    assert.equal(code, 1);
    assert.match(app.output(), /the supervision tree gave up/);
  } finally {
    await app.stop();
    app.cleanup();
  }
});

test('--provision applies the document at start and export gives it back', async () => {
  const dir = tempDataDir();
  const file = join(dir, 'example.json');
  writeFileSync(file, JSON.stringify(EXAMPLE));
  const app = await startAppliance({ dataDir: dir, args: ['--provision', file] });
  try {
    const api = new ApiClient(app.url);
    assert.equal((await api.request('POST', '/api/setup', { password: 'another password' })).status, 409, 'the document set the admin password');
    await api.setupAndLogin(EXAMPLE.admin.password);
    const plain = await api.request('GET', '/api/config/export');
    const { admin: _admin, ...withoutAdmin } = EXAMPLE;
    const withoutSecrets = { ...withoutAdmin, accounts: EXAMPLE.accounts.map(({ password: _p, ...a }) => a) };
    assert.deepEqual(plain.json, withoutSecrets);
    const full = await api.request('GET', '/api/config/export?secrets=true');
    const fullDoc = full.json as { admin: { passwordHash: string } };
    assert.match(fullDoc.admin.passwordHash, /^scrypt\$/);
    assert.deepEqual({ ...fullDoc, admin: EXAMPLE.admin }, EXAMPLE);
  } finally {
    await app.stop();
    app.cleanup();
  }
});

test('an invalid provisioning document is refused whole with the fields named, and nothing is applied', async () => {
  const dir = tempDataDir();
  const file = join(dir, 'bad.json');
  const bad = { ...EXAMPLE, region: 'XX', lines: [{ port: 1, kind: 'fxs', account: 'nobody', extension: '11' }] };
  writeFileSync(file, JSON.stringify(bad));
  const refused = await runToExit(['--data-dir', dir, '--http-port', '0', '--provision', file]);
  assert.equal(refused.code, 2);
  assert.match(refused.output, /region/);
  assert.match(refused.output, /lines\[0\]\.account/);
  writeFileSync(file, '{ not json');
  const notJson = await runToExit(['--data-dir', dir, '--http-port', '0', '--provision', file]);
  assert.equal(notJson.code, 2);
  assert.match(notJson.output, /not valid JSON/);
  // Nothing was applied: the box still asks for its first password.
  const app = await startAppliance({ dataDir: dir });
  try {
    const setup = await new ApiClient(app.url).request('GET', '/api/setup');
    assert.deepEqual(setup.json, { required: true });
  } finally {
    await app.stop();
    app.cleanup();
  }
});

test('bad command lines are refused with usage', async () => {
  const r = await runToExit(['--board', 'fax']);
  assert.equal(r.code, 2);
  assert.match(r.output, /--board one of sim, gpio-slic, usb-modem/);
  assert.match(r.output, /Usage: dialtone/);
});
