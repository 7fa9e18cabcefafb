/**
 * Mixing 16-bit frames, for 3-way calls and conferences.
 *
 * `mix` sums frames sample by sample and saturates to the 16-bit range (hard
 * clipping, which is what a G.711 encoder would do anyway at its overload
 * point). `conferenceMix` gives each party the sum of everyone else ("N − 1"
 * mixing), so nobody hears their own voice back: the full sum is formed once
 * in wide integers and each party's own signal subtracted from it before
 * saturating, so a party hears exactly what `mix` of the others would give.
 *
 * Source: the broadcast "mix-minus" used by software conference bridges, e.g.
 * Asterisk's bridges/bridge_softmix.c (one mix of all channels, each channel's
 * own audio subtracted from it before it is written back to that channel).
 */
import { clamp16 } from '../pcm.js';

function frameLength(inputs: readonly Int16Array[], out: Int16Array | undefined): number {
  const n = out?.length ?? inputs[0]?.length ?? 0;
  for (const [i, input] of inputs.entries()) {
    if (input.length !== n) throw new RangeError(`input ${i} has ${input.length} samples, expected ${n}`);
  }
  return n;
}

/** The saturated sum of equally long frames, into `out` if given (it may be one of the inputs). */
export function mix(inputs: readonly Int16Array[], out?: Int16Array): Int16Array {
  const n = frameLength(inputs, out);
  const result = out ?? new Int16Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (const input of inputs) sum += input[i] ?? 0;
    result[i] = sum > 32767 ? 32767 : sum < -32768 ? -32768 : sum;
  }
  return result;
}

/**
 * One output frame per input: output k is the saturated sum of every input but
 * input k. With two parties each hears the other unchanged; alone, silence.
 */
export function conferenceMix(inputs: readonly Int16Array[]): Int16Array[] {
  const n = frameLength(inputs, undefined);
  const total = new Int32Array(n);
  for (const input of inputs) {
    for (let i = 0; i < n; i++) total[i] = (total[i] ?? 0) + (input[i] ?? 0);
  }
  return inputs.map((own) => {
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = clamp16((total[i] ?? 0) - (own[i] ?? 0));
    return out;
  });
}
