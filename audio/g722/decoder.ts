/**
 * G.722 decoder at 64 kbit/s (mode 1), ITU-T G.722 (09/2012) clause 4 with
 * the computational details of clauses 5 (receive QMF) and 6 (ADPCM),
 * bit-exact with the ITU reference code: each octet (IH in bits 7–6, IL in
 * bits 5–0) gives two 16 kHz 16-bit linear samples.
 */
import { HigherBand, LowerBand, type PredictorState } from './adpcm.js';
import { ReceiveQmf } from './qmf.js';

export class G722Decoder {
  private readonly qmf = new ReceiveQmf();
  private readonly lower = new LowerBand();
  private readonly higher = new HigherBand();

  /** Decodes octets to twice as many 16 kHz samples, into `out` when given. */
  decode(bytes: Uint8Array, out: Int16Array = new Int16Array(bytes.length * 2)): Int16Array {
    if (out.length < bytes.length * 2) throw new RangeError(`G722Decoder.decode: out has ${out.length} samples, need ${bytes.length * 2}`);
    const qmf = this.qmf;
    for (let i = 0; i < bytes.length; i++) {
      const code = bytes[i]!;
      const rl = this.lower.decode(code & 0x3f);
      const rh = this.higher.decode(code >> 6);
      qmf.merge(rl, rh);
      out[2 * i] = qmf.out1;
      out[2 * i + 1] = qmf.out2;
    }
    return out;
  }

  /** The lower- and higher-band predictor states (for checking that they track the encoder's). */
  bandStates(): { lower: PredictorState; higher: PredictorState } {
    return { lower: this.lower.snapshot(), higher: this.higher.snapshot() };
  }
}
