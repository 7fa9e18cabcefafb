/**
 * Settings of the whole box: the region (country profile), how SIP over TLS checks
 * servers, the RTP ports, call screening, star codes, and the hardware profile chosen
 * on the page (`boardProfile`: the box's own, not part of the provisioning document).
 */
import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors.js';
import type { StoreContext } from './context.js';
import type { CallScreening, RtpSettings, SipTlsSettings, StarCodeSettings } from './provisioning-schema.js';
import { DEFAULT_REGION, regionProblem } from './regions.js';
import { callScreeningProblems, rtpSettingsProblems, sipTlsProblems, starCodeProblems } from './settings-checks.js';
import type { FieldErrors } from './validate.js';

/** The RTP settings in effect (defaults filled in). */
export interface EffectiveRtpSettings {
  portMin: number;
  portMax: number;
  jitterMinMs: number;
  jitterMaxMs: number;
}

export const RTP_DEFAULTS: EffectiveRtpSettings = { portMin: 10000, portMax: 20000, jitterMinMs: 40, jitterMaxMs: 300 };

/** A board profile id as the profile files name them (board/profiles/ID.json). */
const PROFILE_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

export class SettingsRepository {
  private readonly select: Statement<[string], { value: string }>;
  private readonly upsert: Statement<[string, string]>;
  private readonly remove: Statement<[string]>;

  constructor(private readonly ctx: StoreContext) {
    this.select = ctx.db.prepare('SELECT value FROM settings WHERE key = ?');
    this.upsert = ctx.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)');
    this.remove = ctx.db.prepare('DELETE FROM settings WHERE key = ?');
  }

  /** The hardware profile chosen on the page (undefined: none chosen, the board's default). Read at each start of the board. */
  boardProfile(): string | undefined {
    return this.select.get('boardProfile')?.value;
  }

  /**
   * Stores the hardware profile to use (undefined: forget the choice). Only the id's
   * form is checked here; whether the board has such a profile is the caller's check.
   */
  setBoardProfile(id: string | undefined): void {
    if (id !== undefined && !PROFILE_ID.test(id)) {
      throw new ValidationError('invalid board profile', { boardProfile: 'a profile id: lowercase letters, digits and dashes' });
    }
    this.ctx.writer.write((note) => {
      const before = this.boardProfile();
      if (before === id) return;
      if (id === undefined) this.remove.run('boardProfile');
      else this.upsert.run('boardProfile', id);
      note({ section: 'settings', op: id === undefined ? 'delete' : before === undefined ? 'insert' : 'update', key: 'boardProfile' });
    });
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
    return this.stored<SipTlsSettings>('sipTls');
  }

  /** The RTP settings as set (undefined: never set). */
  storedRtp(): RtpSettings | undefined {
    return this.stored<RtpSettings>('rtp');
  }

  /** The RTP port range and jitter-buffer bounds in effect. */
  rtp(): EffectiveRtpSettings {
    return { ...RTP_DEFAULTS, ...this.storedRtp() };
  }

  setRtp(value: RtpSettings): void {
    this.setJson('rtp', value, rtpSettingsProblems(value));
  }

  /** Sets the RTP settings (already validated) inside the caller's transaction; returns whether they changed. */
  applyRtp(value: RtpSettings): boolean {
    return this.applyJson('rtp', value);
  }

  /** Which incoming calls ring the phones, as set (undefined: never set, every call rings). */
  callScreening(): CallScreening | undefined {
    return this.stored<CallScreening>('callScreening');
  }

  setCallScreening(value: CallScreening): void {
    this.setJson('callScreening', orderedScreening(value), callScreeningProblems(value));
  }

  /** Sets call screening (already validated) inside the caller's transaction; returns whether it changed. */
  applyCallScreening(value: CallScreening): boolean {
    return this.applyJson('callScreening', orderedScreening(value));
  }

  /** The star codes set to differ from the defaults (undefined: never set). */
  starCodes(): StarCodeSettings | undefined {
    return this.stored<StarCodeSettings>('starCodes');
  }

  setStarCodes(value: StarCodeSettings): void {
    this.setJson('starCodes', value, starCodeProblems(value));
  }

  /** Sets the star codes (already validated) inside the caller's transaction; returns whether they changed. */
  applyStarCodes(value: StarCodeSettings): boolean {
    return this.applyJson('starCodes', value);
  }

  private stored<T>(key: string): T | undefined {
    const raw = this.select.get(key)?.value;
    return raw === undefined ? undefined : (JSON.parse(raw) as T);
  }

  private setJson(key: string, value: object, problems: FieldErrors): void {
    if (Object.keys(problems).length > 0) throw new ValidationError(`invalid ${key} settings`, problems);
    this.ctx.writer.write((note) => {
      const before = this.select.get(key);
      if (this.applyJson(key, value)) note({ section: 'settings', op: before === undefined ? 'insert' : 'update', key });
    });
  }

  /** Stores a JSON settings object with its keys in a fixed order, unset keys left out. */
  private applyJson(key: string, value: object): boolean {
    const text = JSON.stringify(Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)));
    if (this.select.get(key)?.value === text) return false;
    this.upsert.run(key, text);
    return true;
  }

  /** How SIP over TLS checks servers: verification on unless turned off, extra CAs if any. */
  sipTls(): { verifyServer: boolean; trustedCertificates?: string } {
    const stored = this.storedSipTls();
    return { verifyServer: stored?.verifyServer !== false, ...(stored?.trustedCertificates !== undefined ? { trustedCertificates: stored.trustedCertificates } : {}) };
  }

  setSipTls(value: SipTlsSettings): void {
    this.setJson('sipTls', { verifyServer: value.verifyServer, trustedCertificates: value.trustedCertificates }, sipTlsProblems(value));
  }

  /** Sets the SIP TLS settings (already validated) inside the caller's transaction; returns whether they changed. */
  applySipTls(value: SipTlsSettings): boolean {
    return this.applyJson('sipTls', { verifyServer: value.verifyServer, trustedCertificates: value.trustedCertificates });
  }

  /** Sets the region (already validated) inside the caller's transaction; returns whether it changed. */
  applyRegion(code: string): boolean {
    if (this.storedRegion() === code) return false;
    this.upsert.run('region', code);
    return true;
  }
}

function orderedScreening(v: CallScreening): CallScreening {
  return { blocked: v.blocked, allowed: v.allowed, rejectAnonymous: v.rejectAnonymous, unknownCallers: v.unknownCallers };
}
