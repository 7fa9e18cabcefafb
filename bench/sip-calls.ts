/**
 * SIP call load: how many calls per second and how many concurrent calls our stack
 * sustains as UAS against SIPp (Debian package `sip-tester`) on this machine, with
 * zero failed calls.
 *
 * Our UA is test/support/test-ua.ts (the real SipStack, UserAgent, SessionRouter and
 * InviteSession on 127.0.0.1/UDP, answering every INVITE with 180 then 200). It runs in
 * a child Node process (this file, started with --sip-calls-ua) so that SIPp's and the
 * bench's own CPU do not mix with its figures: CPU% is the child's process.cpuUsage()
 * over a step's wall time (100 % = one core), RSS its resident memory at the end of it.
 * SIPp runs test/sipp/uac-call-load.xml (INVITE, 200, ACK, pause -d, BYE, 200).
 *
 * 1. Rate steps: 20, 50, 100 ... calls/s, each for RATE_STEP_S seconds of calls lasting
 *    CALL_MS; stops at the first step with a failed call, an unexpected message (SIPp's
 *    error log), a call our side ended abnormally or a warning our UA logged.
 *    "achieved" is the rate INVITEs reached our UA (first to last), "peak conc." the most
 *    calls our UA had in progress at once (INVITE received, not yet ended).
 * 2. Concurrency: N calls held up at once (-l N, -m N, each HOLD_MS long, started at
 *    N/2 calls/s), for each N until the first failure.
 *
 * Run: npm run -s build && node --import tsx bench/run.ts sip-calls
 */
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MemoryLogger, type LogEntry } from '../src/log.js';
import { runSipp, sippAvailable, sippVersion, type SippResult } from '../test/support/sipp.js';
import { startTestUa } from '../test/support/test-ua.js';

const CHILD_FLAG = '--sip-calls-ua';
const SCENARIO = 'uac-call-load.xml';
const RATES = [20, 50, 100, 200, 400, 600, 800, 1000, 1200, 1600];
const RATE_STEP_S = 5;
const CALL_MS = 1000;
const CONCURRENCY = [100, 250, 500, 1000, 2000];
const HOLD_MS = 10_000;
/** Concurrency runs start calls at N/2 calls/s but no faster than this (all N are still up at once: N/rate < HOLD_MS). */
const HOLD_MAX_RATE = 400;
/** A rate step counts only when INVITEs reached our UA at least this close to the rate asked. */
const RATE_TOLERANCE = 0.95;

/** What the UA process reports about itself since the last reset. */
interface UaStats {
  invites: number;
  ended: number;
  /** Calls our side ended with another cause than a normal hang-up by SIPp. */
  abnormal: string[];
  warnings: string[];
  peakLive: number;
  /** performance.now() of the first and last INVITE since the reset. */
  firstInviteMs: number;
  lastInviteMs: number;
  cpuUs: number;
  wallMs: number;
  rssMb: number;
  /** V8 heap in use right after a full GC. */
  heapMb: number;
}

type ToChild = { cmd: 'reset' } | { cmd: 'stats'; gc: boolean } | { cmd: 'stop' };
type FromChild = { ready: number } | { stats: UaStats } | { stopped: true };

// ---------------------------------------------------------------- child side

function heapAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

async function uaChild(): Promise<void> {
  const entries: LogEntry[] = [];
  const ua = await startTestUa({ log: new MemoryLogger(entries, {}, 'warn') });
  let invites = 0;
  let ended = 0;
  let live = 0;
  let peakLive = 0;
  let abnormal: string[] = [];
  let firstInviteMs = 0;
  let lastInviteMs = 0;
  let cpuStart = process.cpuUsage();
  let wallStart = performance.now();
  // The test UA tracks every incoming session with its router right after creating it.
  const track = ua.router.track.bind(ua.router);
  ua.router.track = (session) => {
    track(session);
    ua.incoming.length = 0; // the test UA keeps every session; the router still tracks them
    const now = performance.now();
    if (invites === 0) firstInviteMs = now;
    lastInviteMs = now;
    invites++;
    live++;
    if (live > peakLive) peakLive = live;
    session.once('ended', (e) => {
      ended++;
      live--;
      if (!(e.cause === 'normal' && e.by === 'remote') && abnormal.length < 20) abnormal.push(`${e.by} ${e.cause}${e.status !== undefined ? ` ${e.status}` : ''}${e.reason !== undefined ? ` ${e.reason}` : ''}`);
    });
  };
  const send = (m: FromChild): void => {
    process.send?.(m);
  };
  process.on('message', (m: ToChild) => {
    if (m.cmd === 'reset') {
      invites = 0;
      ended = 0;
      peakLive = live;
      abnormal = [];
      entries.length = 0;
      ua.ended.length = 0;
      cpuStart = process.cpuUsage();
      wallStart = performance.now();
      send({ stats: stats(false) });
    } else if (m.cmd === 'stats') {
      send({ stats: stats(m.gc) });
    } else {
      void ua.stop().then(() => {
        send({ stopped: true });
        process.disconnect();
      });
    }
  });
  process.on('disconnect', () => process.exit(0));
  function stats(gc: boolean): UaStats {
    const cpu = process.cpuUsage(cpuStart);
    ua.ended.length = 0;
    return {
      invites, ended, abnormal, peakLive, firstInviteMs, lastInviteMs,
      warnings: entries.slice(0, 10).map((e) => `${e.level} ${e.msg} ${JSON.stringify(e.fields)}`),
      cpuUs: cpu.user + cpu.system,
      wallMs: performance.now() - wallStart,
      rssMb: process.memoryUsage().rss / 1024 / 1024,
      heapMb: gc ? heapAfterGc() : NaN,
    };
  }
  send({ ready: ua.port });
}

if (process.argv.includes(CHILD_FLAG)) await uaChild();

// ---------------------------------------------------------------- bench side

class UaProcess {
  private waiting: ((m: FromChild) => void)[] = [];
  private constructor(private readonly child: ChildProcess, readonly port: number) {
    child.on('message', (m: FromChild) => this.waiting.shift()?.(m));
  }

  static start(): Promise<UaProcess> {
    const child = fork(fileURLToPath(import.meta.url), [CHILD_FLAG], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('message', (m: FromChild) => {
        if ('ready' in m) resolve(new UaProcess(child, m.ready));
        else reject(new Error('UA process did not report its port'));
      });
      child.once('exit', (code) => reject(new Error(`UA process exited (${code})`)));
    });
  }

  private ask(cmd: ToChild): Promise<FromChild> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send(cmd);
    });
  }

  /** reset: start counting afresh; gc: measure the heap after a full GC. */
  async stats(opts: { reset?: boolean; gc?: boolean } = {}): Promise<UaStats> {
    const m = await this.ask(opts.reset === true ? { cmd: 'reset' } : { cmd: 'stats', gc: opts.gc === true });
    if (!('stats' in m)) throw new Error('unexpected answer from the UA process');
    return m.stats;
  }

  async stop(): Promise<void> {
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.ask({ cmd: 'stop' });
    await exited;
  }
}

interface Outcome {
  sipp: SippResult;
  ua: UaStats;
  /** SIPp's CPU over its run (100 % = one core), from /proc. */
  sippCpuPct: number;
  /** Why the run does not count, or null when every call succeeded. */
  failure: string | null;
}

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/** utime+stime (s) of every SIPp that is a child of this process, by pid. */
function sippCpuSeconds(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'sipp') continue;
      const f = stat.slice(close + 2).split(' '); // f[0] is field 3 (state)
      if (Number(f[1]) !== process.pid) continue;
      out.set(Number(entry), (Number(f[11]) + Number(f[12])) / CLK_TCK);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

async function runLoad(ua: UaProcess, calls: number, rate: number, durationMs: number, concurrency?: number): Promise<Outcome> {
  await ua.stats({ reset: true });
  // Sample SIPp's CPU while it runs; the last sample before it exits is its total.
  let sippCpuS = 0;
  const sampler = setInterval(() => {
    for (const v of sippCpuSeconds().values()) sippCpuS = Math.max(sippCpuS, v);
  }, 200);
  const t0 = performance.now();
  const sipp = await runSipp({
    scenario: SCENARIO, remote: `127.0.0.1:${ua.port}`, service: 'alice',
    calls, rate, ...(concurrency !== undefined ? { concurrency } : {}),
    timeoutS: Math.ceil(calls / rate + durationMs / 1000 + 30),
    pauseMs: durationMs,
  });
  const sippWallS = (performance.now() - t0) / 1000;
  clearInterval(sampler);
  // Let our side see the last BYEs.
  let s = await ua.stats();
  const deadline = performance.now() + 5000;
  while (s.ended < s.invites && performance.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    s = await ua.stats();
  }
  s = await ua.stats({ gc: true });
  const why: string[] = [];
  if (sipp.failed > 0) why.push(`${sipp.failed} failed call(s)`);
  if (sipp.successful !== calls) why.push(`${sipp.successful}/${calls} successful`);
  if (sipp.exitCode !== 0) why.push(`SIPp exit code ${sipp.exitCode}`);
  if (sipp.errorLog.trim() !== '') why.push(`unexpected messages: ${firstLines(sipp.errorLog, 3)}`);
  if (s.invites !== calls) why.push(`our UA saw ${s.invites} INVITEs`);
  if (s.ended < s.invites) why.push(`${s.invites - s.ended} call(s) never ended on our side`);
  if (s.abnormal.length > 0) why.push(`our side ended calls abnormally: ${s.abnormal.slice(0, 3).join('; ')}`);
  if (s.warnings.length > 0) why.push(`our UA logged: ${s.warnings.slice(0, 3).join('; ')}`);
  if (concurrency === undefined && !(achievedRate(s) >= rate * RATE_TOLERANCE)) why.push(`rate not reached: INVITEs arrived at ${achievedRate(s).toFixed(1)}/s, asked ${rate}/s`);
  return { sipp, ua: s, sippCpuPct: (sippCpuS / sippWallS) * 100, failure: why.length > 0 ? why.join('; ') : null };
}

function firstLines(text: string, n: number): string {
  return text.trim().split('\n').slice(0, n).join(' | ').slice(0, 400);
}

function achievedRate(s: UaStats): number {
  const span = s.lastInviteMs - s.firstInviteMs;
  return s.invites > 1 && span > 0 ? ((s.invites - 1) / span) * 1000 : NaN;
}

function cpuPct(s: UaStats): number {
  return s.wallMs > 0 ? (s.cpuUs / 1000 / s.wallMs) * 100 : NaN;
}

const num = (v: number, w: number, d = 0): string => (Number.isFinite(v) ? v.toFixed(d) : '-').padStart(w);

function saturation(o: Outcome): string {
  return o.sippCpuPct >= 90 ? ` (SIPp itself at ${o.sippCpuPct.toFixed(0)} % CPU: the load generator may be the limit)` : '';
}

export async function benchSipCalls(): Promise<void> {
  if (!sippAvailable()) {
    console.log('sipp not installed (Debian package sip-tester): skipped');
    return;
  }
  const started = performance.now();
  const ua = await UaProcess.start();
  console.log(`${sippVersion() ?? 'SIPp'} calls our UA (test/support/test-ua.ts: SipStack, UserAgent, SessionRouter, InviteSession; UDP 127.0.0.1:${ua.port}), which runs in a child Node process`);
  console.log('CPU% over the step (100 % = one core); UA RSS and heap (after a full GC) at its end');
  let bestRate: { asked: number; achieved: number } | null = null;
  let bestConcurrent = 0;
  let concurrencyCapped = false;
  try {
    console.log(`rate steps: ${RATE_STEP_S} s of calls each, calls last ${CALL_MS} ms (${SCENARIO}, -d ${CALL_MS}); a step needs ≥ ${RATE_TOLERANCE * 100} % of the rate asked`);
    console.log('  asked cps  achieved cps  successful  failed  peak conc. (rate×dur)  UA CPU%  UA RSS MB  heap MB  SIPp CPU%');
    for (const rate of RATES) {
      const o = await runLoad(ua, rate * RATE_STEP_S, rate, CALL_MS);
      const achieved = achievedRate(o.ua);
      console.log(`  ${num(rate, 9)}  ${num(achieved, 12, 1)}  ${num(o.sipp.successful, 10)}  ${num(o.sipp.failed, 6)}  ${num(o.ua.peakLive, 10)} (${String((rate * CALL_MS) / 1000).padStart(8)})  ${num(cpuPct(o.ua), 7, 1)}  ${num(o.ua.rssMb, 9, 1)}  ${num(o.ua.heapMb, 7, 1)}  ${num(o.sippCpuPct, 9, 1)}`);
      if (o.failure !== null) {
        console.log(`  stopped at ${rate} cps: ${o.failure}${saturation(o)}`);
        break;
      }
      bestRate = { asked: rate, achieved };
      bestConcurrent = Math.max(bestConcurrent, o.ua.peakLive);
    }

    console.log(`concurrency: N calls held ${HOLD_MS / 1000} s each (-l N -m N -d ${HOLD_MS}), started at N/2 calls/s, at most ${HOLD_MAX_RATE}/s`);
    console.log('  N calls  successful  failed  peak conc.  UA CPU%  UA RSS MB  heap MB  SIPp CPU%');
    for (const n of CONCURRENCY) {
      const o = await runLoad(ua, n, Math.min(HOLD_MAX_RATE, Math.max(1, Math.round(n / 2))), HOLD_MS, n);
      console.log(`  ${num(n, 7)}  ${num(o.sipp.successful, 10)}  ${num(o.sipp.failed, 6)}  ${num(o.ua.peakLive, 10)}  ${num(cpuPct(o.ua), 7, 1)}  ${num(o.ua.rssMb, 9, 1)}  ${num(o.ua.heapMb, 7, 1)}  ${num(o.sippCpuPct, 9, 1)}`);
      if (o.failure !== null) {
        console.log(`  stopped at N = ${n}: ${o.failure}${saturation(o)}`);
        break;
      }
      bestConcurrent = Math.max(bestConcurrent, o.ua.peakLive);
      concurrencyCapped = n === CONCURRENCY.at(-1);
    }
  } finally {
    await ua.stop();
  }
  const rateText = bestRate === null ? '0 calls/s' : `${bestRate.asked} calls/s`;
  console.log(`sustained: ${rateText} and ${bestConcurrent} concurrent calls with zero failed calls${concurrencyCapped ? ' (the largest N tried: a lower bound)' : ''} (bench took ${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
