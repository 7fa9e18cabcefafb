/**
 * GET /api/calls — the calls in progress and the call history (CDRs), newest first:
 *   ?limit=N (1..1000, default 100) &beforeId=ID (the next page: ids below it).
 * GET /api/status/stream — the status document as server-sent events: one `status`
 *   event at once, then one whenever it changes (checked every `intervalMs`), and a
 *   comment line every 15 s so proxies keep the connection.
 */
import type { FastifyInstance } from 'fastify';
import type { ActiveCall } from '../../calls/call-record.js';
import type { Cdr } from '../../config/cdr-repository.js';
import type { PageOptions } from '../../config/paging.js';
import { ValidationError } from '../../errors.js';

export interface CallsSource {
  active(): ActiveCall[];
  history(page: PageOptions): Cdr[];
}

export function callsRoutes(source: () => CallsSource | undefined): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/calls', async (req) => {
      const query = req.query as Record<string, string | undefined>;
      const page: PageOptions = {};
      const limit = integerParam(query, 'limit');
      const beforeId = integerParam(query, 'beforeId');
      if (limit !== undefined) page.limit = limit;
      if (beforeId !== undefined) page.beforeId = beforeId;
      const s = source();
      const calls = s?.history(page) ?? [];
      return { active: s?.active() ?? [], calls, nextBeforeId: calls.length > 0 ? calls[calls.length - 1]!.id : null };
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

function integerParam(query: Record<string, string | undefined>, name: string): number | undefined {
  const v = query[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d{1,15}$/.test(v)) throw new ValidationError(`invalid ${name}`, { [name]: 'must be a positive integer' });
  return Number(v);
}
