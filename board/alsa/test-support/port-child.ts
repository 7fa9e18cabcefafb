/**
 * The child process of alsa-port-real.test.ts: an AlsaAudioPort on ALSA's
 * software PCMs (ALSA_CONFIG_PATH from port-config.ts, device 'port': capture
 * from a raw file, playback into one), at 48000 Hz. Prints one JSON line.
 *
 *   node --import tsx port-child.ts <loop|lost> '<json params>'
 *
 * loop: collects `frames` frames, writing a 1500 Hz tone frame for each; reports
 *       the 1 kHz level of what was captured (the infile holds 1 kHz at 48 kHz).
 * lost: after 10 frames, the capture stream's next read fails with ENODEV (the
 *       binding's fault-injection hook): reports onLost calls and what followed.
 */
import { constants } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { AlsaPcm, type AlsaPcmOptions } from '../../../audio/alsa/alsa-pcm.js';
import { goertzelAmplitude } from '../../../audio/goertzel.js';
import { MemoryLogger } from '../../../src/log.js';
import { AlsaAudioPort } from '../alsa-audio-port.js';

const scenario = process.argv[2] ?? '';
const params = JSON.parse(process.argv[3] ?? '{}') as { frames?: number };
const log = new MemoryLogger();
const lost: string[] = [];

function tone(freq: number, from: number, n: number): Int16Array {
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(10000 * Math.sin((2 * Math.PI * freq * (from + i)) / 8000));
  return x;
}

async function loop(): Promise<unknown> {
  const want = params.frames ?? 50;
  const port = new AlsaAudioPort({ spec: { device: 'port', rate: 48000 }, log, onLost: (r) => lost.push(r), tuning: { pace: true } });
  const frames: Int16Array[] = [];
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const off = port.onFrame((f) => {
      port.write(tone(1500, frames.length * 160, 160));
      frames.push(f);
      if (frames.length === want) {
        off();
        resolve();
      }
    });
  });
  const elapsedMs = performance.now() - t0;
  await sleep(100); // let the playback ring drain into the file
  const stats = port.stats();
  port.close();
  const all = new Int16Array(frames.length * 160);
  frames.forEach((f, i) => all.set(f, i * 160));
  const start = Math.floor(all.length / 2);
  const level = goertzelAmplitude(1000, 8000, all, start, start + 1600);
  return { frames: frames.length, lengths: [...new Set(frames.map((f) => f.length))], elapsedMs, capturedDb: 20 * Math.log10(level / 10000), stats, lost };
}

async function lose(): Promise<unknown> {
  let capture: AlsaPcm | undefined;
  const open = {
    capture: (o: AlsaPcmOptions): AlsaPcm => (capture = AlsaPcm.openCapture(o)),
    playback: (o: AlsaPcmOptions): AlsaPcm => AlsaPcm.openPlayback(o),
  };
  const port = new AlsaAudioPort({ spec: { device: 'port', rate: 48000 }, log, onLost: (r) => lost.push(r), open, tuning: { pace: true } });
  let frames = 0;
  port.onFrame(() => {
    if (++frames === 10) capture?.injectFault(constants.errno.ENODEV);
  });
  while (lost.length === 0) await sleep(10);
  const framesAtLoss = frames;
  port.write(new Int16Array(160));
  await sleep(200);
  port.close();
  return { lost, framesAtLoss, framesAfter: frames - framesAtLoss, queuedAfter: port.queuedFrames, closed: port.closed, errors: log.entries.filter((e) => e.level === 'error').map((e) => e.msg) };
}

const scenarios: Record<string, () => Promise<unknown>> = { loop, lost: lose };
const run = scenarios[scenario];
if (run === undefined) {
  console.error(`port-child: unknown scenario '${scenario}'`);
  process.exit(2);
}
process.stdout.write(JSON.stringify(await run()) + '\n');
