/**
 * The caller-ID message receiver (FXO side, and the simulated phone): samples
 * in, decoded caller-ID messages out.
 *
 * Standards: Telcordia GR-30-CORE (on-hook: channel seizure, 180 marks, message;
 * the terminal synchronises on the mark signal, frames the message by its
 * length byte and checks the checksum), SR-TSV-002476 / GR-30 type II (off-hook:
 * 80 marks, no seizure), ETSI EN 300 659-1/-2/-3 (the same structure over V.23).
 *
 * Message acquisition follows the structure of the transmission, not a clock:
 * 1. the modem reports a run of mark bits (line idle) while the carrier is on;
 * 2. the next byte must be a caller-ID message type (0x04, 0x06, 0x80, 0x82),
 *    correctly framed;
 * 3. the next byte is the body length, which must suit the type (else the
 *    attempt is dropped without an event); length + 1 more bytes complete it;
 * 4. the checksum and the body are checked, and a message or an error comes out.
 * Bytes decoded from noise, ring bursts or the seizure never start a message,
 * because they are not preceded by a mark run. A carrier loss, or a new mark
 * run, in the middle of a message ends it with a 'truncated' error.
 */
import { FskDemodulator, type FskDemodulatorOptions } from './fsk-demodulator.js';
import { MESSAGE_TYPE, decodeCallerIdMessage, isCallerIdMessageType, type CallerIdError, type DecodedCallerIdMessage } from './message.js';

export type CallerIdEvent =
  | { type: 'message'; message: DecodedCallerIdMessage; sample: number }
  | { type: 'error'; error: CallerIdError; sample: number };

/** Body lengths a real message of each type can have (GR-30, EN 300 659-3). */
function plausibleLength(type: number, length: number): boolean {
  switch (type) {
    case MESSAGE_TYPE.sdmfCallerId:
      return length >= 9 && length <= 8 + 20;
    case MESSAGE_TYPE.sdmfMessageWaiting:
      return length === 3;
    case MESSAGE_TYPE.mdmfMessageWaiting:
      return length >= 3 && length <= 64;
    default:
      return length >= 3;
  }
}

export class CallerIdReceiver {
  private readonly modem: FskDemodulator;
  private state: 'idle' | 'armed' | 'collecting' = 'idle';
  private bytes: number[] = [];

  constructor(opts: FskDemodulatorOptions) {
    this.modem = new FskDemodulator(opts);
  }

  reset(): void {
    this.modem.reset();
    this.state = 'idle';
    this.bytes = [];
  }

  process(samples: Int16Array): CallerIdEvent[] {
    const out: CallerIdEvent[] = [];
    for (const ev of this.modem.process(samples)) {
      switch (ev.type) {
        case 'carrier':
          this.abandon(out, ev.sample, 'the carrier dropped');
          this.state = 'idle';
          break;
        case 'mark':
          this.abandon(out, ev.sample, 'the line went idle');
          this.state = 'armed';
          break;
        case 'byte':
          this.onByte(ev.value, ev.framingError, ev.sample, out);
          break;
      }
    }
    return out;
  }

  private abandon(out: CallerIdEvent[], sample: number, why: string): void {
    if (this.state !== 'collecting') return;
    // A type byte alone is no evidence of a message; a plausible length is.
    if (this.bytes.length < 2) return;
    const bytes = Uint8Array.from(this.bytes);
    out.push({ type: 'error', sample, error: { kind: 'truncated', detail: `${why} after ${bytes.length} bytes of the message`, bytes } });
    this.bytes = [];
  }

  private onByte(value: number, framingError: boolean, sample: number, out: CallerIdEvent[]): void {
    if (this.state === 'idle') return;
    if (this.state === 'armed') {
      if (framingError || !isCallerIdMessageType(value)) {
        this.state = 'idle';
        return;
      }
      this.state = 'collecting';
      this.bytes = [value];
      return;
    }
    this.bytes.push(value);
    const type = this.bytes[0] ?? 0;
    const length = this.bytes[1];
    if (length === undefined) return;
    if (this.bytes.length === 2 && (framingError || !plausibleLength(type, length))) {
      // Not a message after all (speech or noise that looked like one): drop it quietly.
      this.state = 'idle';
      this.bytes = [];
      return;
    }
    if (this.bytes.length < length + 3) return;
    const result = decodeCallerIdMessage(Uint8Array.from(this.bytes));
    this.bytes = [];
    this.state = 'idle';
    if (result.ok) out.push({ type: 'message', message: result.message, sample });
    else out.push({ type: 'error', error: result.error, sample });
  }
}
