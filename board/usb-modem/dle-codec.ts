/**
 * DLE framing of a voice modem's data stream (ITU-T V.253 §4.3 / IS-101): in
 * voice receive, transmit and full-duplex mode every byte is sample data except
 * DLE (0x10), which starts a two-byte "shielded" code. `<DLE><DLE>` is a data
 * byte 0x10; `<DLE><ETX>` ends the stream; `<DLE>x` is an event the modem
 * reports (busy, dial tone, silence, ring, DTMF digits…) or, toward the modem,
 * a command (`<DLE>!` abort, `<DLE>^` end duplex transmit).
 *
 * `dleEscape` doubles DLE bytes for the host's outgoing audio; `DleDecoder` is a
 * streaming decoder for what comes in: chunks may split anywhere, including
 * between a DLE and its code.
 */

export const DLE = 0x10;
export const ETX = 0x03;
/** `<DLE>!`: abort voice receive (and full duplex); the modem answers `<DLE><ETX>` and OK. */
export const DLE_ABORT = Uint8Array.of(DLE, 0x21);
/** `<DLE><ETX>`: end of the host's transmit stream; the modem plays what it has buffered and answers OK. */
export const DLE_END = Uint8Array.of(DLE, ETX);

/** What a shielded code from the modem means (V.253 Table 15, Conexant and USR additions). */
export type ShieldedMeaning =
  | 'busy' // b
  | 'dial-tone' // d
  | 'silence' // s: silence detected after speech
  | 'quiet' // q: quiet, no speech at all
  | 'ring' // R
  | 'hangup' // h: line current break / reversal, the far end hung up
  | 'calling-tone' // c: fax / data calling tone
  | 'answer-tone' // e: data answer tone
  | 'ringback' // r
  | 'dtmf' // 0-9 * # A-D
  | 'buffer-overrun' // o
  | 'buffer-underrun' // u
  | 'other';

const MEANING: Record<string, ShieldedMeaning> = {
  b: 'busy',
  d: 'dial-tone',
  s: 'silence',
  q: 'quiet',
  R: 'ring',
  h: 'hangup',
  H: 'hangup',
  l: 'hangup',
  c: 'calling-tone',
  e: 'answer-tone',
  a: 'answer-tone',
  r: 'ringback',
  o: 'buffer-overrun',
  u: 'buffer-underrun',
};

export function shieldedMeaning(code: string): ShieldedMeaning {
  if (/^[0-9*#A-D]$/.test(code)) return 'dtmf';
  return MEANING[code] ?? 'other';
}

export type DleItem =
  | { readonly type: 'data'; readonly bytes: Uint8Array }
  | { readonly type: 'code'; readonly code: string; readonly meaning: ShieldedMeaning }
  /** `<DLE><ETX>`: the stream is over; what follows is command-mode text. */
  | { readonly type: 'end' };

/** Doubles every DLE: the bytes to send as voice data. */
export function dleEscape(data: Uint8Array): Uint8Array {
  let n = 0;
  for (const b of data) if (b === DLE) n++;
  if (n === 0) return data.slice();
  const out = new Uint8Array(data.length + n);
  let j = 0;
  for (const b of data) {
    out[j++] = b;
    if (b === DLE) out[j++] = DLE;
  }
  return out;
}

/** A shielded code to send: `<DLE>` and the code's character. */
export function dleCode(code: string): Uint8Array {
  return Uint8Array.of(DLE, code.charCodeAt(0) & 0xff);
}

/** Streaming decoder of a DLE-framed stream. */
export class DleDecoder {
  private pendingDle = false;

  /** True when the last chunk ended with a lone DLE (its code comes in the next chunk). */
  get pending(): boolean {
    return this.pendingDle;
  }

  reset(): void {
    this.pendingDle = false;
  }

  /**
   * Decodes `chunk` from `start`. Stops right after an `end` item and returns
   * where it stopped, so the caller can hand the rest to the command-mode parser.
   */
  push(chunk: Uint8Array, start = 0): { items: DleItem[]; consumed: number } {
    const items: DleItem[] = [];
    const data: number[] = [];
    const flush = (): void => {
      if (data.length > 0) items.push({ type: 'data', bytes: Uint8Array.from(data) });
      data.length = 0;
    };
    for (let i = start; i < chunk.length; i++) {
      const b = chunk[i] ?? 0;
      if (!this.pendingDle) {
        if (b === DLE) this.pendingDle = true;
        else data.push(b);
        continue;
      }
      this.pendingDle = false;
      if (b === DLE) {
        data.push(DLE);
      } else if (b === ETX) {
        flush();
        items.push({ type: 'end' });
        return { items, consumed: i + 1 - start };
      } else {
        flush();
        const code = String.fromCharCode(b);
        items.push({ type: 'code', code, meaning: shieldedMeaning(code) });
      }
    }
    flush();
    return { items, consumed: chunk.length - start };
  }
}
