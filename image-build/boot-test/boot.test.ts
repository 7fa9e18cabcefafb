/**
 * `npm run test:image`: boots the built card image (image-build/out/dialtone-
 * <version>-arm64.img.xz, or DIALTONE_IMAGE) under qemu-system-aarch64 -M virt
 * with the image's own kernel and initrd, as a 4 GiB card (a qcow2 overlay, so the
 * image stays as built and first boot has room to grow the data partition), with
 * user-mode networking kept off every network (restrict=on) with host port forwards
 * (web 80 and 443, SIP 5060 over TCP, the agent), and checks
 * what issue 9 asks:
 * - systemd reaches multi-user with no failed unit; dialtone.service is active
 *   (Type=notify: it said READY=1); the root is read-only; first boot grew the data
 *   partition, named the box and made the admin TLS key;
 * - the web page answers on port 80 (the time from power-on is printed), and the
 *   first-start password setup works; the SIP port answers OPTIONS; the page
 *   answers over HTTPS on 443 with the certificate first boot made for this box;
 * - `systemctl kill -s KILL dialtone` is followed by a restart (a new process)
 *   within the watchdog window (WatchdogSec=20); the time until it is ready again is
 *   printed (under emulation node takes tens of seconds to start);
 * - a reboot keeps the configuration: the password set before still logs in; the
 *   box keeps its name, machine ID and HTTPS certificate (on the data partition).
 *
 * What only root inside can see comes from agent.cjs, which is NOT in the image:
 * it rides on a small extra disk, started by a unit handed to systemd as a
 * credential on the kernel command line (systemd.extra-unit.*).
 */
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const IMAGE = process.env.DIALTONE_IMAGE ?? join(ROOT, 'image-build', 'out', `dialtone-${VERSION}-arm64.img.xz`);
const PASSWORD = 'image boot test password';
/** dialtone.service's WatchdogSec: a killed process must be serving again within it. */
const WATCHDOG_MS = 20_000;

const missing = ['qemu-system-aarch64', 'qemu-img', 'mtype', 'mkfs.vfat', 'xz'].filter((c) => !onPath(c));
const skip = !existsSync(IMAGE) ? `no image at ${IMAGE} (npm run image)` : missing.length > 0 ? `missing ${missing.join(', ')}` : false;

function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a !== null && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, guest: Guest): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch {
      // not yet
    }
    if (guest.exited) throw new Error(`QEMU exited while waiting for ${what}; console:\n${guest.console()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; console:\n${guest.console()}`);
    await sleep(1000);
  }
}

interface Ports { http: number; https: number; sip: number; agent: number }

interface Guest {
  readonly startedAt: number;
  readonly exitedPromise: Promise<void>;
  exited: boolean;
  console(): string;
  kill(): void;
}

interface Card { dir: string; qcow: string; kernel: string; initrd: string; agentDisk: string }

function prepareCard(): Card {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-boot-'));
  const raw = join(dir, 'card.img');
  execFileSync('sh', ['-c', 'xz -dc "$1" > "$2"', 'sh', IMAGE, raw]);
  const env = { ...process.env, MTOOLS_SKIP_CHECK: '1' };
  const config = execFileSync('mtype', ['-i', `${raw}@@4M`, '::config.txt'], { env, encoding: 'utf8' });
  const kernel = /^kernel=(\S+)/m.exec(config)?.[1];
  const initrd = /^initramfs (\S+)/m.exec(config)?.[1];
  assert.ok(kernel !== undefined && initrd !== undefined, `config.txt names the kernel and initrd:\n${config}`);
  execFileSync('mcopy', ['-n', '-i', `${raw}@@4M`, `::${kernel}`, `::${initrd}`, dir], { env });
  const qcow = join(dir, 'card.qcow2');
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', raw, '-F', 'raw', qcow, '4G']);
  const agentDisk = join(dir, 'agent.img');
  execFileSync('mkfs.vfat', ['-C', '-n', 'DTTEST', agentDisk, '2048'], { stdio: 'ignore' });
  execFileSync('mcopy', ['-i', agentDisk, fileURLToPath(new URL('./agent.cjs', import.meta.url)), '::agent.cjs'], { env });
  return { dir, qcow, kernel: join(dir, kernel), initrd: join(dir, initrd), agentDisk };
}

/** The agent's unit, given to systemd as a credential (systemd.extra-unit.*). */
const AGENT_UNIT = [
  '[Unit]',
  'Description=Dialtone boot test agent (not part of the image)',
  'After=local-fs.target',
  '[Service]',
  "ExecStart=/bin/sh -c 'mkdir -p /run/dttest && mount -o ro LABEL=DTTEST /run/dttest && exec /usr/bin/node /run/dttest/agent.cjs'",
  '',
].join('\n');

/**
 * Under QEMU's emulation (TCG, no KVM for arm64 here) node starts 10-20 times slower
 * than on a Pi: about 45 s instead of a few. The unit's TimeoutStartSec=60 is for the
 * device; for the emulated boot a drop-in (credential systemd.unit-dropin.*) gives it
 * more, so a slow start is not taken for a failed one.
 */
const SLOW_START_DROPIN = '[Service]\nTimeoutStartSec=300\n';

function boot(card: Card, ports: Ports, log: string): Guest {
  const append = [
    'root=LABEL=RASPIROOT ro rootwait console=ttyAMA0 net.ifnames=0 fsck.repair=yes',
    `systemd.set_credential_binary=systemd.extra-unit.dialtone-test-agent.service:${Buffer.from(AGENT_UNIT).toString('base64')}`,
    'systemd.wants=dialtone-test-agent.service',
    `systemd.set_credential_binary=systemd.unit-dropin.dialtone.service:${Buffer.from(SLOW_START_DROPIN).toString('base64')}`,
  ].join(' ');
  const fwd = `hostfwd=tcp:127.0.0.1:${ports.http}-:80,hostfwd=tcp:127.0.0.1:${ports.https}-:443,hostfwd=tcp:127.0.0.1:${ports.sip}-:5060,hostfwd=tcp:127.0.0.1:${ports.agent}-:7070`;
  const qemu: ChildProcess = spawn('qemu-system-aarch64', [
    '-M', 'virt', '-cpu', 'cortex-a53', '-smp', '2', '-m', '1024', '-nographic', '-no-reboot',
    '-kernel', card.kernel, '-initrd', card.initrd, '-append', append,
    '-drive', `file=${card.qcow},format=qcow2,if=none,id=card`, '-device', 'virtio-blk-pci,drive=card',
    '-drive', `file=${card.agentDisk},format=raw,if=none,id=agent,readonly=on`, '-device', 'virtio-blk-pci,drive=agent',
    '-netdev', `user,id=n0,restrict=on,${fwd}`, '-device', 'virtio-net-pci,netdev=n0,romfile=',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const file = createWriteStream(log);
  const keep = (d: Buffer): void => {
    text = (text + d.toString('latin1')).slice(-200_000);
    file.write(d);
  };
  qemu.stdout?.on('data', keep);
  qemu.stderr?.on('data', keep);
  const guest: Guest = {
    startedAt: Date.now(),
    exited: false,
    exitedPromise: new Promise((resolve) => qemu.once('exit', () => {
      guest.exited = true;
      file.end();
      resolve();
    })),
    console: () => text.split('\n').slice(-80).join('\n'),
    kill: () => {
      if (!guest.exited) qemu.kill('SIGKILL');
    },
  };
  return guest;
}

async function http(port: number, method: string, path: string, body?: unknown, cookie?: string): Promise<{ status: number; json: unknown; cookie: string | undefined }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(cookie !== undefined ? { cookie } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, json, cookie: res.headers.get('set-cookie')?.split(';')[0] };
}

/**
 * Logs in over HTTPS, trusting only `certPem` (the box's certificate, read from the
 * card) for the name dialtone.local: the Set-Cookie line it answers with.
 */
function httpsLogin(port: number, certPem: string, password: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const body = JSON.stringify({ username: 'admin', password });
    const req = httpsRequest({
      host: '127.0.0.1', port, method: 'POST', path: '/api/session', ca: certPem, servername: 'dialtone.local', timeout: 10_000,
      headers: { host: 'dialtone.local', 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200 ? res.headers['set-cookie']?.[0] : undefined));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(undefined));
    req.end(body);
  });
}

/**
 * OPTIONS over TCP to the box's SIP port. (Over UDP the answer cannot come back: QEMU's
 * user-mode network with `restrict=on`, which keeps the guest off every network, drops
 * the guest's UDP replies to a forwarded port; TCP replies ride the connection.)
 */
async function sipOptions(port: number): Promise<string> {
  const sock = connect(port, '127.0.0.1');
  await once(sock, 'connect');
  const local = sock.localPort ?? 0;
  const msg = [
    'OPTIONS sip:dialtone@127.0.0.1 SIP/2.0',
    `Via: SIP/2.0/TCP 127.0.0.1:${local};branch=z9hG4bK-boot-${Date.now()};rport`,
    'Max-Forwards: 70',
    'From: <sip:boot-test@127.0.0.1>;tag=boot',
    'To: <sip:dialtone@127.0.0.1>',
    `Call-ID: boot-test-${Date.now()}@127.0.0.1`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = '';
      const timer = setTimeout(() => reject(new Error('no answer to OPTIONS')), 5000);
      sock.on('data', (d: Buffer) => {
        text += d.toString('utf8');
        if (text.includes('\r\n\r\n')) {
          clearTimeout(timer);
          resolve(text);
        }
      });
      sock.on('error', reject);
      sock.write(msg);
    });
  } finally {
    sock.destroy();
  }
}

interface AgentStatus {
  systemState: string;
  failedUnits: string[];
  dialtone: Record<string, string>;
  firstboot: Record<string, string>;
  hostname: string;
  machineId: string | null;
  rootMount: string;
  dataDf: string;
  tls: string[];
  /** The admin page's certificate (PEM) that first boot made. */
  adminCert: string | null;
}

async function agent<T>(ports: Ports, method: string, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${ports.agent}${path}`, { method, signal: AbortSignal.timeout(200_000) });
  if (res.status !== 200) throw new Error(`agent ${path}: ${res.status}`);
  return (await res.json()) as T;
}

test('the image boots under QEMU: no failed unit, the web page and SIP answer, a killed service is back within the watchdog window, a reboot keeps the configuration', { skip, timeout: 30 * 60_000 }, async () => {
  const card = prepareCard();
  const guests: Guest[] = [];
  after(() => {
    for (const g of guests) g.kill();
    rmSync(card.dir, { recursive: true, force: true });
  });
  const ports: Ports = { http: await freePort(), https: await freePort(), sip: await freePort(), agent: await freePort() };

  // First boot.
  const first = boot(card, ports, join(card.dir, 'console-1.log'));
  guests.push(first);
  await until('the web page', async () => ((await http(ports.http, 'GET', '/')).status === 200 ? true : undefined), 15 * 60_000, first);
  const webSeconds = (Date.now() - first.startedAt) / 1000;
  console.log(`power-on to web page answering: ${webSeconds.toFixed(1)} s (first boot, under QEMU TCG)`);

  const s = await until('the agent', () => agent<AgentStatus>(ports, 'GET', '/status'), 5 * 60_000, first);
  console.log('first boot:', JSON.stringify({ ...s, adminCert: s.adminCert === null ? null : `SHA-256 ${new X509Certificate(s.adminCert).fingerprint256}` }));
  assert.equal(s.systemState, 'running', `systemd state (failed: ${s.failedUnits.join('; ')})`);
  assert.deepEqual(s.failedUnits, []);
  assert.equal(s.dialtone.ActiveState, 'active', 'dialtone.service is active: it notified READY=1');
  assert.equal(s.dialtone.NRestarts, '0');
  assert.match(s.rootMount, /^ro\b/, 'the root file system is read-only');
  assert.equal(s.firstboot.Result, 'success', 'the first-boot unit ran');
  assert.ok(Number(s.dataDf) > 2 * 1024 ** 3, `first boot grew the data partition to the 4 GiB card (${s.dataDf} bytes)`);
  assert.match(s.hostname, /^dialtone-[0-9a-z]{4,}$/, 'first boot gave the box its own name');
  assert.ok(s.tls.includes('admin.key') && s.tls.includes('admin.crt'), `first boot made the admin TLS key (${s.tls.join(', ')})`);

  const setup = await http(ports.http, 'POST', '/api/setup', { password: PASSWORD });
  assert.equal(setup.status, 201, `first-start password setup: ${JSON.stringify(setup.json)}`);
  const login = await http(ports.http, 'POST', '/api/session', { username: 'admin', password: PASSWORD });
  assert.equal(login.status, 200);
  const options = await until('an answer to OPTIONS', () => sipOptions(ports.sip), 60_000, first);
  assert.match(options, /^SIP\/2\.0 200 /, `SIP OPTIONS answered: ${options.split('\r\n')[0] ?? ''}`);

  // HTTPS on 443 with the certificate this card's first boot made for this box's names.
  assert.ok(s.adminCert !== null, 'the admin certificate is on the card');
  const adminCert = s.adminCert;
  assert.equal(new X509Certificate(adminCert).subjectAltName, `DNS:${s.hostname}.local, DNS:dialtone.local`);
  const secureCookie = await until('a login over HTTPS', () => httpsLogin(ports.https, adminCert, PASSWORD), 60_000, first);
  assert.match(secureCookie, /; Secure$/, 'the session cookie is Secure over HTTPS');

  const killed = await agent<{ restartedMs: number | null; readyAgainMs: number | null; after: Record<string, string> }>(ports, 'POST', '/kill');
  console.log(`systemctl kill -s KILL dialtone: restarted after ${killed.restartedMs ?? 'never'} ms, ready again after ${killed.readyAgainMs ?? 'never'} ms`);
  assert.ok(killed.restartedMs !== null && killed.restartedMs < WATCHDOG_MS, `restarted within the watchdog window: ${killed.restartedMs} ms`);
  assert.ok(killed.readyAgainMs !== null, 'ready again (READY=1)');
  assert.equal(killed.after.NRestarts, '1');
  await until('the web page after the kill', async () => ((await http(ports.http, 'GET', '/')).status === 200 ? true : undefined), 60_000, first);

  // Reboot (QEMU runs with -no-reboot: the guest's reboot ends it), then boot the same card again.
  await agent(ports, 'POST', '/reboot');
  await Promise.race([first.exitedPromise, sleep(180_000)]);
  assert.ok(first.exited, 'the guest rebooted');
  const second = boot(card, ports, join(card.dir, 'console-2.log'));
  guests.push(second);
  await until('the web page after the reboot', async () => ((await http(ports.http, 'GET', '/')).status === 200 ? true : undefined), 10 * 60_000, second);
  console.log(`power-on to web page answering: ${((Date.now() - second.startedAt) / 1000).toFixed(1)} s (second boot)`);
  const again = await http(ports.http, 'POST', '/api/session', { username: 'admin', password: PASSWORD });
  assert.equal(again.status, 200, 'the password set before the reboot still logs in');
  const s2 = await until('the agent after the reboot', () => agent<AgentStatus>(ports, 'GET', '/status'), 5 * 60_000, second);
  assert.equal(s2.systemState, 'running', `after the reboot (failed: ${s2.failedUnits.join('; ')})`);
  assert.equal(s2.hostname, s.hostname, 'the name stays');
  assert.match(s.machineId ?? '', /^[0-9a-f]{32}$/, 'a machine ID of this card');
  assert.equal(s2.machineId, s.machineId, 'the machine ID stays (restored by the initramfs from the data partition)');
  assert.equal(s2.adminCert, adminCert, 'the HTTPS certificate stays (a browser\'s exception for it stays valid)');
  assert.ok(await until('a login over HTTPS after the reboot', () => httpsLogin(ports.https, adminCert, PASSWORD), 60_000, second));
  second.kill();
  await second.exitedPromise;
});
