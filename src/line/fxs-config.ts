/**
 * FXS line configuration: defaults a telephony engineer expects, and the default
 * caller-ID planner built from the region profile with audio/caller-id.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import { offHookPlan } from '../../audio/caller-id/off-hook.js';
import { onHookDtmfPlan, onHookFskPlan } from '../../audio/caller-id/on-hook.js';
import { SAMPLE_RATE } from '../../audio/pcm.js';
import { RingCadencer } from '../../audio/tones/ring-cadencer.js';
import { cadenceTotalMs, type ToneSpec } from '../../audio/tones/types.js';
import { DEFAULT_FXS_TIMINGS, type CallerIdPlanner, type FxsConfig, type FxsResolved } from './fxs-types.js';
import type { RegionProfile } from './types.js';

/** NANP ATAs (SPA) play reorder after the far end hangs up; ETSI/ITU practice is the busy tone (E.182). */
const REORDER_ON_DISCONNECT = new Set(['US', 'CA']);

/** The region's caller ID, built with audio/caller-id (FSK or DTMF, the region's method and format). */
export function profileCallerIdPlanner(profile: RegionProfile): CallerIdPlanner {
  const cid = profile.callerId;
  return {
    onHook(info: CallerIdInfo) {
      switch (cid.standard) {
        case 'bell202':
        case 'v23':
          return onHookFskPlan(info, { standard: cid.standard, method: cid.method, format: cid.format, profile: cid.profile });
        case 'dtmf':
          return onHookDtmfPlan(info, { method: cid.method, variant: cid.dtmfVariant });
        case 'none':
          return undefined;
      }
    },
    offHook(info: CallerIdInfo) {
      // Type II (GR-30 / EN 300 659-2) is FSK only.
      if (cid.standard !== 'bell202' && cid.standard !== 'v23') return undefined;
      return offHookPlan(info, { standard: cid.standard, format: cid.format, profile: cid.profile });
    },
  };
}

/** Fills in the defaults. Throws RangeError for a profile whose ring cadence is unusable (a configuration error, caught at start-up). */
export function resolveFxsConfig(config: FxsConfig): FxsResolved {
  const { profile } = config;
  return {
    profile,
    digitMap: config.digitMap,
    timings: { ...DEFAULT_FXS_TIMINGS, ...config.timings },
    callerId: (config.callerId ?? true) && profile.callerId.standard !== 'none',
    callWaiting: config.callWaiting ?? true,
    polarityReversal: config.polarityReversal ?? false,
    disconnectTone: config.disconnectTone ?? (REORDER_ON_DISCONNECT.has(profile.region) ? 'reorder' : 'busy'),
    callWaitingBursts: Math.max(1, Math.floor(config.callWaitingBursts ?? 2)),
    planner: config.callerIdPlanner ?? profileCallerIdPlanner(profile),
    ringCadencer: new RingCadencer(profile.tones.ring),
  };
}

/**
 * Asks the planner, never throwing: caller ID that cannot be encoded (e.g. an
 * out-of-range date from the network) is dropped, and the call rings without it.
 */
export function safePlan<T>(make: () => T | undefined): T | undefined {
  try {
    return make();
  } catch {
    return undefined;
  }
}

/** Duration of `samples` at the line's 8 kHz, ms. */
export function samplesMs(samples: Int16Array): number {
  return (samples.length * 1000) / SAMPLE_RATE;
}

/**
 * A tone's "burst": from its start to the end of its last "on" segment (the
 * call-waiting tone's 300 ms in NANP; 0.2/0.2/0.2 s in much of Europe), and its
 * repetition period (0: it does not repeat).
 */
export function toneBurst(spec: ToneSpec, fallbackMs: number): { burstMs: number; periodMs: number } {
  const c = spec.cadence;
  if (c.length === 0) return { burstMs: fallbackMs, periodMs: 0 };
  const total = cadenceTotalMs(c);
  if (!spec.repeat) return { burstMs: c.length % 2 === 1 ? total : total - (c[c.length - 1] ?? 0), periodMs: 0 };
  return { burstMs: total - (c[c.length - 1] ?? 0), periodMs: total };
}
