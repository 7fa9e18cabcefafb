/**
 * Serializes a message, strict on emit (RFC 3261 §7): canonical long header names, CRLF
 * line ends, header order kept, and Content-Length recomputed from the body bytes (in
 * place when present, appended otherwise). Values that could not be re-read (CR or LF,
 * a name that is not a token) throw a `ValidationError`: they are bugs in our own code.
 */
import { ValidationError } from '../../errors.js';
import type { SipMessage } from './message.js';
import { canonicalName, headerKey } from './names.js';
import { isToken } from './text.js';
import { formatUri } from './uri.js';

function check(ok: boolean, field: string, problem: string): void {
  if (!ok) throw new ValidationError(`cannot serialize SIP message: ${field} ${problem}`, { [field]: problem });
}

export function serializeMessage(msg: SipMessage): Buffer {
  let head: string;
  if (msg.kind === 'request') {
    check(isToken(msg.method), 'method', 'is not a token');
    const uri = formatUri(msg.uri);
    check(!/[\s]/.test(uri), 'uri', 'contains white space');
    head = `${msg.method} ${uri} ${msg.version}\r\n`;
  } else {
    check(Number.isInteger(msg.status) && msg.status >= 100 && msg.status <= 699, 'status', 'is not 100-699');
    check(!/[\r\n]/.test(msg.reason), 'reason', 'contains CR or LF');
    head = `${msg.version} ${msg.status} ${msg.reason}\r\n`;
  }
  let wroteLength = false;
  for (const f of msg.headers.fields()) {
    const key = f.key ?? headerKey(f.name);
    if (key === 'content-length') {
      if (!wroteLength) head += `Content-Length: ${msg.body.length}\r\n`;
      wroteLength = true;
      continue;
    }
    check(isToken(f.name), `headers.${f.name}`, 'name is not a token');
    check(f.value.indexOf('\r') < 0 && f.value.indexOf('\n') < 0, `headers.${f.name}`, 'value contains CR or LF');
    head += `${canonicalName(f.name, key)}: ${f.value}\r\n`;
  }
  if (!wroteLength) head += `Content-Length: ${msg.body.length}\r\n`;
  head += '\r\n';
  return msg.body.length === 0 ? Buffer.from(head, 'utf8') : Buffer.concat([Buffer.from(head, 'utf8'), msg.body]);
}
