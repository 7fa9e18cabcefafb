/**
 * SIP accounts, in the order they were added (or listed in the last imported
 * document). An upsert without `password` keeps the password already stored for
 * that id, so a form that does not show the password cannot erase it.
 */
import type { Statement } from 'better-sqlite3';
import { NotFoundError, ValidationError } from '../errors.js';
import { assertConsistent } from './consistency.js';
import type { StoreContext } from './context.js';
import { accountErrors } from './entity-checks.js';
import type { Account } from './provisioning-schema.js';
import { compact, fromBool, fromJson, sameJson, toBool, toJson } from './types.js';

interface AccountRow {
  id: string;
  position: number;
  server: string;
  transport: Account['transport'] | null;
  username: string;
  password: string | null;
  display_name: string | null;
  register: number | null;
  auth_username: string | null;
  outbound_proxy: string | null;
  register_expires: number | null;
  enabled: number | null;
  codecs: string | null;
  dtmf_mode: Account['dtmfMode'] | null;
  accept_calls_from_any_address: number | null;
  srtp: Account['srtp'] | null;
}

/** Keys in the schema's order, unset fields absent. */
function fromRow(r: AccountRow): Account {
  return compact<Account>({
    id: r.id,
    server: r.server,
    transport: r.transport,
    username: r.username,
    password: r.password,
    displayName: r.display_name,
    register: toBool(r.register),
    authUsername: r.auth_username,
    outboundProxy: r.outbound_proxy,
    registerExpires: r.register_expires,
    enabled: toBool(r.enabled),
    codecs: fromJson<Account['codecs']>(r.codecs),
    dtmfMode: r.dtmf_mode,
    acceptCallsFromAnyAddress: toBool(r.accept_calls_from_any_address),
    srtp: r.srtp,
  });
}

function toRow(a: Account, position: number): AccountRow {
  return {
    id: a.id,
    position,
    server: a.server,
    transport: a.transport ?? null,
    username: a.username,
    password: a.password ?? null,
    display_name: a.displayName ?? null,
    register: fromBool(a.register),
    auth_username: a.authUsername ?? null,
    outbound_proxy: a.outboundProxy ?? null,
    register_expires: a.registerExpires ?? null,
    enabled: fromBool(a.enabled),
    codecs: toJson(a.codecs),
    dtmf_mode: a.dtmfMode ?? null,
    accept_calls_from_any_address: fromBool(a.acceptCallsFromAnyAddress),
    srtp: a.srtp ?? null,
  };
}

/** Refuses an invalid account with its fields named. */
export function assertValidAccount(a: unknown): asserts a is Account {
  const errors = accountErrors(a);
  if (Object.keys(errors).length > 0) throw new ValidationError('invalid account', errors);
}

export class AccountsRepository {
  private readonly selectAll: Statement<[], AccountRow>;
  private readonly selectOne: Statement<[string], AccountRow>;
  private readonly insertRow: Statement<AccountRow>;
  private readonly deleteOne: Statement<[string]>;
  private readonly deleteAll: Statement<[]>;
  private readonly nextPosition: Statement<[], { next: number }>;

  constructor(private readonly ctx: StoreContext) {
    const { db } = ctx;
    this.selectAll = db.prepare('SELECT * FROM accounts ORDER BY position, id');
    this.selectOne = db.prepare('SELECT * FROM accounts WHERE id = ?');
    this.insertRow = db.prepare(`
      INSERT INTO accounts (id, position, server, transport, username, password, display_name, register,
                            auth_username, outbound_proxy, register_expires, enabled, codecs, dtmf_mode,
                            accept_calls_from_any_address, srtp)
      VALUES (@id, @position, @server, @transport, @username, @password, @display_name, @register,
              @auth_username, @outbound_proxy, @register_expires, @enabled, @codecs, @dtmf_mode,
              @accept_calls_from_any_address, @srtp)
      ON CONFLICT (id) DO UPDATE SET
        position = excluded.position, server = excluded.server, transport = excluded.transport,
        username = excluded.username, password = excluded.password, display_name = excluded.display_name,
        register = excluded.register, auth_username = excluded.auth_username,
        outbound_proxy = excluded.outbound_proxy, register_expires = excluded.register_expires,
        enabled = excluded.enabled, codecs = excluded.codecs, dtmf_mode = excluded.dtmf_mode,
        accept_calls_from_any_address = excluded.accept_calls_from_any_address, srtp = excluded.srtp`);
    this.deleteOne = db.prepare('DELETE FROM accounts WHERE id = ?');
    this.deleteAll = db.prepare('DELETE FROM accounts');
    this.nextPosition = db.prepare('SELECT coalesce(max(position) + 1, 0) AS next FROM accounts');
  }

  /** Every account, with its password (the web layer leaves passwords out of what it shows). */
  list(): Account[] {
    return this.selectAll.all().map(fromRow);
  }

  get(id: string): Account | undefined {
    const row = this.selectOne.get(id);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Adds the account or replaces the one with its id. Without `password`, the stored password is kept. */
  upsert(a: Account): void {
    assertValidAccount(a);
    this.ctx.writer.write((note) => {
      const before = this.selectOne.get(a.id);
      const row = toRow(a, before?.position ?? this.nextPosition.get()!.next);
      if (a.password === undefined && before !== undefined) row.password = before.password;
      if (before !== undefined && sameJson(fromRow(before), fromRow(row))) return;
      this.insertRow.run(row);
      note({ section: 'accounts', op: before === undefined ? 'insert' : 'update', key: a.id });
    });
  }

  /** Removes the account; refused (ConflictError naming them) while lines or dial-plan routes use it. */
  remove(id: string): void {
    this.ctx.writer.write((note) => {
      if (this.selectOne.get(id) === undefined) throw new NotFoundError(`account '${id}'`, { id });
      const snap = this.ctx.snapshot();
      assertConsistent({ ...snap, accounts: snap.accounts.filter((a) => a.id !== id) }, { section: 'accounts', index: -1, label: `account '${id}'` });
      this.deleteOne.run(id);
      note({ section: 'accounts', op: 'delete', key: id });
    });
  }

  /**
   * Replaces every account with `accounts` (already validated), inside the
   * caller's transaction; an account without a password keeps the stored one.
   * Returns whether anything changed.
   */
  replaceAll(accounts: readonly Account[]): boolean {
    const before = this.selectAll.all();
    const stored = new Map(before.map((r) => [r.id, r.password]));
    const rows = accounts.map((a, i) => {
      const row = toRow(a, i);
      if (a.password === undefined) row.password = stored.get(a.id) ?? null;
      return row;
    });
    if (sameJson(before.map(fromRow), rows.map(fromRow))) return false;
    this.deleteAll.run();
    for (const row of rows) this.insertRow.run(row);
    return true;
  }
}
