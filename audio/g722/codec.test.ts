/**
 * G.722 encoder + decoder end to end (ITU-T G.722 (09/2012), mode 1). The ITU
 * test sequences are not available here; instead: tones, silence, the band
 * split, and a known answer computed with an independent implementation
 * (spandsp 0.0.6's g722.c, which follows the ITU reference code) for a
 * deterministic test signal that never clips.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { G722Decoder } from './decoder.js';
import { G722Encoder } from './encoder.js';
import { goertzelAmplitude } from '../goertzel.js';
import { rms, sinePeakForDbm0 } from '../levels.js';

const RATE = 16000;
const DELAY = 22; // transmit + receive QMF delay, in 16 kHz samples

function tone(freq: number, amplitude: number, n: number): Int16Array {
  return new Int16Array(n).map((_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / RATE)));
}

function codec(x: Int16Array): Int16Array {
  return new G722Decoder().decode(new G722Encoder().encode(x));
}

function snrDb(x: Int16Array, y: Int16Array, from: number): number {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < x.length - DELAY; i++) {
    signal += x[i]! ** 2;
    noise += (y[i + DELAY]! - x[i]!) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

/** Integer-only test signal: a 150 Hz sawtooth, a ~432 Hz triangle and LCG noise, within ±16 000. */
function testSignal(n: number): Int16Array {
  const out = new Int16Array(n);
  let seed = 1;
  for (let i = 0; i < n; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const noise = (seed >>> 20) - 2048;
    const saw = ((i * 150 * 2 * 8192) / 16000) % 16384 | 0;
    const tri = i % 37 < 18 ? (i % 37) * 400 : (36 - (i % 37)) * 400;
    out[i] = saw - 8192 + tri - 3600 + noise * 2;
  }
  return out;
}

function fnv1a(values: ArrayLike<number>, bytesPerValue: 1 | 2): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    for (let k = 0; k < bytesPerValue; k++) {
      h ^= (v >> (8 * k)) & 0xff; // little-endian bytes
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  }
  return h.toString(16).padStart(8, '0');
}

test('a 1 kHz sine at −10 dBm0 comes through with SNR > 30 dB, at 1 kHz and at its level', (ctx) => {
  const x = tone(1000, sinePeakForDbm0(-10), RATE);
  const y = codec(x);
  const snr = snrDb(x, y, 1000);
  ctx.diagnostic(`g722 1 kHz SNR ${snr.toFixed(1)} dB`);
  assert.ok(snr > 30, `SNR ${snr.toFixed(1)} dB`);
  const a = goertzelAmplitude(1000, RATE, y, DELAY, DELAY + RATE - 2000);
  assert.ok(Math.abs(20 * Math.log10(a / sinePeakForDbm0(-10))) < 0.2, `1 kHz amplitude ${a.toFixed(0)}`);
  for (const f of [800, 1200, 2000, 3000, 6000]) {
    assert.ok(goertzelAmplitude(f, RATE, y, DELAY, DELAY + RATE - 2000) < a / 300, `nothing at ${f} Hz`);
  }
});

test('a 6 kHz tone survives: it is carried by the higher band', (ctx) => {
  const x = tone(6000, 8000, RATE);
  const y = codec(x);
  const a = goertzelAmplitude(6000, RATE, y, 1000, RATE - 1000);
  ctx.diagnostic(`g722 6 kHz: amplitude ${a.toFixed(0)} of 8000, SNR ${snrDb(x, y, 1000).toFixed(1)} dB`);
  assert.ok(Math.abs(20 * Math.log10(a / 8000)) < 1, `6 kHz amplitude ${a.toFixed(0)}`);
  assert.ok(snrDb(x, y, 1000) > 15);
  // The higher-band codes are not idle: the 2-bit codes take all four values.
  const codes = new G722Encoder().encode(x);
  const seen = new Set(Array.from(codes.subarray(100), (c) => c >> 6));
  assert.equal(seen.size, 4);
});

test('silence in gives near-silence out', () => {
  const y = codec(new Int16Array(RATE));
  assert.ok(rms(y) < 4, `idle noise RMS ${rms(y)}`);
  assert.ok(y.every((v) => Math.abs(v) <= 8));
});

test('known answer: codes and output match spandsp g722.c for a test signal (bit-exact)', () => {
  const x = testSignal(2 * RATE);
  const codes = new G722Encoder().encode(x);
  assert.equal(
    Buffer.from(codes.subarray(0, 40)).toString('hex'),
    '2a8420842184841011120d919b3a373955d09696be1b1593d51918d476333fbbf034b3ddfabe3d58',
  );
  assert.equal(fnv1a(codes, 1), 'dc275ee0');
  const y = new G722Decoder().decode(codes);
  assert.deepEqual([...y.subarray(0, 16)], [0, -1, -1, 0, 0, -2, -1, 6, 1, -22, 2, 74, -1, -177, 19, 338]);
  assert.deepEqual([...y.subarray(1000, 1008)], [-4202, -3094, -4282, 1141, -2864, -4799, -1736, -4919]);
  assert.equal(fnv1a(y, 2), '4f6256a7');
});

test('odd-length input is carried over to the next call; decode writes into a caller buffer', () => {
  const x = testSignal(641);
  const whole = new G722Encoder().encode(x.subarray(0, 640));
  const enc = new G722Encoder();
  const parts = [enc.encode(x.subarray(0, 3)), enc.encode(x.subarray(3, 320)), enc.encode(x.subarray(320, 641))];
  assert.deepEqual(parts.map((p) => p.length), [1, 159, 160]);
  assert.deepEqual(Buffer.concat(parts), Buffer.from(whole));
  const out = new Int16Array(400);
  assert.equal(new G722Decoder().decode(whole.subarray(0, 200), out), out);
  assert.throws(() => new G722Decoder().decode(whole, new Int16Array(10)), RangeError);
});

test('a full-scale signal saturates instead of wrapping', () => {
  const square = new Int16Array(RATE).map((_, i) => ((i >> 5) & 1 ? 32767 : -32768));
  const y = codec(square);
  // Wrapping would put samples of the wrong sign next to the plateau; saturation keeps the shape.
  let wrong = 0;
  for (let i = 2000; i < RATE - 64; i++) {
    const want = square[i - DELAY]!;
    if (Math.sign(y[i]!) !== Math.sign(want) && Math.abs(y[i]!) > 16000) wrong++;
  }
  assert.ok(wrong < 20, `${wrong} samples of the wrong sign`);
});
