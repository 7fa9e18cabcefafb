import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RealFft } from './fft.js';
import { PartitionedFilter } from './block-filter.js';
import { SpectralHistory } from './spectral-history.js';
import { Rng } from './test-support/speech.js';

const L = 64;
const K = 8;
const N = K * L;

function setup(): { fft: RealFft; ref: SpectralHistory; w: PartitionedFilter; x: Float64Array; h: Float64Array } {
  const fft = new RealFft(2 * L);
  const rng = new Rng(9);
  const x = new Float64Array(N + 300 * L);
  for (let i = 0; i < x.length; i++) x[i] = (rng.next() - 0.5) * 2000;
  // A sparse, hybrid-like response: 96 taps of decaying oscillation after 150 samples of delay.
  const h = new Float64Array(N);
  for (let i = 0; i < 96; i++) h[150 + i] = 0.3 * Math.exp(-i / 20) * Math.cos(i * 0.9);
  return { fft, ref: new SpectralHistory(K, fft.bins), w: new PartitionedFilter(K, fft), x, h };
}

function convolve(h: Float64Array, x: Float64Array, n: number): number {
  let y = 0;
  for (let j = 0; j < h.length; j++) y += h[j]! * x[n - j]!;
  return y;
}

/** Runs `blocks` blocks of NLMS identification of h; returns misalignment in dB after each block. */
function identify(blocks: number): { mis: number[]; w: PartitionedFilter; s: ReturnType<typeof setup> } {
  const s = setup();
  const { fft, ref, w, x, h } = s;
  const win = new Float64Array(2 * L);
  const t = new Float64Array(2 * L);
  const re = new Float64Array(fft.bins);
  const im = new Float64Array(fft.bins);
  const taps = new Float64Array(L);
  const mis: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const base = N + b * L;
    for (let m = 0; m < 2 * L; m++) win[m] = x[base - L + m]!;
    ref.push(fft, win, re, im);
    w.accumulate(ref, 0, 0, re, im);
    fft.inverse(re, im, t);
    for (let m = 0; m < L; m++) t[L + m] = convolve(h, x, base + m) - t[L + m]!;
    t.fill(0, 0, L);
    fft.forward(t, re, im);
    w.adapt(ref, re, im, 0.7, 1);
    w.constrain(b % K);
    let err = 0;
    let norm = 0;
    for (let p = 0; p < K; p++) {
      w.partitionTaps(p, taps);
      for (let j = 0; j < L; j++) {
        err += (h[p * L + j]! - taps[j]!) ** 2;
        norm += h[p * L + j]! ** 2;
      }
    }
    mis.push(10 * Math.log10(err / norm));
  }
  return { mis, w, s };
}

test('partitioned NLMS identifies a sparse echo path from white noise', () => {
  const { mis } = identify(200);
  assert.ok(mis[49]! < -20, `after 50 blocks: ${mis[49]!.toFixed(1)} dB`);
  assert.ok(mis[199]! < -45, `after 200 blocks: ${mis[199]!.toFixed(1)} dB`);
});

test('overlap-save output equals direct convolution; the tail part needs no current samples', () => {
  const { w, s } = identify(120);
  const { fft, ref, x } = s;
  // Taps as learned, as a plain FIR.
  const taps = new Float64Array(N);
  for (let p = 0; p < K; p++) w.partitionTaps(p, taps.subarray(p * L, (p + 1) * L));
  for (let p = 0; p < K; p++) w.constrain(p);
  const re = new Float64Array(fft.bins);
  const im = new Float64Array(fft.bins);
  const t = new Float64Array(2 * L);
  // The newest reference block is block 119, starting at N + 119·L.
  const base = N + 119 * L;
  w.accumulate(ref, 0, 0, re, im);
  fft.inverse(re, im, t);
  for (let m = 0; m < L; m++) assert.ok(Math.abs(t[L + m]! - convolve(taps, x, base + m)) < 1e-6);
  // Partitions 1… for the next block, from what is known now, plus the head on the new samples.
  w.accumulate(ref, 1, 1, re, im);
  fft.inverse(re, im, t);
  const head = taps.subarray(0, L);
  for (let m = 0; m < L; m++) {
    const n = base + L + m;
    let y = t[L + m]!;
    for (let j = 0; j < L; j++) y += head[j]! * x[n - j]!;
    assert.ok(Math.abs(y - convolve(taps, x, n)) < 1e-6);
  }
});
