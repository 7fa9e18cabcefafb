/**
 * The notifier and watchdog against a real unix datagram socket: a python
 * receiver (Node cannot bind one) stands in for systemd, and a child Node
 * process runs the real addon, notifier and watchdog on the SystemClock.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadNativeSender } from './native.js';

const here = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(here, '..', '..');
const RECEIVER = join(here, 'test-support', 'notify_receiver.py');
const CHILD = join(here, 'test-support', 'notify-child.ts');
const hasPython = spawnSync('python3', ['--version']).status === 0;
const skip = hasPython ? false : 'python3 is not installed';

interface Datagram {
  /** Seconds: the kernel's arrival time when given, else when python read it. */
  at: number;
  msg: string;
}

interface Receiver {
  /** Resolves once `count` datagrams have arrived (or rejects after timeoutMs). */
  waitFor(count: number, timeoutMs?: number): Promise<void>;
  /** Stops the receiver after it drains its queue; resolves with every datagram. */
  stop(): Promise<Datagram[]>;
}

const tmp = mkdtempSync(join(tmpdir(), 'dialtone-notify-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
}

async function startReceiver(socketPath: string): Promise<Receiver> {
  const py = spawn('python3', [RECEIVER, socketPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  py.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((res) => py.on('exit', (code) => res(code)));
  const datagrams: Datagram[] = [];
  let waiter: (() => void) | undefined;
  const ready = new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`receiver did not start: ${stderr}`)), 5000);
    void exited.then((code) => rej(new Error(`receiver exited (${code}): ${stderr}`)));
    createInterface({ input: py.stdout }).on('line', (line) => {
      const obj = JSON.parse(line) as { ready?: boolean; t?: number; kt?: number; msg?: string };
      if (obj.ready === true) {
        clearTimeout(timer);
        res();
        return;
      }
      datagrams.push({ at: obj.kt ?? obj.t ?? NaN, msg: obj.msg ?? '' });
      waiter?.();
    });
  });
  await ready;
  return {
    waitFor: (count, timeoutMs = 3000) =>
      new Promise<void>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`only ${datagrams.length} datagrams arrived`)), timeoutMs);
        waiter = () => {
          if (datagrams.length >= count) {
            clearTimeout(timer);
            res();
          }
        };
        waiter();
      }),
    stop: async () => {
      py.stdin.end();
      const code = await exited;
      assert.equal(code, 0, `receiver failed: ${stderr}`);
      return datagrams;
    },
  };
}

interface ChildResult {
  pid: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function runChild(env: Record<string, string>): Promise<ChildResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, WATCHDOG_USEC: '200000', ...env };
  delete childEnv.WATCHDOG_PID;
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  return new Promise((res) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      res({ pid: child.pid ?? -1, code, stdout, stderr });
    });
  });
}

function statsOf(r: ChildResult): { fed: number; skippedLate: number; skippedUnhealthy: number } {
  const last = r.stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as { fed: number; skippedLate: number; skippedUnhealthy: number };
}

const isWatchdog = (d: Datagram): boolean => d.msg === 'WATCHDOG=1';
const ms = (seconds: number): number => seconds * 1000;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

describe('the sd_notify addon', { skip }, () => {
  test('sends to a filesystem path and to an abstract name', async () => {
    const notify = loadNativeSender();
    const path = join(tmp, 'direct.sock');
    const abstract = '@' + uniqueName('dialtone-direct');
    const r1 = await startReceiver(path);
    const r2 = await startReceiver(abstract);
    notify(path, 'READY=1');
    notify(abstract, 'STATUS=abstract ok');
    await r1.waitFor(1);
    await r2.waitFor(1);
    assert.deepEqual((await r1.stop()).map((d) => d.msg), ['READY=1']);
    assert.deepEqual((await r2.stop()).map((d) => d.msg), ['STATUS=abstract ok']);
  });

  test('throws with errno text when nobody listens', () => {
    const notify = loadNativeSender();
    assert.throws(() => notify(join(tmp, 'nobody.sock'), 'READY=1'), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'ENOENT');
      assert.match(err.message, /sendto: No such file or directory/);
      return true;
    });
    assert.throws(() => notify('@' + uniqueName('dialtone-nobody'), 'READY=1'), { code: 'ECONNREFUSED' });
  });

  test('checks the path against sun_path and refuses relative paths', () => {
    const notify = loadNativeSender();
    assert.throws(() => notify('/' + 'x'.repeat(107), 'READY=1'), RangeError); // 108 bytes + NUL > sun_path
    assert.throws(() => notify('@' + 'x'.repeat(108), 'READY=1'), RangeError); // 109 bytes > sun_path
    // An abstract name may fill sun_path exactly; nobody is bound to it.
    assert.throws(() => notify('@' + 'x'.repeat(107), 'READY=1'), { code: 'ECONNREFUSED' });
    assert.throws(() => notify('relative.sock', 'READY=1'), { code: 'EINVAL' });
    assert.throws(() => notify('@', 'READY=1'), { code: 'EINVAL' });
    assert.throws(() => notify(join(tmp, 'x.sock'), 'x'.repeat(5000)), RangeError);
  });
});

describe('a child process with the real notifier and watchdog', { skip, timeout: 20_000 }, () => {
  test('READY, STATUS, a feed every ~100 ms, none while the loop is blocked, STOPPING', async () => {
    const socket = join(tmp, 'block.sock');
    const receiver = await startReceiver(socket);
    const child = await runChild({ NOTIFY_SOCKET: socket, CHILD_RUN_MS: '600', CHILD_BLOCK_MS: '1000', CHILD_AFTER_MS: '400' });
    const got = await receiver.stop();
    assert.equal(child.code, 0, child.stderr);
    const msgs = got.map((d) => d.msg);

    assert.equal(msgs[0], `READY=1\nMAINPID=${child.pid}`);
    assert.ok(msgs.includes('STATUS=child running second line'), msgs.join(' | '));
    assert.equal(msgs.at(-1), 'STOPPING=1');

    const begin = got.findIndex((d) => d.msg === 'X_TEST_PHASE=block-begin');
    const end = got.findIndex((d) => d.msg.startsWith('X_TEST_PHASE=block-end'));
    assert.ok(begin > 0 && end === begin + 1, `markers at ${begin}, ${end}: ${msgs.join(' | ')}`);
    const blockStart = got[begin]!.at;
    const blockEnd = got[end]!.at;
    assert.ok(ms(blockEnd - blockStart) >= 950, `the block lasted ${ms(blockEnd - blockStart)} ms`);

    // Before the block: fed about every 100 ms (WATCHDOG_USEC/2), never faster.
    const before = got.slice(0, begin).filter(isWatchdog).map((d) => d.at);
    assert.ok(before.length >= 3, `only ${before.length} feeds in 600 ms`);
    const gaps = before.slice(1).map((t, i) => ms(t - before[i]!));
    assert.ok(Math.min(...gaps) >= 85, `feeds too close: ${gaps.join(', ')}`);
    assert.ok(median(gaps) <= 200, `feeds too far apart: ${gaps.join(', ')}`);

    // The block: a gap of at least ~900 ms without a feed, and the tick that fired
    // late right after the block was not fed: the next feed is a full tick later.
    const afterBlock = got.slice(end + 1).filter(isWatchdog).map((d) => d.at);
    assert.ok(afterBlock.length >= 1, 'no feed after the loop recovered');
    const gap = ms(afterBlock[0]! - before.at(-1)!);
    assert.ok(gap >= 900, `gap around the block only ${gap} ms`);
    const firstAfter = ms(afterBlock[0]! - blockEnd);
    assert.ok(firstAfter >= 50, `fed ${firstAfter.toFixed(1)} ms after the block: the late tick was fed`);

    const stats = statsOf(child);
    assert.ok(stats.skippedLate >= 1, JSON.stringify(stats));
    assert.match(child.stderr, /the event loop was blocked/);
  });

  test('never feeds while healthy() is false', async () => {
    const socket = join(tmp, 'unhealthy.sock');
    const receiver = await startReceiver(socket);
    const child = await runChild({ NOTIFY_SOCKET: socket, CHILD_HEALTHY: '0', CHILD_RUN_MS: '500' });
    const msgs = (await receiver.stop()).map((d) => d.msg);
    assert.equal(child.code, 0, child.stderr);
    assert.deepEqual(msgs, [`READY=1\nMAINPID=${child.pid}`, 'STATUS=child running second line', 'STOPPING=1']);
    const stats = statsOf(child);
    assert.equal(stats.fed, 0);
    assert.ok(stats.skippedUnhealthy >= 3, JSON.stringify(stats));
    assert.match(child.stderr, /unhealthy: not feeding/);
  });

  test('works with an abstract-namespace NOTIFY_SOCKET (@name)', async () => {
    const socket = '@' + uniqueName('dialtone-notify');
    const receiver = await startReceiver(socket);
    const child = await runChild({ NOTIFY_SOCKET: socket, CHILD_RUN_MS: '350' });
    const msgs = (await receiver.stop()).map((d) => d.msg);
    assert.equal(child.code, 0, child.stderr);
    assert.equal(msgs[0], `READY=1\nMAINPID=${child.pid}`);
    assert.equal(msgs.at(-1), 'STOPPING=1');
    assert.ok(msgs.filter((m) => m === 'WATCHDOG=1').length >= 2, msgs.join(' | '));
  });
});
