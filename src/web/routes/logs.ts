/**
 * GET /api/logs?level=warn&component=sip&limit=200 — the process log's last lines
 * (the LogRing that the root logger tees into), newest first:
 *   level: the lowest level shown (trace…fatal, default info);
 *   component: a prefix of the supervision path (`dialtone/sip`, or `sip` below the root);
 *   limit: 1..2000 (default 200).
 * Without a ring (an appliance started without one, e.g. in tests) the list is empty.
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../errors.js';
import type { LogQuery, LogRing, LogViewLevel } from '../../log-ring.js';

const LEVELS: readonly LogViewLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
export const DEFAULT_LOG_LIMIT = 200;
export const MAX_LOG_LIMIT = 2000;
const MAX_COMPONENT = 256;

export function logsRoutes(ring: () => LogRing | undefined): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/logs', async (req) => {
      const q = logQuery(req.query as Record<string, unknown>);
      return { entries: ring()?.entries(q) ?? [] };
    });
  };
}

function logQuery(query: Record<string, unknown>): LogQuery & { minLevel: LogViewLevel; limit: number } {
  const fields: Record<string, string> = {};
  const one = (name: string): string | undefined => {
    const v = query[name];
    if (v === undefined || v === '') return undefined;
    if (typeof v !== 'string') {
      fields[name] = 'give it once';
      return undefined;
    }
    return v;
  };
  const level = one('level') ?? 'info';
  const component = one('component');
  const limitText = one('limit');
  const minLevel = (LEVELS as readonly string[]).includes(level) ? (level as LogViewLevel) : undefined;
  if (minLevel === undefined && fields.level === undefined) fields.level = `one of ${LEVELS.join(', ')}`;
  if (component !== undefined && component.length > MAX_COMPONENT) fields.component = `at most ${MAX_COMPONENT} characters`;
  let limit = DEFAULT_LOG_LIMIT;
  if (limitText !== undefined) {
    limit = /^\d{1,6}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_LOG_LIMIT)) fields.limit = `must be an integer from 1 to ${MAX_LOG_LIMIT}`;
  }
  if (Object.keys(fields).length > 0) throw new ValidationError('invalid log query', fields);
  return { minLevel: minLevel ?? 'info', limit, ...(component !== undefined ? { component } : {}) };
}
