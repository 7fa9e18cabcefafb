/** Settings of the whole box; for now the region (country profile). */
import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors.js';
import type { StoreContext } from './context.js';
import { DEFAULT_REGION, regionProblem } from './regions.js';

export class SettingsRepository {
  private readonly select: Statement<[string], { value: string }>;
  private readonly upsert: Statement<[string, string]>;

  constructor(private readonly ctx: StoreContext) {
    this.select = ctx.db.prepare('SELECT value FROM settings WHERE key = ?');
    this.upsert = ctx.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
  }

  /** The region in use: the one set, or DEFAULT_REGION. */
  region(): string {
    return this.storedRegion() ?? DEFAULT_REGION;
  }

  /** The region as set, or undefined when none was ever set (exports leave it out). */
  storedRegion(): string | undefined {
    return this.select.get('region')?.value;
  }

  setRegion(code: string): void {
    const problem = regionProblem(code);
    if (problem !== undefined) throw new ValidationError('invalid region', { region: problem });
    this.ctx.writer.write((note) => {
      const before = this.storedRegion();
      if (this.applyRegion(code)) note({ section: 'settings', op: before === undefined ? 'insert' : 'update', key: 'region' });
    });
  }

  /** Sets the region (already validated) inside the caller's transaction; returns whether it changed. */
  applyRegion(code: string): boolean {
    if (this.storedRegion() === code) return false;
    this.upsert.run('region', code);
    return true;
  }
}
