/**
 * On-hook caller ID, the network side: the signals an FXS port sends to an idle
 * phone and when, as a plan the line state machine runs with its own clock
 * (ringing itself is the line driver's, so rings appear here only as timings).
 *
 * Methods:
 * - 'after-first-ring' — Telcordia GR-30-CORE: FSK in the silent interval
 *   between the first and second ring, starting ≥ 500 ms after the first ring
 *   ends and ending ≥ 200 ms before the second begins. ETSI EN 300 659-1
 *   §"data transmission associated with ringing": the same, FSK 500–2000 ms
 *   after the first ring.
 * - 'dt-as' — EN 300 659-1, data before ringing with a Dual Tone Alerting
 *   Signal: optional line reversal, ≥ 100 ms, DT-AS (2130 + 2750 Hz, 100 ms),
 *   ≥ 45 ms, FSK, ≥ 200 ms, first ring (UK SIN 227 practice: reversal + DT-AS).
 * - 'rp-as' — EN 300 659-1, data before ringing with a Ring Pulse Alerting
 *   Signal: a short ring burst (200–300 ms), FSK 500–2000 ms after it, ≥ 200 ms,
 *   first ring.
 * - 'line-reversal' — EN 300 659-1, data before ringing announced only by a
 *   line polarity reversal: reversal, a silence (plan: `reversalLeadMs` +
 *   `waitMs`, 250 ms), FSK, ≥ 200 ms, first ring. Also the usual frame for
 *   DTMF caller ID sent before ringing (Denmark, Netherlands, Finland).
 * With no ring following (message-waiting indication), ignore `ringAfterMs`.
 *
 * Running a plan:
 *   after-first-ring: ring once; wait `waitMs` from the end of that ring; play
 *     the data; ring again no sooner than `ringAfterMs` after the data ends.
 *   before ringing: if `lineReversal`, reverse polarity and wait
 *     `reversalLeadMs`; play `alerting` or apply a ring pulse of `ringPulseMs`
 *     (when given); wait `waitMs`; play the data; start ringing no sooner than
 *     `ringAfterMs` after it.
 */
import { SAMPLE_RATE } from '../pcm.js';
import { alertToneSamples } from './alert-tone.js';
import { dtmfCallerIdSamples, type DtmfCallerIdSignalOptions } from './dtmf-caller-id.js';
import { ON_HOOK_MARK_BITS, ON_HOOK_SEIZURE_BITS, fskModulate, type FskStandard } from './fsk-modulator.js';
import { encodeCallerIdMessage, type CallerIdFormat, type CallerIdInfo, type CallerIdProfile } from './message.js';

export type OnHookMethod = 'after-first-ring' | 'dt-as' | 'rp-as' | 'line-reversal';

export interface OnHookTiming {
  method: OnHookMethod;
  /** Reverse the line polarity first (before-ringing methods). */
  lineReversal: boolean;
  reversalLeadMs: number;
  /** DT-AS samples ('dt-as'). */
  alerting?: Int16Array;
  /** RP-AS ring burst length ('rp-as'). */
  ringPulseMs?: number;
  /** Silence before the data, from the end of the first ring / alerting / reversal lead. */
  waitMs: number;
  /** Least silence between the end of the data and the next ring. */
  ringAfterMs: number;
}

export interface OnHookFskPlan extends OnHookTiming {
  fsk: Int16Array;
}

export interface OnHookDtmfPlan extends OnHookTiming {
  dtmf: Int16Array;
}

export interface OnHookTimingOptions {
  method?: OnHookMethod; // default 'after-first-ring' (FSK) / 'line-reversal' (DTMF)
  lineReversal?: boolean; // default: true for 'line-reversal', false otherwise
  waitMs?: number;
  ringAfterMs?: number;
  alertLevelDbm0?: number;
  sampleRate?: number;
}

export interface OnHookFskOptions extends OnHookTimingOptions {
  standard: FskStandard;
  format?: CallerIdFormat; // default 'mdmf'
  profile?: CallerIdProfile; // default 'bell' for bell202, 'etsi' for v23
  levelDbm0?: number;
  seizureBits?: number;
  markBits?: number;
}

/** Default silences: GR-30 / EN 300 659-1 minimums with a little margin where the standard gives a range. */
const WAIT_MS: Record<OnHookMethod, number> = { 'after-first-ring': 500, 'dt-as': 60, 'rp-as': 500, 'line-reversal': 150 };
const RING_AFTER_MS = 200;
const REVERSAL_LEAD_MS = 100;
const DT_AS_MS = 100;
const RP_AS_MS = 250;

function timing(method: OnHookMethod, opts: OnHookTimingOptions): OnHookTiming {
  const t: OnHookTiming = {
    method,
    lineReversal: opts.lineReversal ?? method === 'line-reversal',
    reversalLeadMs: REVERSAL_LEAD_MS,
    waitMs: opts.waitMs ?? WAIT_MS[method],
    ringAfterMs: opts.ringAfterMs ?? RING_AFTER_MS,
  };
  if (method === 'dt-as') t.alerting = alertToneSamples({ durationMs: DT_AS_MS, levelDbm0: opts.alertLevelDbm0, sampleRate: opts.sampleRate ?? SAMPLE_RATE });
  if (method === 'rp-as') t.ringPulseMs = RP_AS_MS;
  return t;
}

/** The FSK caller-ID plan for an idle phone. */
export function onHookFskPlan(info: CallerIdInfo, opts: OnHookFskOptions): OnHookFskPlan {
  const bytes = encodeCallerIdMessage(info, { format: opts.format ?? 'mdmf', profile: opts.profile ?? (opts.standard === 'v23' ? 'etsi' : 'bell') });
  const fsk = fskModulate(bytes, {
    standard: opts.standard,
    levelDbm0: opts.levelDbm0,
    seizureBits: opts.seizureBits ?? ON_HOOK_SEIZURE_BITS,
    markBits: opts.markBits ?? ON_HOOK_MARK_BITS,
    sampleRate: opts.sampleRate ?? SAMPLE_RATE,
  });
  return { ...timing(opts.method ?? 'after-first-ring', opts), fsk };
}

/** The DTMF caller-ID plan for an idle phone (default: line reversal, then digits, before ringing). */
export function onHookDtmfPlan(info: CallerIdInfo, opts: OnHookTimingOptions & DtmfCallerIdSignalOptions = {}): OnHookDtmfPlan {
  return { ...timing(opts.method ?? 'line-reversal', opts), dtmf: dtmfCallerIdSamples(info, opts) };
}
