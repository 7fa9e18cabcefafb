/**
 * Call quality estimate: a simplified ITU-T G.107 E-model (narrowband).
 *
 * R = (Ro − Is) − Id − Ie,eff + A, with:
 * - Ro − Is = 93.2, the G.107 §7.7 default rating (all default parameters: no
 *   circuit or room noise, nominal loudness ratings, A = 0).
 * - Id = Idd only (G.107 §7.4, absolute delay Ta): 0 up to 100 ms, then
 *   Idd = 25·{(1 + X⁶)^⅙ − 3·(1 + (X/3)⁶)^⅙ + 2}, X = log₂(Ta / 100).
 *   The talker-echo (Idte) and listener-echo (Idle) terms are left out, i.e.
 *   echo is assumed to be well controlled.
 * - Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl) (G.107 §7.5), Ppl the
 *   packet loss in percent, BurstR 1 for random loss and > 1 for bursty loss.
 *   G.711 (PCMU/PCMA) with packet loss concealment: Ie = 0, Bpl = 25.1
 *   (G.113 Appendix I). G.722 has no narrowband Ie/Bpl in G.113 (its figures
 *   are on the wideband scale of G.107.1), so it is rated here like G.711 with
 *   PLC — Ie = 0, Bpl = 25.1 — which ignores its wideband advantage.
 * MOS is G.107 Annex B: 1 + 0.035·R + R·(R − 60)·(100 − R)·7·10⁻⁶, clamped to 1..4.5.
 *
 * Jitter is not a separate input: it enters as delay. The caller passes in
 * `oneWayDelayMs` the network delay plus the jitter-buffer delay (and codec
 * packetisation), so a deeper buffer lowers R through Idd; packets discarded
 * for arriving too late belong in `packetLossPercent`.
 */
import { DialtoneError } from '../errors.js';

export type MosCodec = 'PCMU' | 'PCMA' | 'G722';

export interface EModelInput {
  /** Mouth-to-ear one-way delay Ta in ms, jitter-buffer delay included. */
  oneWayDelayMs: number;
  /** Packet loss Ppl in percent (0..100), late discards included. */
  packetLossPercent: number;
  /** BurstR: 1 (default) for random loss, > 1 for bursty loss. */
  burstRatio?: number;
  codec: MosCodec;
}

/** Default rating with no impairments (G.107 §7.7: Ro − Is with default parameters). */
export const DEFAULT_R = 93.2;

/** Equipment impairment Ie and packet-loss robustness Bpl per codec (G.113 Appendix I; see the file comment for G.722). */
export const CODEC_IMPAIRMENT: Readonly<Record<MosCodec, { ie: number; bpl: number }>> = {
  PCMU: { ie: 0, bpl: 25.1 },
  PCMA: { ie: 0, bpl: 25.1 },
  G722: { ie: 0, bpl: 25.1 },
};

/** G.107 §7.4 Idd for absolute delay Ta (ms). */
export function delayImpairment(taMs: number): number {
  if (taMs <= 100) return 0;
  const x = Math.log2(taMs / 100);
  return 25 * (Math.pow(1 + x ** 6, 1 / 6) - 3 * Math.pow(1 + (x / 3) ** 6, 1 / 6) + 2);
}

/** G.107 §7.5 effective equipment impairment Ie,eff. */
export function effectiveEquipmentImpairment(ie: number, bpl: number, lossPercent: number, burstRatio = 1): number {
  if (lossPercent <= 0) return ie;
  return ie + ((95 - ie) * lossPercent) / (lossPercent / burstRatio + bpl);
}

function check(input: EModelInput): void {
  const { oneWayDelayMs, packetLossPercent, burstRatio = 1, codec } = input;
  if (!Number.isFinite(oneWayDelayMs) || oneWayDelayMs < 0) throw new DialtoneError('invalid', 'one-way delay must be a non-negative number of ms', { oneWayDelayMs });
  if (!(packetLossPercent >= 0 && packetLossPercent <= 100)) throw new DialtoneError('invalid', 'packet loss must be a percentage in 0..100', { packetLossPercent });
  if (!(burstRatio > 0) || !Number.isFinite(burstRatio)) throw new DialtoneError('invalid', 'burst ratio must be a positive number', { burstRatio });
  if (!(codec in CODEC_IMPAIRMENT)) throw new DialtoneError('invalid', `no E-model figures for codec ${String(codec)}`, { codec });
}

/** Transmission rating R (0..100 scale; may fall below 0 under extreme impairment). */
export function rFactor(input: EModelInput): number {
  check(input);
  const { ie, bpl } = CODEC_IMPAIRMENT[input.codec];
  const ieEff = effectiveEquipmentImpairment(ie, bpl, input.packetLossPercent, input.burstRatio ?? 1);
  return DEFAULT_R - delayImpairment(input.oneWayDelayMs) - ieEff;
}

/** G.107 Annex B: estimated MOS (conversational quality) from R, clamped to 1..4.5. */
export function mosFromR(r: number): number {
  if (Number.isNaN(r)) throw new DialtoneError('invalid', 'R must be a number', { r });
  if (r <= 0) return 1;
  if (r >= 100) return 4.5;
  const mos = 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;
  return Math.min(4.5, Math.max(1, mos));
}

/** MOS for a call from its delay, loss and codec (rFactor then mosFromR). */
export function estimateMos(input: EModelInput): number {
  return mosFromR(rFactor(input));
}
