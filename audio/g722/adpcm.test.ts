/**
 * G.722 sub-band ADPCM (ITU-T G.722 (09/2012) clause 6): the standard's
 * tables, the first codes from reset worked out by hand from them, and the
 * decoder tracking the encoder's predictor state exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HigherBand, LowerBand } from './adpcm.js';
import { G722Decoder } from './decoder.js';
import { G722Encoder } from './encoder.js';
import { ILB, OQ4, OQ6, Q6 } from './tables.js';

function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

test('ILB is 2048 · 2^(i/32), rounded; the quantizer tables rise; the 4-bit levels are every other 6-bit level', () => {
  for (let i = 0; i < 32; i++) assert.equal(ILB[i], Math.round(2048 * 2 ** (i / 32)), `ILB(${i})`);
  for (let i = 1; i < Q6.length; i++) assert.ok(Q6[i]! > Q6[i - 1]!);
  for (let i = 1; i < OQ6.length; i++) assert.ok(OQ6[i]! > OQ6[i - 1]!);
  // QQ4 reconstruction levels are the Q6 decision levels 4, 8, 12, … (the embedded 4-bit quantizer).
  assert.deepEqual([...OQ4].slice(1), [4, 8, 12, 16, 20, 24, 28].map((k) => Q6[k]));
});

test('from reset, a zero input codes IL = 0x3A and IH = 3 (octet 0xFA)', () => {
  // DETL = 32: the scaled levels Q6·8·32 >> 15 are 0 for mil ≤ 3 and 1 for mil = 4, so
  // el = 0 lies below level 4: positive code for mil 4 is 0x3A. DETH = 8: 564·8·8 >> 15 = 1 > 0,
  // so mih = 1, positive: IH = 3.
  assert.equal(new LowerBand().encode(0), 0x3a);
  assert.equal(new HigherBand().encode(0), 3);
  assert.deepEqual([...new G722Encoder().encode(new Int16Array(4))], [0xfa, 0xfa]);
});

test('a decoder band fed the encoder band codes tracks its predictor state sample by sample', () => {
  const rnd = lcg(7);
  const lowEnc = new LowerBand();
  const lowDec = new LowerBand();
  const highEnc = new HigherBand();
  const highDec = new HigherBand();
  for (let n = 0; n < 20000; n++) {
    // Bursts of loud and quiet noise and tones, to drive the step sizes across their range.
    const level = (n >> 11) % 3 === 0 ? 16000 : (n >> 11) % 3 === 1 ? 300 : 6000;
    const xl = Math.round(level * (Math.sin(n / 5) * 0.5 + (rnd() - 0.5)));
    const xh = Math.round(level * (rnd() - 0.5));
    lowDec.decode(lowEnc.encode(Math.max(-16384, Math.min(16383, xl))));
    highDec.decode(highEnc.encode(Math.max(-16384, Math.min(16383, xh))));
    if (n % 97 === 0 || n > 19990) {
      assert.deepEqual(lowDec.snapshot(), lowEnc.snapshot(), `lower band at ${n}`);
      assert.deepEqual(highDec.snapshot(), highEnc.snapshot(), `higher band at ${n}`);
    }
  }
  // The step size really moved.
  assert.ok(lowEnc.snapshot().nb > 0);
});

test('the G722Decoder fed the G722Encoder output reproduces the encoder state, frame by frame', () => {
  const rnd = lcg(99);
  const enc = new G722Encoder();
  const dec = new G722Decoder();
  for (let frame = 0; frame < 100; frame++) {
    const pcm = new Int16Array(320).map((_, i) => Math.round(9000 * Math.sin((frame * 320 + i) / 7) + 3000 * (rnd() - 0.5)));
    dec.decode(enc.encode(pcm));
    assert.deepEqual(dec.bandStates(), enc.bandStates(), `after frame ${frame}`);
  }
});
