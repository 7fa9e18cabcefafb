/**
 * Parses one SIP message from bytes (RFC 3261 §7, §18.3, §25). Never throws: every
 * failure is a `SipParseError` value. The header section is split into lines, folded
 * lines (LWS CRLF continuation, §7.3.1) are joined, and the body is sliced by
 * Content-Length in bytes. Header values stay raw; typed accessors on `SipHeaders`
 * parse them on demand. Leading CRLFs before the start line are ignored (§7.5).
 */
import { SipParseError, type SipParsePartial } from './errors.js';
import { SipHeaders } from './headers/collection.js';
import { parseContentLength } from './headers/scalar.js';
import type { SipRequest, SipResponse } from './message.js';
import { headerKey } from './names.js';
import { isToken, trimLws } from './text.js';
import { parseUri } from './uri.js';

export type ParseResult = { ok: true; message: SipRequest | SipResponse } | { ok: false; error: SipParseError };

export interface ParseOptions {
  /**
   * 'datagram' (default): a missing Content-Length means the body is the rest of the
   * datagram, and octets after Content-Length are ignored (§18.3, RFC 4475 dblreq).
   * 'stream': Content-Length is mandatory (§18.3, §20.14).
   */
  transport?: 'datagram' | 'stream';
}

/** Header section limit for datagrams and streams alike. */
export const MAX_HEADER_BYTES = 64 * 1024;

const VERSION = /^SIP\/[0-9]+\.[0-9]+$/i;

function error(reason: string, rfcSection: string, partial?: SipParsePartial): ParseResult {
  return { ok: false, error: new SipParseError(reason, rfcSection, partial) };
}

/** Offset of the empty line ending the header section (CRLFCRLF, or LFLF leniently), and the body start. */
export function findHeaderEnd(bytes: Buffer, from: number): { end: number; bodyStart: number } | undefined {
  for (let i = bytes.indexOf(0x0a, from); i >= 0; i = bytes.indexOf(0x0a, i + 1)) {
    if (bytes[i + 1] === 0x0a) return { end: i + 1, bodyStart: i + 2 };
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return { end: i + 1, bodyStart: i + 3 };
  }
  return undefined;
}

/** Reason-Phrase allows HTAB, SP, printable ASCII and UTF-8, no other controls (§25.1). */
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

/** Joins folded lines; returns the start line and the header lines, or a reason. */
function unfold(text: string): { startLine: string; lines: string[] } | string {
  const raw = text.split('\n');
  const first = raw[0] ?? '';
  const startLine = first.endsWith('\r') ? first.slice(0, -1) : first;
  if (startLine.includes('\r')) return 'bare CR in the start line';
  const lines: string[] = [];
  for (let i = 1; i < raw.length; i++) {
    let line = raw[i] ?? '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0) continue; // only the final line terminator yields an empty tail
    if (line.includes('\r')) return 'bare CR in a header line';
    const c = line.charCodeAt(0);
    if (c === 0x20 || c === 0x09) {
      if (lines.length === 0) return 'continuation line before the first header';
      lines[lines.length - 1] = `${trimLws(lines[lines.length - 1] ?? '')} ${trimLws(line)}`;
    } else lines.push(line);
  }
  return { startLine, lines };
}

function parseHeaderLines(lines: readonly string[]): SipHeaders | string {
  const headers = new SipHeaders();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) return `header line without ":": "${line.slice(0, 40)}"`;
    const name = trimLws(line.slice(0, colon));
    if (!isToken(name)) return `bad header name "${name.slice(0, 40)}"`;
    headers.append(name, trimLws(line.slice(colon + 1)));
  }
  return headers;
}

export function parseMessage(bytes: Buffer, opts: ParseOptions = {}): ParseResult {
  let start = 0;
  while (bytes[start] === 0x0d && bytes[start + 1] === 0x0a) start += 2;
  while (bytes[start] === 0x0a) start += 1;
  const found = findHeaderEnd(bytes, start);
  if (!found) return error('no empty line after the header section', '7');
  if (found.end - start > MAX_HEADER_BYTES) return error('header section too large', '7');
  const headText = bytes.toString('utf8', start, found.end);
  const unfolded = unfold(headText);
  if (typeof unfolded === 'string') return error(unfolded, '7.3.1');
  const { startLine, lines } = unfolded;

  const headers = parseHeaderLines(lines);
  const isResponse = /^SIP\//i.test(startLine);
  if (typeof headers === 'string') return error(headers, '7.3', { headersOk: false, kind: isResponse ? 'response' : 'request' });
  const partial: SipParsePartial = { headersOk: true, kind: isResponse ? 'response' : 'request', headers };

  // Start line: Request-Line = Method SP Request-URI SP SIP-Version CRLF (§25.1, single spaces);
  // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF.
  const parts = startLine.split(' ');
  let head: { kind: 'request'; method: string; uriText: string; version: string } | { kind: 'response'; status: number; reason: string; version: string };
  if (isResponse) {
    const version = parts[0] ?? '';
    const code = parts[1] ?? '';
    if (!VERSION.test(version)) return error(`bad SIP-Version "${version.slice(0, 20)}"`, '7.2', partial);
    if (!/^[1-6][0-9][0-9]$/.test(code)) return error(`bad status code "${code.slice(0, 20)}"`, '7.2', partial);
    const reason = parts.length > 2 ? parts.slice(2).join(' ') : '';
    if (hasControl(reason)) return error('control character in the reason phrase', '7.2', partial);
    head = { kind: 'response', status: Number(code), reason, version: version.toUpperCase() };
  } else {
    const [method = '', uriText = '', version = ''] = parts;
    if (isToken(method)) partial.method = method;
    if (parts.length !== 3) return error('request line must be "Method SP Request-URI SP SIP-Version" with single spaces', '7.1', partial);
    if (!isToken(method)) return error(`bad method "${method.slice(0, 20)}"`, '7.1', partial);
    if (!VERSION.test(version)) return error(`bad SIP-Version "${version.slice(0, 20)}"`, '7.1', partial);
    head = { kind: 'request', method, uriText, version: version.toUpperCase() };
  }

  // Body framing (§18.3, §20.14).
  const clValues = headers.fields().filter((f) => headerKey(f.name) === 'content-length').map((f) => f.value.trim());
  let body: Buffer;
  const available = bytes.length - found.bodyStart;
  if (clValues.length === 0) {
    if (opts.transport === 'stream') return error('Content-Length is mandatory on stream transports', '18.3', partial);
    body = bytes.subarray(found.bodyStart);
  } else {
    if (clValues.some((v) => v !== clValues[0])) return error('conflicting Content-Length headers', '20.14', partial);
    const length = parseContentLength(clValues[0] ?? '');
    if (typeof length === 'string') return error(`bad Content-Length: ${length}`, '20.14', partial);
    if (length > available) return error(`Content-Length ${length} exceeds the ${available} octets received`, '18.3', partial);
    body = bytes.subarray(found.bodyStart, found.bodyStart + length);
  }

  if (head.kind === 'response') {
    return { ok: true, message: { kind: 'response', status: head.status, reason: head.reason, version: head.version, headers, body } };
  }
  const uri = parseUri(head.uriText);
  if (!uri.ok) return error(`bad Request-URI: ${uri.error.reason}`, '7.1', partial);
  return { ok: true, message: { kind: 'request', method: head.method, uri: uri.value, version: head.version, headers, body } };
}
