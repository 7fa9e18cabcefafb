/**
 * The child process of alsa-pcm.test.ts and bench/audio-alsa.ts: runs one
 * scenario against the real addon, with ALSA_CONFIG_PATH pointing at a config
 * from alsa-config.ts, and prints one JSON line with its findings on stdout.
 *
 *   node --import tsx pcm-child.ts <scenario> '<json params>'
 *
 * Scenarios: play, capture, open-errors, close-twice, faults, exit, worker.
 */
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import { AlsaError, AlsaPcm, type AlsaPcmOptions } from '../alsa-pcm.js';
import { tryLoadAlsaAddon } from '../native-addon.js';
import { readRaw, writeRaw } from './alsa-config.js';

interface Params {
  device?: string;
  rate?: number;
  channels?: 1 | 2;
  periodFrames?: number;
  periods?: number;
  queuePeriods?: number;
  pace?: boolean;
  /** play: the raw file to play; capture: where to save what was captured. */
  source?: string;
  dest?: string;
  /** capture: periods to collect; after `blockAfter` of them, block the event loop `blockMs`. */
  count?: number;
  blockAfter?: number;
  blockMs?: number;
}

const scenario = process.argv[2] ?? '';
const params = JSON.parse(process.argv[3] ?? '{}') as Params;

function options(p: Params, device: string): AlsaPcmOptions {
  return {
    device: p.device ?? device,
    rate: p.rate ?? 8000,
    channels: p.channels ?? 1,
    periodFrames: p.periodFrames ?? 160,
    periods: p.periods ?? 4,
    queuePeriods: p.queuePeriods ?? 8,
    pace: p.pace ?? true,
  };
}

/** Measures how late a 10 ms interval timer fires while something runs. */
function lateness(): { stop(): { maxLateMs: number; ticks: number } } {
  const interval = 10;
  let last = performance.now();
  let maxLateMs = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLateMs = Math.max(maxLateMs, now - last - interval);
    last = now;
    ticks++;
  }, interval);
  return {
    stop: () => {
      clearInterval(timer);
      return { maxLateMs, ticks };
    },
  };
}

/** Threads of this process (the I/O threads come and go with the streams). */
function threads(): number {
  return readdirSync('/proc/self/task').length;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function describeError(err: unknown): Record<string, unknown> {
  if (!(err instanceof Error)) return { thrown: String(err) };
  return {
    name: err.name,
    message: err.message,
    isAlsaError: err instanceof AlsaError,
    ...(err instanceof AlsaError ? { code: err.code, errno: err.errno, device: err.device } : {}),
  };
}

async function play(): Promise<unknown> {
  const src = readRaw(readFileSync(params.source ?? ''));
  const pcm = AlsaPcm.openPlayback(options(params, 'fileout'));
  const loop = lateness();
  const t0 = performance.now();
  const cpu0 = cpuMs();
  let pos = 0;
  let underrunsWhileFed = -1;
  const topUp = (): void => {
    while (pos < src.length) {
      const n = pcm.write(src.subarray(pos));
      if (n === 0) break;
      pos += n;
    }
    if (pos === src.length && underrunsWhileFed < 0) underrunsWhileFed = pcm.stats().underruns;
  };
  topUp();
  const firstWrite = pos;
  const timer = setInterval(topUp, 5);
  while (pos < src.length || pcm.stats().queuedFrames > 0) await sleep(5);
  clearInterval(timer);
  const elapsedMs = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  pcm.close();
  return { firstWrite, underrunsWhileFed, stats: pcm.stats(), elapsedMs, cpuMs: cpu, ...loop.stop(), periodFrames: pcm.periodFrames };
}

async function capture(): Promise<unknown> {
  const count = params.count ?? 25;
  const pcm = AlsaPcm.openCapture(options(params, 'filein'));
  const loop = lateness();
  const elu0 = performance.eventLoopUtilization();
  const t0 = performance.now();
  const cpu0 = cpuMs();
  const periods: Int16Array[] = [];
  const arrivalsMs: number[] = [];
  await new Promise<void>((resolve) => {
    pcm.on('frames', (f) => {
      periods.push(f);
      arrivalsMs.push(performance.now() - t0);
      if (periods.length === params.blockAfter) {
        const end = performance.now() + (params.blockMs ?? 0);
        while (performance.now() < end); // the event loop falls behind the device
      }
      if (periods.length === count) resolve();
    });
  });
  const elapsedMs = performance.now() - t0;
  const cpu = cpuMs() - cpu0;
  const elu = performance.eventLoopUtilization(elu0).utilization;
  pcm.close();
  const all = new Int16Array(periods.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of periods) {
    all.set(p, off);
    off += p.length;
  }
  if (params.dest !== undefined) writeRaw(params.dest, all);
  const lengths = [...new Set(periods.map((p) => p.length))];
  return { periods: periods.length, lengths, stats: pcm.stats(), elapsedMs, cpuMs: cpu, elu, arrivalsMs, ...loop.stop() };
}

async function openErrors(): Promise<unknown> {
  const attempt = (f: () => AlsaPcm): unknown => {
    try {
      f().close();
      return { opened: true };
    } catch (err) {
      return describeError(err);
    }
  };
  return {
    missing: attempt(() => AlsaPcm.openCapture(options({}, 'nosuch'))),
    missingPlayback: attempt(() => AlsaPcm.openPlayback(options({}, 'hw:7,0'))),
    badChannels: attempt(() => AlsaPcm.openPlayback({ ...options({}, 'fileout'), channels: 3 as 1 })),
  };
}

async function closeTwice(): Promise<unknown> {
  const before = threads();
  const cap = AlsaPcm.openCapture(options(params, 'filein'));
  const pb = AlsaPcm.openPlayback(options(params, 'fileout'));
  let closes = 0;
  let framesAfterClose = 0;
  let closed = false;
  cap.on('close', () => closes++);
  pb.on('close', () => closes++);
  cap.on('frames', () => {
    if (closed) framesAfterClose++;
  });
  pb.write(new Int16Array(480));
  await sleep(100);
  const during = threads();
  cap.close();
  pb.close();
  closed = true;
  cap.close();
  pb.close();
  const writeAfterClose = pb.write(new Int16Array(160));
  const after = threads();
  // Churn: many streams opened and closed; then nothing native may be left once collected.
  for (let i = 0; i < 100; i++) {
    const c = AlsaPcm.openCapture(options({ ...params, pace: false }, 'filein'));
    const p = AlsaPcm.openPlayback(options({ ...params, pace: false }, 'null'));
    c.on('frames', () => undefined);
    p.write(new Int16Array(320));
    await sleep(1);
    c.close();
    p.close();
  }
  await sleep(100);
  const addon = tryLoadAlsaAddon();
  const liveBeforeGc = addon instanceof Error ? -1 : addon.liveHandles();
  (globalThis as { gc?: () => void }).gc?.();
  await sleep(10);
  const liveAfterGc = addon instanceof Error ? -1 : addon.liveHandles();
  // Nothing is left to keep the event loop alive: the process exits by itself.
  const closedFlags = [cap.closed, pb.closed];
  return {
    closes, framesAfterClose, writeAfterClose, closedFlags, stats: cap.stats(),
    threads: { before, during, after, afterChurn: threads() }, liveBeforeGc, liveAfterGc,
  };
}

async function faults(): Promise<unknown> {
  const events: string[] = [];
  const framesAt: Record<string, number> = {};
  const cap = AlsaPcm.openCapture(options(params, 'filein'));
  let frames = 0;
  cap.on('frames', () => {
    frames++;
    if (frames === 3) cap.injectFault(constants.errno.EPIPE); // an overrun: recovered
    if (frames === 6) cap.injectFault(constants.errno.ENODEV); // the device is gone
  });
  cap.on('xrun', () => {
    events.push('capture xrun');
    framesAt.xrun = frames;
  });
  cap.on('error', (err) => {
    events.push(`capture error ${err.code} ${err.device}: ${err.message}`);
    framesAt.error = frames;
  });
  await new Promise<void>((resolve) => cap.on('close', () => resolve()));
  events.push('capture close');
  await sleep(50);
  framesAt.end = frames;

  // Playback: one -EIO is cured by a prepare; a persistent one is fatal. No 'error' listener: a warning.
  const warnings: string[] = [];
  process.on('warning', (w) => warnings.push(`${w.name} ${(w as AlsaError).code}: ${w.message}`));
  const pb = AlsaPcm.openPlayback(options(params, 'fileout'));
  pb.on('xrun', () => events.push('playback xrun'));
  const feed = setInterval(() => pb.write(new Int16Array(160)), 10);
  pb.write(new Int16Array(320));
  await sleep(60);
  pb.injectFault(constants.errno.EIO);
  await once(pb, 'xrun');
  pb.injectFault(constants.errno.EIO, 100);
  await new Promise<void>((resolve) => pb.on('close', () => resolve()));
  clearInterval(feed);
  await sleep(10);
  events.push('playback close');
  return { events, framesAt, warnings, captureStats: cap.stats(), playbackStats: pb.stats() };
}

async function exitWhileRunning(): Promise<unknown> {
  const cap = AlsaPcm.openCapture(options(params, 'filein'));
  cap.on('frames', () => undefined);
  const pb = AlsaPcm.openPlayback(options(params, 'fileout'));
  const src = readRaw(readFileSync(params.source ?? ''));
  const n = pb.write(src);
  await sleep(150);
  process.stdout.write(JSON.stringify({ written: n, stats: pb.stats() }) + '\n', () => process.exit(0));
  return new Promise(() => undefined);
}

async function inWorker(): Promise<unknown> {
  const before = threads();
  // Node 20 does not apply tsx's --import hooks in workers: a JS entry loads this file through tsx's API.
  const api = import.meta.resolve('tsx/esm/api');
  const me = JSON.stringify(import.meta.url);
  const worker = new Worker(`import(${JSON.stringify(api)}).then((m) => m.tsImport(${me}, ${me}))`, {
    eval: true,
    argv: ['worker-body', JSON.stringify(params)],
    execArgv: [],
  });
  const ready = await new Promise<unknown>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const during = threads();
  const code = await worker.terminate();
  await sleep(100);
  return { ready, terminated: code, threads: { before, during, after: threads() } };
}

async function workerBody(): Promise<void> {
  const cap = AlsaPcm.openCapture(options(params, 'filein'));
  const pb = AlsaPcm.openPlayback(options(params, 'fileout'));
  pb.write(new Int16Array(480));
  let frames = 0;
  cap.on('frames', () => {
    if (++frames === 3) parentPort?.postMessage({ frames, played: pb.stats().frames });
  });
}

const scenarios: Record<string, () => Promise<unknown>> = {
  play,
  capture,
  'open-errors': openErrors,
  'close-twice': closeTwice,
  faults,
  exit: exitWhileRunning,
  worker: inWorker,
};

if (!isMainThread) {
  await workerBody();
} else {
  const run = scenarios[scenario];
  if (run === undefined) {
    console.error(`pcm-child: unknown scenario '${scenario}'`);
    process.exit(2);
  }
  const result = await run();
  process.stdout.write(JSON.stringify(result) + '\n');
}
