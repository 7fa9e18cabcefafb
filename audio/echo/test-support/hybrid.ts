/**
 * A simulated 2-wire/4-wire hybrid (SLIC or DAA) for echo-canceller tests and
 * the bench: Sin = echo of Rin + near-end signal + line noise.
 *
 * The echo path is a bulk delay (the line and codec round trip, 0…100+ ms)
 * followed by one of the dispersive impulse responses of ITU-T G.168 Annex D
 * ("echo path models for testing", models D.2, D.4 and D.5 here; 8 kHz
 * coefficients as tabulated there, also found in spandsp's g168models.h).
 * They are measured hybrid responses, 8, 12 and 16 ms long, from a sharp
 * swing with a slow decaying overshoot (D.2) to a ringing, dispersive one
 * (D.5). Each model is scaled so that its echo return loss for a white
 * signal (10·log10 of 1/Σh²) equals the requested ERL (G.168 assumes at
 * least 6 dB; the ERL measured with speech differs by a dB or so, as speech
 * is not white — the tests measure and print it).
 * Noise: optional white Gaussian noise at a given level in dBm0.
 */
import { clamp16 } from '../../pcm.js';
import { rmsForDbm0 } from '../../levels.js';

/** G.168 Annex D, model D.2 (64 taps, 8 ms). */
const D2 = [
  -436, -829, -2797, -4208, -17968, -11215, 46150, 34480, -10427, 9049, -1309, -6320, 390, -8191, -1751, -6051,
  -3796, -4055, -3948, -2557, -3372, -1808, -2259, -1300, -1098, -618, -340, -61, 323, 419, 745, 716,
  946, 880, 1014, 976, 1033, 1091, 1053, 1042, 794, 831, 899, 716, 390, 313, 304, 304,
  73, -119, -109, -176, -359, -407, -512, -580, -704, -618, -685, -791, -772, -820, -839, -724,
];

/** G.168 Annex D, model D.4 (96 taps, 12 ms). */
const D4 = [
  -448, -436, 2230, 2448, -4178, -7050, 5846, 18581, 2322, -26261, -16249, 21637, 25649, -2267, -10311, -4693,
  -12690, -7428, 14164, 13467, 4438, 8627, 456, -11879, -6352, -5104, -7496, 3271, 6566, 4277, 11131, 7562,
  1475, 3728, -3525, -7301, -3101, -9269, -6146, -2553, -6272, 811, 124, 788, 5147, 2172, 5387, 4598,
  3535, 4004, 2311, 2150, 1017, 330, -139, -573, -1100, -1157, -1180, -1455, -1123, -1386, -1123, -1066,
  -1020, -1100, -1008, -1077, -1088, -917, -917, -963, -814, -871, -734, -642, -562, -356, -379, -345,
  -230, -233, -333, -356, -390, -310, -265, -368, -310, -310, -390, -482, -459, -482, -551, -573,
];

/** G.168 Annex D, model D.5 (128 taps, 16 ms). */
const D5 = [
  160, 312, -241, -415, 897, 908, -1326, -1499, 2405, 3347, -3624, -7733, 4041, 14484, -1477, -21739,
  -4470, 25356, 11458, -19696, -11800, 5766, 789, 6633, 14624, -6975, -17156, -187, 149, 1515, 14907, 4345,
  -7128, -2757, -10185, -7083, 6850, 3944, 6969, 8694, -4068, -3852, -5793, -9371, 453, 1060, 3965, 9463,
  2393, 2784, -892, -7366, -3376, -5847, -2399, 3011, 1537, 6623, 4205, 1602, 1592, -4752, -3646, -5207,
  -5577, -501, -1174, 4041, 5647, 4628, 7252, 2123, 2654, -881, -4113, -3244, -7289, -3830, -4600, -2508,
  431, -144, 4184, 2372, 4617, 3576, 2382, 2839, -404, 539, -1803, -1401, -1705, -2269, -783, -1608,
  -220, -306, 257, 615, 225, 561, 8, 344, 127, -57, 182, 41, 203, -111, 95, -79,
  30, 84, -13, -68, -241, -68, -24, 19, -57, -24, 30, -68, 84, -155, -68, 19,
];

export type EchoPathModel = 'd2' | 'd4' | 'd5';

const MODELS: Record<EchoPathModel, readonly number[]> = { d2: D2, d4: D4, d5: D5 };

export interface EchoPath {
  model: EchoPathModel;
  /** Bulk delay before the model's response, ms (default 8). */
  delayMs?: number;
  /** Echo return loss for a white signal, dB (default 10). */
  erlDb?: number;
}

export interface HybridOptions extends EchoPath {
  /** Line noise added to Sin, dBm0 (default none). */
  noiseDbm0?: number;
  seed?: number;
}

/** The impulse response (delay + scaled model) of an echo path, at 8 kHz. */
export function echoPathResponse(path: EchoPath): Float64Array {
  const model = MODELS[path.model];
  const delay = Math.round((path.delayMs ?? 8) * 8);
  let energy = 0;
  for (const c of model) energy += c * c;
  const scale = Math.sqrt(10 ** (-(path.erlDb ?? 10) / 10) / energy);
  const h = new Float64Array(delay + model.length);
  for (let i = 0; i < model.length; i++) h[delay + i] = model[i]! * scale;
  return h;
}

export class SimulatedHybrid {
  private h: Float64Array;
  private first = 0;
  private readonly history: Float64Array;
  private pos = 0;
  private readonly noiseRms: number;
  private seed: number;

  constructor(opts: HybridOptions) {
    this.h = echoPathResponse(opts);
    this.first = this.h.findIndex((v) => v !== 0);
    this.history = new Float64Array(4096);
    this.noiseRms = opts.noiseDbm0 === undefined ? 0 : rmsForDbm0(opts.noiseDbm0);
    this.seed = opts.seed ?? 12345;
  }

  /** Switches to another echo path (an echo path change); Rin history is kept. */
  setPath(path: EchoPath): void {
    const h = echoPathResponse(path);
    if (h.length > this.history.length) throw new RangeError('echo path longer than the simulator history');
    this.h = h;
    this.first = h.findIndex((v) => v !== 0);
  }

  get impulseResponse(): Float64Array {
    return this.h;
  }

  /**
   * Sends `rin` toward the line; returns Sin (16-bit, as the codec would) and,
   * for measurements, the echo component alone.
   */
  run(rin: Int16Array, near?: Int16Array): { sin: Int16Array; echo: Float64Array } {
    if (near !== undefined && near.length !== rin.length) throw new RangeError('rin and near lengths differ');
    if (this.h.length > this.history.length) throw new RangeError('echo path longer than the simulator history');
    const sin = new Int16Array(rin.length);
    const echo = new Float64Array(rin.length);
    const hist = this.history;
    const size = hist.length;
    const h = this.h;
    for (let n = 0; n < rin.length; n++) {
      this.pos = (this.pos + 1) % size;
      hist[this.pos] = rin[n]!;
      let acc = 0;
      for (let j = this.first; j < h.length; j++) {
        let k = this.pos - j;
        if (k < 0) k += size;
        acc += h[j]! * hist[k]!;
      }
      echo[n] = acc;
      const v = acc + (near?.[n] ?? 0) + (this.noiseRms > 0 ? this.noiseRms * this.gaussian() : 0);
      sin[n] = clamp16(v);
    }
    return { sin, echo };
  }

  private uniform(): number {
    // mulberry32
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let t = this.seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private gaussian(): number {
    const u = Math.max(this.uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }
}
