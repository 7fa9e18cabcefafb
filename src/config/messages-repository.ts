/**
 * Messages unknown callers left on the answering machine (call screening with
 * `unknownCallers: message`): one row per message in the database, its audio an
 * 8 kHz 16-bit mono WAV file in `<dataDir>/messages/`. Newest first.
 *
 * - At most `maxMessages` (100) messages and `maxBytes` (50 MB) of audio are kept:
 *   a new message drops the oldest ones past either limit, and the log says so.
 * - Deleting a message removes its file. A file that is missing or unreadable is a
 *   `MessageAudioError` when the audio is asked for; the list still shows the message.
 * - Messages are not part of the configuration document (backups leave them out); a
 *   factory reset deletes their rows with the others, then their files (`removeFiles`).
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { Statement } from 'better-sqlite3';
import { encodeWav, parseWav } from '../../board/sim/wav.js';
import { DialtoneError, InvalidStateError, NotFoundError, toError, ValidationError } from '../errors.js';
import type { StoreContext } from './context.js';
import { schemaErrors } from './schema-errors.js';

export const NewMessageSchema = Type.Object(
  {
    receivedAt: Type.Integer({ minimum: 0, description: 'When the call came (wall-clock ms since the epoch).' }),
    from: Type.Union([Type.String({ maxLength: 128 }), Type.Null()], { description: 'The caller\'s number, null when withheld or unknown.' }),
    callerName: Type.Union([Type.String({ maxLength: 128 }), Type.Null()]),
    port: Type.Integer({ minimum: 1, maximum: 16, description: 'The landline port the call came on.' }),
  },
  { additionalProperties: false },
);

export type NewMessage = Static<typeof NewMessageSchema> & {
  /** The recording, 8 kHz 16-bit mono: at least one sample, at most `MAX_MESSAGE_MS`. */
  readonly samples: Int16Array;
};

export interface Message {
  id: number;
  receivedAt: number;
  from: string | null;
  callerName: string | null;
  port: number;
  durationMs: number;
  heard: boolean;
  /** The WAV file's name in the messages directory. */
  file: string;
}

export interface MessageLimits {
  readonly maxMessages: number;
  readonly maxBytes: number;
}

export const MESSAGE_LIMITS: MessageLimits = Object.freeze({ maxMessages: 100, maxBytes: 50 * 1024 * 1024 });
/** The longest recording the store accepts, ms (the recorder stops at 120 s). */
export const MAX_MESSAGE_MS = 180_000;
export const MESSAGES_DIR = 'messages';

/** A message's audio file is missing or not a usable WAV file. */
export class MessageAudioError extends DialtoneError {
  constructor(message: string, context: Record<string, unknown> = {}) {
    super('message_audio', message, context);
  }
}

interface MessageRow {
  id: number;
  received_at: number;
  from_number: string | null;
  caller_name: string | null;
  port: number;
  duration_ms: number;
  size_bytes: number;
  heard: number;
  file: string;
}

export class MessagesRepository {
  private readonly limits: MessageLimits;
  private readonly all: Statement<[], MessageRow>;
  private readonly one: Statement<[number], MessageRow>;
  private readonly insert: Statement<Omit<MessageRow, 'id' | 'heard' | 'file'>>;
  private readonly setFile: Statement<[string, number]>;
  private readonly setHeardRow: Statement<[number, number]>;
  private readonly remove: Statement<[number]>;
  private readonly listeners = new Set<() => void>();

  /** `dir`: where the audio files go; undefined (an in-memory store) keeps no messages. */
  constructor(
    private readonly ctx: StoreContext,
    readonly dir: string | undefined,
    limits: Partial<MessageLimits> = {},
  ) {
    this.limits = { ...MESSAGE_LIMITS, ...limits };
    const db = ctx.db;
    this.all = db.prepare('SELECT * FROM messages ORDER BY id DESC');
    this.one = db.prepare('SELECT * FROM messages WHERE id = ?');
    this.insert = db.prepare(`INSERT INTO messages (received_at, from_number, caller_name, port, duration_ms, size_bytes, file)
      VALUES (@received_at, @from_number, @caller_name, @port, @duration_ms, @size_bytes, '')`);
    this.setFile = db.prepare('UPDATE messages SET file = ? WHERE id = ?');
    this.setHeardRow = db.prepare('UPDATE messages SET heard = ? WHERE id = ?');
    this.remove = db.prepare('DELETE FROM messages WHERE id = ?');
  }

  /** Keeps a new message (unheard); the oldest go when a limit is passed. ValidationError naming the field for a bad one. */
  add(m: NewMessage): Message {
    const { samples, ...fields } = m;
    const errors = schemaErrors(NewMessageSchema, fields);
    if (!(samples instanceof Int16Array) || samples.length === 0) errors.samples = 'must be a non-empty recording';
    else if (samples.length > (MAX_MESSAGE_MS * 8000) / 1000) errors.samples = `must be at most ${MAX_MESSAGE_MS / 1000} s long`;
    if (Object.keys(errors).length > 0) throw new ValidationError('invalid message', errors);
    const dir = this.dir;
    if (dir === undefined) throw new InvalidStateError('this store has no data directory for messages');
    const wav = encodeWav(samples);
    const id = this.ctx.writer.write(() => {
      const newId = Number(this.insert.run({
        received_at: fields.receivedAt, from_number: fields.from, caller_name: fields.callerName, port: fields.port,
        duration_ms: Math.round((samples.length * 1000) / 8000), size_bytes: wav.length,
      }).lastInsertRowid);
      const file = `message-${newId}.wav`;
      this.setFile.run(file, newId);
      // Written before the row commits: a failed write leaves no message without audio.
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${file}.tmp`), wav);
      renameSync(join(dir, `${file}.tmp`), join(dir, file));
      return newId;
    });
    this.prune(id);
    this.changed();
    return this.get(id);
  }

  /** Calls `listener` after every change to the messages (kept, heard, deleted, pruned); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The landline ports with at least one unheard message (for message waiting on the phones they ring). */
  landlinesWithUnheard(): Set<number> {
    return new Set(this.all.all().filter((r) => r.heard === 0).map((r) => r.port));
  }

  /** Every message, newest first. */
  list(): Message[] {
    return this.all.all().map(toMessage);
  }

  /** NotFoundError for an unknown id. */
  get(id: number): Message {
    const row = Number.isSafeInteger(id) ? this.one.get(id) : undefined;
    if (row === undefined) throw new NotFoundError(`message ${id}`, { id });
    return toMessage(row);
  }

  /** The message's WAV file; NotFoundError for an unknown id, MessageAudioError when the file is missing or corrupt. */
  audio(id: number): Buffer {
    const m = this.get(id);
    if (this.dir === undefined) throw new MessageAudioError(`message ${id} has no audio: this store has no messages directory`, { id });
    const path = join(this.dir, m.file);
    let wav: Buffer;
    try {
      wav = readFileSync(path);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      throw new MessageAudioError(`the audio of message ${id} ${missing ? 'is missing' : 'cannot be read'} (${MESSAGES_DIR}/${m.file})`, { id, err: toError(err).message });
    }
    try {
      parseWav(wav);
    } catch (err) {
      throw new MessageAudioError(`the audio of message ${id} is corrupt (${MESSAGES_DIR}/${m.file}: ${toError(err).message})`, { id });
    }
    return wav;
  }

  /** Marks a message heard or not; NotFoundError for an unknown id. */
  setHeard(id: number, heard: boolean): Message {
    if (typeof heard !== 'boolean') throw new ValidationError('invalid message update', { heard: 'must be true or false' });
    this.get(id);
    this.ctx.writer.write(() => this.setHeardRow.run(heard ? 1 : 0, id));
    this.changed();
    return this.get(id);
  }

  /** Deletes a message and its file; NotFoundError for an unknown id. */
  delete(id: number): void {
    const m = this.get(id);
    this.ctx.writer.write(() => this.remove.run(id));
    this.removeFile(m.file);
    this.changed();
  }

  /** Removes every file in the messages directory (a factory reset, once it has deleted the rows). */
  removeFiles(): void {
    if (this.dir === undefined) return;
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) this.removeFile(name);
  }

  /** Tells the listeners; one that throws does not stop the others or the write that was made. */
  private changed(): void {
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.ctx.log.error('a messages listener failed', { err: toError(err).message });
      }
    }
  }

  /** Drops the oldest messages (never `keep`, the one just added) while a limit is passed. */
  private prune(keep: number): void {
    const rows = this.all.all();
    let count = rows.length;
    let bytes = rows.reduce((sum, r) => sum + r.size_bytes, 0);
    for (const r of [...rows].reverse()) {
      if (count <= this.limits.maxMessages && bytes <= this.limits.maxBytes) break;
      if (r.id === keep) continue;
      this.ctx.writer.write(() => this.remove.run(r.id));
      this.removeFile(r.file);
      count -= 1;
      bytes -= r.size_bytes;
      this.ctx.log.info('message store full: the oldest message was dropped', {
        id: r.id, from: r.from_number, receivedAt: r.received_at, maxMessages: this.limits.maxMessages, maxBytes: this.limits.maxBytes,
      });
    }
  }

  private removeFile(name: string): void {
    if (this.dir === undefined || name === '') return;
    try {
      rmSync(join(this.dir, name), { force: true });
    } catch (err) {
      this.ctx.log.warn('a message file could not be removed', { file: name, err: toError(err).message });
    }
  }
}

function toMessage(r: MessageRow): Message {
  return {
    id: r.id, receivedAt: r.received_at, from: r.from_number, callerName: r.caller_name, port: r.port,
    durationMs: r.duration_ms, heard: r.heard === 1, file: r.file,
  };
}
