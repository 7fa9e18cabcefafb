/**
 * Echo canceller budget (audio/echo/): CPU per second of audio at 64 and
 * 128 ms tails (target ≤ 1 % of one core per call), next to what a plain
 * time-domain two-path NLMS of the same length costs on this machine (the
 * reason the canceller works in the frequency domain), and the ERLE figures
 * on the simulated hybrid (ITU-T G.168 Annex D echo path models; see
 * audio/echo/test-support/cases.ts).
 *
 * CPU is process CPU time (process.cpuUsage) over 2 s of wall time per
 * figure (1 s for the reference), also given for the quietest 0.25 s round:
 * on a shared machine other load inflates the average.
 *
 * Run alone: node --import tsx bench/audio-echo.ts
 */
import { fileURLToPath } from 'node:url';
import { EchoCanceller } from '../audio/echo/canceller.js';
import { SimulatedHybrid } from '../audio/echo/test-support/hybrid.js';
import { speechLike } from '../audio/echo/test-support/speech.js';
import { HYBRID, erleTable } from '../audio/echo/test-support/cases.js';

interface Cost {
  /** Over the whole run. */
  wallUsPerSecond: number;
  cpuUsPerSecond: number;
  /** CPU time of the quietest 0.25 s round (least disturbed by other load on the machine). */
  bestCpuUsPerSecond: number;
}

/** Runs `step` (which processes `audioSeconds` of audio) for at least `minWallMs`, in rounds of 0.25 s. */
function measure(step: () => void, audioSeconds: number, minWallMs = 2000): Cost {
  for (let i = 0; i < 100; i++) step(); // warm up the JIT
  let audio = 0;
  let best = Infinity;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < minWallMs) {
    const r0 = process.cpuUsage();
    const w0 = performance.now();
    let roundAudio = 0;
    while (performance.now() - w0 < 250) {
      step();
      roundAudio += audioSeconds;
    }
    const r = process.cpuUsage(r0);
    best = Math.min(best, (r.user + r.system) / roundAudio);
    audio += roundAudio;
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { wallUsPerSecond: (wall * 1000) / audio, cpuUsPerSecond: (cpu.user + cpu.system) / audio, bestCpuUsPerSecond: best };
}

function line(name: string, c: Cost): string {
  const pct = (us: number): string => `${(us / 10_000).toFixed(2)} %`;
  return (
    `echo: ${name.padEnd(44)} ${c.cpuUsPerSecond.toFixed(0).padStart(6)} µs CPU per s of audio = ${pct(c.cpuUsPerSecond)} of a core ` +
    `(best round ${c.bestCpuUsPerSecond.toFixed(0)} µs = ${pct(c.bestCpuUsPerSecond)}; wall ${pct(c.wallUsPerSecond)})`
  );
}

/** The time-domain alternative, for comparison: two-path NLMS, 1024 taps, per sample. */
function timeDomainTwoPath(taps: number): (far: Int16Array, near: Int16Array) => void {
  const bg = new Float64Array(taps);
  const fg = new Float64Array(taps);
  const x = new Float64Array(2 * taps); // doubled circular buffer: x[p … p+taps) is the window
  let p = 0;
  let power = 0;
  let lastE = 0;
  let lastNorm = 0;
  return (far, near) => {
    for (let n = 0; n < far.length; n++) {
      const xn = far[n]!;
      p = p === 0 ? taps - 1 : p - 1;
      const old = x[p + taps]!;
      x[p] = xn;
      x[p + taps] = xn;
      power += xn * xn - old * old;
      // Fused: update the background with the previous error, filter with the result.
      const g = (0.5 * lastE) / (lastNorm + 1e3);
      let ybg = 0;
      for (let j = 0; j < taps; j++) {
        const w = bg[j]! + g * x[p + j + 1]!;
        bg[j] = w;
        ybg += w * x[p + j]!;
      }
      let yfg = 0;
      for (let j = 0; j < taps; j++) yfg += fg[j]! * x[p + j]!;
      lastE = near[n]! - ybg;
      lastNorm = power;
      if (yfg === Infinity) fg.set(bg); // keeps the loop honest; never true
    }
  };
}

export async function benchEcho(): Promise<void> {
  const seconds = 4;
  const far = speechLike({ seconds, levelDbm0: -15, seed: 1 }).samples;
  const { sin } = new SimulatedHybrid({ ...HYBRID, noiseDbm0: -70 }).run(far);
  const frames = far.length / 160;
  for (const tailMs of [64, 128]) {
    const ec = new EchoCanceller({ tailMs });
    let f = 0;
    const cost = measure(() => {
      const o = (f++ % frames) * 160;
      ec.process(far.subarray(o, o + 160), sin.subarray(o, o + 160));
    }, 0.02);
    console.log(line(`canceller, ${tailMs} ms tail (frequency domain)`, cost));
  }
  const td = timeDomainTwoPath(1024);
  let f = 0;
  const tdCost = measure(
    () => {
      const o = (f++ % frames) * 160;
      td(far.subarray(o, o + 160), sin.subarray(o, o + 160));
    },
    0.02,
    1000,
  );
  console.log(line('reference: time-domain two-path NLMS, 128 ms', tdCost));
  await Promise.resolve();

  for (const row of erleTable()) console.log(`echo: ${row.name.padEnd(62)} ${row.value}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchEcho();
