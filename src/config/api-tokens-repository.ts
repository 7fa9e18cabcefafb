/**
 * API tokens for scripts (`Authorization: Bearer dt_...`). A token is 32 random
 * bytes in base64url after the prefix `dt_` (so it is recognisable in a config
 * file or a leak scanner); only its SHA-256 is stored, so the database alone
 * does not let anyone in.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Statement } from 'better-sqlite3';
import { NotFoundError, ValidationError } from '../errors.js';
import type { StoreContext } from './context.js';
import { PATTERNS } from './validate.js';

export const TOKEN_PREFIX = 'dt_';
const TOKEN_BYTES = 32;
const TOKEN_LENGTH = TOKEN_PREFIX.length + Math.ceil((TOKEN_BYTES * 4) / 3);
/** last_used_at is written at most this often per token, to spare the SD card a write per request. */
export const LAST_USED_RESOLUTION_MS = 60_000;

interface TokenRow {
  id: number;
  name: string;
  created_at: number;
  last_used_at: number | null;
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class ApiTokensRepository {
  private readonly insert: Statement<[string, string, number]>;
  private readonly byHash: Statement<[string], TokenRow>;
  private readonly touch: Statement<[number, number]>;
  private readonly all: Statement<[], TokenRow>;
  private readonly deleteOne: Statement<[number]>;

  constructor(private readonly ctx: StoreContext) {
    const { db } = ctx;
    this.insert = db.prepare('INSERT INTO api_tokens (name, token_hash, created_at) VALUES (?, ?, ?)');
    this.byHash = db.prepare('SELECT id, name, created_at, last_used_at FROM api_tokens WHERE token_hash = ?');
    this.touch = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
    this.all = db.prepare('SELECT id, name, created_at, last_used_at FROM api_tokens ORDER BY id');
    this.deleteOne = db.prepare('DELETE FROM api_tokens WHERE id = ?');
  }

  /** Makes a token; the returned `token` is the only time it is seen in clear. */
  create(name: string): { id: number; name: string; token: string } {
    if (typeof name !== 'string' || name.trim().length === 0 || name.length > 64 || !new RegExp(PATTERNS.text.pattern).test(name)) {
      throw new ValidationError('invalid token name', { name: 'must be 1-64 characters without control characters' });
    }
    const token = `${TOKEN_PREFIX}${randomBytes(TOKEN_BYTES).toString('base64url')}`;
    const id = this.ctx.writer.write((note) => {
      const newId = Number(this.insert.run(name, digest(token), this.ctx.clock.wallTime()).lastInsertRowid);
      note({ section: 'apiTokens', op: 'insert', key: newId });
      return newId;
    });
    return { id, name, token };
  }

  /** The token's id and name when it is valid (and notes when it was used), else null. */
  verify(token: string): { id: number; name: string } | null {
    if (typeof token !== 'string' || token.length !== TOKEN_LENGTH || !token.startsWith(TOKEN_PREFIX)) return null;
    // Looking up the SHA-256 of a 256-bit random token: timing reveals nothing useful.
    const row = this.byHash.get(digest(token));
    if (row === undefined) return null;
    const now = this.ctx.clock.wallTime();
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_RESOLUTION_MS || now < row.last_used_at) {
      this.ctx.writer.write(() => this.touch.run(now, row.id));
    }
    return { id: row.id, name: row.name };
  }

  list(): { id: number; name: string; createdAt: number; lastUsedAt: number | null }[] {
    return this.all.all().map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  /** Deletes the token; NotFoundError when there is none with that id. */
  revoke(id: number): void {
    this.ctx.writer.write((note) => {
      if (this.deleteOne.run(id).changes === 0) throw new NotFoundError(`API token ${id}`, { id });
      note({ section: 'apiTokens', op: 'delete', key: id });
    });
  }
}
