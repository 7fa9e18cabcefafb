/**
 * A small real-input FFT for the echo canceller's partitioned frequency-domain
 * filter (block-filter.ts; the canceller itself follows ITU-T G.168/G.165). Size M is a power of two ≥ 4; a real block of M
 * samples maps to M/2 + 1 complex bins (0 … M/2, the rest being Hermitian).
 *
 * Implementation: the M real samples are packed as M/2 complex values
 * z[n] = x[2n] + i·x[2n+1], transformed by an iterative radix-2 complex FFT of
 * size H = M/2, and split into the spectra of the even and odd samples:
 *   Fe[k] = (Z[k] + conj Z[H−k]) / 2,   Fo[k] = (Z[k] − conj Z[H−k]) / 2i,
 *   X[k]  = Fe[k] + e^(−2πik/M) · Fo[k].
 * The inverse runs the same steps backwards. Forward is unscaled; inverse
 * divides by M, so inverse(forward(x)) = x.
 */

export class RealFft {
  readonly size: number;
  /** Number of bins, size / 2 + 1. */
  readonly bins: number;
  private readonly half: number;
  private readonly bitrev: Uint16Array;
  /** Twiddles of the half-size complex FFT: cos/sin(2πj/H), j < H/2. */
  private readonly cosH: Float64Array;
  private readonly sinH: Float64Array;
  /** Split twiddles: cos/sin(2πk/M), k ≤ H. */
  private readonly cosM: Float64Array;
  private readonly sinM: Float64Array;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
      throw new RangeError(`RealFft size must be a power of two >= 4, got ${size}`);
    }
    this.size = size;
    this.half = size / 2;
    this.bins = this.half + 1;
    const h = this.half;
    this.bitrev = new Uint16Array(h);
    const bits = Math.round(Math.log2(h));
    for (let i = 0; i < h; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) if ((i >> b) & 1) r |= 1 << (bits - 1 - b);
      this.bitrev[i] = r;
    }
    this.cosH = new Float64Array(Math.max(1, h / 2));
    this.sinH = new Float64Array(Math.max(1, h / 2));
    for (let j = 0; j < h / 2; j++) {
      this.cosH[j] = Math.cos((2 * Math.PI * j) / h);
      this.sinH[j] = Math.sin((2 * Math.PI * j) / h);
    }
    this.cosM = new Float64Array(h + 1);
    this.sinM = new Float64Array(h + 1);
    for (let k = 0; k <= h; k++) {
      this.cosM[k] = Math.cos((2 * Math.PI * k) / size);
      this.sinM[k] = Math.sin((2 * Math.PI * k) / size);
    }
    this.zr = new Float64Array(h);
    this.zi = new Float64Array(h);
  }

  /** Spectrum of `input[0 … size)` into `re`/`im[0 … bins)`. */
  forward(input: Float64Array, re: Float64Array, im: Float64Array): void {
    const h = this.half;
    const zr = this.zr;
    const zi = this.zi;
    const br = this.bitrev;
    for (let n = 0; n < h; n++) {
      const j = br[n]!;
      zr[j] = input[2 * n]!;
      zi[j] = input[2 * n + 1]!;
    }
    this.complexInPlace(-1);
    const cm = this.cosM;
    const sm = this.sinM;
    re[0] = zr[0]! + zi[0]!;
    im[0] = 0;
    re[h] = zr[0]! - zi[0]!;
    im[h] = 0;
    for (let k = 1; k < h; k++) {
      const ar = zr[k]!;
      const ai = zi[k]!;
      const br2 = zr[h - k]!;
      const bi = -zi[h - k]!; // conj Z[H−k]
      const fer = 0.5 * (ar + br2);
      const fei = 0.5 * (ai + bi);
      // (a − b) / 2i = (ai − bi)/2 − i (ar − br)/2
      const for_ = 0.5 * (ai - bi);
      const foi = -0.5 * (ar - br2);
      const c = cm[k]!;
      const s = -sm[k]!; // e^(−2πik/M)
      re[k] = fer + for_ * c - foi * s;
      im[k] = fei + for_ * s + foi * c;
    }
  }

  /** Real signal of `size` samples into `out` from `re`/`im[0 … bins)`; scaled by 1/size. */
  inverse(re: Float64Array, im: Float64Array, out: Float64Array): void {
    const h = this.half;
    const zr = this.zr;
    const zi = this.zi;
    const br = this.bitrev;
    const cm = this.cosM;
    const sm = this.sinM;
    for (let k = 0; k < h; k++) {
      const ar = re[k]!;
      const ai = im[k]!;
      const cr = re[h - k]!;
      const ci = -im[h - k]!; // conj X[H−k]
      const fer = 0.5 * (ar + cr);
      const fei = 0.5 * (ai + ci);
      const dr = 0.5 * (ar - cr);
      const di = 0.5 * (ai - ci);
      const c = cm[k]!;
      const s = sm[k]!; // e^(+2πik/M)
      const for_ = dr * c - di * s;
      const foi = dr * s + di * c;
      // Z = Fe + i·Fo, stored bit-reversed for the in-place transform
      const j = br[k]!;
      zr[j] = fer - foi;
      zi[j] = fei + for_;
    }
    this.complexInPlace(1);
    const scale = 1 / h;
    for (let n = 0; n < h; n++) {
      out[2 * n] = zr[n]! * scale;
      out[2 * n + 1] = zi[n]! * scale;
    }
  }

  /** Iterative radix-2 DIT on the bit-reversed zr/zi; sign −1 forward, +1 inverse (unscaled). */
  private complexInPlace(sign: number): void {
    const h = this.half;
    const zr = this.zr;
    const zi = this.zi;
    const ct = this.cosH;
    const st = this.sinH;
    // First stage: twiddle 1.
    for (let a = 0; a < h; a += 2) {
      const br = zr[a + 1]!;
      const bi = zi[a + 1]!;
      zr[a + 1] = zr[a]! - br;
      zi[a + 1] = zi[a]! - bi;
      zr[a] = zr[a]! + br;
      zi[a] = zi[a]! + bi;
    }
    for (let len = 4; len <= h; len <<= 1) {
      const halfLen = len >> 1;
      const step = h / len;
      for (let j = 0; j < halfLen; j++) {
        const wr = ct[j * step]!;
        const wi = sign * st[j * step]!;
        for (let a = j; a < h; a += len) {
          const b = a + halfLen;
          const xr = zr[b]! * wr - zi[b]! * wi;
          const xi = zr[b]! * wi + zi[b]! * wr;
          zr[b] = zr[a]! - xr;
          zi[b] = zi[a]! - xi;
          zr[a] = zr[a]! + xr;
          zi[a] = zi[a]! + xi;
        }
      }
    }
  }
}
