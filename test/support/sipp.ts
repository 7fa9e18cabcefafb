/**
 * Runs SIPp (Debian package `sip-tester`) for the interoperability tests.
 *
 * Every run gets its own temp dir holding SIPp's statistics CSV (-trace_stat),
 * final screen (-trace_screen), error log (-trace_err) and, when asked, the
 * message log (-trace_msg). Runs always end: `-m` bounds the number of calls,
 * `-timeout` is a global deadline (with -timeout_error it counts as failure),
 * and a hard kill a few seconds later covers a SIPp that hangs anyway.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Folder with the SIPp scenarios (test/sipp). */
export const SIPP_DIR = fileURLToPath(new URL('../sipp/', import.meta.url));

export type SippTransport = 'u1' | 't1';

export interface SippResult {
  /** SIPp's exit code: 0 all calls succeeded, 1 some failed, 97 internal command, 99 no call, 255 fatal / global timeout. */
  exitCode: number;
  successful: number;
  failed: number;
  stdout: string;
  stderr: string;
  /** -trace_msg output, when `traceMessages` was set. */
  messagesLog?: string;
  /** -trace_err output (unexpected messages, timeouts), empty when none. */
  errorLog: string;
  /** One text with everything needed to explain a failure in a CI log. */
  report: string;
}

export interface SippCommonOptions {
  /** Scenario file: a path, or a file name inside test/sipp. */
  scenario: string;
  /** Local SIP port (-p). runSipp: a free one is picked when absent. */
  localPort?: number;
  /** Local address (-i); 127.0.0.1 unless given. */
  localIp?: string;
  transport?: SippTransport;
  /** -m: calls to complete before exiting (default 1). */
  calls?: number;
  /** -r: calls per second (UAC). */
  rate?: number;
  /** -l: concurrent calls. */
  concurrency?: number;
  /** -lost: percent of packets SIPp drops on purpose. */
  lost?: number;
  /** -d: how long a scenario's bare <pause/> lasts (ms, default 500): the talk time. */
  pauseMs?: number;
  /** Global SIPp timeout in seconds (default 15). */
  timeoutS?: number;
  /** -key k v, substituted for [k] in the scenario. */
  keys?: Record<string, string>;
  /** -inf: CSV file for [field0] etc. */
  injectFile?: string;
  /** -au / -ap: credentials for [authentication]. */
  authUser?: string;
  authPassword?: string;
  /** -s: user part of the Request-URI ([service]). */
  service?: string;
  /** Keep -trace_msg output in the result (and in the report). */
  traceMessages?: boolean;
  extraArgs?: string[];
}

export interface RunSippOptions extends SippCommonOptions {
  /** host:port of the side under test. */
  remote: string;
}

export interface StartSippUasOptions extends SippCommonOptions {
  /** Not needed for a UAS; given when the scenario sends the first request elsewhere. */
  remote?: string;
  /** How long to wait for SIPp's socket to appear (ms, default 5000). */
  readyTimeoutMs?: number;
}

export interface RunningSippUas {
  port: number;
  /** Resolves when SIPp exits by itself (its -m calls done or its timeout). */
  exited: Promise<SippResult>;
  /** Waits up to `graceMs` (default 5000) for SIPp to finish, then stops it (SIGUSR1 dumps stats, then SIGKILL). */
  stop(graceMs?: number): Promise<SippResult>;
}

let cachedBinary: string | null | undefined;

/** Absolute path of the sipp binary, or null. */
export function sippBinary(): string | null {
  if (cachedBinary !== undefined) return cachedBinary;
  cachedBinary = null;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  for (const d of dirs) {
    if (d !== '' && existsSync(join(d, 'sipp'))) {
      const probe = spawnSync(join(d, 'sipp'), ['-v'], { encoding: 'utf8', timeout: 5000 });
      if (/SIPp v\d/.test(`${probe.stdout}${probe.stderr}`)) {
        cachedBinary = join(d, 'sipp');
        break;
      }
    }
  }
  return cachedBinary;
}

export function sippAvailable(): boolean {
  return sippBinary() !== null;
}

/** SIPp's version line, e.g. "SIPp v3.6.1-SCTP-PCAP-RTPSTREAM". */
export function sippVersion(): string | null {
  const bin = sippBinary();
  if (bin === null) return null;
  const probe = spawnSync(bin, ['-v'], { encoding: 'utf8', timeout: 5000 });
  return /SIPp v\S+/.exec(`${probe.stdout}${probe.stderr}`)?.[0] ?? null;
}

function bindUdp(port: number): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', (err) => {
      s.close();
      reject(err);
    });
    s.bind(port, '127.0.0.1', () => resolve({ port: s.address().port, close: () => new Promise<void>((r) => s.close(() => r())) }));
  });
}

function bindTcp(port: number): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('no TCP address'));
        return;
      }
      resolve({ port: addr.port, close: () => new Promise<void>((r) => srv.close(() => r())) });
    });
  });
}

/** A port free on 127.0.0.1 for both UDP and TCP right now (binds port 0 with UDP, then the same number with TCP; retries on collision). */
export async function freeUdpTcpPort(attempts = 20): Promise<number> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    const udp = await bindUdp(0);
    try {
      const tcp = await bindTcp(udp.port);
      await tcp.close();
      return udp.port;
    } catch (err) {
      lastError = err;
    } finally {
      await udp.close();
    }
  }
  throw new Error(`no port free for both UDP and TCP after ${attempts} attempts: ${String(lastError)}`);
}

/** True when something listens on 127.0.0.1/0.0.0.0:port (UDP bound, or TCP in LISTEN state), per /proc/net. */
export function portBound(port: number, transport: SippTransport): boolean {
  const file = transport === 'u1' ? '/proc/net/udp' : '/proc/net/tcp';
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of text.split('\n').slice(1)) {
    const cols = line.trim().split(/\s+/);
    const local = cols[1];
    const state = cols[3];
    if (local === undefined) continue;
    const [addr, p] = local.split(':');
    if (p !== hex || (addr !== '0100007F' && addr !== '00000000')) continue;
    if (transport === 'u1' || state === '0A') return true;
  }
  return false;
}

function scenarioPath(scenario: string): string {
  return isAbsolute(scenario) || scenario.includes('/') ? scenario : join(SIPP_DIR, scenario);
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return '';
  }
}

/** Parses the last row of SIPp's -trace_stat CSV (semicolon separated, cumulative "(C)" columns). */
export function parseSippStats(csv: string): { successful: number; failed: number } | null {
  const rows = csv.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const header = rows[0]?.split(';');
  const last = rows.length > 1 ? rows[rows.length - 1]?.split(';') : undefined;
  if (header === undefined || last === undefined) return null;
  const col = (name: string): number | null => {
    const i = header.indexOf(name);
    const v = i >= 0 ? last[i] : undefined;
    return v === undefined || v === '' || Number.isNaN(Number(v)) ? null : Number(v);
  };
  const successful = col('SuccessfulCall(C)');
  const failed = col('FailedCall(C)');
  return successful === null || failed === null ? null : { successful, failed };
}

/** Fallback: the cumulative column of the final statistics screen (-trace_screen). */
export function parseSippScreen(screen: string): { successful: number; failed: number } | null {
  const s = [...screen.matchAll(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/g)].pop()?.[1];
  const f = [...screen.matchAll(/Failed call\s*\|\s*\d+\s*\|\s*(\d+)/g)].pop()?.[1];
  return s === undefined || f === undefined ? null : { successful: Number(s), failed: Number(f) };
}

/** Strips the terminal escape sequences SIPp writes to stdout and keeps the last `max` characters. */
function cleanScreen(text: string, max = 6000): string {
  // eslint-disable-next-line no-control-regex
  const plain = text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  return plain.length > max ? `...${plain.slice(-max)}` : plain;
}

/** Every SIPp still running, killed if the test process exits early. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

interface Launched {
  child: ChildProcess;
  port: number;
  exited: Promise<SippResult>;
}

function launch(opts: SippCommonOptions & { remote?: string }, port: number, role: 'uac' | 'uas'): Launched {
  const bin = sippBinary();
  if (bin === null) throw new Error('sipp not installed');
  const dir = mkdtempSync(join(tmpdir(), `dialtone-sipp-${role}-`));
  const files = {
    stat: join(dir, 'stat.csv'),
    screen: join(dir, 'screen.log'),
    err: join(dir, 'errors.log'),
    msg: join(dir, 'messages.log'),
  };
  const timeoutS = opts.timeoutS ?? 15;
  const args = [
    '-sf', scenarioPath(opts.scenario),
    '-i', opts.localIp ?? '127.0.0.1',
    '-p', String(port),
    '-t', opts.transport ?? 'u1',
    '-m', String(opts.calls ?? 1),
    '-nostdin',
    '-timeout', `${timeoutS}s`,
    '-timeout_error',
    '-trace_stat', '-stf', files.stat,
    '-trace_screen', '-screen_file', files.screen,
    '-trace_err', '-error_file', files.err,
  ];
  if (opts.traceMessages === true) args.push('-trace_msg', '-message_file', files.msg);
  if (opts.rate !== undefined) args.push('-r', String(opts.rate));
  if (opts.concurrency !== undefined) args.push('-l', String(opts.concurrency));
  if (opts.lost !== undefined) args.push('-lost', String(opts.lost));
  args.push('-d', String(opts.pauseMs ?? 500));
  if (opts.injectFile !== undefined) args.push('-inf', opts.injectFile);
  if (opts.authUser !== undefined) args.push('-au', opts.authUser);
  if (opts.authPassword !== undefined) args.push('-ap', opts.authPassword);
  if (opts.service !== undefined) args.push('-s', opts.service);
  for (const [k, v] of Object.entries(opts.keys ?? {})) args.push('-key', k, v);
  args.push(...(opts.extraArgs ?? []));
  if (opts.remote !== undefined) args.push(opts.remote);

  const child = spawn(bin, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString('latin1');
    if (stdout.length > 200_000) stdout = stdout.slice(-100_000);
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
  // Hard stop well after SIPp's own global timeout.
  const hardKill = setTimeout(() => child.kill('SIGKILL'), (timeoutS + 10) * 1000);
  hardKill.unref();

  const exited = new Promise<SippResult>((resolve) => {
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(hardKill);
      live.delete(child);
      const statCsv = readIfExists(files.stat);
      const screen = readIfExists(files.screen);
      const counts = parseSippStats(statCsv) ?? parseSippScreen(screen) ?? parseSippScreen(cleanScreen(stdout, 100_000)) ?? { successful: 0, failed: 0 };
      const errorLog = readIfExists(files.err);
      const messagesLog = opts.traceMessages === true ? readIfExists(files.msg) : undefined;
      const exitCode = code ?? (signal === null ? -1 : 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGUSR1' ? 10 : 15));
      const report = [
        `sipp ${role} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
        `exit code ${exitCode}${signal !== null ? ` (signal ${signal})` : ''}; successful calls ${counts.successful}, failed calls ${counts.failed}`,
        stderr.trim() !== '' ? `--- stderr ---\n${stderr.trim()}` : '',
        errorLog.trim() !== '' ? `--- error log (-trace_err) ---\n${errorLog.trim()}` : '',
        messagesLog !== undefined && messagesLog.trim() !== '' ? `--- messages (-trace_msg) ---\n${messagesLog.trim().slice(-20_000)}` : '',
        `--- final screen ---\n${(screen.trim() !== '' ? cleanScreen(screen) : cleanScreen(stdout)).trim()}`,
      ].filter((s) => s !== '').join('\n');
      rmSync(dir, { recursive: true, force: true });
      resolve({ exitCode, successful: counts.successful, failed: counts.failed, stdout: cleanScreen(stdout, 20_000), stderr, errorLog, report, ...(messagesLog !== undefined ? { messagesLog } : {}) });
    };
    child.once('exit', (code, signal) => {
      // Let the stdio pipes drain before reading everything.
      if (child.stdout === null || child.stdout.readableEnded) finish(code, signal);
      else child.stdout.once('close', () => finish(code, signal));
    });
    child.once('error', (err) => {
      stderr += `\nspawn error: ${err.message}`;
      finish(-1, null);
    });
  });
  return { child, port, exited };
}

/** Runs a SIPp scenario (normally a UAC) to the end and returns its statistics; does not throw when calls fail. */
export async function runSipp(opts: RunSippOptions): Promise<SippResult> {
  const port = opts.localPort ?? (await freeUdpTcpPort());
  return launch(opts, port, 'uac').exited;
}

/** Throws an error carrying SIPp's whole report unless it exited 0 with `calls` successful calls and none failed. */
export function assertSippSuccess(result: SippResult, calls = 1): void {
  if (result.exitCode !== 0 || result.successful !== calls || result.failed !== 0) {
    throw new Error(`expected ${calls} successful SIPp call(s) and none failed\n${result.report}`);
  }
}

/** Starts a SIPp scenario that waits for calls (UAS) and resolves once its SIP socket is bound. */
export async function startSippUas(opts: StartSippUasOptions): Promise<RunningSippUas> {
  const transport = opts.transport ?? 'u1';
  for (let attempt = 0; ; attempt++) {
    const port = opts.localPort ?? (await freeUdpTcpPort());
    const l = launch({ timeoutS: 30, ...opts }, port, 'uas');
    let done: SippResult | undefined;
    void l.exited.then((r) => (done = r));
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 5000);
    while (done === undefined && !portBound(port, transport) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    if (done !== undefined) {
      // Port taken between our probe and SIPp's bind: try another one.
      if (opts.localPort === undefined && attempt < 3 && /bind|Address already in use/i.test(done.report)) continue;
      throw new Error(`SIPp UAS exited before it was ready\n${done.report}`);
    }
    if (!portBound(port, transport)) {
      l.child.kill('SIGKILL');
      const r = await l.exited;
      throw new Error(`SIPp UAS did not bind ${transport} port ${port} in time\n${r.report}`);
    }
    let stopping: Promise<SippResult> | undefined;
    const stop = (graceMs = 5000): Promise<SippResult> => {
      stopping ??= (async () => {
        if (done !== undefined) return done;
        const first = await exitedWithin(l.exited, graceMs);
        if (first !== undefined) return first;
        // SIGUSR1 asks SIPp to stop and write its statistics.
        l.child.kill('SIGUSR1');
        const second = await exitedWithin(l.exited, 2000);
        if (second !== undefined) return second;
        l.child.kill('SIGKILL');
        return l.exited;
      })();
      return stopping;
    };
    return { port, exited: l.exited, stop };
  }
}

/** The result when SIPp exits within `ms`, else undefined. The timer is cleared, so it never holds the process open. */
async function exitedWithin(exited: Promise<SippResult>, ms: number): Promise<SippResult | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([exited, new Promise<undefined>((r) => { timer = setTimeout(() => r(undefined), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}
