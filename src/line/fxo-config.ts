/**
 * FXO line settings (fxo-line.ts) and their defaults, with the reasoning and
 * sources for each number. `fxoConfig(profile, overrides)` builds one for a
 * region; every field can be overridden per port.
 */
import { longestSilenceMs } from './fxo-ring-cadence.js';
import { ringDetectorConfig, type RingDetectorConfig } from './ring-detector.js';
import type { RegionProfile } from './types.js';

/** How the exchange's polarity reversals are read while seized. */
export type PolarityPolicy =
  /** Reversals mean nothing (most residential lines). */
  | 'ignore'
  /** Any reversal during a call is the far end hanging up. */
  | 'disconnect'
  /** Outgoing: the first reversal is the called party answering (answer supervision), the next one the disconnect; incoming: any reversal is the disconnect. */
  | 'answer-and-disconnect';

export interface FxoConfig {
  readonly profile: RegionProfile;
  readonly ringDetector: RingDetectorConfig;
  /**
   * No ring for this long after a burst ends: the caller gave up. Default: the
   * cadence's longest silence plus `ringStoppedMarginMs`, at least 6 s
   * (US/DE 4 s silence → 6 s; 5 s silence → 7 s).
   */
  readonly ringStoppedMs: number;
  /**
   * A burst after a silence shorter than this belongs to the same ring: the
   * double rings of GB/IE/AU (0.4/0.2/0.4/2 s) and the distinctive patterns of
   * GR-506-CORE (e.g. 0.8/0.4/0.8/4 s) have gaps of 0.2–0.4 s inside a ring,
   * while the silence between rings is ≥ 2 s in every plan. Default 1000 ms.
   */
  readonly ringGroupGapMs: number;
  /** Caller ID received this long before the first ring still belongs to it (data-before-ringing methods send it < 3 s before). */
  readonly callerIdBeforeRingMs: number;
  /** The board reports loop current (BoardPort.loopCurrentDetect); without it, loop-current inputs are ignored. */
  readonly loopCurrentDetect: boolean;
  /**
   * Loop current absent this long while seized is a disconnect (open switching
   * interval / calling party control). Default 200 ms: exchanges and PBXs open
   * the loop for roughly 250–800 ms to signal a disconnect (CPC is commonly
   * 250–500 ms; Nortel's "power interrupt" supervision waits 600 ms), while the
   * loop blips for 20–50 ms after going off hook, on ring trip and during
   * dialling, and a dial-pulse break is ~60 ms. Gateways let this be set
   * (e.g. MultiVOIP "current loss timer" 200–2000 ms); tune it per line.
   */
  readonly loopDropMs: number;
  readonly polarityReversal: PolarityPolicy;
  /** Wait for the runtime to report dial tone before dialling; false: dial `blindDialDelayMs` after seizing. */
  readonly dialToneDetection: boolean;
  /** No dial tone this long after seizing: release and report `dial-tone-missing` (exchanges give dial tone well within a second; a dial-tone delay over 3 s is a network fault). */
  readonly dialToneTimeoutMs: number;
  /** Without dial tone detection: wait this long after seizing before dialling. */
  readonly blindDialDelayMs: number;
  /**
   * DTMF digit timing. Default 100 ms tone + 100 ms pause, the same everywhere:
   * it exceeds the minimums of Telcordia GR-506-CORE / TIA-968 (≥ 50 ms tone,
   * ≥ 45 ms pause, ≥ 100 ms cycle), ETSI ES 201 235-2 and the national values
   * in ITU-T Q.24 (≥ 40 ms), and stays short of any maximum.
   */
  readonly dtmf: { readonly toneMs: number; readonly pauseMs: number };
  /** ',' in a dial string waits this long (modem practice, e.g. for a second dial tone behind a PBX). */
  readonly commaPauseMs: number;
  /** After answering, this long is settling: ring trip (≤ 200 ms after the seize) and the exchange's answer transients. */
  readonly answerSettleMs: number;
  /** Tones that end a connected call when heard this long without a break (`toneDisconnectMs`). */
  readonly disconnectTones: readonly ('busy' | 'reorder' | 'dial')[];
  /** How long a disconnect tone must persist: about three busy cycles, so a single misclassified window never hangs up. */
  readonly toneDisconnectMs: number;
  /**
   * After going back on hook, do not seize again for this long. The exchange
   * reads a short on-hook break as a hook flash / register recall (GR-506-CORE
   * flash up to ~1 s; ETSI ES 203 021 timed break recall) and needs a longer one
   * to clear the call; 1.5 s is past every region's flash window.
   */
  readonly releaseGuardMs: number;
}

export const FXO_DEFAULTS = Object.freeze({
  ringStoppedMarginMs: 2000,
  ringStoppedMinMs: 6000,
  ringGroupGapMs: 1000,
  callerIdBeforeRingMs: 5000,
  loopCurrentDetect: true,
  loopDropMs: 200,
  polarityReversal: 'ignore',
  dialToneDetection: true,
  dialToneTimeoutMs: 4000,
  blindDialDelayMs: 2000,
  dtmf: Object.freeze({ toneMs: 100, pauseMs: 100 }),
  commaPauseMs: 2000,
  answerSettleMs: 500,
  disconnectTones: Object.freeze(['busy', 'reorder'] as const),
  toneDisconnectMs: 3000,
  releaseGuardMs: 1500,
});

/** The settings for a region, with overrides. */
export function fxoConfig(profile: RegionProfile, overrides: Partial<FxoConfig> = {}): FxoConfig {
  const ringDetector = overrides.ringDetector ?? ringDetectorConfig(profile);
  const silence = longestSilenceMs(ringDetector.cadence);
  return {
    profile,
    ringDetector,
    ringStoppedMs: Math.max(FXO_DEFAULTS.ringStoppedMinMs, silence + FXO_DEFAULTS.ringStoppedMarginMs),
    ringGroupGapMs: FXO_DEFAULTS.ringGroupGapMs,
    callerIdBeforeRingMs: FXO_DEFAULTS.callerIdBeforeRingMs,
    loopCurrentDetect: FXO_DEFAULTS.loopCurrentDetect,
    loopDropMs: FXO_DEFAULTS.loopDropMs,
    polarityReversal: FXO_DEFAULTS.polarityReversal,
    dialToneDetection: FXO_DEFAULTS.dialToneDetection,
    dialToneTimeoutMs: FXO_DEFAULTS.dialToneTimeoutMs,
    blindDialDelayMs: FXO_DEFAULTS.blindDialDelayMs,
    dtmf: FXO_DEFAULTS.dtmf,
    commaPauseMs: FXO_DEFAULTS.commaPauseMs,
    answerSettleMs: FXO_DEFAULTS.answerSettleMs,
    disconnectTones: FXO_DEFAULTS.disconnectTones,
    toneDisconnectMs: FXO_DEFAULTS.toneDisconnectMs,
    releaseGuardMs: FXO_DEFAULTS.releaseGuardMs,
    ...overrides,
  };
}
