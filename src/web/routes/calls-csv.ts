/**
 * The call history as CSV (RFC 4180: CRLF line ends, a header row, a field quoted when
 * it holds a comma, a quote or a line break, quotes doubled). Text a spreadsheet could
 * take for a formula (starting with = + - @, or a tab or carriage return) gets a leading
 * apostrophe, so opening the file never runs anything (OWASP "CSV injection").
 */
import type { Cdr } from '../../config/cdr-repository.js';

type Cell = string | number | null;

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The columns, in order: header and how to read each from a record. */
const COLUMNS: readonly [string, (c: Cdr) => Cell][] = [
  ['id', (c) => c.id],
  ['startedAt', (c) => iso(c.startedAt)],
  ['answeredAt', (c) => iso(c.answeredAt)],
  ['endedAt', (c) => iso(c.endedAt)],
  ['durationSeconds', (c) => Math.round((c.endedAt - c.startedAt) / 1000)],
  ['talkSeconds', (c) => (c.answeredAt === null ? 0 : Math.round((c.endedAt - c.answeredAt) / 1000))],
  ['direction', (c) => c.direction],
  ['from', (c) => c.from],
  ['to', (c) => c.to],
  ['port', (c) => c.port],
  ['account', (c) => c.account],
  ['disposition', (c) => c.disposition],
  ['hangupCause', (c) => c.hangupCause],
  ['codec', (c) => c.media?.codec ?? null],
  ['mos', (c) => c.media?.mos ?? null],
  ['lossPercent', (c) => c.media?.lossPercent ?? null],
  ['jitterMs', (c) => c.media?.jitterMs ?? null],
  ['rttMs', (c) => c.media?.rttMs ?? null],
];

export const CSV_HEADER = COLUMNS.map(([name]) => name);

/** One field: numbers as they are, text neutralised and quoted as needed, null empty. */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole document: the header row, then one row per record, each line ending in CRLF. */
export function cdrsToCsv(cdrs: readonly Cdr[]): string {
  const rows = [CSV_HEADER.map(csvCell).join(',')];
  for (const c of cdrs) rows.push(COLUMNS.map(([, get]) => csvCell(get(c))).join(','));
  return rows.join('\r\n') + '\r\n';
}
