/**
 * board/alsa/resampler.ts: level of tones across the band, aliasing when
 * decimating and images when interpolating (measured with the Goertzel filter of
 * audio/goertzel.ts on the steady part of the output), and streaming: any
 * chunking gives the same samples as one call. Figures are printed (t.diagnostic).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { goertzelAmplitude } from '../../audio/goertzel.js';
import { seededRandom } from '../../audio/seeded-random.js';
import { ArbitraryResampler, createRateConverter, type RateConverter } from './resampler.js';

const AMP = 10000;

function tone(freq: number, rate: number, seconds: number, amp = AMP): Int16Array {
  const n = Math.round(rate * seconds);
  const x = new Int16Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.round(amp * Math.sin((2 * Math.PI * freq * i) / rate));
  return x;
}

/** dB relative to AMP of `freq` in the steady middle (250 ms) of the output. */
function levelDb(y: Int16Array, freq: number, rate: number): number {
  const start = Math.floor(y.length / 2);
  const a = goertzelAmplitude(freq, rate, y, start, start + rate / 4);
  return 20 * Math.log10(Math.max(a, 1e-3) / AMP);
}

const fmt = (db: number): string => (db < -119 ? '< -120' : db.toFixed(2));

const PAIRS: [number, number][] = [[48000, 8000], [16000, 8000], [8000, 48000], [8000, 16000], [47999, 8000], [8000, 44101]];

describe('rate converters', () => {
  test('kinds: same rate passes through, integer / small rational ratios are polyphase, odd ratios arbitrary', () => {
    assert.equal(createRateConverter(8000, 8000).kind, 'passthrough');
    assert.equal(createRateConverter(48000, 8000).kind, 'polyphase');
    assert.equal(createRateConverter(8000, 16000).kind, 'polyphase');
    assert.equal(createRateConverter(44100, 8000).kind, 'polyphase');
    assert.equal(createRateConverter(47999, 8000).kind, 'arbitrary');
    assert.equal(createRateConverter(8000, 44101).kind, 'arbitrary');
    assert.throws(() => createRateConverter(8000.5, 8000), RangeError);
    assert.throws(() => createRateConverter(0, 8000), RangeError);
  });

  for (const [from, to] of PAIRS) {
    test(`${from} → ${to}: tones from 300 Hz to 3.5 kHz keep their level (±0.5 dB; ≤ 0.05 dB to 3.4 kHz)`, (t) => {
      const figures: string[] = [];
      for (const f of [300, 1000, 2000, 3000, 3400, 3500]) {
        const db = levelDb(createRateConverter(from, to).process(tone(f, from, 1)), f, to);
        figures.push(`${f} Hz ${fmt(db)} dB`);
        assert.ok(Math.abs(db) <= (f <= 3400 ? 0.05 : 0.5), `${f} Hz: ${db.toFixed(3)} dB`);
      }
      t.diagnostic(figures.join(', '));
    });
  }

  for (const [from, to] of PAIRS.filter(([a, b]) => a > b)) {
    test(`${from} → ${to}: tones above 4 kHz do not alias (6 kHz ≥ 40 dB down; measured at their alias)`, (t) => {
      const figures: string[] = [];
      for (const f of [4500, 6000, 7000, 12000]) {
        if (f >= from / 2) continue;
        const m = f % to;
        const alias = m <= to / 2 ? m : to - m;
        const db = levelDb(createRateConverter(from, to).process(tone(f, from, 1)), alias, to);
        figures.push(`${f} Hz → ${alias} Hz: ${fmt(db)} dB`);
        assert.ok(db <= -60, `${f} Hz aliases to ${alias} Hz at ${db.toFixed(1)} dB`);
        if (f === 6000) assert.ok(db <= -40);
      }
      t.diagnostic(figures.join(', '));
    });
  }

  for (const [from, to] of PAIRS.filter(([a, b]) => a < b)) {
    test(`${from} → ${to}: no images of a 1 kHz / 3 kHz tone (≥ 60 dB down)`, (t) => {
      const figures: string[] = [];
      for (const f of [1000, 3000]) {
        const y = createRateConverter(from, to).process(tone(f, from, 1));
        for (const image of [from - f, from + f]) {
          if (image >= to / 2) continue;
          const db = levelDb(y, image, to);
          figures.push(`${f} Hz image at ${image} Hz: ${fmt(db)} dB`);
          assert.ok(db <= -60, `image of ${f} Hz at ${image} Hz: ${db.toFixed(1)} dB`);
        }
      }
      t.diagnostic(figures.join(', '));
    });
  }

  for (const [from, to] of [...PAIRS, [8000, 8000] as [number, number]]) {
    test(`${from} → ${to}: streaming in random chunks equals one call, sample for sample`, () => {
      const rnd = seededRandom(from + to);
      const x = new Int16Array(from / 2);
      for (let i = 0; i < x.length; i++) x[i] = Math.round((rnd() - 0.5) * 30000);
      const whole = createRateConverter(from, to).process(x);
      const c: RateConverter = createRateConverter(from, to);
      const parts: Int16Array[] = [];
      for (let off = 0; off < x.length; ) {
        const n = Math.min(x.length - off, Math.floor(rnd() * 1100)); // includes empty chunks
        parts.push(c.process(x.subarray(off, off + n)));
        off += n;
      }
      const joined = Int16Array.from(parts.flatMap((p) => Array.from(p)));
      assert.equal(joined.length, whole.length);
      assert.deepEqual(joined, whole);
      // About to/from as many samples out, less the converter's delay.
      assert.ok(Math.abs(whole.length - (x.length * to) / from) <= c.latencySamples + 2, `${whole.length} samples`);
    });
  }

  test('arbitrary: a constant passes at unit gain and an impulse comes out latencySamples later', () => {
    const r = new ArbitraryResampler(47999, 8000);
    const y = r.process(new Int16Array(48000).fill(12000));
    assert.ok(y.subarray(Math.ceil(r.latencySamples) + 1).every((v) => Math.abs(v - 12000) <= 1));
    const up = new ArbitraryResampler(8000, 44101);
    const imp = new Int16Array(400);
    imp[100] = 30000;
    const out = up.process(imp);
    let peak = 0;
    out.forEach((v, i) => (peak = Math.abs(v) > Math.abs(out[peak] ?? 0) ? i : peak));
    assert.ok(Math.abs(peak - (100 * 44101) / 8000) <= 1, `peak at ${peak}`);
    r.reset();
    assert.deepEqual(r.process(new Int16Array(10)), new Int16Array(0));
  });
});
