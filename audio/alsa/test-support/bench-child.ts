/**
 * The child process of bench/audio-alsa.ts (ALSA_CONFIG_PATH set by it, see
 * alsa-config.ts): one measurement per run, printed as one JSON line.
 *
 *   node --import tsx bench-child.ts <playback-latency|capture-latency|cpu|unpaced> '<json params>'
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlsaPcm, type AlsaPcmOptions } from '../alsa-pcm.js';

interface Params {
  rate?: number;
  channels?: 1 | 2;
  periodFrames?: number;
  periods?: number;
  /** playback-latency: frames kept queued in the ring ahead of the device. */
  ringFrames?: number;
  markers?: number;
  outFile?: string;
  /** capture-latency: the FIFO that pcm.filein reads. */
  fifo?: string;
  seconds?: number;
}

const scenario = process.argv[2] ?? '';
const p = JSON.parse(process.argv[3] ?? '{}') as Params;
const rate = p.rate ?? 8000;
const channels = p.channels ?? 1;
const periodFrames = p.periodFrames ?? 160;
const opts = (device: string, pace = true): AlsaPcmOptions => ({ device, rate, channels, periodFrames, periods: p.periods ?? 4, pace });

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Marker k: a period whose every sample is 1000 + k (silence in between). */
function marker(k: number, samples: number): Int16Array {
  return new Int16Array(samples).fill(1000 + k);
}

/** write() of a marked period until it appears in the file plugin's output file. */
async function playbackLatency(): Promise<unknown> {
  const pcm = AlsaPcm.openPlayback(opts('fileout'));
  const period = pcm.periodFrames * channels;
  const fd = openSync(p.outFile ?? '', 'r');
  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const markers = p.markers ?? 20;
  let written = 0;
  const topUp = setInterval(() => {
    while (pcm.stats().queuedFrames + pcm.periodFrames <= (p.ringFrames ?? 2 * pcm.periodFrames)) {
      const k = written % 10 === 9 ? sentAt.size : -1;
      if (k >= 0 && k < markers) sentAt.set(k, performance.now());
      pcm.write(k >= 0 && k < markers ? marker(k, period) : new Int16Array(period));
      written++;
    }
  }, 2);
  const buf = Buffer.alloc(1 << 16);
  let offset = 0;
  while (latencies.length < markers) {
    await sleep(1);
    const n = readSync(fd, buf, 0, buf.length - (buf.length % 2), offset);
    const now = performance.now();
    offset += n;
    for (let i = 0; i + 1 < n; i += 2) {
      const v = buf.readInt16LE(i);
      const k = v - 1000;
      const t0 = sentAt.get(k);
      if (v !== 0 && t0 !== undefined && latencies.length === k) latencies.push(now - t0);
    }
  }
  clearInterval(topUp);
  closeSync(fd);
  pcm.close();
  return { latencies, periodFrames: pcm.periodFrames, bufferFrames: pcm.bufferFrames, ringFrames: p.ringFrames ?? 2 * pcm.periodFrames };
}

/** A marked period written into the FIFO that pcm.filein reads, until its 'frames' event. */
async function captureLatency(): Promise<unknown> {
  const fifo = openSync(p.fifo ?? '', 'r+'); // a writer first, so ALSA's open of the FIFO does not block
  const pcm = AlsaPcm.openCapture(opts('filein', false)); // the FIFO paces the thread: read() waits for data
  const period = pcm.periodFrames * channels;
  const latencies: number[] = [];
  let sentAt = 0;
  pcm.on('frames', (f) => {
    if (f[0] === 1000 + latencies.length) latencies.push(performance.now() - sentAt);
  });
  const markers = p.markers ?? 50;
  for (let k = 0; k < markers; k++) {
    await sleep((pcm.periodFrames / rate) * 1000);
    const data = marker(k, period);
    sentAt = performance.now();
    writeSync(fifo, Buffer.from(data.buffer));
  }
  await sleep(50);
  closeSync(fifo);
  pcm.close();
  return { latencies, periodFrames: pcm.periodFrames };
}

/** A capture + playback pair looped back (each captured period played), paced like hardware. */
async function cpu(): Promise<unknown> {
  const seconds = p.seconds ?? 3;
  // Baseline: this process idle with a timer, as long as the run.
  let c0 = cpuMs();
  const idleTimer = setInterval(() => undefined, 20);
  await sleep(seconds * 1000);
  clearInterval(idleTimer);
  const idleMs = cpuMs() - c0;

  const cap = AlsaPcm.openCapture(opts('filein'));
  const pb = AlsaPcm.openPlayback(opts('fileout'));
  let periods = 0;
  cap.on('frames', (f) => {
    periods++;
    pb.write(f);
  });
  c0 = cpuMs();
  const t0 = performance.now();
  const timer = setInterval(() => undefined, 20);
  await sleep(seconds * 1000);
  clearInterval(timer);
  const wallMs = performance.now() - t0;
  const runMs = cpuMs() - c0;
  const threadsMs = cap.stats().threadCpuMs + pb.stats().threadCpuMs;
  const stats = { capture: cap.stats(), playback: pb.stats() };
  cap.close();
  pb.close();
  return { seconds: wallMs / 1000, idleMs, runMs, threadsMs, periods, stats };
}

/** What the null / file plugins do without pacing: they run as fast as they are called. */
async function unpaced(): Promise<unknown> {
  const windowMs = 300;
  const cap = AlsaPcm.openCapture({ ...opts('filein', false), queuePeriods: 64 });
  let delivered = 0;
  cap.on('frames', () => delivered++);
  const pb = AlsaPcm.openPlayback(opts('null', false));
  pb.write(new Int16Array(pb.periodFrames * channels));
  await sleep(windowMs);
  const c = cap.stats();
  const w = pb.stats();
  cap.close();
  pb.close();
  const realtime = (rate * windowMs) / 1000;
  return {
    capture: { frames: c.frames, delivered, dropped: c.droppedFrames, timesRealtime: c.frames / realtime, threadCpuMs: c.threadCpuMs },
    playback: { frames: w.frames, underruns: w.underruns, timesRealtime: w.frames / realtime, threadCpuMs: w.threadCpuMs },
    windowMs,
  };
}

const scenarios: Record<string, () => Promise<unknown>> = {
  'playback-latency': playbackLatency,
  'capture-latency': captureLatency,
  cpu,
  unpaced,
};
const run = scenarios[scenario];
if (run === undefined) {
  console.error(`bench-child: unknown scenario '${scenario}'`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(await run()) + '\n');
