/**
 * GET /api/calls — the calls in progress and the call history (CDRs), newest first:
 *   ?limit=N (1..1000, default 100) &beforeId=ID (the next page: ids below it), filtered by
 *   &direction= &disposition= &number= (a substring of from or to) &since= &until= (ISO 8601
 *   dates or date-times; UTC unless an offset is given; a date `until` includes that day).
 * GET /api/calls.csv — the same filters, up to 10000 records (default all), as a CSV download.
 * GET /api/status/stream — the status document as server-sent events: one `status`
 *   event at once, then one whenever it changes (checked every `intervalMs`), and a
 *   comment line every 15 s so proxies keep the connection.
 */
import type { FastifyInstance } from 'fastify';
import type { ActiveCall } from '../../calls/call-record.js';
import {
  CDR_DIRECTIONS, CDR_DISPOSITIONS, MAX_CDRS, MAX_NUMBER_FILTER, type Cdr, type CdrFilter, type CdrQuery,
} from '../../config/cdr-repository.js';
import { MAX_PAGE } from '../../config/paging.js';
import { ValidationError } from '../../errors.js';
import { cdrsToCsv } from './calls-csv.js';

export interface CallsSource {
  active(): ActiveCall[];
  /** One page of the history (at most MAX_PAGE records), filtered. */
  history(query: CdrQuery): Cdr[];
}

export const CSV_FILENAME = 'dialtone-calls.csv';

export function callsRoutes(source: () => CallsSource | undefined): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/calls', async (req) => {
      const query = historyQuery(req.query);
      const s = source();
      const calls = s?.history(query) ?? [];
      return { active: s?.active() ?? [], calls, nextBeforeId: calls.length > 0 ? calls[calls.length - 1]!.id : null };
    });

    app.get('/api/calls.csv', async (req, reply) => {
      const { limit = MAX_CDRS, ...query } = historyQuery(req.query, MAX_CDRS);
      const s = source();
      const calls = s === undefined ? [] : allPages(s, query, limit);
      return reply
        .type('text/csv; charset=utf-8')
        .header('Content-Disposition', `attachment; filename="${CSV_FILENAME}"`)
        .send(cdrsToCsv(calls));
    });
  };
}

export function statusStreamRoutes(status: () => unknown, intervalMs = 500): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/status/stream', (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Content-Type-Options': 'nosniff',
      });
      let last = '';
      let sinceComment = 0;
      const send = (): void => {
        const now = status();
        const text = JSON.stringify(withoutUptime(now));
        if (text !== last) {
          last = text;
          res.write(`event: status\ndata: ${JSON.stringify(now)}\n\n`);
        } else if ((sinceComment += intervalMs) >= 15_000) {
          sinceComment = 0;
          res.write(': keepalive\n\n');
        }
      };
      send();
      const timer = setInterval(send, intervalMs);
      const stop = (): void => clearInterval(timer);
      req.raw.on('close', stop);
      res.on('error', stop);
    });
  };
}

/** The uptime changes every second; it alone is not news. */
function withoutUptime(status: unknown): unknown {
  if (status === null || typeof status !== 'object') return status;
  const { uptimeSeconds: _u, ...rest } = status as Record<string, unknown>;
  const calls = rest.calls;
  if (Array.isArray(calls)) rest.calls = calls.map((c: unknown) => (c !== null && typeof c === 'object' ? { ...(c as Record<string, unknown>), durationSeconds: undefined } : c));
  return rest;
}

/** Up to `limit` records, newest first, read a page at a time. */
function allPages(source: CallsSource, query: Omit<CdrQuery, 'limit'>, limit: number): Cdr[] {
  const calls: Cdr[] = [];
  let beforeId = query.beforeId;
  while (calls.length < limit) {
    const pageLimit = Math.min(MAX_PAGE, limit - calls.length);
    const page = source.history({ ...query, limit: pageLimit, ...(beforeId !== undefined ? { beforeId } : {}) });
    calls.push(...page.slice(0, pageLimit));
    if (page.length < pageLimit) break;
    beforeId = page[page.length - 1]!.id;
  }
  return calls;
}

type Query = Record<string, unknown>;
type FieldErrors = Record<string, string>;

/**
 * The paging and filter parameters of a history request. `maxLimit` set: the limit is
 * checked here (1..maxLimit); otherwise the store checks it. ValidationError naming each wrong field.
 */
function historyQuery(raw: unknown, maxLimit?: number): CdrQuery {
  const query = (raw ?? {}) as Query;
  const errors: FieldErrors = {};
  const q: CdrQuery = {};
  const limit = integerParam(query, 'limit', errors);
  if (limit !== undefined) {
    if (maxLimit !== undefined && (limit < 1 || limit > maxLimit)) errors.limit = `must be an integer from 1 to ${maxLimit}`;
    q.limit = limit;
  }
  const beforeId = integerParam(query, 'beforeId', errors);
  if (beforeId !== undefined) q.beforeId = beforeId;
  const filter = filterParams(query, errors);
  if (Object.keys(errors).length > 0) throw new ValidationError('invalid call history query', errors);
  return { ...q, ...filter };
}

function filterParams(query: Query, errors: FieldErrors): CdrFilter {
  const f: CdrFilter = {};
  const direction = stringParam(query, 'direction', errors);
  if (direction !== undefined) {
    const d = CDR_DIRECTIONS.find((x) => x === direction);
    if (d === undefined) errors.direction = `one of ${CDR_DIRECTIONS.join(', ')}`;
    else f.direction = d;
  }
  const disposition = stringParam(query, 'disposition', errors);
  if (disposition !== undefined) {
    const d = CDR_DISPOSITIONS.find((x) => x === disposition);
    if (d === undefined) errors.disposition = `one of ${CDR_DISPOSITIONS.join(', ')}`;
    else f.disposition = d;
  }
  const number = stringParam(query, 'number', errors);
  if (number !== undefined) {
    if (number.length > MAX_NUMBER_FILTER) errors.number = `at most ${MAX_NUMBER_FILTER} characters`;
    else f.number = number;
  }
  const since = timeParam(query, 'since', errors, false);
  if (since !== undefined) f.since = since;
  const until = timeParam(query, 'until', errors, true);
  if (until !== undefined) f.until = until;
  if (since !== undefined && until !== undefined && until <= since && errors.until === undefined) errors.until = 'must be after since';
  return f;
}

/** A parameter given once, or undefined when absent or empty. */
function stringParam(query: Query, name: string, errors: FieldErrors): string | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') {
    errors[name] = 'give it once';
    return undefined;
  }
  return v;
}

function integerParam(query: Query, name: string, errors: FieldErrors): number | undefined {
  const v = stringParam(query, name, errors);
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v)) {
    errors[name] = 'must be a positive integer';
    return undefined;
  }
  return Number(v);
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?$/;
const DAY_MS = 86_400_000;

/**
 * An ISO 8601 date (a UTC day) or date-time (UTC unless it has an offset), as ms since the
 * epoch. As an upper bound (`end`) the result is exclusive: the day after a date, 1 ms after a date-time.
 */
function timeParam(query: Query, name: string, errors: FieldErrors, end: boolean): number | undefined {
  const v = stringParam(query, name, errors);
  if (v === undefined) return undefined;
  const date = DATE.exec(v);
  const dateTime = DATE_TIME.exec(v);
  let ms = NaN;
  if (date !== null) ms = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
  else if (dateTime !== null) ms = Date.parse(dateTime[2] === undefined ? `${v}Z` : v);
  const day = date !== null ? v : dateTime?.[1];
  // Date.UTC and Date.parse roll 2024-02-30 over to March: refuse days that do not exist.
  const real = Number.isFinite(ms) && day !== undefined && new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)))).toISOString().startsWith(day);
  if (!real) {
    errors[name] = 'must be an ISO 8601 date (2024-05-01) or date-time (2024-05-01T10:30:00Z)';
    return undefined;
  }
  if (!end) return ms;
  return date !== null ? ms + DAY_MS : ms + 1;
}
