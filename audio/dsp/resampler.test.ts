import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Resampler } from './resampler.js';
import { magnitudeDbAt } from './kaiser.js';
import { goertzelAmplitude } from '../goertzel.js';
import { rms } from '../levels.js';

function sine(freq: number, amplitude: number, rate: number, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
  return out;
}

/** A deterministic wide-band test signal (xorshift noise). */
function noise(n: number, seed = 12345): Int16Array {
  const out = new Int16Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    out[i] = ((s & 0xffff) - 0x8000) >> 1;
  }
  return out;
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function inChunks(r: Resampler, input: Int16Array, size: number): Int16Array {
  const parts: Int16Array[] = [];
  for (let i = 0; i < input.length; i += size) parts.push(r.process(input.subarray(i, i + size)));
  return concat(parts);
}

const db = (ratio: number): number => 20 * Math.log10(ratio);

test('a 1 kHz sine 48k → 8k → 48k keeps its frequency and its level (±0.2 dB)', () => {
  const amp = 12000;
  const input = sine(1000, amp, 48000, 48000 * 2);
  const down = new Resampler(48000, 8000);
  const up = new Resampler(8000, 48000);
  const at8k = down.process(input);
  const back = up.process(at8k);
  assert.equal(at8k.length, 16000);
  assert.equal(back.length, 96000);

  // One second of settled signal at each stage (bin-centred windows of 1 Hz).
  const a8 = goertzelAmplitude(1000, 8000, at8k, 4000, 12000);
  assert.ok(Math.abs(db(a8 / amp)) < 0.2, `8 kHz level ${db(a8 / amp).toFixed(3)} dB`);
  const a48 = goertzelAmplitude(1000, 48000, back, 24000, 72000);
  assert.ok(Math.abs(db(a48 / amp)) < 0.2, `round-trip level ${db(a48 / amp).toFixed(3)} dB`);
  // All the energy is at 1 kHz: the whole-window RMS matches the tone, and the neighbours are empty.
  assert.ok(Math.abs(db((rms(back, 24000, 72000) * Math.SQRT2) / amp)) < 0.2);
  for (const f of [900, 950, 1050, 1100, 2000, 3000]) {
    assert.ok(goertzelAmplitude(f, 48000, back, 24000, 72000) < amp * 1e-3, `energy at ${f} Hz`);
  }
});

test('5 kHz at 48 kHz is removed (≥ 55 dB) before decimation to 8 kHz, not aliased to 3 kHz', () => {
  const amp = 20000;
  const input = sine(5000, amp, 48000, 48000);
  const out = new Resampler(48000, 8000).process(input);
  const alias = goertzelAmplitude(3000, 8000, out, 800, 8000);
  const total = rms(out, 800, 8000) * Math.SQRT2;
  assert.ok(db(amp / alias) >= 55, `alias at 3 kHz only ${db(amp / alias).toFixed(1)} dB down`);
  assert.ok(db(amp / total) >= 55, `output only ${db(amp / total).toFixed(1)} dB down`);
  // Just above the 8 kHz Nyquist frequency (4.2 kHz would alias to 3.8 kHz), still removed.
  const near = new Resampler(48000, 8000).process(sine(4200, amp, 48000, 48000));
  assert.ok(db(amp / (rms(near, 800, 8000) * Math.SQRT2)) >= 55);
});

test('passband ripple over 300–3400 Hz ≤ 0.2 dB, measured through the converter both ways', () => {
  const amp = 10000;
  for (const [from, to] of [[48000, 8000], [8000, 48000], [8000, 16000], [16000, 8000]] as const) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let f = 300; f <= 3400; f += 100) {
      const out = new Resampler(from, to).process(sine(f, amp, from, from));
      const g = db(goertzelAmplitude(f, to, out, to / 4, to / 4 + to / 2) / amp);
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
    }
    assert.ok(hi - lo <= 0.2, `${from}→${to}: ripple ${(hi - lo).toFixed(3)} dB`);
    assert.ok(Math.abs(hi) < 0.1 && Math.abs(lo) < 0.1, `${from}→${to}: gain ${lo.toFixed(3)}…${hi.toFixed(3)} dB`);
  }
});

test('filter design: good has ≥ 60 dB stopband and ≤ 0.01 dB ripple; fast ≥ 45 dB', () => {
  for (const [from, to, quality, minStop, maxRipple] of [
    [48000, 8000, 'good', 60, 0.01],
    [8000, 48000, 'good', 60, 0.01],
    [8000, 16000, 'good', 60, 0.01],
    [48000, 8000, 'fast', 45, 0.2],
  ] as const) {
    const r = new Resampler(from, to, { quality });
    const h = r.impulseResponse();
    const rate = r.design.filterRate;
    let lo = Infinity;
    let hi = -Infinity;
    for (let f = 0; f <= r.design.passbandHz; f += 25) {
      const g = magnitudeDbAt(h, f / rate);
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
    }
    let stop = -Infinity;
    for (let f = r.design.stopbandHz; f <= rate / 2; f += 10) stop = Math.max(stop, magnitudeDbAt(h, f / rate));
    assert.ok(-stop >= minStop, `${from}→${to} ${quality}: stopband ${stop.toFixed(1)} dB`);
    assert.ok(hi - lo <= maxRipple, `${from}→${to} ${quality}: ripple ${(hi - lo).toFixed(4)} dB`);
  }
});

test('output does not depend on how the input is chunked (7, 160, 960, one block)', () => {
  const input = noise(48000);
  for (const [from, to] of [[48000, 8000], [8000, 48000], [8000, 16000], [44100, 8000]] as const) {
    const whole = new Resampler(from, to).process(input);
    for (const size of [7, 160, 960]) {
      assert.deepEqual(inChunks(new Resampler(from, to), input, size), whole, `${from}→${to} in chunks of ${size}`);
    }
  }
});

test('output lengths follow the phase: per call ±1, in total ⌈n·to/from⌉', () => {
  const r = new Resampler(48000, 8000);
  const lengths = new Set<number>();
  let total = 0;
  for (let i = 0; i < 1000; i++) {
    const out = r.process(new Int16Array(7));
    lengths.add(out.length);
    total += out.length;
  }
  assert.deepEqual([...lengths].sort(), [1, 2]);
  assert.equal(total, Math.ceil((7000 * 8000) / 48000));
  const up = new Resampler(8000, 48000);
  for (let i = 0; i < 10; i++) assert.equal(up.process(new Int16Array(160)).length, 960);
  assert.equal(new Resampler(44100, 8000).outputLength(441), 80);
});

test('a constant passes exactly, and an impulse comes out latencySamples later', () => {
  for (const [from, to] of [[48000, 8000], [8000, 48000], [8000, 16000]] as const) {
    const r = new Resampler(from, to);
    const out = r.process(new Int16Array(from / 10).fill(10000));
    assert.ok(out.subarray(Math.ceil(r.latencySamples) * 2).every((v) => v === 10000), `${from}→${to} DC`);

    const imp = new Int16Array(from / 10);
    imp[0] = 30000;
    const resp = new Resampler(from, to).process(imp);
    let peakAt = 0;
    for (let i = 0; i < resp.length; i++) if (Math.abs(resp[i] ?? 0) > Math.abs(resp[peakAt] ?? 0)) peakAt = i;
    assert.ok(Math.abs(peakAt - r.latencySamples) <= 0.5, `${from}→${to}: peak at ${peakAt}, latency ${r.latencySamples}`);
  }
});

test('flush drains the delay line and resets; same-rate conversion is a pass-through', () => {
  const r = new Resampler(8000, 48000);
  const input = sine(1000, 10000, 8000, 800);
  const body = r.process(input);
  const tail = r.flush();
  assert.equal(tail.length, Math.ceil(r.latencySamples));
  assert.equal(body.length + tail.length, 4800 + Math.ceil(r.latencySamples));
  // After the reset the converter behaves like a new one.
  assert.deepEqual(r.process(input), new Resampler(8000, 48000).process(input));

  const same = new Resampler(8000, 8000);
  assert.equal(same.latencySamples, 0);
  assert.deepEqual(same.process(input), input);
  assert.equal(same.flush().length, 0);
});

test('bad rates are refused', () => {
  assert.throws(() => new Resampler(0, 8000), RangeError);
  assert.throws(() => new Resampler(8000, 7999.5), RangeError);
  assert.throws(() => new Resampler(48000, 44101), RangeError);
});
