/**
 * The digital milliwatt of ITU-T G.711 (11/1988) clause 5: "A sine-wave signal
 * of 1 kHz at a nominal level of 0 dBm0 should be present at any voice
 * frequency output … when the periodic sequence of character signals of
 * Table 5/G.711 for the A-law and of Table 6/G.711 for the µ-law is applied to
 * the decoder input." Levels per audio/levels.ts. Also checks PCMU/PCMA.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PCMA, PCMU, type G711Codec } from './codec.js';
import { dbm0Of, sinePeakForDbm0 } from '../levels.js';
import { goertzelAmplitude } from '../goertzel.js';

const MU_LAW_MILLIWATT = [0x1e, 0x0b, 0x0b, 0x1e, 0x9e, 0x8b, 0x8b, 0x9e]; // Table 6/G.711
const A_LAW_MILLIWATT = [0x34, 0x21, 0x21, 0x34, 0xb4, 0xa1, 0xa1, 0xb4]; // Table 5/G.711

function repeat(sequence: number[], seconds: number): Uint8Array {
  const out = new Uint8Array(8000 * seconds);
  for (let i = 0; i < out.length; i++) out[i] = sequence[i % 8]!;
  return out;
}

function checkMilliwatt(codec: G711Codec, sequence: number[]): number {
  const pcm = codec.decode(repeat(sequence, 1));
  const level = dbm0Of(pcm);
  assert.ok(Math.abs(level) <= 0.1, `${codec.name} digital milliwatt at ${level.toFixed(3)} dBm0`);
  // A 1 kHz sine: its amplitude is all at 1000 Hz (1000 Hz sits on a bin of an 8000-sample block).
  const a1k = goertzelAmplitude(1000, 8000, pcm);
  assert.ok(Math.abs(20 * Math.log10(a1k / sinePeakForDbm0(0))) < 0.1, `${codec.name} 1 kHz amplitude ${a1k.toFixed(0)}`);
  for (const f of [500, 900, 1100, 2000]) {
    assert.ok(goertzelAmplitude(f, 8000, pcm) < a1k / 1000, `${codec.name}: nothing at ${f} Hz`);
  }
  // An 8-sample period can only hold 1 and 3 kHz: the quantization error sits at 3 kHz, about −40 dB.
  assert.ok(goertzelAmplitude(3000, 8000, pcm) < a1k / 50, `${codec.name}: 3 kHz distortion`);
  return level;
}

/** A 0 dBm0 1 kHz sine starting at phase π + π/8, where the standard's sequences sample it. */
function milliwattSine(): Int16Array {
  const peak = sinePeakForDbm0(0);
  const out = new Int16Array(16);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(peak * Math.sin(Math.PI + Math.PI / 8 + (2 * Math.PI * i) / 8));
  return out;
}

test('µ-law digital milliwatt (Table 6) decodes to a 1 kHz sine at 0 dBm0 ± 0.1 dB', () => {
  const level = checkMilliwatt(PCMU, MU_LAW_MILLIWATT);
  assert.ok(level < 0 && level > -0.1); // −0.067 dBm0 with the +3.14 dBm0 full-scale convention
});

test('A-law digital milliwatt (Table 5) decodes to a 1 kHz sine at 0 dBm0 ± 0.1 dB', () => {
  checkMilliwatt(PCMA, A_LAW_MILLIWATT);
});

test('a 0 dBm0 1 kHz sine encodes to exactly the digital milliwatt sequences', () => {
  const sine = milliwattSine();
  assert.deepEqual([...PCMU.encode(sine)], [...MU_LAW_MILLIWATT, ...MU_LAW_MILLIWATT]);
  assert.deepEqual([...PCMA.encode(sine)], [...A_LAW_MILLIWATT, ...A_LAW_MILLIWATT]);
});

test('PCMU and PCMA carry the RFC 3551 names and static payload types', () => {
  assert.equal(PCMU.name, 'PCMU');
  assert.equal(PCMU.payloadType, 0);
  assert.equal(PCMA.name, 'PCMA');
  assert.equal(PCMA.payloadType, 8);
  const frame = new Int16Array(160).map((_, i) => Math.round(8000 * Math.sin(i / 5)));
  const out = new Int16Array(160);
  assert.equal(PCMU.decode(PCMU.encode(frame), out), out);
  // The quantization error of µ-law stays within half a step: under 2.5 % at these levels, plus the smallest steps.
  for (let i = 0; i < 160; i++) assert.ok(Math.abs(out[i]! - frame[i]!) <= Math.abs(frame[i]!) / 32 + 8);
});
