import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DtmfDetector, type DtmfEvent } from './detector.js';
import { dtmfSamples } from './generator.js';
import { DTMF_DIGITS, type DtmfDigit } from './digits.js';
import { burst, concat, silence, toPcm } from './test-support/signals.js';

const ALL = DTMF_DIGITS.join('');

function starts(events: DtmfEvent[]): string {
  return events.filter((e) => e.type === 'start').map((e) => e.digit).join('');
}

test('all sixteen digits at the generator defaults: start/end pairs, onsets and offsets within 3 ms', () => {
  const x = dtmfSamples(ALL); // 100 ms tone + 100 ms pause each
  const events = new DtmfDetector().process(x);
  assert.equal(events.length, 32);
  events.forEach((e, i) => {
    const k = Math.floor(i / 2);
    assert.equal(e.digit, ALL[k]);
    assert.equal(e.type, i % 2 === 0 ? 'start' : 'end');
    const truth = k * 1600 + (e.type === 'start' ? 0 : 800);
    assert.ok(Math.abs(e.sample - truth) <= 24, `${e.type} ${e.digit} at ${e.sample}, tone edge at ${truth}`);
    if (e.type === 'end') assert.ok(Math.abs(e.durationMs - 100) <= 3, `${e.digit} lasted ${e.durationMs} ms`);
  });
});

test('events do not depend on how the samples are cut into blocks', () => {
  const x = toPcm(concat(silence(7), dtmfSamples('73#D', { durationMs: 45, pauseMs: 50 }), silence(30)));
  const reference = new DtmfDetector().process(x);
  assert.equal(starts(reference), '73#D');
  for (const size of [1, 7, 106, 160, 1000]) {
    const d = new DtmfDetector();
    const events: DtmfEvent[] = [];
    for (let i = 0; i < x.length; i += size) events.push(...d.process(x.subarray(i, i + size)));
    assert.deepEqual(events, reference, `block size ${size}`);
  }
});

test('sample indices count from construction and restart at reset()', () => {
  const d = new DtmfDetector();
  d.process(new Int16Array(12345));
  const [start] = d.process(dtmfSamples('5'));
  assert.equal(start?.type, 'start');
  assert.ok(Math.abs((start?.sample ?? 0) - 12345) <= 24);
  d.reset();
  const again = d.process(dtmfSamples('5'));
  assert.equal(starts(again), '5');
  assert.ok(Math.abs((again[0]?.sample ?? -1) - 0) <= 24);
});

test("'start' comes as soon as two blocks validate, 'end' within three blocks of the tone's end", () => {
  for (const pre of [0, 50, 105]) {
    const x = toPcm(concat(silence(pre / 8), dtmfSamples('9', { durationMs: 60, pauseMs: 100 })));
    const d = new DtmfDetector();
    const at: Record<string, number> = {};
    for (let i = 0; i < x.length; i++) for (const e of d.process(x.subarray(i, i + 1))) at[e.type] = i;
    // Two whole 106-sample blocks after the onset, at worst 105 + 212 samples later.
    assert.ok(at.start !== undefined && at.start - pre < 106 + 212, `start decided ${(at.start ?? NaN) - pre} samples after onset`);
    assert.ok(at.end !== undefined && at.end - (pre + 480) < 3 * 106 + 106, `end decided ${(at.end ?? NaN) - pre - 480} samples after offset`);
  }
});

/*
 * Interruptions (Q.24: a break of ≤ 10 ms within a digit must not make two
 * digits; a pause of ≥ 40 ms between two equal digits must separate them).
 * Observed over 15 alignments × 4 digits (60 ms tones):
 *   gap  5, 10 ms → always one digit;  15 ms → one in ~80 %;
 *   gap 20 ms → one in ~45 %;  25 ms → ~6 %;  30, 35, 40 ms → always two.
 * The detector ends a digit after two blocks (26.5 ms) in which it does not
 * continue; a 10 ms gap can spoil at most one block, a 40 ms pause always
 * holds two silent ones.
 */
test('repeated digit: a 40 ms pause separates two digits, a 10 ms gap does not', () => {
  for (const d of ['1', '5', '*', 'D'] as DtmfDigit[]) {
    for (let pre = 0; pre < 106; pre += 13) {
      const tone = burst({ digit: d, lowDbm0: -10, highDbm0: -8, durationMs: 60 });
      const twice = (gapMs: number): string => starts(new DtmfDetector().process(toPcm(concat(silence(pre / 8), tone, silence(gapMs), tone, silence(80)))));
      assert.equal(twice(40), d + d, `${d}, 40 ms pause, offset ${pre}`);
      assert.equal(twice(10), d, `${d}, 10 ms gap, offset ${pre}`);
    }
  }
  // The same with weak, twisted tones (−17 / −25 dBm0).
  const weak = burst({ digit: '0', lowDbm0: -17, highDbm0: -25, durationMs: 50 });
  assert.equal(starts(new DtmfDetector().process(toPcm(concat(weak, silence(40), weak, silence(80))))), '00');
  assert.equal(starts(new DtmfDetector().process(toPcm(concat(weak, silence(10), weak, silence(80))))), '0');
});

test('two different digits back to back (no pause) give both, the first ending before the second starts', () => {
  const x = toPcm(concat(burst({ digit: '4', lowDbm0: -8, highDbm0: -6, durationMs: 60 }), burst({ digit: '8', lowDbm0: -8, highDbm0: -6, durationMs: 60 }), silence(80)));
  const events = new DtmfDetector().process(x);
  assert.deepEqual(events.map((e) => `${e.type}:${e.digit}`), ['start:4', 'end:4', 'start:8', 'end:8']);
  const end4 = events[1], start8 = events[2];
  assert.ok(end4 !== undefined && start8 !== undefined && end4.sample <= start8.sample);
  assert.ok(Math.abs((start8?.sample ?? 0) - 480) <= 40);
});

test('a long digit is one digit, even while it fades by 15 dB', () => {
  const tone = burst({ digit: '5', lowDbm0: -5, highDbm0: -4, durationMs: 2000 });
  for (const fadeDb of [0, 15]) {
    const x = Float64Array.from(tone, (v, i) => v * 10 ** (-(fadeDb * i) / tone.length / 20));
    const events = new DtmfDetector().process(toPcm(concat(x, silence(100))));
    assert.deepEqual(events.map((e) => `${e.type}:${e.digit}`), ['start:5', 'end:5'], `fade ${fadeDb} dB`);
    const end = events[1];
    assert.ok(end?.type === 'end' && Math.abs(end.durationMs - 2000) <= 3, `fade ${fadeDb} dB`);
  }
});

test('minLevelDbm0 moves the acceptance floor; silence and a single tone never detect', () => {
  const quiet = dtmfSamples('6', { lowLevelDbm0: -24, highLevelDbm0: -24 });
  assert.equal(starts(new DtmfDetector().process(quiet)), '6');
  assert.equal(starts(new DtmfDetector({ minLevelDbm0: -20 }).process(quiet)), '');
  const faint = dtmfSamples('6', { lowLevelDbm0: -38, highLevelDbm0: -38 });
  assert.equal(starts(new DtmfDetector({ minLevelDbm0: -40 }).process(faint)), '6');
  assert.deepEqual(new DtmfDetector().process(new Int16Array(8000)), []);
  const single = Int16Array.from({ length: 8000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 697 * i) / 8000)));
  assert.deepEqual(new DtmfDetector().process(single), []);
});

test('works at 16 kHz too', () => {
  const x = dtmfSamples('2580', { sampleRate: 16000, durationMs: 50, pauseMs: 50 });
  const events = new DtmfDetector({ sampleRate: 16000 }).process(x);
  assert.equal(starts(events), '2580');
  const first = events.find((e) => e.type === 'end');
  assert.ok(first?.type === 'end' && Math.abs(first.durationMs - 50) <= 3);
});
