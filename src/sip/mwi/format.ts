/**
 * Writes a MessageSummary as an application/simple-message-summary body
 * (RFC 3842 §5.2), CRLF line ends: Messages-Waiting, then Message-Account,
 * then Voice-Message and the other classes in name order.
 */
import { ValidationError } from '../../errors.js';
import { MAX_MESSAGE_COUNT, type MessageCounts, type MessageSummary } from './types.js';

const CLASS_RE = /^[!%'*+\-.0-9A-Z_`a-z~]+$/;

/** voice-message → Voice-Message. */
function displayName(name: string): string {
  return name
    .split('-')
    .map((part) => (part === '' ? part : (part[0] ?? '').toUpperCase() + part.slice(1).toLowerCase()))
    .join('-');
}

function checkCount(n: number | undefined, field: string, fields: Record<string, string>): void {
  if (n === undefined) return;
  if (!Number.isInteger(n) || n < 0 || n > MAX_MESSAGE_COUNT) fields[field] = `must be an integer from 0 to ${MAX_MESSAGE_COUNT}`;
}

function countsText(c: MessageCounts): string {
  let text = `${c.new}/${c.old}`;
  if (c.urgentNew !== undefined || c.urgentOld !== undefined) text += ` (${c.urgentNew ?? 0}/${c.urgentOld ?? 0})`;
  return text;
}

/** The body text. Throws ValidationError for counts out of range, a bad class name or a line break in the account. */
export function formatMessageSummary(summary: MessageSummary): string {
  const fields: Record<string, string> = {};
  const classes: [string, MessageCounts][] = [];
  if (summary.voice !== undefined) classes.push(['voice-message', summary.voice]);
  for (const name of Object.keys(summary.other).sort()) {
    const counts = summary.other[name];
    if (counts === undefined) continue;
    if (!CLASS_RE.test(name)) fields[`other.${name}`] = 'is not a token';
    if (name.toLowerCase() === 'voice-message' || name.toLowerCase() === 'messages-waiting' || name.toLowerCase() === 'message-account') {
      fields[`other.${name}`] = 'is not a message-context-class of its own (use voice)';
    }
    classes.push([name, counts]);
  }
  for (const [name, c] of classes) {
    const at = name === 'voice-message' ? 'voice' : `other.${name}`;
    checkCount(c.new, `${at}.new`, fields);
    checkCount(c.old, `${at}.old`, fields);
    checkCount(c.urgentNew, `${at}.urgentNew`, fields);
    checkCount(c.urgentOld, `${at}.urgentOld`, fields);
  }
  if (summary.account !== undefined && /[\r\n]/.test(summary.account)) fields.account = 'must not contain a line break';
  if (Object.keys(fields).length > 0) throw new ValidationError('invalid message summary', fields);

  const lines = [`Messages-Waiting: ${summary.waiting ? 'yes' : 'no'}`];
  if (summary.account !== undefined && summary.account !== '') lines.push(`Message-Account: ${summary.account}`);
  for (const [name, c] of classes) lines.push(`${displayName(name)}: ${countsText(c)}`);
  return lines.map((l) => `${l}\r\n`).join('');
}
