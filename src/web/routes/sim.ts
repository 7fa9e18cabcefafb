/**
 * The simulated board's control API (DESIGN §7 **contract**), under the normal
 * auth of /api and only on the sim board:
 *   GET  /api/sim                              every port's state
 *   GET  /api/sim/fxs/:port                    a virtual phone's state
 *   POST /api/sim/fxs/:port/hook {"state"}     lift ("off") or hang up ("on")
 *   POST /api/sim/fxs/:port/flash              a hook flash; answers when it is over
 *   POST /api/sim/fxs/:port/dial {"digits","mode"}  DTMF (default) or pulses; answers when the last digit is out
 *   POST /api/sim/fxs/:port/play  (audio/wav)  into the phone's microphone; 202 once queued
 *   GET  /api/sim/fxs/:port/recording?seconds=N  the last N (≤ 30, default 5) s the earpiece heard, as a WAV
 *   GET  /api/sim/fxo/:port                    the virtual landline's state
 *   POST /api/sim/fxo/:port/ring {"number","name"} | (audio/wav)  rings the box, with caller ID or that burst; 202
 *   POST /api/sim/fxo/:port/hangup             the caller gives up / the far end clears
 *   POST /api/sim/fxo/:port/play  (audio/wav)  from the far end toward the box; 202 once queued
 *   GET  /api/sim/fxo/:port/recording?seconds=N  what the landline heard from the box, as a WAV
 * The commands that finish at once (or are awaited) answer 200 with the port's state.
 * While the lines part of the appliance restarts there is no board: 503 'unavailable'.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { SAMPLE_RATE } from '../../../audio/pcm.js';
import { BoardError, type PortKind } from '../../../board/board.js';
import { HISTORY_SECONDS } from '../../../board/sim/audio-history.js';
import type { SimBoard } from '../../../board/sim/sim-board.js';
import type { RingCallerId, VirtualLandline } from '../../../board/sim/virtual-landline.js';
import type { DialMode, VirtualPhone } from '../../../board/sim/virtual-phone.js';
import { encodeWav, parseWav } from '../../../board/sim/wav.js';
import { HttpError } from '../http-error.js';
import { objectBody, stringField } from './body.js';

/** The content types a WAV body may be sent as. */
export const WAV_CONTENT_TYPES: readonly string[] = ['audio/wav', 'audio/x-wav', 'audio/wave'];
const WAV_BODY_LIMIT = 2 * 1024 * 1024;
/** The longest WAV `play` (and a ring's caller-ID burst) takes, s. */
const MAX_PLAY_SECONDS = 60;
const DEFAULT_RECORDING_SECONDS = 5;
const MAX_DIGITS = 64;
const DIGITS: Record<DialMode, { pattern: RegExp; what: string }> = {
  dtmf: { pattern: /^[0-9*#A-D]+$/, what: 'DTMF digits: 0-9, *, # and A-D' },
  pulse: { pattern: /^[0-9]+$/, what: 'pulse dialling has only the digits 0-9' },
};
const CALLER_NUMBER = /^[0-9+*#]{1,32}$/;
const CALLER_NAME = /^[\x20-\x7E]{1,64}$/;

interface PortRoute {
  Params: { port: string };
}
interface RecordingRoute extends PortRoute {
  Querystring: Record<string, unknown>;
}

export function simRoutes(board: () => SimBoard | undefined): (app: FastifyInstance) => void {
  const current = (): SimBoard => {
    const b = board();
    if (b === undefined) {
      throw new HttpError(503, 'unavailable', 'the simulated board is restarting; try again in a moment', undefined, { 'Retry-After': '1' });
    }
    return b;
  };
  const phone = (port: string): VirtualPhone => {
    const n = portNumber(port);
    const b = current();
    return lookup(b, 'fxs', () => b.phone(n));
  };
  const landline = (port: string): VirtualLandline => {
    const n = portNumber(port);
    const b = current();
    return lookup(b, 'fxo', () => b.landline(n));
  };

  return (app) => {
    app.addContentTypeParser([...WAV_CONTENT_TYPES], { parseAs: 'buffer', bodyLimit: WAV_BODY_LIMIT }, (_req, body, done) => done(null, body));

    app.get('/api/sim', async () => current().state());

    // ---- FXS: the virtual phones ----

    app.get<PortRoute>('/api/sim/fxs/:port', async (req) => phone(req.params.port).state());

    app.post<PortRoute>('/api/sim/fxs/:port/hook', async (req) => {
      const p = phone(req.params.port);
      const state = jsonBody(req.body, ['state']).state;
      if (state !== 'off' && state !== 'on') {
        throw new HttpError(400, 'invalid', 'state must be "off" (lift the handset) or "on" (hang up)', { state: 'must be "off" or "on"' });
      }
      p.hook(state);
      return p.state();
    });

    app.post<PortRoute>('/api/sim/fxs/:port/flash', async (req) => {
      const p = phone(req.params.port);
      await p.flash();
      return p.state();
    });

    app.post<PortRoute>('/api/sim/fxs/:port/dial', async (req) => {
      const p = phone(req.params.port);
      const body = jsonBody(req.body, ['digits', 'mode']);
      const mode = body.mode ?? 'dtmf';
      if (mode !== 'dtmf' && mode !== 'pulse') throw new HttpError(400, 'invalid', 'mode must be "dtmf" or "pulse"', { mode: 'must be "dtmf" or "pulse"' });
      const digits = stringField(body, 'digits', { maxLength: MAX_DIGITS });
      if (!DIGITS[mode].pattern.test(digits)) {
        throw new HttpError(400, 'invalid', `cannot dial ${JSON.stringify(digits)} by ${mode}`, { digits: DIGITS[mode].what });
      }
      // Answer when the digits are out (≈ 0.2 s a DTMF digit, up to ≈ 1.7 s a pulsed one).
      await p.dial(digits, mode);
      return p.state();
    });

    app.post<PortRoute>('/api/sim/fxs/:port/play', async (req, reply) => {
      const p = phone(req.params.port);
      const pcm = wavBody(req.body);
      void p.play(pcm);
      return reply.code(202).send({ ok: true, seconds: pcm.length / SAMPLE_RATE });
    });

    app.get<RecordingRoute>('/api/sim/fxs/:port/recording', async (req, reply) => {
      const p = phone(req.params.port);
      return sendWav(reply, p.recording(secondsOf(req.query)), `sim-fxs-${p.port}.wav`);
    });

    // ---- FXO: the virtual landline ----

    app.get<PortRoute>('/api/sim/fxo/:port', async (req) => landline(req.params.port).state());

    app.post<PortRoute>('/api/sim/fxo/:port/ring', async (req, reply) => {
      const line = landline(req.params.port);
      line.ring(ringCallerId(req.body));
      return reply.code(202).send(line.state());
    });

    app.post<PortRoute>('/api/sim/fxo/:port/hangup', async (req) => {
      const line = landline(req.params.port);
      line.hangup();
      return line.state();
    });

    app.post<PortRoute>('/api/sim/fxo/:port/play', async (req, reply) => {
      const line = landline(req.params.port);
      const pcm = wavBody(req.body);
      void line.play(pcm);
      return reply.code(202).send({ ok: true, seconds: pcm.length / SAMPLE_RATE });
    });

    app.get<RecordingRoute>('/api/sim/fxo/:port/recording', async (req, reply) => {
      const line = landline(req.params.port);
      return sendWav(reply, line.recording(secondsOf(req.query)), `sim-fxo-${line.port}.wav`);
    });
  };
}

/** The `:port` path parameter as a number (400 when it is not a whole number). */
function portNumber(raw: string): number {
  if (!/^[0-9]{1,6}$/.test(raw)) throw new HttpError(400, 'invalid', `port must be a whole number, not ${JSON.stringify(raw)}`, { port: 'must be a whole number' });
  return Number(raw);
}

/** Runs the board's port lookup, turning its BoardError (no such port, wrong kind) into a 404 naming the ports there are. */
function lookup<T>(board: SimBoard, kind: PortKind, get: () => T): T {
  try {
    return get();
  } catch (err) {
    if (!(err instanceof BoardError)) throw err;
    const ports = board.ports.filter((p) => p.kind === kind).map((p) => p.port);
    const KIND = kind.toUpperCase();
    const there = ports.length === 0 ? `this board has no ${KIND} ports` : `${KIND} ports: ${ports.join(', ')}`;
    throw new HttpError(404, 'not_found', `${err.message} (${there})`, { port: ports.length === 0 ? there : `one of ${ports.join(', ')}` });
  }
}

/** A JSON object body with only the `allowed` fields (415 for a WAV, 400 naming unknown fields). */
function jsonBody(body: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (Buffer.isBuffer(body)) throw new HttpError(415, 'unsupported_media_type', 'this request takes a JSON body (Content-Type: application/json)');
  const obj = objectBody(body);
  const unknown = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new HttpError(400, 'invalid', `unknown field${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (expected ${allowed.join(', ')})`, Object.fromEntries(unknown.map((k) => [k, 'unknown field'])));
  }
  return obj;
}

/** The samples of a WAV body: 8 kHz, 16-bit, mono, at most MAX_PLAY_SECONDS (a WavFormatError is a 400 'invalid' on `wav`). */
function wavBody(body: unknown): Int16Array {
  if (body === undefined || body === null) {
    throw new HttpError(400, 'invalid', 'send the audio as the body (Content-Type: audio/wav; 8 kHz, 16-bit, mono)', { wav: 'required' });
  }
  if (!Buffer.isBuffer(body)) throw new HttpError(415, 'unsupported_media_type', 'send the audio as Content-Type: audio/wav (8 kHz, 16-bit, mono)');
  const pcm = parseWav(body);
  if (pcm.length > MAX_PLAY_SECONDS * SAMPLE_RATE) {
    const s = Math.round((pcm.length / SAMPLE_RATE) * 10) / 10;
    throw new HttpError(400, 'invalid', `the WAV is ${s} s long; at most ${MAX_PLAY_SECONDS} s at a time`, { wav: `at most ${MAX_PLAY_SECONDS} seconds` });
  }
  return pcm;
}

/** Caller ID for a ring: a WAV body is the burst itself; JSON names the number and name; no body, none at all. */
function ringCallerId(body: unknown): RingCallerId {
  if (Buffer.isBuffer(body)) return { burst: wavBody(body) };
  if (body === undefined || body === null) return {};
  const b = jsonBody(body, ['number', 'name']);
  const number = optionalString(b, 'number', CALLER_NUMBER, 'up to 32 of 0-9, +, * and #');
  const name = optionalString(b, 'name', CALLER_NAME, 'up to 64 printable ASCII characters');
  return { number, name };
}

function optionalString(body: Record<string, unknown>, field: string, pattern: RegExp, what: string): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !pattern.test(v)) throw new HttpError(400, 'invalid', `${field} must be ${what}`, { [field]: what });
  return v;
}

/** `?seconds=N`: more than 0 and at most HISTORY_SECONDS (30), default 5. */
function secondsOf(query: Record<string, unknown> | undefined): number {
  const raw = query?.seconds;
  if (raw === undefined) return DEFAULT_RECORDING_SECONDS;
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!(Number.isFinite(n) && n > 0 && n <= HISTORY_SECONDS)) {
    throw new HttpError(400, 'invalid', `seconds must be a number more than 0 and at most ${HISTORY_SECONDS}`, { seconds: `more than 0, at most ${HISTORY_SECONDS}` });
  }
  return n;
}

function sendWav(reply: FastifyReply, pcm: Int16Array, filename: string): FastifyReply {
  return reply.type('audio/wav').header('content-disposition', `inline; filename="${filename}"`).send(encodeWav(pcm));
}
