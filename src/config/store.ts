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
import { MESSAGES_DIR, MessagesRepository, type MessageLimits } from './messages-repository.js';
import { exportDocument, importDocument, type DocumentParts } from './provisioning.js';
import type { ProvisioningDocument } from './provisioning-schema.js';
import { SettingsRepository } from './settings-repository.js';
import type { ConfigChange, ConfigSection } from './types.js';
import { Writer } from './writer.js';

export const DATABASE_FILE = 'dialtone.db';

export interface OpenOptions {
  log: Logger;
  clock: Clock;
  /** How many messages (and bytes of their audio) are kept (default: messages-repository.ts MESSAGE_LIMITS). */
  messageLimits?: Partial<MessageLimits>;
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
  /** The answering machine's messages (not part of the configuration document: backups leave them out). */
  readonly messages: MessagesRepository;
  private readonly parts: DocumentParts;
  private readonly writer: Writer;
  private closed = false;

  private constructor(
    private readonly db: Database,
    private readonly log: Logger,
    clock: Clock,
    messagesDir: string | undefined,
    messageLimits: Partial<MessageLimits> | undefined,
  ) {
    super();
    const writer = new Writer(db, (changes) => this.publish(changes));
    this.writer = writer;
    const ctx: StoreContext = { db, writer, clock, log, snapshot: () => this.snapshot() };
    this.admin = new AdminRepository(ctx);
    this.accounts = new AccountsRepository(ctx);
    this.lines = new LinesRepository(ctx);
    this.dialPlan = new DialPlanRepository(ctx);
    this.settings = new SettingsRepository(ctx);
    this.cdrs = new CdrRepository(ctx);
    this.events = new EventsRepository(ctx);
    this.apiTokens = new ApiTokensRepository(ctx);
    this.messages = new MessagesRepository(ctx, messagesDir, messageLimits);
    this.parts = {
      writer, admin: this.admin, settings: this.settings, accounts: this.accounts, lines: this.lines, dialPlan: this.dialPlan,
      snapshot: () => this.snapshot(),
    };
  }

  /** Opens (creating if needed) `dataDir/dialtone.db`. */
  static open(opts: OpenOptions & { dataDir: string }): ConfigStore {
    mkdirSync(opts.dataDir, { recursive: true });
    return ConfigStore.openFile({ ...opts, file: join(opts.dataDir, DATABASE_FILE), messagesDir: join(opts.dataDir, MESSAGES_DIR) });
  }

  /**
   * Opens one database file; `:memory:` gives a private in-memory store (tests).
   * `messagesDir`: where the answering machine's audio goes (none: no messages are kept).
   */
  static openFile(opts: OpenOptions & { file: string; messagesDir?: string }): ConfigStore {
    return new ConfigStore(openDatabase(opts.file, opts.log), opts.log, opts.clock, opts.messagesDir, opts.messageLimits);
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

  /**
   * Erases everything a person set or the box recorded: accounts, lines, the dial
   * plan (and whether one was set), every setting, API tokens, call records, the
   * event log, the answering machine's messages and the admin password, in one
   * transaction; then the messages' audio files. Deleted rows are
   * overwritten on disk (secure_delete), so a box handed on keeps no SIP password.
   * Then one change per section that had anything, so running parts reconfigure.
   */
  factoryReset(): void {
    const secureDelete = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    try {
      this.writer.write((note) => {
        const wipe = (table: string): boolean => this.db.prepare(`DELETE FROM ${table}`).run().changes > 0;
        const changed = (section: ConfigSection, did: boolean, op: ConfigChange['op'] = 'replace'): void => {
          if (did) note({ section, op });
        };
        const planWasDefined = this.dialPlan.isDefined();
        // Routes and lines before the accounts they name (the foreign keys are deferred anyway).
        changed('dialPlan', wipe('dial_plan') || planWasDefined);
        changed('lines', wipe('lines'));
        changed('accounts', wipe('accounts'));
        // Every setting, the dial plan's "defined" marker among them.
        changed('settings', wipe('settings'));
        changed('apiTokens', wipe('api_tokens'));
        wipe('cdrs');
        wipe('events');
        wipe('messages');
        changed('admin', wipe('admin'), 'delete');
      });
      this.messages.removeFiles();
      // Push the overwritten pages into the database file and drop the old WAL frames that still hold the data.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      this.db.pragma(`secure_delete = ${secureDelete === 1 ? 'ON' : 'OFF'}`);
    }
    this.log.warn('factory reset: the configuration, call records, messages and admin password were erased');
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
