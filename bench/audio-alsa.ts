/**
 * The ALSA binding (audio/alsa/) without sound hardware, through ALSA's null
 * and file plugins (audio/alsa/test-support/alsa-config.ts), each measurement
 * in a child process with ALSA_CONFIG_PATH (audio/alsa/test-support/bench-child.ts):
 *
 * - playback latency: write() of a marked period until it is in the file
 *   plugin's output file (the file plugin keeps one buffer before writing, like
 *   a device buffer, so expect ring + buffer);
 * - capture latency: a marked period written into a FIFO that the file plugin
 *   reads as its infile, until the 'frames' event (thread wake-up + hand-over
 *   to the event loop);
 * - CPU per second of audio of a capture + playback pair looped back, paced
 *   like hardware; the I/O threads separately;
 * - what the plugins do unpaced (they are not rate-limited).
 *
 * `node --import tsx bench/audio-alsa.ts` runs it alone.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tryLoadAlsaAddon } from '../audio/alsa/native-addon.js';
import { testSignal, writeAlsaTestConfig, writeRaw, type AlsaTestConfig } from '../audio/alsa/test-support/alsa-config.js';

const CHILD = fileURLToPath(new URL('../audio/alsa/test-support/bench-child.ts', import.meta.url));

function runChild<T>(cfg: AlsaTestConfig, scenario: string, params: Record<string, unknown>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, scenario, JSON.stringify(params)], {
      env: cfg.env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`bench-child ${scenario} exited with ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as T);
    });
  });
}

function summary(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return `median ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, min ${at(0).toFixed(1)}, max ${at(1).toFixed(1)} (n=${s.length})`;
}

interface Format {
  label: string;
  rate: number;
  channels: 1 | 2;
  periodFrames: number;
  periods: number;
}

const FORMATS: Format[] = [
  { label: '8 kHz mono, 20 ms periods x 4', rate: 8000, channels: 1, periodFrames: 160, periods: 4 },
  { label: '48 kHz stereo, 5 ms periods x 4', rate: 48000, channels: 2, periodFrames: 240, periods: 4 },
];

export async function benchAlsa(): Promise<void> {
  const addon = tryLoadAlsaAddon();
  if (addon instanceof Error) {
    console.log(`ALSA binding: skipped (${addon.message})`);
    return;
  }
  const tmp = mkdtempSync(join(tmpdir(), 'dialtone-bench-alsa-'));
  try {
    console.log(`ALSA binding (alsa-lib ${addon.alsaVersion}), null/file plugins, paced by the I/O thread:`);
    let n = 0;
    const dir = (): string => {
      const d = join(tmp, String(n++));
      mkdirSync(d);
      return d;
    };
    for (const f of FORMATS) {
      const fmt = { rate: f.rate, channels: f.channels, periodFrames: f.periodFrames, periods: f.periods };
      console.log(`  ${f.label}:`);
      const ms = (frames: number): number => (frames / f.rate) * 1000;

      const play = writeAlsaTestConfig(dir());
      const pl = await runChild<{ latencies: number[]; bufferFrames: number; ringFrames: number }>(play, 'playback-latency', {
        ...fmt,
        outFile: play.outFile,
        ringFrames: 2 * f.periodFrames,
      });
      console.log(
        `    playback write() -> out file: ${summary(pl.latencies)}` +
          ` [ring ${ms(pl.ringFrames)} ms + device buffer ${ms(pl.bufferFrames)} ms = ${ms(pl.ringFrames + pl.bufferFrames)} ms]`,
      );

      const fifoDir = dir();
      const fifo = join(fifoDir, 'in.fifo');
      execFileSync('mkfifo', [fifo]);
      const cl = await runChild<{ latencies: number[] }>(writeAlsaTestConfig(fifoDir, { inFile: fifo }), 'capture-latency', { ...fmt, fifo });
      console.log(`    capture infile read -> 'frames' event: ${summary(cl.latencies)}`);

      const seconds = 2;
      const cpuCfg = writeAlsaTestConfig(dir());
      writeRaw(cpuCfg.inFile, testSignal(f.rate * f.channels * (seconds + 1)));
      const c = await runChild<{ seconds: number; idleMs: number; runMs: number; threadsMs: number; periods: number }>(cpuCfg, 'cpu', {
        ...fmt,
        seconds,
      });
      const perSec = (c.runMs - c.idleMs) / c.seconds;
      console.log(
        `    CPU, capture + playback looped back: ${perSec.toFixed(1)} ms per s of audio (${(perSec / 10).toFixed(2)} % of a core)` +
          ` above an idle process; the two I/O threads ${(c.threadsMs / c.seconds).toFixed(1)} ms/s; ${c.periods} periods in ${c.seconds.toFixed(1)} s`,
      );
    }
    const unpacedCfg = writeAlsaTestConfig(dir());
    writeRaw(unpacedCfg.inFile, testSignal(8000)); // past its end the file plugin reads silence
    const u = await runChild<{
      capture: { timesRealtime: number; dropped: number; delivered: number; threadCpuMs: number };
      playback: { timesRealtime: number; threadCpuMs: number };
      windowMs: number;
    }>(unpacedCfg, 'unpaced', { rate: 8000, channels: 1, periodFrames: 160, periods: 4 });
    console.log(
      `  unpaced (no pace option) over ${u.windowMs} ms: capture ran at ${u.capture.timesRealtime.toFixed(0)}x real time` +
        ` (${u.capture.delivered} periods delivered, ${u.capture.dropped} frames dropped, thread ${u.capture.threadCpuMs.toFixed(0)} ms CPU),` +
        ` playback at ${u.playback.timesRealtime.toFixed(0)}x (thread ${u.playback.threadCpuMs.toFixed(0)} ms CPU)`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchAlsa();
