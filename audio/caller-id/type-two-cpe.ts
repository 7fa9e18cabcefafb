/**
 * The terminal side of off-hook caller ID: hears the alert tone, answers with
 * the DTMF acknowledgement, then receives the FSK. Used by the simulated phone
 * (behind an FXS port) and by an FXO port acting as the phone of a landline.
 *
 * Standards: SR-TSV-002476 / Telcordia GR-30-CORE type II (CAS 2130 + 2750 Hz;
 * ACK DTMF 'D', or 'A' for ADSI CPE, 55–65 ms, beginning within 100 ms of the
 * end of CAS; Bell 202 FSK with 80 marks follows), ETSI EN 300 659-2 (DT-AS,
 * TE-ACK, V.23 FSK).
 *
 * The model does not play audio itself: on the end of an alert tone of
 * plausible length it emits an 'ack' event with the samples to send and the
 * position (in its own input stream's sample count) to start them at. It then
 * accepts caller-ID messages for `listenMs`; messages outside that window are
 * ignored, as a real CPE does not look for off-hook data unprompted.
 */
import { SAMPLE_RATE } from '../pcm.js';
import { dtmfSamples } from '../dtmf/index.js';
import { AlertToneDetector } from './alert-tone.js';
import type { FskStandard } from './fsk-modulator.js';
import type { CallerIdError, DecodedCallerIdMessage } from './message.js';
import { CallerIdReceiver } from './receiver.js';

export type TypeTwoCpeEvent =
  | { type: 'alert'; startSample: number; endSample: number }
  | { type: 'ack'; samples: Int16Array; atSample: number }
  | { type: 'message'; message: DecodedCallerIdMessage; sample: number }
  | { type: 'error'; error: CallerIdError; sample: number };

export interface TypeTwoCpeOptions {
  standard: FskStandard;
  /** 'D' (default; non-ADSI) or 'A' (ADSI). */
  ackDigit?: 'D' | 'A';
  /** From the end of the alert tone to the start of the ACK (default 40 ms; the limit is 100 ms). */
  ackDelayMs?: number;
  ackDurationMs?: number; // default 60
  /** How long after the ACK to accept data (default 2000 ms). */
  listenMs?: number;
  sampleRate?: number;
}

/** Alert tones outside these lengths are not CAS / DT-AS (CAS is 75–85 ms, on-hook DT-AS ~100 ms). */
const MIN_ALERT_MS = 40;
const MAX_ALERT_MS = 150;

export class TypeTwoCpe {
  private readonly alert: AlertToneDetector;
  private readonly receiver: CallerIdReceiver;
  private readonly sampleRate: number;
  private readonly ack: Int16Array;
  private readonly ackDelay: number;
  private readonly listen: number;
  private processed = 0;
  private listenUntil = -1;

  constructor(opts: TypeTwoCpeOptions) {
    this.sampleRate = opts.sampleRate ?? SAMPLE_RATE;
    this.alert = new AlertToneDetector({ sampleRate: this.sampleRate });
    this.receiver = new CallerIdReceiver({ standard: opts.standard, sampleRate: this.sampleRate });
    this.ack = dtmfSamples(opts.ackDigit ?? 'D', { durationMs: opts.ackDurationMs ?? 60, pauseMs: 0, sampleRate: this.sampleRate });
    this.ackDelay = Math.round(((opts.ackDelayMs ?? 40) * this.sampleRate) / 1000);
    this.listen = Math.round(((opts.listenMs ?? 2000) * this.sampleRate) / 1000);
  }

  /** Whether the CPE expects off-hook data now (it would mute its handset meanwhile). */
  get expectingData(): boolean {
    return this.processed <= this.listenUntil;
  }

  process(samples: Int16Array): TypeTwoCpeEvent[] {
    const out: TypeTwoCpeEvent[] = [];
    const end = this.processed + samples.length;
    for (const ev of this.alert.process(samples)) {
      if (ev.type !== 'end' || ev.durationMs < MIN_ALERT_MS || ev.durationMs > MAX_ALERT_MS) continue;
      const startSample = ev.sample - Math.round((ev.durationMs * this.sampleRate) / 1000);
      out.push({ type: 'alert', startSample, endSample: ev.sample });
      const atSample = Math.max(ev.sample + this.ackDelay, end);
      out.push({ type: 'ack', samples: this.ack, atSample });
      this.listenUntil = atSample + this.ack.length + this.listen;
    }
    for (const ev of this.receiver.process(samples)) {
      if (ev.sample > this.listenUntil) continue;
      out.push(ev.type === 'message' ? { type: 'message', message: ev.message, sample: ev.sample } : { type: 'error', error: ev.error, sample: ev.sample });
    }
    this.processed = end;
    return out;
  }
}
