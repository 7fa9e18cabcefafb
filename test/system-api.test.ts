/**
 * Black-box tests of the process log, system info, restart and call history CSV APIs,
 * through the real entry point (so the log tee of main.ts is exercised too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, startAppliance } from './support/appliance-process.js';
import { waitFor } from './support/wait-for.js';

interface TreeNode { id: string; path: string; state: string; restarts: number; children?: TreeNode[] }
interface Status { healthy: boolean; supervision: TreeNode }
interface LogEntry { at: string; level: string; component: string; message: string; fields: Record<string, unknown> }

test('logs, system info, a requested restart and the CSV history over the API', async () => {
  const app = await startAppliance();
  try {
    const api = new ApiClient(app.url);
    await api.setupAndLogin();

    const logs = await api.request('GET', '/api/logs?component=web');
    assert.equal(logs.status, 200);
    const entries = (logs.json as { entries: LogEntry[] }).entries;
    const listening = entries.find((e) => e.message === 'web server listening');
    assert.ok(listening !== undefined, JSON.stringify(entries));
    assert.equal(listening.component, 'dialtone/web');
    assert.equal(listening.level, 'info');
    assert.equal(typeof listening.fields.port, 'number');
    assert.ok(entries.every((e) => e.component.startsWith('dialtone/web')));
    assert.equal((await api.request('GET', '/api/logs?level=nope')).status, 400);

    const info = await api.request('GET', '/api/system/info');
    assert.equal(info.status, 200);
    const body = info.json as { board: string; dataDisk: { totalMb: number } | null; memory: { processRssMb: number } };
    assert.equal(body.board, 'sim');
    assert.ok(body.dataDisk !== null && body.dataDisk.totalMb > 0);
    assert.ok(body.memory.processRssMb > 0);

    assert.equal((await api.request('POST', '/api/system/restart', { part: 'sip' })).status, 202);
    const tree = await waitFor('sip and the children after it to restart', async () => {
      const s = await api.request('GET', '/api/status').catch(() => undefined);
      if (s?.status !== 200) return undefined;
      const t = (s.json as Status).supervision;
      const restarts = Object.fromEntries((t.children ?? []).map((c) => [c.id, c.restarts]));
      return restarts.web === 1 && (s.json as Status).healthy ? t : undefined;
    });
    assert.deepEqual(Object.fromEntries((tree.children ?? []).map((c) => [c.id, c.restarts])), { config: 0, board: 0, lines: 0, sip: 1, accounts: 1, web: 1 });
    assert.equal(tree.restarts, 0, 'a requested restart is not counted as a fault restart');
    assert.equal((await api.request('POST', '/api/system/restart', { part: 'config' })).status, 400);

    const csv = await api.request('GET', '/api/calls.csv?direction=inbound');
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/);
    assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="dialtone-calls.csv"/);
    assert.match(csv.text, /^id,startedAt,/);
    assert.equal((await api.request('GET', '/api/calls?disposition=answered&since=2024-01-01')).status, 200);

    assert.equal((await api.request('POST', '/api/system/restart', { part: 'all' })).status, 202);
    const all = await waitFor('every child to restart', async () => {
      const s = await api.request('GET', '/api/status').catch(() => undefined);
      if (s?.status !== 200) return undefined;
      const t = (s.json as Status).supervision;
      return t.children?.[0]?.restarts === 1 && (s.json as Status).healthy ? t : undefined;
    });
    assert.deepEqual(Object.fromEntries((all.children ?? []).map((c) => [c.id, c.restarts])), { config: 1, board: 1, lines: 1, sip: 2, accounts: 2, web: 2 });
    assert.equal((await api.request('GET', '/api/calls.csv')).status, 200, 'the store reopened');
  } finally {
    await app.stop();
    app.cleanup();
  }
});
