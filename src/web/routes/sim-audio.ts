/**
 * The virtual phone panel's audio (docs/api.md): a WebSocket on
 *   GET /api/sim/fxs/:port/audio
 * under the normal login of /api, refused when the browser's Origin is another
 * site (cross-site WebSocket hijacking: a WebSocket handshake is a GET, so the
 * server's state-changing check does not cover it).
 *   box → browser: binary, 160 samples s16le at 8 kHz (20 ms of the earpiece) per
 *                  frame; text {"type":"state", …GET /api/sim/fxs/:port} on change
 *   browser → box: binary s16le at 8 kHz, queued into the phone's microphone; audio
 *                  more than MAX_MIC_QUEUE_MS behind is dropped.
 * The phone is looked up again on every state poll, so the socket follows the
 * board across a restart of the lines part (no audio while there is no board).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SAMPLE_RATE } from '../../../audio/pcm.js';
import { BoardError } from '../../../board/board.js';
import type { SimBoard } from '../../../board/sim/sim-board.js';
import type { VirtualPhone } from '../../../board/sim/virtual-phone.js';
import { HttpError } from '../http-error.js';
import { crossSiteReason } from '../request-guard.js';

/** How often the phone's state is compared with what was last sent, ms. */
export const STATE_POLL_MS = 100;
/** Microphone audio queued beyond this is dropped (the browser is too far ahead), ms. */
export const MAX_MIC_QUEUE_MS = 500;
/** Earpiece frames are skipped while this much is still unsent to a slow client, bytes. */
const MAX_BUFFERED_BYTES = 64 * 1024;
const OPEN = 1;

/** The part of a `ws` WebSocket this route uses. */
interface Socket {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string | Buffer): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): void;
  on(event: 'close' | 'error', listener: () => void): void;
}

interface PortRoute {
  Params: { port: string };
}

export function simAudioRoutes(board: () => SimBoard | undefined): (app: FastifyInstance) => void {
  /** The phone on `port` now, or undefined while there is no board. */
  const phoneOn = (port: number): VirtualPhone | undefined => {
    const b = board();
    if (b === undefined) return undefined;
    try {
      return b.phone(port);
    } catch {
      return undefined;
    }
  };

  /** Checks the handshake before the upgrade, so a refusal is a plain HTTP answer. */
  const checkHandshake = async (req: FastifyRequest<PortRoute>): Promise<void> => {
    const reason = crossSiteReason(req.headers);
    if (reason !== undefined) throw new HttpError(403, 'cross_site', `cross-site WebSocket refused (${reason})`);
    const raw = req.params.port;
    if (!/^[0-9]{1,6}$/.test(raw)) throw new HttpError(400, 'invalid', `port must be a whole number, not ${JSON.stringify(raw)}`, { port: 'must be a whole number' });
    const b = board();
    if (b === undefined) {
      throw new HttpError(503, 'unavailable', 'the simulated board is restarting; try again in a moment', undefined, { 'Retry-After': '1' });
    }
    try {
      b.phone(Number(raw));
    } catch (err) {
      if (!(err instanceof BoardError)) throw err;
      const ports = b.ports.filter((p) => p.kind === 'fxs').map((p) => p.port);
      throw new HttpError(404, 'not_found', `${err.message} (FXS ports: ${ports.join(', ')})`, { port: `one of ${ports.join(', ')}` });
    }
  };

  return (app) => {
    app.get<PortRoute>('/api/sim/fxs/:port/audio', { websocket: true, preHandler: checkHandshake }, (socket: Socket, req) => {
      serve(socket, Number(req.params.port), phoneOn);
    });
  };
}

/** Runs one panel's socket until it closes. */
function serve(socket: Socket, port: number, phoneOn: (port: number) => VirtualPhone | undefined): void {
  let phone: VirtualPhone | undefined;
  let untap: () => void = () => {};
  let lastState = '';
  /** Microphone samples handed to the phone and not yet played out. */
  let micQueued = 0;
  const maxMicQueued = (MAX_MIC_QUEUE_MS * SAMPLE_RATE) / 1000;

  const attach = (): void => {
    const now = phoneOn(port);
    if (now === phone) return;
    untap();
    untap = () => {};
    phone = now;
    micQueued = 0;
    if (now === undefined) return;
    untap = now.onEarpiece((frame) => {
      if (socket.readyState !== OPEN || socket.bufferedAmount > MAX_BUFFERED_BYTES) return;
      socket.send(toS16le(frame));
    });
  };

  const poll = (): void => {
    attach();
    if (phone === undefined || socket.readyState !== OPEN) return;
    const text = JSON.stringify({ type: 'state', ...phone.state() });
    if (text === lastState) return;
    lastState = text;
    socket.send(text);
  };

  socket.on('message', (data, isBinary) => {
    if (!isBinary || phone === undefined) return;
    const pcm = fromS16le(data);
    if (pcm.length === 0 || micQueued + pcm.length > maxMicQueued) return;
    micQueued += pcm.length;
    const n = pcm.length;
    const target = phone;
    void target.play(pcm).then(() => {
      if (phone === target) micQueued = Math.max(0, micQueued - n);
    });
  });

  poll();
  const timer = setInterval(poll, STATE_POLL_MS);
  timer.unref();
  const stop = (): void => {
    clearInterval(timer);
    untap();
    untap = () => {};
    phone = undefined;
  };
  socket.on('close', stop);
  socket.on('error', stop);
}

/** Samples as signed 16-bit little-endian bytes. */
export function toS16le(pcm: Int16Array): Buffer {
  const out = Buffer.allocUnsafe(pcm.length * 2);
  for (let i = 0; i < pcm.length; i++) out.writeInt16LE(pcm[i] ?? 0, i * 2);
  return out;
}

/** Signed 16-bit little-endian bytes as samples (a trailing odd byte is ignored). */
export function fromS16le(data: Buffer | ArrayBuffer | Buffer[]): Int16Array {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  const n = Math.floor(buf.length / 2);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = buf.readInt16LE(i * 2);
  return out;
}
