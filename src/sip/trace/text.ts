/**
 * formatTraceText: a readable dump of trace records in the manner of sngrep's
 * and ngrep's text output. Per record a header line
 *
 *   2026-11-21T10:00:00.123Z  → udp 192.0.2.5:5060 -> 192.0.2.10:5060 (523 bytes)
 *
 * (→ sent by this box, ← received; addresses always sender -> receiver), then the
 * message text with CRLF shown as line breaks, and a blank line between records.
 * Bytes are shown safely: control characters (ESC included, so a hostile peer
 * cannot drive the reader's terminal), C1 controls and bidirectional overrides
 * are escaped, bytes that are not UTF-8 appear as \xNN, and a payload that is
 * mostly binary (an RTP packet) is shown as a hex dump.
 */
import type { TraceAddress, TraceRecord } from './record.js';
import { recordEnds } from './record.js';

/** A payload is text when at least this share of its bytes are printable, CR, LF, TAB or ≥ 0x80. */
const TEXT_SHARE = 0.95;

function formatAddress(a: TraceAddress): string {
  return a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

function formatTime(wallTime: number): string {
  const d = new Date(wallTime);
  return Number.isNaN(d.getTime()) ? `(bad time ${wallTime})` : d.toISOString();
}

function isTextual(bytes: Buffer): boolean {
  if (bytes.length === 0) return true;
  let texty = 0;
  for (const b of bytes) if ((b >= 0x20 && b !== 0x7f) || b === 0x09 || b === 0x0a || b === 0x0d) texty++;
  return texty / bytes.length >= TEXT_SHARE;
}

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/** Escapes what a terminal would act on; keeps LF and TAB, and CR only as part of CRLF (dropped). */
function escapeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] ?? '';
    const code = text.charCodeAt(i);
    if (c === '\r' && text[i + 1] === '\n') continue;
    if (c === '\n' || c === '\t') out += c;
    else if (code < 0x20 || code === 0x7f) out += `\\x${hex2(code)}`;
    else if ((code >= 0x80 && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069) || code === 0x2028 || code === 0x2029) {
      out += `\\u{${code.toString(16)}}`;
    } else out += c;
  }
  return out;
}

/** UTF-8 when it decodes; otherwise byte by byte, printable ASCII kept and the rest as \xNN. */
function decode(bytes: Buffer): string {
  try {
    return escapeText(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    let out = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] ?? 0;
      if (b === 0x0d && bytes[i + 1] === 0x0a) continue;
      out += b === 0x0a || b === 0x09 || (b >= 0x20 && b < 0x7f) ? String.fromCharCode(b) : `\\x${hex2(b)}`;
    }
    return out;
  }
}

/** `0000  80 00 12 34 …  ..` 16 bytes a line, like `xxd`/Wireshark. */
function hexDump(bytes: Buffer): string {
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    const hex = Array.from(chunk, hex2).join(' ').padEnd(47, ' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${off.toString(16).padStart(4, '0')}  ${hex}  ${ascii}`);
  }
  return lines.join('\n');
}

function payloadText(bytes: Buffer): string {
  if (bytes.length === 0) return '(no bytes)';
  if (!isTextual(bytes)) return hexDump(bytes);
  const text = decode(bytes).replace(/\n+$/, '');
  // A keep-alive (CRLF or CRLFCRLF, RFC 5626 §4.4.1) has nothing left: show its bytes.
  if (text.trim() === '') return `(keep-alive ${Array.from(bytes, (b) => (b === 0x0d ? '\\r' : b === 0x0a ? '\\n' : `\\x${hex2(b)}`)).join('')})`;
  return text;
}

/** The header line of one record. */
export function formatTraceHeader(record: TraceRecord): string {
  const { src, dst } = recordEnds(record);
  const arrow = record.direction === 'out' ? '→' : '←';
  const n = record.bytes.length;
  return `${formatTime(record.wallTime)}  ${arrow} ${record.protocol} ${formatAddress(src)} -> ${formatAddress(dst)} (${n} ${n === 1 ? 'byte' : 'bytes'})`;
}

/** The whole dump; records in the order given; '' for none. */
export function formatTraceText(records: readonly TraceRecord[]): string {
  return records.map((r) => `${formatTraceHeader(r)}\n${payloadText(r.bytes)}\n`).join('\n');
}
