/**
 * CPU cost of the audio DSP building blocks (DESIGN §9: one call's audio path
 * ≤ 2 % of one core): for each, the CPU time (process.cpuUsage, user + system)
 * spent per second of audio processed, and that as a percentage of one core.
 * Each case runs for at least one second of wall time on 20 ms frames, after a
 * short warm-up so the JIT has settled.
 *
 * Run alone: node --import tsx bench/audio-dsp.ts
 */
import { pathToFileURL } from 'node:url';
import { Resampler } from '../audio/dsp/resampler.js';
import { conferenceMix } from '../audio/dsp/mixer.js';
import { LevelMeter } from '../audio/dsp/meter.js';
import { GainStage } from '../audio/dsp/gain.js';
import { DriftBridge } from '../audio/port/drift-bridge.js';

interface Case {
  readonly name: string;
  /** Processes one 20 ms frame of audio. */
  readonly frame: () => void;
}

function tone(rate: number, n: number, freq = 1000, amp = 10000): Int16Array {
  return Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * freq * i) / rate)));
}

function measure(c: Case, minWallMs = 1000): { usPerAudioS: number; percent: number; audioS: number } {
  for (let i = 0; i < 200; i++) c.frame();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let frames = 0;
  while (performance.now() - wall0 < minWallMs) {
    for (let i = 0; i < 50; i++) c.frame();
    frames += 50;
  }
  const cpu = process.cpuUsage(cpu0);
  const audioS = frames * 0.02;
  const usPerAudioS = (cpu.user + cpu.system) / audioS;
  return { usPerAudioS, percent: usPerAudioS / 1e4, audioS };
}

function cases(): Case[] {
  const at48k = tone(48000, 960);
  const at8k = tone(8000, 160);
  const down = new Resampler(48000, 8000, { quality: 'good' });
  const up = new Resampler(8000, 48000, { quality: 'good' });
  const downFast = new Resampler(48000, 8000, { quality: 'fast' });
  const upFast = new Resampler(8000, 48000, { quality: 'fast' });
  const parties = [tone(8000, 160, 440), tone(8000, 160, 1000), tone(8000, 160, 1633)];
  const meter = new LevelMeter();
  const gain = new GainStage();
  let gainFlip = false;
  const bridge = new DriftBridge();
  // The producer gets 3 frames ahead, then the two sides alternate at slightly different rates.
  for (let i = 0; i < 3; i++) bridge.push(at8k);
  let debt = 0;
  return [
    { name: "resampler 48k → 8k ('good')", frame: () => void down.process(at48k) },
    { name: "resampler 8k → 48k ('good')", frame: () => void up.process(at8k) },
    { name: "resampler 48k → 8k ('fast')", frame: () => void downFast.process(at48k) },
    { name: "resampler 8k → 48k ('fast')", frame: () => void upFast.process(at8k) },
    { name: 'conference mix, 3 parties (N − 1)', frame: () => void conferenceMix(parties) },
    { name: 'level meter (RMS, peak, VU)', frame: () => meter.push(at8k) },
    {
      name: 'gain stage (ramping every frame)',
      frame: () => {
        gainFlip = !gainFlip;
        gain.setGain(gainFlip ? -6 : 0);
        gain.process(at8k);
      },
    },
    {
      name: 'drift bridge (push + pull, 0.3 % apart)',
      frame: () => {
        bridge.push(at8k);
        debt += 160 * 1.003;
        const n = Math.floor(debt);
        debt -= n;
        bridge.pull(n);
      },
    },
  ];
}

export async function benchDsp(): Promise<void> {
  for (const c of cases()) {
    const r = measure(c);
    console.log(`audio-dsp: ${c.name}: ${r.usPerAudioS.toFixed(0)} µs CPU per second of audio = ${r.percent.toFixed(3)} % of one core (${r.audioS.toFixed(0)} s of audio)`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await benchDsp();
