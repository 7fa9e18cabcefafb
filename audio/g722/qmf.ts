/**
 * The 24-tap quadrature mirror filters of ITU-T G.722 (09/2012) clause 5
 * (transmit and receive QMF), in the integer arithmetic of the ITU
 * reference code: the transmit QMF splits two 16 kHz samples into one lower
 * and one higher sub-band sample at 8 kHz; the receive QMF rebuilds them.
 */
import { QMF_COEFFICIENTS } from './tables.js';

/** LIMIT of clause 6: sub-band signals within [−16384, 16383]. */
function limit(x: number): number {
  return x > 16383 ? 16383 : x < -16384 ? -16384 : x;
}

function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

const TAPS = 24;

/** Coefficients with even index (h0, h2, …, h22) and odd index (h1, …, h23), each times 2 as in the reference. */
const EVEN = Int32Array.from({ length: TAPS / 2 }, (_, k) => 2 * QMF_COEFFICIENTS[2 * k]!);
const ODD = Int32Array.from({ length: TAPS / 2 }, (_, k) => 2 * QMF_COEFFICIENTS[2 * k + 1]!);

/** Transmit QMF: (x(2j), x(2j+1)) at 16 kHz → (xl, xh) at 8 kHz, each limited to [−16384, 16383]. */
export class TransmitQmf {
  /** x[0] is the newest input sample, x[23] the oldest. */
  private readonly x = new Int32Array(TAPS);
  xl = 0;
  xh = 0;

  /** Takes the older sample first. Results in `xl` and `xh`. */
  split(older: number, newer: number): void {
    const x = this.x;
    x[1] = older;
    x[0] = newer;
    let a = 0;
    let b = 0;
    for (let k = 0; k < TAPS / 2; k++) {
      a += EVEN[k]! * x[2 * k]!;
      b += ODD[k]! * x[2 * k + 1]!;
    }
    for (let i = TAPS - 1; i >= 2; i--) x[i] = x[i - 2]!;
    // (2·(a ± b)) >> 16, as 32-bit integers: no overflow is possible with 16-bit inputs.
    this.xl = limit(((a + b) * 2) >> 16);
    this.xh = limit(((a - b) * 2) >> 16);
  }
}

/** Receive QMF: (rl, rh) at 8 kHz → two 16 kHz output samples. */
export class ReceiveQmf {
  private readonly x = new Int32Array(TAPS);
  /** The earlier and the later output sample of the last `merge`. */
  out1 = 0;
  out2 = 0;

  merge(rl: number, rh: number): void {
    const x = this.x;
    x[1] = sat16(rl + rh);
    x[0] = sat16(rl - rh);
    let a = 0;
    let b = 0;
    for (let k = 0; k < TAPS / 2; k++) {
      a += EVEN[k]! * x[2 * k]!;
      b += ODD[k]! * x[2 * k + 1]!;
    }
    for (let i = TAPS - 1; i >= 2; i--) x[i] = x[i - 2]!;
    // The reference's extract_h(L_shl(acc, 4)), i.e. acc >> 12 saturated to 16 bits.
    this.out1 = sat16(a >> 12);
    this.out2 = sat16(b >> 12);
  }
}
