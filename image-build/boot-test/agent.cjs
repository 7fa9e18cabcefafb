// The boot test's agent INSIDE the guest (never part of the image): the test puts
// it on a small extra disk, and a unit given to systemd as a credential on the
// kernel command line runs it as root with the image's own node. It answers the
// host (through QEMU's port forward) with what only root inside can see:
//   GET  /status  systemd's state, failed units, dialtone.service's properties,
//                 the mounts and the first boot's results
//   POST /kill    `systemctl kill -s KILL dialtone`, then says how long until a new
//                 process ran and until the service was active again (READY=1)
//   POST /reboot  answers, then `systemctl reboot`
'use strict';
const http = require('node:http');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');

function run(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', timeout: 120000 }).trim();
  } catch (err) {
    return String(err.stdout || '').trim() || `error: ${err.message}`;
  }
}

function show(unit) {
  const out = {};
  for (const line of run('systemctl', ['show', unit, '-p', 'ActiveState,SubState,MainPID,NRestarts,Result,StatusText,WatchdogUSec,ExecMainStartTimestampMonotonic']).split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

function read(path) {
  try {
    return fs.readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

function status() {
  return {
    systemState: run('systemctl', ['is-system-running', '--wait']),
    failedUnits: run('systemctl', ['--failed', '--plain', '--no-legend']).split('\n').filter((l) => l.trim() !== ''),
    dialtone: show('dialtone.service'),
    firstboot: show('dialtone-firstboot.service'),
    hostname: read('/proc/sys/kernel/hostname'),
    machineId: read('/etc/machine-id'),
    rootMount: run('findmnt', ['-no', 'OPTIONS', '/']),
    dataMount: run('findmnt', ['-no', 'SOURCE,SIZE', '--bytes', '/var/lib/dialtone-data']),
    dataDf: run('df', ['-B1', '--output=size', '/var/lib/dialtone-data']).split('\n').pop(),
    tls: fs.existsSync('/var/lib/dialtone/tls') ? fs.readdirSync('/var/lib/dialtone/tls') : [],
    adminCert: read('/var/lib/dialtone/tls/admin.crt'),
    version: read('/opt/dialtone/package.json') && JSON.parse(read('/opt/dialtone/package.json')).version,
    uptime: read('/proc/uptime'),
  };
}

async function killAndWait() {
  const before = show('dialtone.service');
  const t0 = Date.now();
  let restartedMs = null;
  run('systemctl', ['kill', '-s', 'KILL', 'dialtone.service']);
  for (;;) {
    await new Promise((r) => setTimeout(r, 100));
    const now = show('dialtone.service');
    const fresh = now.MainPID !== '0' && now.MainPID !== before.MainPID;
    if (fresh && restartedMs === null) restartedMs = Date.now() - t0;
    if (fresh && now.ActiveState === 'active') return { before, after: now, restartedMs, readyAgainMs: Date.now() - t0 };
    if (Date.now() - t0 > 180000) return { before, after: now, restartedMs, readyAgainMs: null };
  }
}

http.createServer((req, res) => {
  const reply = (v) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(v));
  };
  if (req.method === 'GET' && req.url === '/status') return reply(status());
  if (req.method === 'POST' && req.url === '/kill') return void killAndWait().then(reply);
  if (req.method === 'POST' && req.url === '/reboot') {
    reply({ rebooting: true });
    setTimeout(() => run('systemctl', ['reboot']), 500);
    return undefined;
  }
  res.writeHead(404);
  res.end();
}).listen(7070, '0.0.0.0');
