/**
 * Runs the real `dialtone` entry point as a child process, for black-box tests:
 * waits for the line that prints the URL, and keeps what it printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RunningAppliance {
  child: ChildProcess;
  url: string;
  /** The SIP port it printed. */
  sipPort: number;
  dataDir: string;
  output(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  stop(): Promise<number | string>;
  cleanup(): void;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'dialtone-test-'));
}

export interface StartOptions {
  args?: string[];
  /** The entry script (default src/main.ts, the `dialtone` command). */
  entry?: string;
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** Spawns the process; rejects with its output if it exits or stays silent instead of serving. */
export function startAppliance(opts: StartOptions = {}): Promise<RunningAppliance> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const args = ['--import', 'tsx', opts.entry ?? join(ROOT, 'src/main.ts'), '--data-dir', dataDir, '--http-port', '0', '--http-host', '127.0.0.1', '--log-level', 'info', ...((opts.args ?? []).includes('--sip-port') ? [] : ['--sip-port', '0']), ...(opts.args ?? [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`appliance did not start in time; output:\n${text}`));
    }, opts.timeoutMs ?? 20_000);
    const onData = (): void => {
      const m = /Open (http:\/\/\S+\/) in a browser/.exec(text);
      const sip = /SIP port: (\d+)/.exec(text);
      if (m?.[1] === undefined || sip?.[1] === undefined) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        child,
        url: m[1].replace(/\/$/, ''),
        sipPort: Number(sip[1]),
        dataDir,
        output: () => text,
        exited,
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
        cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
      });
    };
    child.stdout.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`appliance exited (${code}) before serving; output:\n${text}`));
    });
  });
}

/** Runs the entry point to completion (for refusals at start). */
export function runToExit(args: string[], timeoutMs = 20_000): Promise<{ code: number | string; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/main.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`did not exit in time; output:\n${output}`));
    }, timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal ?? 'unknown', output });
    });
  });
}

/** A cookie-carrying JSON client for the appliance's API. */
export class ApiClient {
  private cookie = '';
  constructor(readonly base: string) {}

  async request(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
    return body instanceof Uint8Array ? this.send(method, path, body, 'audio/wav') : this.send(method, path, body === undefined ? undefined : JSON.stringify(body), 'application/json');
  }

  /** The response body as bytes (a WAV recording). */
  async bytes(path: string): Promise<Buffer> {
    const res = await fetch(this.base + path, { headers: this.cookie !== '' ? { cookie: this.cookie } : {} });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return Buffer.from(await res.arrayBuffer());
  }

  private async send(method: string, path: string, body: string | Uint8Array | undefined, contentType: string): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = contentType;
    if (this.cookie !== '') headers.cookie = this.cookie;
    const res = await fetch(this.base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie !== null) this.cookie = setCookie.split(';')[0] ?? '';
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined; // not JSON: callers read `text`
    }
    return { status: res.status, json, text, headers: res.headers };
  }

  async setupAndLogin(password = 'a good password'): Promise<void> {
    const setup = await this.request('POST', '/api/setup', { password });
    if (setup.status !== 201 && setup.status !== 409) throw new Error(`setup: ${setup.status} ${setup.text}`);
    const login = await this.request('POST', '/api/session', { username: 'admin', password });
    if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text}`);
  }
}
