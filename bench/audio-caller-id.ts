/**
 * Caller-ID DSP cost: CPU time per second of audio, and the share of one core,
 * for the receiver (FSK demodulator + message layer, run on every FXO line
 * while on hook), the type II CPE model (alert-tone detector + receiver), and
 * the modulator (run once per call). Each is timed for at least 1 s of wall
 * time over 20 ms frames of a realistic line signal: noise, ring-like bursts
 * and caller-ID transmissions.
 */
import { CallerIdReceiver, TypeTwoCpe, encodeCallerIdMessage, fskModulate, type FskStandard } from '../audio/caller-id/index.js';
import { addNoise, concat, ringBurst, seeded, silence } from '../audio/caller-id/test-support/channel.js';

const FRAME = 160;
const SAMPLE_RATE = 8000;
const MIN_WALL_MS = 1000;

interface Figures { cpuUs: number; audioS: number; wallMs: number }

/** Repeats `work` (which processes `audioS` seconds of audio) until at least MIN_WALL_MS have passed. */
function measure(audioS: number, work: () => void): Figures {
  work(); // warm-up: JIT and caches
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let runs = 0;
  do {
    work();
    runs++;
  } while (performance.now() - t0 < MIN_WALL_MS);
  const cpu = process.cpuUsage(cpu0);
  return { cpuUs: cpu.user + cpu.system, audioS: audioS * runs, wallMs: performance.now() - t0 };
}

function report(name: string, f: Figures): void {
  const usPerS = f.cpuUs / f.audioS;
  console.log(`caller-id: ${name.padEnd(34)} ${usPerS.toFixed(0).padStart(6)} µs CPU per s of audio = ${(usPerS / 1e4).toFixed(3)} % of one core (${f.audioS.toFixed(0)} s of audio in ${f.wallMs.toFixed(0)} ms)`);
}

/** About 10 s of line: noise, a ring burst, then an on-hook caller-ID transmission, twice. */
function lineSignal(standard: FskStandard): Int16Array {
  const rand = seeded(1);
  const bytes = encodeCallerIdMessage({ time: { month: 1, day: 2, hour: 3, minute: 4 }, number: '6095551212', name: 'BENCH CALLER' });
  const fsk = fskModulate(bytes, { standard });
  const once = concat(ringBurst(2000), silence(700), fsk, silence(1500));
  return addNoise(concat(once, once), 1e4, 0, rand);
}

function frames(signal: Int16Array, sink: (frame: Int16Array) => void): void {
  for (let i = 0; i < signal.length; i += FRAME) sink(signal.subarray(i, i + FRAME));
}

export async function benchCallerId(): Promise<void> {
  for (const standard of ['bell202', 'v23'] as FskStandard[]) {
    const signal = lineSignal(standard);
    const audioS = signal.length / SAMPLE_RATE;
    report(`${standard} receive (demod + message)`, measure(audioS, () => {
      const rx = new CallerIdReceiver({ standard });
      let messages = 0;
      frames(signal, (f) => (messages += rx.process(f).length));
      if (messages !== 2) throw new Error(`bench signal decoded to ${messages} messages, not 2`);
    }));
  }
  const signal = lineSignal('bell202');
  report('type II CPE (alert + receive)', measure(signal.length / SAMPLE_RATE, () => {
    const cpe = new TypeTwoCpe({ standard: 'bell202' });
    frames(signal, (f) => cpe.process(f));
  }));
  const bytes = encodeCallerIdMessage({ time: { month: 1, day: 2, hour: 3, minute: 4 }, number: '6095551212', name: 'BENCH CALLER' });
  const audioS = fskModulate(bytes, { standard: 'bell202' }).length / SAMPLE_RATE;
  report('modulate (on-hook MDMF)', measure(audioS, () => void fskModulate(bytes, { standard: 'bell202' })));
}
