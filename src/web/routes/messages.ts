/**
 * The answering machine's messages (call screening with `unknownCallers: message`):
 *   GET    /api/messages            {"messages": [Message…], "unheard": n}, newest first
 *   GET    /api/messages/:id/audio  the recording (audio/wav, 8 kHz 16-bit mono)
 *   PATCH  /api/messages/:id        {"heard": true|false} → the message
 *   DELETE /api/messages/:id        204; the message and its audio are gone
 * An unknown id is 404 `not_found`; a message whose audio file is missing or corrupt
 * is 500 `message_audio` with a message saying which file. 503 while the
 * configuration store restarts. Same guards as every /api route (session or token).
 */
import type { FastifyInstance } from 'fastify';
import { MessageAudioError, type Message } from '../../config/messages-repository.js';
import { NotFoundError, ValidationError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { HttpError } from '../http-error.js';
import { bodyWithKeys } from './config-api-deps.js';

/** What the routes need of the store's messages repository. */
export interface MessagesSource {
  list(): Message[];
  audio(id: number): Buffer;
  setHeard(id: number, heard: boolean): Message;
  delete(id: number): void;
}

export interface MessageView {
  id: number;
  /** Wall-clock ms since the epoch. */
  receivedAt: number;
  from: string | null;
  callerName: string | null;
  port: number;
  durationMs: number;
  heard: boolean;
  audioUrl: string;
}

type IdRoute = { Params: { id: string } };

export function messagesRoutes(deps: { messages: () => MessagesSource | undefined; log: Logger }): (app: FastifyInstance) => void {
  const source = (): MessagesSource => {
    const s = deps.messages();
    if (s === undefined) throw new HttpError(503, 'unavailable', 'the configuration is restarting; try again in a moment', undefined, { 'Retry-After': '2' });
    return s;
  };
  return (app) => {
    app.get('/api/messages', async () => {
      const messages = source().list().map(view);
      return { messages, unheard: messages.filter((m) => !m.heard).length };
    });

    app.get<IdRoute>('/api/messages/:id/audio', async (req, reply) => {
      const id = messageId(req.params.id);
      let wav: Buffer;
      try {
        wav = source().audio(id);
      } catch (err) {
        if (!(err instanceof MessageAudioError)) throw err;
        deps.log.warn('a message\'s audio is unavailable', { id, err: err.message });
        throw new HttpError(500, err.code, err.message);
      }
      return reply.type('audio/wav').header('Content-Disposition', `inline; filename="message-${id}.wav"`).send(wav);
    });

    app.patch<IdRoute>('/api/messages/:id', async (req) => {
      const id = messageId(req.params.id);
      const body = bodyWithKeys(req.body, ['heard'], 'message update');
      if (typeof body.heard !== 'boolean') throw new ValidationError('invalid message update', { heard: 'must be true or false' });
      return view(source().setHeard(id, body.heard));
    });

    app.delete<IdRoute>('/api/messages/:id', async (req, reply) => {
      source().delete(messageId(req.params.id));
      return reply.code(204).send();
    });
  };
}

/** The id in the path; anything but a whole number is an unknown message (404). */
function messageId(raw: string): number {
  if (!/^[0-9]{1,15}$/.test(raw)) throw new NotFoundError(`message ${raw}`);
  return Number(raw);
}

function view(m: Message): MessageView {
  return {
    id: m.id, receivedAt: m.receivedAt, from: m.from, callerName: m.callerName, port: m.port, durationMs: m.durationMs, heard: m.heard,
    audioUrl: `/api/messages/${m.id}/audio`,
  };
}
