/**
 * DTMF CPU cost: the receiver (audio/dtmf/detector.ts) and the generator fed
 * 20 ms frames of 160 samples, as the line code will, each for ≥ 1 s of wall
 * time. The receiver runs twice: on digits with pauses (silent blocks skip the
 * filters) and on a signal present in every block (the worst case). Prints µs of CPU per second of audio and the share of one core that
 * one line's worth of real-time audio takes.
 */
import { DtmfDetector, DtmfGenerator, dtmfSamples } from '../audio/dtmf/index.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from '../audio/pcm.js';

interface Figures {
  audioSeconds: number;
  cpuMs: number;
}

/** Runs `step` (which handles one frame) until ≥ `minMs` of wall time has passed; measures process CPU time. */
function measure(step: () => void, minMs: number): Figures {
  let frames = 0;
  const wall = performance.now();
  const cpu = process.cpuUsage();
  while (performance.now() - wall < minMs) {
    for (let i = 0; i < 500; i++) step();
    frames += 500;
  }
  const used = process.cpuUsage(cpu);
  return { audioSeconds: (frames * FRAME_SAMPLES) / SAMPLE_RATE, cpuMs: (used.user + used.system) / 1000 };
}

function print(name: string, f: Figures): void {
  const usPerSecond = (f.cpuMs * 1000) / f.audioSeconds;
  console.log(`dtmf: ${name}: ${usPerSecond.toFixed(0)} µs CPU per second of audio, ${(usPerSecond / 1e4).toFixed(3)} % of one core per line (${f.audioSeconds.toFixed(0)} s of audio)`);
}

export async function benchDtmf(): Promise<void> {
  // Digits, 60 ms on and 60 ms off, looped: half the blocks carry a digit (the whole check path), half silence.
  const digits = dtmfSamples('0123456789*#ABCD'.repeat(4), { durationMs: 60, pauseMs: 60 });
  const detector = new DtmfDetector();
  let at = 0;
  let events = 0;
  const detect = measure(() => {
    if (at + FRAME_SAMPLES > digits.length) at = 0;
    events += detector.process(digits.subarray(at, at + FRAME_SAMPLES)).length;
    at += FRAME_SAMPLES;
  }, 1500);
  print('detector, digits and pauses', detect);
  if (events === 0) throw new Error('the detector found nothing: the benchmark measured the wrong thing');

  // Worst case: a signal in every block (pseudo-random noise at about −15 dBm0), so no block is skipped as silence.
  let seed = 1;
  const busy = Int16Array.from({ length: SAMPLE_RATE }, () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return ((seed >>> 16) % 8000) - 4000;
  });
  const busyDetector = new DtmfDetector();
  at = 0;
  const loaded = measure(() => {
    if (at + FRAME_SAMPLES > busy.length) at = 0;
    busyDetector.process(busy.subarray(at, at + FRAME_SAMPLES));
    at += FRAME_SAMPLES;
  }, 1000);
  print('detector, signal in every block', loaded);

  const generator = new DtmfGenerator({ durationMs: 100, pauseMs: 100 });
  const frame = new Int16Array(FRAME_SAMPLES);
  const generate = measure(() => {
    if (!generator.busy) generator.queue('0123456789*#ABCD');
    generator.next(frame);
  }, 1000);
  print('generator', generate);
}
