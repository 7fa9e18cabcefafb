/**
 * Receives DTMF caller ID from a landline (FXO, on-hook): samples in, decoded
 * caller ID out. Framing as in dtmf-caller-id.ts (ETSI EN 300 659-1, DTMF-based
 * protocol annex, and national practice).
 *
 * A message starts at a start letter (A, B or D) and ends at C or #; digits
 * outside a message are ignored (a bare "<number>#" is accepted only when
 * `acceptUnframed` is set, since dialled digits look the same). A gap of more
 * than `interDigitTimeoutMs` between digits abandons a message with an error.
 */
import { SAMPLE_RATE } from '../pcm.js';
import { DtmfDetector } from '../dtmf/index.js';
import { decodeDtmfCallerId, type DtmfCallerIdDecoded } from './dtmf-caller-id.js';
import type { CallerIdError } from './message.js';

export type DtmfCallerIdEvent =
  | { type: 'message'; value: DtmfCallerIdDecoded; digits: string; sample: number }
  | { type: 'error'; error: CallerIdError; sample: number };

export interface DtmfCallerIdReceiverOptions {
  sampleRate?: number;
  interDigitTimeoutMs?: number; // default 1000
  acceptUnframed?: boolean; // default false
}

export class DtmfCallerIdReceiver {
  private readonly detector: DtmfDetector;
  private readonly timeout: number;
  private readonly acceptUnframed: boolean;
  private digits = '';
  private last = 0;
  private processed = 0;

  constructor(opts: DtmfCallerIdReceiverOptions = {}) {
    const fs = opts.sampleRate ?? SAMPLE_RATE;
    this.detector = new DtmfDetector({ sampleRate: fs });
    this.timeout = ((opts.interDigitTimeoutMs ?? 1000) * fs) / 1000;
    this.acceptUnframed = opts.acceptUnframed ?? false;
  }

  reset(): void {
    this.detector.reset();
    this.digits = '';
    this.processed = 0;
  }

  process(samples: Int16Array): DtmfCallerIdEvent[] {
    const out: DtmfCallerIdEvent[] = [];
    for (const ev of this.detector.process(samples)) {
      if (ev.type !== 'start') continue;
      this.expire(ev.sample, out);
      const d = ev.digit;
      if (this.digits === '') {
        const starts = d === 'A' || d === 'B' || d === 'D' || (this.acceptUnframed && /\d/.test(d));
        if (!starts) continue;
      }
      this.digits += d;
      this.last = ev.sample;
      if (d === 'C' || d === '#') {
        const result = decodeDtmfCallerId(this.digits);
        out.push(result.ok ? { type: 'message', value: result.value, digits: this.digits, sample: ev.sample } : { type: 'error', error: result.error, sample: ev.sample });
        this.digits = '';
      }
    }
    this.processed += samples.length;
    this.expire(this.processed, out);
    return out;
  }

  private expire(now: number, out: DtmfCallerIdEvent[]): void {
    if (this.digits === '' || now - this.last <= this.timeout) return;
    out.push({ type: 'error', sample: now, error: { kind: 'truncated', detail: `no terminator after '${this.digits}'` } });
    this.digits = '';
  }
}
