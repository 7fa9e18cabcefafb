/**
 * Digits in white noise (Q.24 / GR-506 practice: a receiver must work with a
 * signal-to-noise ratio of 15 dB or better). SNR here is the digit's total
 * power (both tones) over the noise power in the whole 0–4 kHz band.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfDetector, type DtmfEvent } from './detector.js';
import { DTMF_DIGITS } from './digits.js';
import { burst, concat, mix, silence, toPcm, whiteNoise } from './test-support/signals.js';

const ALL = DTMF_DIGITS.join('');

/** All sixteen digits, `toneMs` on and `pauseMs` off, tones at the given levels, in white noise at `snrDb`. */
function noisyDigits(lowDbm0: number, highDbm0: number, toneMs: number, pauseMs: number, snrDb: number, seed: number): { x: Int16Array; onsets: number[] } {
  const parts: Float64Array[] = [silence(pauseMs)];
  const onsets: number[] = [];
  let at = parts[0]?.length ?? 0;
  for (const digit of DTMF_DIGITS) {
    onsets.push(at);
    const b = burst({ digit, lowDbm0, highDbm0, durationMs: toneMs });
    const p = silence(pauseMs);
    parts.push(b, p);
    at += b.length + p.length;
  }
  const clean = concat(...parts);
  const signalDbm0 = 10 * Math.log10(10 ** (lowDbm0 / 10) + 10 ** (highDbm0 / 10));
  return { x: toPcm(mix(clean, whiteNoise(clean.length, signalDbm0 - snrDb, seed))), onsets };
}

function check(events: DtmfEvent[], onsets: number[], toneSamples: number, label: string): void {
  const starts = events.filter((e) => e.type === 'start');
  assert.equal(starts.map((e) => e.digit).join(''), ALL, label);
  starts.forEach((e, i) => assert.ok(Math.abs(e.sample - (onsets[i] ?? 0)) <= 40, `${label}: ${e.digit} starts ${e.sample - (onsets[i] ?? 0)} samples off`));
  for (const e of events) {
    if (e.type === 'end') assert.ok(Math.abs(e.durationMs - toneSamples / 8) <= 6, `${label}: ${e.digit} lasted ${e.durationMs} ms`);
  }
}

test('digits at −20 dBm0 per tone are all detected in white noise at 20 and 15 dB SNR', () => {
  let digits = 0;
  for (const snr of [20, 15]) {
    for (let seed = 1; seed <= 4; seed++) {
      for (const [low, high] of [[-20, -20], [-21, -19]] as const) {
        const { x, onsets } = noisyDigits(low, high, 50, 50, snr, 1000 * snr + seed);
        check(new DtmfDetector().process(x), onsets, 400, `SNR ${snr} dB, ${low}/${high} dBm0, seed ${seed}`);
        digits += 16;
      }
    }
  }
  console.log(`# ${digits} digits in noise at 15–20 dB SNR: all detected, none extra`);
});

test('40 ms digits at 15 dB SNR', () => {
  for (let seed = 1; seed <= 3; seed++) {
    const { x, onsets } = noisyDigits(-20, -20, 40, 40, 15, 77 + seed);
    check(new DtmfDetector().process(x), onsets, 320, `40 ms, seed ${seed}`);
  }
});

test('white noise alone, soft or loud, detects nothing', () => {
  for (const level of [-40, -20, -10, -3]) {
    const events = new DtmfDetector().process(toPcm(whiteNoise(8000 * 5, level, 5 - level)));
    assert.deepEqual(events, [], `noise at ${level} dBm0`);
  }
});
