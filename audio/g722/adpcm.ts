/**
 * The two sub-band ADPCM coders of ITU-T G.722 (09/2012), bit-exact per the
 * fixed-point description of clause 6 (blocks QUANTL/QUANTH, INVQAL/INVQBL/
 * INVQAH, LOGSCL/LOGSCH, SCALEL/SCALEH, UPZERO, UPPOL1, UPPOL2, FILTEZ,
 * FILTEP, LIMIT, in the order of the ITU reference code): a 6-bit lower band
 * (4 bits feed the predictor: embedded ADPCM) and a 2-bit higher band, each
 * with a pole-zero predictor (2 poles, 6 zeros) and a log-domain step size.
 *
 * Encoder and decoder run the same predictor update from the same codes, so a
 * decoder fed the encoder's codes tracks its state exactly (`snapshot`).
 * Only mode 1 (64 kbit/s, all 6 lower-band bits) is decoded.
 */
import {
  IH2, IHN, IHP, ILB, ILN, ILP, OQ2, OQ4, OQ6, Q2, Q6, RIL4, RIL6, RISI4, RISI6, SIH, WH, WL,
} from './tables.js';

// The 16-bit fixed-point operators the clause 6 description is written in (the
// ITU-T G.191 basic operators of the reference code): additions saturate to 16
// bits and mult is the Q15 product. They live here, beside the predictor, so
// that V8 inlines them (calls into another module were 2–3× slower).

/** Clamps to the 16-bit range. */
function sat16(x: number): number {
  return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

function add(a: number, b: number): number {
  return sat16(a + b);
}

function sub(a: number, b: number): number {
  return sat16(a - b);
}

/** Q15 multiplication: floor(a·b / 2^15), saturated (only −32768·−32768 overflows). */
function mult(a: number, b: number): number {
  return sat16((a * b) >> 15);
}

/** Saturating left shift. */
function shl(a: number, n: number): number {
  return sat16(a * (1 << n));
}

/** −1 for a negative value, 0 otherwise (the reference's x >> 15). */
function sign(a: number): number {
  return a >> 15;
}

/** LIMIT: reconstructed signals are kept within [−16384, 16383]. */
function limit(x: number): number {
  return x > 16383 ? 16383 : x < -16384 ? -16384 : x;
}

/** The adaptive predictor (block 4L/4H) and the step size (block 3L/3H) of one band. */
class Predictor {
  /** Signal estimate s (SL/SH), its pole part sp and zero part sz. */
  s = 0;
  sp = 0;
  sz = 0;
  /** Log scale factor nb (NBL/NBH) and scale factor det (DETL/DETH). */
  nb = 0;
  det: number;
  /** Pole coefficients a1, a2, zero coefficients b1..b6 (b[0] unused). */
  a1 = 0;
  a2 = 0;
  readonly b = new Int32Array(7);
  /** Quantized difference d(n)…d(n−6). */
  readonly d = new Int32Array(7);
  /** Partially reconstructed p(n−1), p(n−2) and reconstructed r(n−1), r(n−2). */
  p1 = 0;
  p2 = 0;
  r1 = 0;
  r2 = 0;

  constructor(initialDet: number) {
    this.det = initialDet;
  }

  /** Adapts the predictor to the quantized difference d0 (after nb and det are updated). */
  update(d0: number): void {
    const d = this.d;
    const b = this.b;
    d[0] = d0;
    const p0 = add(d0, this.sz); // PARREC
    const r0 = add(this.s, d0); // RECONS

    // UPZERO: sign-sign update of the zero coefficients as the delay line shifts,
    // with FILTEZ folded in (same order of the saturating sum: i = 6 … 1).
    const wd1 = d0 === 0 ? 0 : 128;
    const sg0 = sign(d0);
    let sz = 0;
    for (let i = 6; i > 0; i--) {
      const bi = add(sign(d[i]!) === sg0 ? wd1 : -wd1, mult(b[i]!, 32640));
      const di = d[i - 1]!;
      b[i] = bi;
      d[i] = di;
      sz = add(sz, mult(add(di, di), bi));
    }

    // UPPOL2, then UPPOL1 (which uses the new a2).
    const p1 = this.p1;
    const sg0p = sign(p0);
    const sg1p = sign(p1);
    const sg2p = sign(this.p2);
    const a1 = this.a1;
    const w1 = shl(a1, 2);
    const w2 = (sg0p === sg1p ? sub(0, w1) : w1) >> 7;
    let a2 = add(add(w2, sg0p === sg2p ? 128 : -128), mult(this.a2, 32512));
    if (a2 > 12288) a2 = 12288;
    else if (a2 < -12288) a2 = -12288;
    let apl1 = add(sg0p === sg1p ? 192 : -192, mult(a1, 32640));
    const bound = sub(15360, a2);
    if (apl1 > bound) apl1 = bound;
    else if (add(apl1, bound) < 0) apl1 = -bound;

    // FILTEP and PREDIC; the delay lines shift.
    const r1 = this.r1;
    const sp = add(mult(apl1, add(r0, r0)), mult(a2, add(r1, r1)));
    this.a1 = apl1;
    this.a2 = a2;
    this.p2 = p1;
    this.p1 = p0;
    this.r2 = r1;
    this.r1 = r0;
    this.sz = sz;
    this.sp = sp;
    this.s = add(sp, sz);
  }

  snapshot(): PredictorState {
    return {
      s: this.s, sz: this.sz, nb: this.nb, det: this.det, a1: this.a1, a2: this.a2,
      b: Array.from(this.b.subarray(1)), d: Array.from(this.d.subarray(1)), p: [this.p1, this.p2], r: [this.r1, this.r2],
    };
  }
}

/** A band coder's complete state, for checking that encoder and decoder agree. */
export interface PredictorState {
  s: number;
  sz: number;
  nb: number;
  det: number;
  a1: number;
  a2: number;
  b: number[];
  d: number[];
  p: number[];
  r: number[];
}

/** SCALEL/SCALEH: det = 2^(nb / 2^11 + shift) from the ILB table. */
function scale(nb: number, shift: number): number {
  const wd1 = (nb >> 6) & 31;
  const wd2 = shift - (nb >> 11);
  const wd3 = wd2 < 0 ? ILB[wd1]! << -wd2 : ILB[wd1]! >> wd2;
  return wd3 << 2;
}

/** The lower sub-band (0–4 kHz): 6-bit codes, of which the top 4 drive the adaptation. */
export class LowerBand {
  private readonly st = new Predictor(32);

  /** QUANTL … PREDIC for one sub-band sample xl; returns the 6-bit code IL. */
  encode(xl: number): number {
    const st = this.st;
    const el = sub(xl, st.s);
    // QUANTL: the interval of |el| among the decision levels Q6 scaled by det.
    const wd = el >= 0 ? el : negativeMagnitude(el);
    // The first mil in 1..30 whose scaled level exceeds wd (30 if none): the reference's
    // linear search, done as a binary search over the rising levels.
    let lo = 1;
    let hi = 30;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (mult(Q6[mid]! << 3, st.det) > wd) hi = mid;
      else lo = mid + 1;
    }
    const mil = lo;
    const il = el >= 0 ? ILP[mil]! : ILN[mil]!;
    this.adapt(il);
    return il;
  }

  /** Decodes a 6-bit code (mode 1, 64 kbit/s) to the reconstructed lower sub-band sample, limited. */
  decode(il: number): number {
    const st = this.st;
    // INVQBL: the 6-bit reconstruction for the output only.
    const m = RIL6[il]!;
    const q = OQ6[m]! << 3;
    const dl = mult(st.det, RISI6[il] === 0 ? q : -q);
    const rl = limit(add(st.s, dl));
    this.adapt(il);
    return rl;
  }

  private adapt(il: number): void {
    const st = this.st;
    // INVQAL: the 4-bit quantized difference feeds the predictor.
    const ril = il >> 2;
    const q = OQ4[RIL4[ril]!]! << 3;
    const dlt = mult(st.det, RISI4[ril] === 0 ? q : -q);
    // LOGSCL, SCALEL.
    let nb = add(mult(st.nb, 32512), WL[RIL4[ril]!]!);
    if (nb < 0) nb = 0;
    if (nb > 18432) nb = 18432;
    st.nb = nb;
    st.det = scale(nb, 8);
    st.update(dlt);
  }

  snapshot(): PredictorState {
    return this.st.snapshot();
  }
}

/** The higher sub-band (4–8 kHz): 2-bit codes. */
export class HigherBand {
  private readonly st = new Predictor(8);

  /** QUANTH … PREDIC for one sub-band sample xh; returns the 2-bit code IH. */
  encode(xh: number): number {
    const st = this.st;
    const eh = sub(xh, st.s);
    const wd = eh >= 0 ? eh : negativeMagnitude(eh);
    const mih = wd >= mult(Q2 << 3, st.det) ? 2 : 1;
    const ih = eh >= 0 ? IHP[mih]! : IHN[mih]!;
    this.adapt(ih);
    return ih;
  }

  /** Decodes a 2-bit code to the reconstructed higher sub-band sample, limited. */
  decode(ih: number): number {
    this.adapt(ih);
    return limit(this.st.r1);
  }

  private adapt(ih: number): void {
    const st = this.st;
    // INVQAH.
    const q = OQ2[IH2[ih]!]! << 3;
    const dh = mult(SIH[ih] === 0 ? q : -q, st.det);
    // LOGSCH, SCALEH.
    let nb = add(mult(st.nb, 32512), WH[IH2[ih]!]!);
    if (nb < 0) nb = 0;
    if (nb > 22528) nb = 22528;
    st.nb = nb;
    st.det = scale(nb, 10);
    st.update(dh);
  }

  snapshot(): PredictorState {
    return this.st.snapshot();
  }
}

/** QUANTL/QUANTH magnitude of a negative difference: 32767 − (e & 32767), i.e. the one's complement −e − 1. */
function negativeMagnitude(e: number): number {
  return 32767 - (e & 32767);
}
