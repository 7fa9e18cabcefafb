/**
 * Tests on a phone port from the web page (docs/api.md, "Diagnostics"):
 *   POST /api/diag/ring {"port", "seconds"?}       ring as "Dialtone test" (default 10 s, ≤ 60)
 *   POST /api/diag/tone {"port", "tone", "seconds"?} a tone to an off-hook phone (default 5 s, ≤ 30)
 *   POST /api/diag/loopback {"port"}               the phone hears its own microphone for 10 s
 *   POST /api/diag/call-me {"port"}                ring, announcement, echo, hang up
 *   GET  /api/diag                                 the tests running now
 * Each answers 202 once the test has started; 404 for an unknown port, 409 when the
 * port is not in a state for the test (on hook, in a call, already testing).
 */
import type { FastifyInstance } from 'fastify';
import { DIAGNOSTIC_TONES, DiagnosticRefused, type DiagnosticCalls, type DiagnosticTone } from '../../calls/diagnostic-calls.js';
import { HttpError } from '../http-error.js';
import { objectBody } from './body.js';

function integerField(body: Record<string, unknown>, name: string, opts: { min: number; max: number; fallback?: number }): number {
  const v = body[name] ?? opts.fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < opts.min || v > opts.max) {
    throw new HttpError(400, 'invalid', `${name} must be a whole number from ${opts.min} to ${opts.max}`, { [name]: `${opts.min}-${opts.max}` });
  }
  return v;
}

function toneField(body: Record<string, unknown>): DiagnosticTone {
  const v = body.tone;
  if (typeof v !== 'string' || !(DIAGNOSTIC_TONES as readonly string[]).includes(v)) {
    throw new HttpError(400, 'invalid', `tone must be one of ${DIAGNOSTIC_TONES.join(', ')}`, { tone: `one of ${DIAGNOSTIC_TONES.join(', ')}` });
  }
  return v as DiagnosticTone;
}

export function diagnosticsRoutes(source: () => DiagnosticCalls | undefined): (app: FastifyInstance) => void {
  const run = (what: string, fn: (d: DiagnosticCalls) => void): { ok: true; test: string } => {
    const d = source();
    if (d === undefined) throw new HttpError(503, 'unavailable', 'the lines are restarting; try again in a moment');
    try {
      fn(d);
    } catch (err) {
      if (err instanceof DiagnosticRefused) throw new HttpError(err.status, err.status === 404 ? 'not_found' : 'conflict', err.message, { port: err.message });
      throw err;
    }
    return { ok: true, test: what };
  };
  return (app) => {
    app.get('/api/diag', async () => ({ running: source()?.active() ?? [] }));
    app.post('/api/diag/ring', async (req, reply) => {
      const body = objectBody(req.body);
      const port = integerField(body, 'port', { min: 1, max: 16 });
      const seconds = integerField(body, 'seconds', { min: 1, max: 60, fallback: 10 });
      return reply.code(202).send(run('ring', (d) => d.ring(port, seconds)));
    });
    app.post('/api/diag/tone', async (req, reply) => {
      const body = objectBody(req.body);
      const port = integerField(body, 'port', { min: 1, max: 16 });
      const tone = toneField(body);
      const seconds = integerField(body, 'seconds', { min: 1, max: 30, fallback: 5 });
      return reply.code(202).send(run('tone', (d) => d.tone(port, tone, seconds)));
    });
    app.post('/api/diag/loopback', async (req, reply) => {
      const port = integerField(objectBody(req.body), 'port', { min: 1, max: 16 });
      return reply.code(202).send(run('loopback', (d) => d.loopback(port)));
    });
    app.post('/api/diag/call-me', async (req, reply) => {
      const port = integerField(objectBody(req.body), 'port', { min: 1, max: 16 });
      return reply.code(202).send(run('call-me', (d) => d.callMe(port)));
    });
  };
}
