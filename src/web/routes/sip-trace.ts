/**
 * The SIP trace for a support ticket:
 *   GET /api/sip/trace?minutes=N            the last N minutes (1–10, default 10) as text
 *   GET /api/sip/trace.pcap?minutes=N       the same as a libpcap file (Wireshark, tcpdump)
 *   GET /api/sip/trace/settings             {"enabled": true}
 *   PUT /api/sip/trace/settings {"enabled"} switch capturing on or off (on by default; off clears it)
 * The buffer is bounded by count, bytes and age (src/sip/trace), so leaving it on costs
 * at most a few MiB.
 */
import type { FastifyInstance } from 'fastify';
import type { TraceRecord } from '../../sip/trace/index.js';
import { formatTraceText, writePcap } from '../../sip/trace/index.js';
import { HttpError } from '../http-error.js';
import { objectBody } from './body.js';

export interface SipTraceSource {
  isEnabled(): boolean;
  setEnabled(on: boolean): void;
  lastMinutes(minutes: number): TraceRecord[];
  clear(): void;
}

function minutesOf(query: unknown): number {
  const raw = (query as Record<string, unknown> | undefined)?.minutes;
  if (raw === undefined) return 10;
  const n = Number(raw);
  if (typeof raw !== 'string' || !Number.isInteger(n) || n < 1 || n > 10) {
    throw new HttpError(400, 'invalid', 'minutes must be a whole number from 1 to 10', { minutes: 'must be 1-10' });
  }
  return n;
}

export function sipTraceRoutes(trace: () => SipTraceSource): (app: FastifyInstance) => void {
  return (app) => {
    app.get('/api/sip/trace', async (req, reply) => {
      const records = trace().lastMinutes(minutesOf(req.query));
      return reply.type('text/plain; charset=utf-8').send(records.length === 0 ? 'No SIP messages in this period.\n' : formatTraceText(records));
    });
    app.get('/api/sip/trace.pcap', async (req, reply) => {
      const records = trace().lastMinutes(minutesOf(req.query));
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return reply
        .type('application/vnd.tcpdump.pcap')
        .header('content-disposition', `attachment; filename="dialtone-sip-${stamp}.pcap"`)
        .send(writePcap(records));
    });
    app.get('/api/sip/trace/settings', async () => ({ enabled: trace().isEnabled() }));
    app.put('/api/sip/trace/settings', async (req) => {
      const body = objectBody(req.body);
      if (typeof body.enabled !== 'boolean') throw new HttpError(400, 'invalid', 'enabled must be true or false', { enabled: 'must be a boolean' });
      const t = trace();
      t.setEnabled(body.enabled);
      if (!body.enabled) t.clear();
      return { enabled: t.isEnabled() };
    });
  };
}
