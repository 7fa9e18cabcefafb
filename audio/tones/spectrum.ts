/**
 * Spectrum helpers for the tone analyzer and classifier: an iterative radix-2
 * FFT (Cooley–Tukey) and the Hann-windowed amplitude spectrum of a block.
 */

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** In-place complex FFT; `re.length` must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  if (n !== im.length || (n & (n - 1)) !== 0) throw new RangeError('fft size must be a power of two');
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const tr = re[i] ?? 0;
      re[i] = re[j] ?? 0;
      re[j] = tr;
      const ti = im[i] ?? 0;
      im[i] = im[j] ?? 0;
      im[j] = ti;
    }
  }
  for (let len = 2; len <= n; len *= 2) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    const half = len / 2;
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < half; k++) {
        const a = i + k;
        const b = a + half;
        const br = re[b] ?? 0;
        const bi = im[b] ?? 0;
        const xr = br * cr - bi * ci;
        const xi = br * ci + bi * cr;
        const ar = re[a] ?? 0;
        const ai = im[a] ?? 0;
        re[a] = ar + xr;
        im[a] = ai + xi;
        re[b] = ar - xr;
        im[b] = ai - xi;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/**
 * Amplitude spectrum of samples[start, end) under a Hann window, zero-padded to
 * `size` (a power of two ≥ the block): bin k is k·sampleRate/size Hz and a sine
 * of amplitude A centred on a bin reads A. Returns bins 0…size/2.
 */
export function hannAmplitudeSpectrum(samples: ArrayLike<number>, start: number, end: number, size: number): Float64Array {
  const n = end - start;
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  let wsum = 0;
  for (let i = 0; i < n; i++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
    wsum += w;
    re[i] = (samples[start + i] ?? 0) * w;
  }
  fft(re, im);
  const out = new Float64Array(size / 2 + 1);
  const scale = wsum > 0 ? 2 / wsum : 0;
  for (let k = 0; k <= size / 2; k++) out[k] = Math.hypot(re[k] ?? 0, im[k] ?? 0) * scale;
  return out;
}
