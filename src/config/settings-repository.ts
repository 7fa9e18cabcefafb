/** Settings of the whole box: the region (country profile) and how SIP over TLS checks servers. */
import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors.js';
import type { StoreContext } from './context.js';
import type { SipTlsSettings } from './provisioning-schema.js';
import { DEFAULT_REGION, regionProblem } from './regions.js';
import { sipTlsProblems } from './sip-tls-check.js';

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

  /** How SIP over TLS checks servers, as set (undefined: never set; exports leave it out). */
  storedSipTls(): SipTlsSettings | undefined {
    const raw = this.select.get('sipTls')?.value;
    return raw === undefined ? undefined : (JSON.parse(raw) as SipTlsSettings);
  }

  /** How SIP over TLS checks servers: verification on unless turned off, extra CAs if any. */
  sipTls(): { verifyServer: boolean; trustedCertificates?: string } {
    const stored = this.storedSipTls();
    return { verifyServer: stored?.verifyServer !== false, ...(stored?.trustedCertificates !== undefined ? { trustedCertificates: stored.trustedCertificates } : {}) };
  }

  setSipTls(value: SipTlsSettings): void {
    const problems = sipTlsProblems(value);
    if (Object.keys(problems).length > 0) throw new ValidationError('invalid SIP TLS settings', problems);
    this.ctx.writer.write((note) => {
      const before = this.storedSipTls();
      if (this.applySipTls(value)) note({ section: 'settings', op: before === undefined ? 'insert' : 'update', key: 'sipTls' });
    });
  }

  /** Sets the SIP TLS settings (already validated) inside the caller's transaction; returns whether they changed. */
  applySipTls(value: SipTlsSettings): boolean {
    const text = JSON.stringify({
      ...(value.verifyServer !== undefined ? { verifyServer: value.verifyServer } : {}),
      ...(value.trustedCertificates !== undefined ? { trustedCertificates: value.trustedCertificates } : {}),
    });
    if (this.select.get('sipTls')?.value === text) return false;
    this.upsert.run('sipTls', text);
    return true;
  }

  /** Sets the region (already validated) inside the caller's transaction; returns whether it changed. */
  applyRegion(code: string): boolean {
    if (this.storedRegion() === code) return false;
    this.upsert.run('region', code);
    return true;
  }
}
