/**
 * Splits the byte stream from a voice modem into command-mode lines and
 * voice-mode data. In command mode, bytes are text lines ended by CR and/or LF
 * (blank lines dropped); a DLE there starts a shielded code too (some modems
 * report `<DLE>R` for a ring in voice class). A `CONNECT` line (the answer to
 * AT+VRX / AT+VTX / AT+VTR) switches to data mode, where the DLE decoder reads
 * samples and shielded codes until `<DLE><ETX>` switches back. Streaming:
 * chunks may split anywhere. In voice transmit (AT+VTX) the modem sends no
 * samples: only shielded codes, and result lines (OK once the host ends the
 * stream with `<DLE><ETX>`), so the board says `transmitting()` and bytes are
 * read as text again.
 */
import { DLE, DleDecoder, shieldedMeaning, type DleItem } from './dle-codec.js';

export type ModemInputItem = { readonly type: 'line'; readonly text: string } | DleItem;

/** Longest command-mode line kept; a line longer than this is cut (garbage on the line). */
const MAX_LINE = 512;

export class ModemInput {
  private mode: 'text' | 'data' = 'text';
  private line: number[] = [];
  private textDle = false;
  /** In voice transmit (read as text): a `<DLE><ETX>` from the modem ends that stream. */
  private transmit = false;
  /** CONNECT ended a chunk with CR: an LF starting the next chunk is still text. */
  private skipLf = false;
  private readonly dle = new DleDecoder();

  /** True while the modem streams voice data. */
  get inData(): boolean {
    return this.mode === 'data';
  }

  /**
   * The stream that just started is voice transmit: the modem sends no samples, and
   * ends it with a result line (not `<DLE><ETX>`), so read text (and shielded codes).
   */
  transmitting(): void {
    if (this.mode !== 'data') return;
    this.mode = 'text';
    this.transmit = true;
    this.dle.reset();
  }

  /** Back to command mode, nothing pending (the transport was re-opened). */
  reset(): void {
    this.mode = 'text';
    this.line = [];
    this.textDle = false;
    this.transmit = false;
    this.skipLf = false;
    this.dle.reset();
  }

  push(chunk: Uint8Array): ModemInputItem[] {
    const out: ModemInputItem[] = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.mode === 'data') {
        if (this.skipLf) {
          this.skipLf = false;
          if (chunk[i] === 0x0a) {
            i++;
            continue;
          }
        }
        const r = this.dle.push(chunk, i);
        out.push(...r.items);
        i += r.consumed;
        if (r.items.at(-1)?.type === 'end') this.mode = 'text';
        continue;
      }
      const b = chunk[i++] ?? 0;
      if (this.textDle) {
        this.textDle = false;
        if (b === DLE) continue;
        const code = String.fromCharCode(b);
        // <DLE><ETX> in command mode is the tail of a stream already ended (nothing to report),
        // or the modem ending a voice transmit stream itself.
        if (b !== 0x03) out.push({ type: 'code', code, meaning: shieldedMeaning(code) });
        else if (this.transmit) out.push({ type: 'end' });
        if (b === 0x03) this.transmit = false;
        continue;
      }
      if (b === DLE) {
        this.textDle = true;
      } else if (b === 0x0d || b === 0x0a) {
        const text = Buffer.from(this.line).toString('latin1').trim();
        this.line = [];
        if (text.length === 0) continue;
        out.push({ type: 'line', text });
        if (/^CONNECT\b/i.test(text)) {
          this.mode = 'data';
          this.transmit = false;
          this.dle.reset();
          // The LF of a CR LF after CONNECT belongs to the text, not to the samples.
          if (b === 0x0d && chunk[i] === 0x0a) i++;
          else if (b === 0x0d && i >= chunk.length) this.skipLf = true;
        }
      } else if (this.line.length < MAX_LINE) {
        this.line.push(b);
      }
    }
    return out;
  }
}
