/**
 * Start-up budget (DESIGN §9: READY ≤ 2 s after start on the dev machine).
 * Spawns the built process (dist/) with a fake NOTIFY_SOCKET and measures the
 * time from spawn to READY=1, and the resident memory right after it, over
 * several runs on a fresh data directory each.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RECEIVER = join(ROOT, 'src/systemd/test-support/notify_receiver.py');

interface Run { readyMs: number; rssMb: number }

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] === undefined ? NaN : Number(m[1]) / 1024;
}

async function once(): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-bench-'));
  const socketPath = join(dir, 'notify.sock');
  const receiver = spawn('python3', [RECEIVER, socketPath], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: receiver.stdout });
  const nextMessage = (want: (msg: string) => boolean): Promise<void> =>
    new Promise((resolve) => {
      const onLine = (line: string): void => {
        const parsed = JSON.parse(line) as { ready?: boolean; msg?: string };
        if ((parsed.ready === true && want('')) || (parsed.msg !== undefined && want(parsed.msg))) {
          lines.off('line', onLine);
          resolve();
        }
      };
      lines.on('line', onLine);
    });
  await nextMessage((m) => m === '');
  const started = performance.now();
  const app = spawn(process.execPath, [join(ROOT, 'dist/src/main.js'), '--data-dir', join(dir, 'data'), '--http-port', '0', '--http-host', '127.0.0.1', '--log-level', 'warn'], {
    env: { ...process.env, NOTIFY_SOCKET: socketPath },
    stdio: 'ignore',
  });
  await nextMessage((m) => m.split('\n').includes('READY=1'));
  const readyMs = performance.now() - started;
  const rss = rssMb(app.pid ?? 0);
  app.kill('SIGTERM');
  await new Promise((r) => app.once('exit', r));
  receiver.stdin.end();
  await new Promise((r) => receiver.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { readyMs, rssMb: rss };
}

export async function benchStartup(runs = 7): Promise<void> {
  const results: Run[] = [];
  for (let i = 0; i < runs; i++) results.push(await once());
  const ready = results.map((r) => r.readyMs).sort((a, b) => a - b);
  const rss = results.map((r) => r.rssMb).sort((a, b) => a - b);
  const median = (xs: number[]): number => xs[Math.floor(xs.length / 2)] ?? NaN;
  console.log(`startup: spawn -> READY=1 over ${runs} runs: min ${ready[0]?.toFixed(0)} ms, median ${median(ready).toFixed(0)} ms, max ${ready.at(-1)?.toFixed(0)} ms (budget 2000 ms)`);
  console.log(`startup: RSS at READY: median ${median(rss).toFixed(1)} MB (budget with 4 calls: 80 MB)`);
}
