/**
 * The web load of bench/rtp-media.ts, run as a child process so that its CPU
 * does not delay the bench's own UDP receive timestamps: WORKERS keep-alive
 * GET /api/status requests in flight against the box (node:http, one Agent),
 * paced to a total rate or as fast as they go. argv: the box's HTTP port.
 */
import { Agent, request } from 'node:http';
import { summarize, type FromLoad, type LoadCount, type ToLoad } from './rtp-media-protocol.js';

const WORKERS = 20;
const port = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });

let rate: number | null = 0; // 0: idle until told
let running = true;
let nextSlot = 0;
let ok = 0;
let errors = 0;
let latency: number[] = [];
let windowStart = performance.now();
let cpuStart = process.cpuUsage();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function get(): Promise<void> {
  return new Promise((resolve) => {
    const t = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/api/status', agent }, (res) => {
      res.resume();
      res.on('end', () => {
        if (res.statusCode === 200) ok++;
        else errors++;
        latency.push(performance.now() - t);
        resolve();
      });
    });
    req.on('error', () => {
      errors++;
      resolve();
    });
    req.end();
  });
}

async function worker(): Promise<void> {
  while (running) {
    if (rate === 0) {
      await sleep(20);
      continue;
    }
    if (rate !== null) {
      const slot = Math.max(performance.now(), nextSlot);
      nextSlot = slot + 1000 / rate;
      const wait = slot - performance.now();
      if (wait > 0) await sleep(wait);
    }
    await get();
  }
}

function send(m: FromLoad): void {
  process.send?.(m);
}

const workers = Array.from({ length: WORKERS }, () => worker());

process.on('message', (m: ToLoad) => {
  if (m.cmd === 'rate') {
    rate = m.rate;
    nextSlot = performance.now();
    send({ type: 'ok' });
  } else if (m.cmd === 'reset') {
    ok = 0;
    errors = 0;
    latency = [];
    windowStart = performance.now();
    cpuStart = process.cpuUsage();
    send({ type: 'ok' });
  } else if (m.cmd === 'count') {
    const wallMs = performance.now() - windowStart;
    const cpu = process.cpuUsage(cpuStart);
    const count: LoadCount = { ok, errors, wallMs, latencyMs: summarize(latency), cpuPct: ((cpu.user + cpu.system) / 1000 / wallMs) * 100 };
    send({ type: 'count', count });
  } else {
    running = false;
    void Promise.all(workers).then(() => {
      agent.destroy();
      send({ type: 'stopped' });
      process.disconnect();
    });
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
