/**
 * CPU cost of the audio codecs per second of audio: G.711 µ-law and A-law
 * (ITU-T G.711), G.711 Appendix I concealment, and G.722 (ITU-T G.722, 16 kHz).
 * Each case runs 20 ms frames until at least one second of wall time has
 * passed, and reports process.cpuUsage() (user + system) per second of audio.
 *
 * Run: node --import tsx -e "import('./bench/audio-codecs.ts').then(m=>m.benchCodecs())"
 */
import { aLawDecode, aLawEncode } from '../audio/g711/alaw.js';
import { muLawDecode, muLawEncode } from '../audio/g711/mulaw.js';
import { G711Plc } from '../audio/g711/plc.js';
import { G722Decoder } from '../audio/g722/decoder.js';
import { G722Encoder } from '../audio/g722/encoder.js';

const MIN_WALL_MS = 1000;

/** One second of a voiced-like signal (harmonics of 140 Hz with a slow swing), in 20 ms frames. */
function oneSecond(rate: number): Int16Array[] {
  const frameSamples = rate / 50;
  const frames: Int16Array[] = [];
  for (let f = 0; f < 50; f++) {
    const frame = new Int16Array(frameSamples);
    for (let i = 0; i < frameSamples; i++) {
      const n = f * frameSamples + i;
      let v = 0;
      for (let k = 1; k <= 10; k++) v += Math.sin((2 * Math.PI * 140 * k * n) / rate + k) / k;
      frame[i] = Math.round(5000 * v * (0.6 + 0.4 * Math.sin((2 * Math.PI * 2 * n) / rate)));
    }
    frames.push(frame);
  }
  return frames;
}

interface Result {
  name: string;
  cpuMicrosPerAudioSecond: number;
}

/** Runs `oneAudioSecond` (which processes one second of audio) until MIN_WALL_MS have passed. */
function measure(name: string, oneAudioSecond: () => number): Result {
  let sink = 0;
  for (let i = 0; i < 3; i++) sink += oneAudioSecond(); // warm up the JIT
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  let seconds = 0;
  do {
    sink += oneAudioSecond();
    seconds++;
  } while (performance.now() - wallStart < MIN_WALL_MS);
  const cpu = process.cpuUsage(cpuStart);
  if (Number.isNaN(sink)) console.log('(unreachable)');
  return { name, cpuMicrosPerAudioSecond: (cpu.user + cpu.system) / seconds };
}

function format(r: Result): string {
  const us = r.cpuMicrosPerAudioSecond;
  const percent = us / 1e4; // µs per second → % of one core
  return `${r.name}: ${us.toFixed(0)} µs CPU per s of audio (${percent.toPrecision(2)} % of a core)`;
}

export async function benchCodecs(): Promise<void> {
  const narrow = oneSecond(8000);
  const wide = oneSecond(16000);
  const bytes = new Uint8Array(160);
  const pcm = new Int16Array(160);
  const results: Result[] = [];

  results.push(measure('g711 µ-law encode+decode', () => {
    let s = 0;
    for (const frame of narrow) {
      muLawDecode(muLawEncode(frame, bytes), pcm);
      s += pcm[0]!;
    }
    return s;
  }));

  results.push(measure('g711 A-law encode+decode', () => {
    let s = 0;
    for (const frame of narrow) {
      aLawDecode(aLawEncode(frame, bytes), pcm);
      s += pcm[0]!;
    }
    return s;
  }));

  const plcGood = new G711Plc();
  results.push(measure('g711 plc, no loss (history + 3.75 ms delay)', () => {
    let s = 0;
    for (const frame of narrow) s += plcGood.good(frame)[0]!;
    return s;
  }));

  const plcLossy = new G711Plc();
  results.push(measure('g711 plc, every 2nd frame lost (pitch search per loss)', () => {
    let s = 0;
    for (let f = 0; f < narrow.length; f++) s += (f % 2 === 1 ? plcLossy.lost() : plcLossy.good(narrow[f]!))[0]!;
    return s;
  }));

  const plcLong = new G711Plc();
  results.push(measure('g711 plc, all frames lost (concealment only)', () => {
    let s = 0;
    plcLong.good(narrow[0]!);
    for (let f = 1; f < narrow.length; f++) s += plcLong.lost()[0]!;
    return s;
  }));

  const encoder = new G722Encoder();
  const decoder = new G722Decoder();
  const widePcm = new Int16Array(320);
  results.push(measure('g722 64 kbit/s encode+decode (16 kHz)', () => {
    let s = 0;
    for (const frame of wide) {
      decoder.decode(encoder.encode(frame), widePcm);
      s += widePcm[0]!;
    }
    return s;
  }));

  for (const r of results) console.log(format(r));
}
