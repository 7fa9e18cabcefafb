/**
 * Frames SIP messages on a byte stream (TCP, TLS; RFC 3261 §18.3): finds the end of the
 * header section, reads the mandatory Content-Length, and waits for that many body
 * octets. CRLFs between messages are keep-alives (RFC 5626 §4.4.1): a double CRLF is a
 * 'ping' the transport answers with a single CRLF, a single CRLF is a 'pong'. Sizes are
 * bounded; on a framing error the buffered bytes are dropped and the error returned, and
 * the transport should close the connection since the stream cannot be resynchronised.
 */
import { SipParseError } from './errors.js';
import { findHeaderEnd, MAX_HEADER_BYTES } from './parse.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export type FramerOutput = Buffer | SipParseError | 'ping' | 'pong';

export interface FramerLimits {
  maxHeaderBytes?: number;
  maxBodyBytes?: number;
}

/** Content-Length from a raw header section (folding-aware), or a reason. */
function contentLength(head: string): number | string {
  const lines = head.split(/\r?\n/);
  let found: number | undefined;
  for (let i = 1; i < lines.length; i++) {
    const m = /^(content-length|l)[ \t]*:(.*)$/i.exec(lines[i] ?? '');
    if (!m) continue;
    let value = m[2] ?? '';
    while (/^[ \t]/.test(lines[i + 1] ?? '')) value += ` ${lines[++i] ?? ''}`;
    value = value.trim();
    if (!/^[0-9]{1,10}$/.test(value)) return `bad Content-Length "${value.slice(0, 20)}"`;
    const n = Number(value);
    if (found !== undefined && found !== n) return 'conflicting Content-Length headers';
    found = n;
  }
  return found ?? 'Content-Length is mandatory on stream transports';
}

export class SipStreamFramer {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly maxHeader: number;
  private readonly maxBody: number;

  constructor(limits: FramerLimits = {}) {
    this.maxHeader = limits.maxHeaderBytes ?? MAX_HEADER_BYTES;
    this.maxBody = limits.maxBodyBytes ?? MAX_BODY_BYTES;
  }

  /** Bytes held while waiting for the rest of a message. */
  get pending(): number {
    return this.buffer.length;
  }

  push(chunk: Buffer): FramerOutput[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const out: FramerOutput[] = [];
    for (;;) {
      const b = this.buffer;
      if (b.length === 0) break;
      if (b[0] === 0x0d || b[0] === 0x0a) {
        if (b[0] === 0x0d && b.length < 2) break;
        if (b[0] === 0x0d && b[1] !== 0x0a) {
          out.push(this.fail('bare CR between messages'));
          continue;
        }
        const crlf = b[0] === 0x0d ? 2 : 1;
        if (b.length < crlf + 2 && (b.length === crlf || b[crlf] === 0x0d)) {
          // A lone CRLF: a pong, unless a second CRLF (a ping) may still be coming.
          if (b.length === crlf) {
            out.push('pong');
            this.buffer = b.subarray(crlf);
            continue;
          }
          break;
        }
        if (b[crlf] === 0x0d && b[crlf + 1] === 0x0a) {
          out.push('ping');
          this.buffer = b.subarray(crlf + 2);
        } else {
          out.push('pong');
          this.buffer = b.subarray(crlf);
        }
        continue;
      }
      const found = findHeaderEnd(b, 0);
      if (!found) {
        if (b.length > this.maxHeader) out.push(this.fail('header section too large'));
        break;
      }
      if (found.end > this.maxHeader) {
        out.push(this.fail('header section too large'));
        break;
      }
      const length = contentLength(b.toString('latin1', 0, found.end));
      if (typeof length === 'string') {
        out.push(this.fail(length));
        break;
      }
      if (length > this.maxBody) {
        out.push(this.fail(`body of ${length} octets exceeds the ${this.maxBody} limit`));
        break;
      }
      const total = found.bodyStart + length;
      if (b.length < total) break;
      out.push(Buffer.from(b.subarray(0, total)));
      this.buffer = b.subarray(total);
    }
    return out;
  }

  private fail(reason: string): SipParseError {
    this.buffer = Buffer.alloc(0);
    return new SipParseError(reason, '18.3');
  }
}
