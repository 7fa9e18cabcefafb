/**
 * G.722 encoder at 64 kbit/s (mode 1), ITU-T G.722 (09/2012) clause 3 with
 * the computational details of clauses 5 (QMF) and 6 (ADPCM), bit-exact with
 * the ITU reference code: 16 kHz 16-bit linear PCM in, one octet per two input
 * samples out, the higher-band code IH in bits 7–6 and the lower-band code IL
 * in bits 5–0 (the octet as RFC 3551 §4.5.2 carries it).
 */
import { HigherBand, LowerBand, type PredictorState } from './adpcm.js';
import { TransmitQmf } from './qmf.js';

export class G722Encoder {
  private readonly qmf = new TransmitQmf();
  private readonly lower = new LowerBand();
  private readonly higher = new HigherBand();
  /** An odd sample left over from the last call, waiting for its pair; NaN when none. */
  private pending = NaN;

  /** Encodes 16 kHz samples; an odd trailing sample is kept for the next call. */
  encode(pcm16k: Int16Array): Uint8Array {
    let i = 0;
    const total = pcm16k.length + (Number.isNaN(this.pending) ? 0 : 1);
    const out = new Uint8Array(total >> 1);
    let o = 0;
    if (!Number.isNaN(this.pending) && pcm16k.length > 0) {
      out[o++] = this.encodePair(this.pending, pcm16k[0]!);
      this.pending = NaN;
      i = 1;
    }
    for (; i + 1 < pcm16k.length; i += 2) out[o++] = this.encodePair(pcm16k[i]!, pcm16k[i + 1]!);
    if (i < pcm16k.length) this.pending = pcm16k[i]!;
    return out;
  }

  /** The lower- and higher-band predictor states (for checking decoder tracking). */
  bandStates(): { lower: PredictorState; higher: PredictorState } {
    return { lower: this.lower.snapshot(), higher: this.higher.snapshot() };
  }

  private encodePair(older: number, newer: number): number {
    const qmf = this.qmf;
    qmf.split(older, newer);
    const il = this.lower.encode(qmf.xl);
    const ih = this.higher.encode(qmf.xh);
    return ((ih << 6) | il) & 0xff;
  }
}
