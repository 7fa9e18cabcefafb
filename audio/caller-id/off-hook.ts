/**
 * Off-hook caller ID (call-waiting ID), the network side: what the FXS port
 * plays to a phone that is already in a call, and how it waits for the phone's
 * acknowledgement. The line state machine runs the plan with its own clock.
 *
 * Standards:
 * - SR-TSV-002476 / Telcordia GR-30-CORE "type II": the switch mutes the far
 *   end, may play the subscriber alerting signal (SAS, a call-waiting tone, not
 *   part of this plan), then the CPE Alerting Signal (CAS, 2130 + 2750 Hz,
 *   80 ms). An off-hook-capable CPE answers with a DTMF acknowledgement, 'D'
 *   (non-ADSI CPE) or 'A' (ADSI CPE), 55–65 ms long, starting within 100 ms of
 *   the end of CAS; the switch waits up to 160 ms for it. Only after an ACK does
 *   the switch send the FSK (Bell 202, no channel seizure, 80 mark bits), 50–
 *   500 ms after the ACK. No ACK: no data, the call simply continues.
 * - ETSI EN 300 659-2: the same shape, with DT-AS (2130 + 2750 Hz, 80 ms), the
 *   terminal's TE-ACK as a DTMF digit, then V.23 FSK with 80 ± 25 mark bits
 *   and no seizure.
 *
 * Sequence for the line state machine:
 *   1. play `alert`; 2. feed the line's audio from the phone to an `AckListener`
 *   from the end of `alert`; 3. on 'ack' wait `fskDelayMs`, play `fsk`;
 *   on 'timeout' skip the data. Speech stays muted from step 1 to the end of 3.
 */
import { SAMPLE_RATE } from '../pcm.js';
import { DtmfDetector, type DtmfDigit } from '../dtmf/index.js';
import { alertToneSamples } from './alert-tone.js';
import { OFF_HOOK_MARK_BITS, fskModulate, type FskStandard } from './fsk-modulator.js';
import { encodeCallerIdMessage, type CallerIdFormat, type CallerIdInfo, type CallerIdProfile } from './message.js';

export const ACK_TIMEOUT_MS = 160;
export const DEFAULT_ACK_DIGITS: readonly DtmfDigit[] = ['D', 'A'];

export interface OffHookPlan {
  /** CAS (Bell) or DT-AS (ETSI). */
  alert: Int16Array;
  /** From the end of `alert`: the ACK must begin within this. */
  ackTimeoutMs: number;
  ackDigits: readonly DtmfDigit[];
  /** From the end of the ACK to the start of `fsk` (GR-30: 50–500 ms). */
  fskDelayMs: number;
  /** No seizure, 80 marks, the message. */
  fsk: Int16Array;
}

export interface OffHookPlanOptions {
  standard: FskStandard;
  format?: CallerIdFormat; // default 'mdmf'
  profile?: CallerIdProfile; // default 'bell' for bell202, 'etsi' for v23
  levelDbm0?: number;
  alertLevelDbm0?: number;
  alertMs?: number; // default 80
  markBits?: number; // default 80
  fskDelayMs?: number; // default 60
  ackDigits?: readonly DtmfDigit[];
  sampleRate?: number;
}

export function offHookPlan(info: CallerIdInfo, opts: OffHookPlanOptions): OffHookPlan {
  const sampleRate = opts.sampleRate ?? SAMPLE_RATE;
  const bytes = encodeCallerIdMessage(info, { format: opts.format ?? 'mdmf', profile: opts.profile ?? (opts.standard === 'v23' ? 'etsi' : 'bell') });
  return {
    alert: alertToneSamples({ durationMs: opts.alertMs ?? 80, levelDbm0: opts.alertLevelDbm0, sampleRate }),
    ackTimeoutMs: ACK_TIMEOUT_MS,
    ackDigits: opts.ackDigits ?? DEFAULT_ACK_DIGITS,
    fskDelayMs: opts.fskDelayMs ?? 60,
    fsk: fskModulate(bytes, { standard: opts.standard, levelDbm0: opts.levelDbm0, seizureBits: 0, markBits: opts.markBits ?? OFF_HOOK_MARK_BITS, sampleRate }),
  };
}

export type AckStatus =
  | { status: 'waiting' }
  | { status: 'ack'; digit: DtmfDigit; startSample: number; endSample: number }
  | { status: 'timeout' };

export interface AckListenerOptions {
  digits?: readonly DtmfDigit[];
  timeoutMs?: number;
  sampleRate?: number;
}

/** How long past the timeout to keep listening: a detector confirms a tone only after ~30 ms of it. */
const DETECTION_GRACE_MS = 50;
/** An ACK that has not ended by then is taken as ended (GR-30: 55–65 ms long). */
const MAX_ACK_MS = 300;

/**
 * Waits for the CPE's ACK. Sample 0 is the first sample after the alert tone.
 * The ACK counts when an accepted digit starts within the timeout; the answer
 * comes when it ends, so the FSK delay can be measured from its end.
 */
export class AckListener {
  private readonly detector: DtmfDetector;
  private readonly digits: readonly DtmfDigit[];
  private readonly timeout: number;
  private readonly grace: number;
  private readonly maxAck: number;
  private processed = 0;
  private heard: { digit: DtmfDigit; start: number } | undefined;
  private result: AckStatus = { status: 'waiting' };

  constructor(opts: AckListenerOptions = {}) {
    const fs = opts.sampleRate ?? SAMPLE_RATE;
    this.detector = new DtmfDetector({ sampleRate: fs });
    this.digits = opts.digits ?? DEFAULT_ACK_DIGITS;
    this.timeout = ((opts.timeoutMs ?? ACK_TIMEOUT_MS) * fs) / 1000;
    this.grace = (DETECTION_GRACE_MS * fs) / 1000;
    this.maxAck = (MAX_ACK_MS * fs) / 1000;
  }

  process(samples: Int16Array): AckStatus {
    if (this.result.status !== 'waiting') return this.result;
    const events = this.detector.process(samples);
    this.processed += samples.length;
    for (const ev of events) {
      if (this.heard === undefined) {
        if (ev.type === 'start' && this.digits.includes(ev.digit) && ev.sample <= this.timeout) this.heard = { digit: ev.digit, start: ev.sample };
      } else if (ev.type === 'end' && ev.digit === this.heard.digit) {
        this.result = { status: 'ack', digit: ev.digit, startSample: this.heard.start, endSample: ev.sample };
        return this.result;
      }
    }
    if (this.heard !== undefined && this.processed > this.heard.start + this.maxAck) {
      this.result = { status: 'ack', digit: this.heard.digit, startSample: this.heard.start, endSample: this.processed };
    } else if (this.heard === undefined && this.processed > this.timeout + this.grace) {
      this.result = { status: 'timeout' };
    }
    return this.result;
  }
}
