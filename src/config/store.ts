/**
 * The configuration store (DESIGN §5): one SQLite file under the data directory,
 * typed repositories that validate every write, and change events emitted after
 * each commit so the parts that depend on a value can reconfigure themselves.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock.js';
import { toError } from '../errors.js';
import type { Logger } from '../log.js';
import { AccountsRepository } from './accounts-repository.js';
import { AdminRepository } from './admin-repository.js';
import { ApiTokensRepository } from './api-tokens-repository.js';
import { CdrRepository } from './cdr-repository.js';
import type { ConfigSnapshot, StoreContext } from './context.js';
import { openDatabase } from './database.js';
import { DialPlanRepository } from './dial-plan-repository.js';
import { EventsRepository } from './events-repository.js';
import { LinesRepository } from './lines-repository.js';
import { exportDocument, importDocument, type DocumentParts } from './provisioning.js';
import type { ProvisioningDocument } from './provisioning-schema.js';
import { SettingsRepository } from './settings-repository.js';
import type { ConfigChange } from './types.js';
import { Writer } from './writer.js';

export const DATABASE_FILE = 'dialtone.db';

export interface OpenOptions {
  log: Logger;
  clock: Clock;
}

export class ConfigStore extends EventEmitter<{ change: [ConfigChange] }> {
  readonly admin: AdminRepository;
  readonly accounts: AccountsRepository;
  readonly lines: LinesRepository;
  readonly dialPlan: DialPlanRepository;
  readonly settings: SettingsRepository;
  readonly cdrs: CdrRepository;
  readonly events: EventsRepository;
  readonly apiTokens: ApiTokensRepository;
  private readonly parts: DocumentParts;
  private closed = false;

  private constructor(
    private readonly db: Database,
    private readonly log: Logger,
    clock: Clock,
  ) {
    super();
    const writer = new Writer(db, (changes) => this.publish(changes));
    const ctx: StoreContext = { db, writer, clock, log, snapshot: () => this.snapshot() };
    this.admin = new AdminRepository(ctx);
    this.accounts = new AccountsRepository(ctx);
    this.lines = new LinesRepository(ctx);
    this.dialPlan = new DialPlanRepository(ctx);
    this.settings = new SettingsRepository(ctx);
    this.cdrs = new CdrRepository(ctx);
    this.events = new EventsRepository(ctx);
    this.apiTokens = new ApiTokensRepository(ctx);
    this.parts = {
      writer, admin: this.admin, settings: this.settings, accounts: this.accounts, lines: this.lines, dialPlan: this.dialPlan,
      snapshot: () => this.snapshot(),
    };
  }

  /** Opens (creating if needed) `dataDir/dialtone.db`. */
  static open(opts: OpenOptions & { dataDir: string }): ConfigStore {
    mkdirSync(opts.dataDir, { recursive: true });
    return ConfigStore.openFile({ file: join(opts.dataDir, DATABASE_FILE), log: opts.log, clock: opts.clock });
  }

  /** Opens one database file; `:memory:` gives a private in-memory store (tests). */
  static openFile(opts: OpenOptions & { file: string }): ConfigStore {
    return new ConfigStore(openDatabase(opts.file, opts.log), opts.log, opts.clock);
  }

  /** Closes the database; the store must not be used afterwards. Closing twice does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  /** The configuration as a provisioning document (secrets only when asked for). */
  exportDocument(opts: { includeSecrets: boolean }): ProvisioningDocument {
    return exportDocument(this.parts, opts);
  }

  /** Validates `doc` whole, then applies it in one transaction, or throws ValidationError and changes nothing. */
  importDocument(doc: unknown): void {
    importDocument(this.parts, doc);
  }

  private snapshot(): ConfigSnapshot {
    return { accounts: this.accounts.list(), lines: this.lines.list(), dialPlan: this.dialPlan.list() };
  }

  /** Calls each listener on its own: one that throws (or rejects) is logged and the others still hear the change. */
  private publish(changes: readonly ConfigChange[]): void {
    for (const change of changes) {
      this.log.info('configuration changed', { ...change });
      for (const listener of this.rawListeners('change')) {
        try {
          const result: unknown = listener.call(this, change);
          if (result instanceof Promise) result.catch((err: unknown) => this.listenerFailed(err, change));
        } catch (err) {
          this.listenerFailed(err, change);
        }
      }
    }
  }

  private listenerFailed(err: unknown, change: ConfigChange): void {
    const e = toError(err);
    this.log.error('a configuration change listener failed', { change, err: e.message, stack: e.stack });
  }
}
