/** What every repository is given: the database, the writer, time, a logger, and a view of the rest of the configuration. */
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Account, DialPlanRoute, Line } from './provisioning-schema.js';
import type { Writer } from './writer.js';

/** The sections that reference each other, as stored. */
export interface ConfigSnapshot {
  accounts: Account[];
  lines: Line[];
  dialPlan: DialPlanRoute[];
}

export interface StoreContext {
  readonly db: Database;
  readonly writer: Writer;
  readonly clock: Clock;
  readonly log: Logger;
  /** The stored accounts, lines and dial plan (inside a write: including what it has written so far). */
  snapshot(): ConfigSnapshot;
}
