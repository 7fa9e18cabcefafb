/**
 * CPU cost of call-progress tones (DESIGN §9: one call's audio path ≤ 2 % of
 * one core): generating tones in 20 ms frames, and classifying 0.5 s windows
 * the way the simulated phone does. CPU time is process.cpuUsage (user +
 * system), after a warm-up so the JIT has settled; each case runs ≥ 1 s.
 *
 * Run alone: node --import tsx bench/audio-tones.ts
 */
import { pathToFileURL } from 'node:url';
import { ToneGenerator } from '../audio/tones/generator.js';
import { classifyCallProgress } from '../audio/tones/classify.js';
import { tonePlan } from '../audio/tones/plans/index.js';
import type { ToneSpec, TonePlan } from '../audio/tones/types.js';

const FS = 8000;

function cpuPer(run: () => void, minWallMs = 1000): { calls: number; cpuUs: number } {
  for (let i = 0; i < 50; i++) run();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let calls = 0;
  while (performance.now() - wall0 < minWallMs) {
    for (let i = 0; i < 10; i++) run();
    calls += 10;
  }
  const cpu = process.cpuUsage(cpu0);
  return { calls, cpuUs: cpu.user + cpu.system };
}

function benchGenerate(name: string, spec: ToneSpec): void {
  const g = new ToneGenerator(spec);
  const frame = new Int16Array(160);
  const { calls, cpuUs } = cpuPer(() => g.next(frame));
  const usPerAudioS = cpuUs / (calls * 0.02);
  console.log(`tones: generate ${name}: ${usPerAudioS.toFixed(0)} µs CPU per second of audio (${(usPerAudioS / 1e4).toFixed(3)} % of one core)`);
}

function benchClassify(name: string, plan: TonePlan, spec: ToneSpec): void {
  const audio = new ToneGenerator(spec).next(new Int16Array(FS * 12));
  let at = 0;
  const { calls, cpuUs } = cpuPer(() => {
    // Slide through 0.5 s windows 20 ms apart, as a phone polling its earpiece would.
    at = (at + 160) % (audio.length - FS / 2);
    classifyCallProgress(audio.subarray(at, at + FS / 2), plan, FS);
  });
  const usPerCall = cpuUs / calls;
  console.log(
    `tones: classify ${name} (0.5 s window): ${usPerCall.toFixed(0)} µs per call = ${(usPerCall * 2).toFixed(0)} µs CPU per second of audio ` +
      `(${((usPerCall * 2) / 1e4).toFixed(3)} % of one core); re-classified every 20 ms: ${((usPerCall * 50) / 1e4).toFixed(2)} % of one core`,
  );
}

export async function benchTones(): Promise<void> {
  const us = tonePlan('US');
  const de = tonePlan('DE');
  const india = tonePlan('IN');
  benchGenerate('US dial tone (350+440 Hz, continuous)', us.dial);
  benchGenerate('US ringback (440+480 Hz, 2 s/4 s)', us.ringback);
  benchGenerate('IN dial tone (400×25 Hz AM)', india.dial);
  benchClassify('US dial tone', us, us.dial);
  benchClassify('US busy', us, us.busy);
  benchClassify('DE busy (425 Hz, cadence decides)', de, de.busy);
  benchClassify('US call waiting (mostly silence)', us, us.callWaiting);
  benchClassify('IN ringback (AM)', india, india.ringback);
  return Promise.resolve();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchTones();
