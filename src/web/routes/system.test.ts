import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { MemoryLogger } from '../../log.js';
import type { ErrorBody } from '../http-error.js';
import { createWebServer } from '../server.js';
import { fakeWebDeps } from '../test-support/fake-deps.js';
import { defaultGateway, lifeTimeWords, nameservers, preEolWords, systemRoutes, type RestartPart, type SystemInfo } from './system.js';

const ROUTE = `Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0
eth0\t00000000\t0102A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
eth0\t0002A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
`;

function fakeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'dialtone-sys-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

interface Setup {
  app: FastifyInstance;
  restarts: RestartPart[];
  log: MemoryLogger;
  call: (method: 'GET' | 'POST', url: string, payload?: object) => Promise<LightMyRequestResponse>;
}

function setup(sysRoot: string, dataDir: string, restart?: (part: RestartPart) => Promise<void>): Setup {
  const deps = fakeWebDeps();
  const restarts: RestartPart[] = [];
  const log = new MemoryLogger();
  deps.plugins = [systemRoutes({
    version: '1.2.3', board: 'sim', uptimeSeconds: () => 42, dataDir, sysRoot, log,
    restart: restart ?? (async (part) => { restarts.push(part); }),
  })];
  const app = createWebServer(deps);
  const { token } = deps.tokens.create('test');
  return {
    app, restarts, log,
    call: (method, url, payload) => app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload }) }),
  };
}

test('GET /api/system/info reads the fake system tree', async () => {
  const root = fakeTree({
    'sys/class/thermal/thermal_zone0/temp': '48312\n',
    'sys/block/mmcblk0/device/life_time': '0x02 0x01\n',
    'sys/block/mmcblk0/device/pre_eol_info': '0x01\n',
    'proc/meminfo': 'MemTotal:        3884088 kB\nMemFree:          100000 kB\nMemAvailable:    2048000 kB\n',
    'proc/net/route': ROUTE,
    'etc/resolv.conf': '# by dhcpcd\nsearch home\nnameserver 192.168.2.1\nnameserver fd00::1\n',
  });
  const { app, call } = setup(root, root);
  try {
    const res = await call('GET', '/api/system/info');
    assert.equal(res.statusCode, 200);
    const info = res.json<SystemInfo>();
    assert.deepEqual(Object.keys(info), [
      'version', 'uptimeSeconds', 'board', 'hostname', 'node', 'platform', 'temperatureC', 'memory', 'loadAverage', 'sdCard', 'dataDisk', 'network', 'https',
    ]);
    assert.equal(info.https, null, 'no --https-port');
    assert.equal(info.version, '1.2.3');
    assert.equal(info.uptimeSeconds, 42);
    assert.equal(info.board, 'sim');
    assert.equal(info.node, process.version);
    assert.equal(info.temperatureC, 48.3);
    assert.equal(info.memory.availableMb, 2000);
    assert.ok(info.memory.totalMb > 0 && info.memory.processRssMb > 0);
    assert.equal(info.loadAverage.length, 3);
    assert.deepEqual(info.sdCard, { lifeTimeUsed: '10–20% of its rated life used', preEol: 'normal' });
    assert.ok(info.dataDisk !== null && info.dataDisk.totalMb > 0 && info.dataDisk.freeMb <= info.dataDisk.totalMb);
    assert.equal(info.network.gateway, '192.168.2.1', 'the default route with the lowest metric');
    assert.deepEqual(info.network.dns, ['192.168.2.1', 'fd00::1']);
    for (const i of info.network.interfaces) assert.ok(i.name !== 'lo' && i.addresses.length > 0);
  } finally {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('GET /api/system/info: what cannot be read is null, never an error', async () => {
  const root = fakeTree({ 'sys/class/thermal/thermal_zone0/temp': 'garbage' });
  const { app, call } = setup(root, join(root, 'no-such-dir'));
  try {
    const res = await call('GET', '/api/system/info');
    assert.equal(res.statusCode, 200);
    const info = res.json<SystemInfo>();
    assert.equal(info.temperatureC, null);
    assert.equal(info.sdCard, null);
    assert.equal(info.dataDisk, null);
    assert.equal(info.network.gateway, null);
    assert.equal(info.network.dns, null);
    assert.ok(info.memory.availableMb > 0, 'falls back to the os module');
  } finally {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('the words for eMMC/SD wear codes', () => {
  assert.equal(lifeTimeWords('0x01'), '0–10% of its rated life used');
  assert.equal(lifeTimeWords('0x01 0x0a'), '90–100% of its rated life used', 'the worse of type A and B');
  assert.equal(lifeTimeWords('0x0B 0x01'), 'beyond its rated life (over 100% used)');
  assert.equal(lifeTimeWords('0x00 0x00'), null, 'not defined');
  assert.equal(lifeTimeWords('junk'), null);
  assert.equal(preEolWords('0x02'), 'warning: 80% of the reserved blocks used');
  assert.match(preEolWords('0x03\n') ?? '', /^urgent/);
  assert.equal(preEolWords('0x00'), null);
  assert.equal(preEolWords(null), null);
});

test('the default gateway and name servers are parsed defensively', () => {
  assert.equal(defaultGateway(ROUTE), '192.168.2.1');
  assert.equal(defaultGateway('Iface\tDestination\n'), null);
  assert.equal(defaultGateway('header\neth0 00000000 zzzz 0003 0 0 0 00000000'), null);
  assert.equal(defaultGateway('header\neth0 00000000 0102A8C0 0001 0 0 0 00000000'), null, 'no gateway flag');
  assert.deepEqual(nameservers('nameserver 1.1.1.1\n  nameserver   9.9.9.9 # quad9\n#nameserver 8.8.8.8\n'), ['1.1.1.1', '9.9.9.9']);
});

test('POST /api/system/restart answers 202 first, then restarts the part', async () => {
  const root = fakeTree({});
  let answered = false;
  const order: string[] = [];
  const { app, call, log } = setup(root, root, async (part) => {
    order.push(`restart ${part} (answered: ${answered})`);
  });
  try {
    const res = await call('POST', '/api/system/restart', { part: 'sip' });
    answered = true;
    assert.equal(res.statusCode, 202);
    assert.deepEqual(res.json(), { ok: true, part: 'sip' });
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ['restart sip (answered: true)']);
    assert.ok(log.entries.some((e) => e.msg === 'restart requested over the API' && e.fields.part === 'sip'));
  } finally {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  }
});

test('POST /api/system/restart refuses an unknown part; a failed restart is logged', async () => {
  const root = fakeTree({});
  const { app, call, log } = setup(root, root, () => Promise.reject(new Error('tree is stopped')));
  try {
    for (const body of [{ part: 'config' }, { part: 1 }, {}]) {
      const res = await call('POST', '/api/system/restart', body);
      assert.equal(res.statusCode, 400);
      assert.match(res.json<ErrorBody>().error.fields?.part ?? '', /all, board, lines, sip, accounts, web/);
    }
    assert.equal((await call('POST', '/api/system/restart', { part: 'all' })).statusCode, 202);
    await new Promise((r) => setTimeout(r, 10));
    assert.ok(log.entries.some((e) => e.level === 'error' && e.msg === 'requested restart failed' && e.fields.err === 'tree is stopped'));
  } finally {
    await app.close();
    rmSync(root, { recursive: true, force: true });
  }
});
