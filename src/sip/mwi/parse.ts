/**
 * Parses an application/simple-message-summary body (RFC 3842 §5.2):
 *
 *   message-summary  = msg-status-line CRLF [msg-account CRLF]
 *                      [*(msg-summary-line CRLF)] [ *opt-msg-headers ]
 *   msg-status-line  = "Messages-Waiting" HCOLON ("yes" / "no")
 *   msg-account      = "Message-Account" HCOLON Account-URI
 *   msg-summary-line = message-context-class HCOLON newmsgs SLASH oldmsgs
 *                      [ LPAREN new-urgentmsgs SLASH old-urgentmsgs RPAREN ]
 *   opt-msg-headers  = CRLF 1*(extension-header CRLF)
 *
 * Never throws. Liberal with what servers send: names case-insensitive, LWS
 * anywhere around the punctuation, CRLF or bare LF, folded lines, lines in any
 * order, a BOM. Everything after the first blank line (opt-msg-headers) is
 * ignored. Lines it cannot use are skipped and reported in `warnings`; only a
 * missing or unreadable Messages-Waiting line fails the parse.
 */
import { KNOWN_MESSAGE_CLASSES, MAX_MESSAGE_COUNT, type MessageCounts, type MessageSummary } from './types.js';

export type MessageSummaryResult =
  | { ok: true; value: MessageSummary; warnings: readonly string[] }
  | { ok: false; error: string };

/** Bodies longer than this are refused unread (real ones are a few hundred bytes). */
export const MAX_MESSAGE_SUMMARY_BYTES = 64 * 1024;

const HEADER_RE = /^([!%'*+\-.0-9A-Z_`a-z~]+)[ \t]*:[ \t]*(.*?)[ \t]*$/;
const COUNTS_RE = /^(\d+)[ \t]*\/[ \t]*(\d+)(?:[ \t]*\([ \t]*(\d+)[ \t]*\/[ \t]*(\d+)[ \t]*\))?$/;

function count(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) && n <= MAX_MESSAGE_COUNT ? n : Number.NaN;
}

function parseCounts(value: string): MessageCounts | string {
  const m = COUNTS_RE.exec(value);
  if (m === null) return `expected "new/old" or "new/old (urgent-new/urgent-old)", got ${JSON.stringify(value)}`;
  const [newMsgs, oldMsgs, urgentNew, urgentOld] = [m[1], m[2], m[3], m[4]].map(count);
  const all = [newMsgs, oldMsgs, urgentNew, urgentOld];
  if (all.some((n) => Number.isNaN(n))) return `a message count exceeds ${MAX_MESSAGE_COUNT}`;
  const counts: MessageCounts = { new: newMsgs ?? 0, old: oldMsgs ?? 0 };
  if (urgentNew !== undefined && urgentOld !== undefined) {
    counts.urgentNew = urgentNew;
    counts.urgentOld = urgentOld;
  }
  return counts;
}

/** Splits into logical lines: CRLF or LF, folded continuation lines joined, up to the first blank line. */
function logicalLines(body: string): string[] {
  const physical = body.replace(/^\uFEFF/, '').split(/\r?\n|\r/);
  let i = 0;
  while (i < physical.length && (physical[i] ?? '').trim() === '') i++; // leading blank lines
  const lines: string[] = [];
  for (; i < physical.length; i++) {
    const line = physical[i] ?? '';
    if (line.trim() === '') break; // opt-msg-headers follow: ignored
    const last = lines.length - 1;
    if (/^[ \t]/.test(line) && last >= 0) lines[last] = `${lines[last] ?? ''} ${line.trim()}`;
    else lines.push(line);
  }
  return lines;
}

function stripAngles(uri: string): string {
  const m = /^<(.*)>$/.exec(uri);
  return m === null ? uri : (m[1] ?? '').trim();
}

export function parseMessageSummary(body: string): MessageSummaryResult {
  if (typeof body !== 'string') return { ok: false, error: 'the body is not text' };
  if (body.length > MAX_MESSAGE_SUMMARY_BYTES) return { ok: false, error: `the body is longer than ${MAX_MESSAGE_SUMMARY_BYTES} characters` };
  const lines = logicalLines(body);
  if (lines.length === 0) return { ok: false, error: 'the body is empty' };

  const warnings: string[] = [];
  let waiting: boolean | undefined;
  let account: string | undefined;
  let voice: MessageCounts | undefined;
  const other: Record<string, MessageCounts> = {};

  for (const [index, line] of lines.entries()) {
    const where = `line ${index + 1}`;
    const m = HEADER_RE.exec(line);
    if (m === null) {
      warnings.push(`${where}: not a "name: value" line: ${JSON.stringify(line.slice(0, 80))}`);
      continue;
    }
    const name = (m[1] ?? '').toLowerCase();
    const value = m[2] ?? '';
    if (name === 'messages-waiting') {
      const status = value.toLowerCase();
      if (status !== 'yes' && status !== 'no') {
        return { ok: false, error: `${where}: Messages-Waiting must be "yes" or "no", got ${JSON.stringify(value)}` };
      }
      if (waiting !== undefined) {
        if (waiting !== (status === 'yes')) return { ok: false, error: `${where}: Messages-Waiting given twice, differently` };
        warnings.push(`${where}: Messages-Waiting repeated`);
      }
      waiting = status === 'yes';
    } else if (name === 'message-account') {
      const uri = stripAngles(value);
      if (uri === '') warnings.push(`${where}: empty Message-Account ignored`);
      else if (account !== undefined) warnings.push(`${where}: second Message-Account ignored`);
      else account = uri;
    } else {
      const counts = parseCounts(value);
      if (typeof counts === 'string') {
        // An unknown header that is not a count line is an extension header placed without the blank line.
        const known = KNOWN_MESSAGE_CLASSES.has(name);
        warnings.push(known ? `${where}: ${m[1] ?? name} ignored: ${counts}` : `${where}: header ${m[1] ?? name} ignored`);
        continue;
      }
      if (name === 'voice-message') {
        if (voice !== undefined) warnings.push(`${where}: second Voice-Message line ignored`);
        else voice = counts;
      } else if (Object.hasOwn(other, name)) {
        warnings.push(`${where}: second ${m[1] ?? name} line ignored`);
      } else {
        // defineProperty: a class named "__proto__" must be an own key, not the prototype.
        Object.defineProperty(other, name, { value: counts, enumerable: true, writable: true, configurable: true });
      }
    }
  }

  if (waiting === undefined) return { ok: false, error: 'no Messages-Waiting line' };
  const value: MessageSummary = { waiting, other };
  if (account !== undefined) value.account = account;
  if (voice !== undefined) value.voice = voice;
  return { ok: true, value, warnings };
}
