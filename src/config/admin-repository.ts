/**
 * The admin password. There is no default: until one is set the web page asks
 * for it (DESIGN §6). Only a scrypt hash is stored.
 */
import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors.js';
import type { StoreContext } from './context.js';
import { hashPassword, parsePasswordHash, verifyPassword as verifyHash } from './password-hash.js';

export const MIN_PASSWORD_LENGTH = 8;
const MAX_PASSWORD_LENGTH = 1024;

/** What is wrong with a new admin password, if anything. */
export function adminPasswordProblem(pw: unknown): string | undefined {
  if (typeof pw !== 'string') return 'must be a string';
  if (pw.length < MIN_PASSWORD_LENGTH) return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (pw.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return undefined;
}

export class AdminRepository {
  private readonly select: Statement<[], { password_hash: string }>;
  private readonly upsert: Statement<[string, number]>;

  constructor(private readonly ctx: StoreContext) {
    this.select = ctx.db.prepare('SELECT password_hash FROM admin WHERE id = 1');
    this.upsert = ctx.db.prepare('INSERT OR REPLACE INTO admin (id, password_hash, updated_at) VALUES (1, ?, ?)');
  }

  isSet(): boolean {
    return this.passwordHash() !== null;
  }

  passwordHash(): string | null {
    return this.select.get()?.password_hash ?? null;
  }

  /** Hashes and stores a new password (at least 8 characters). */
  setPassword(pw: string): void {
    const problem = adminPasswordProblem(pw);
    if (problem !== undefined) throw new ValidationError('invalid admin password', { password: problem });
    // Hash outside the transaction: scrypt takes tens of milliseconds and needs no lock.
    this.store(hashPassword(pw));
  }

  /** Stores a hash as exported with secrets (`scrypt$N$r$p$salt$hash`). */
  setPasswordHash(hash: string): void {
    const parsed = typeof hash === 'string' ? parsePasswordHash(hash) : 'must be a string';
    if (typeof parsed === 'string') throw new ValidationError('invalid admin password hash', { passwordHash: parsed });
    this.store(hash);
  }

  verifyPassword(pw: string): boolean {
    const hash = this.passwordHash();
    if (hash === null || typeof pw !== 'string' || pw.length > MAX_PASSWORD_LENGTH) return false;
    return verifyHash(pw, hash);
  }

  /**
   * The hash to store for a password from a document: the stored hash when the
   * password already matches it (so provisioning the same document at every start
   * changes nothing), a new hash otherwise.
   */
  hashFor(pw: string): string {
    const current = this.passwordHash();
    return current !== null && verifyHash(pw, current) ? current : hashPassword(pw);
  }

  /** Stores `hash` inside the caller's transaction; returns whether it changed. */
  applyHash(hash: string): boolean {
    if (this.passwordHash() === hash) return false;
    this.upsert.run(hash, this.ctx.clock.wallTime());
    return true;
  }

  private store(hash: string): void {
    this.ctx.writer.write((note) => {
      const existed = this.isSet();
      if (this.applyHash(hash)) note({ section: 'admin', op: existed ? 'update' : 'insert' });
    });
  }
}
