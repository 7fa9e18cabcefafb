/**
 * The board's ports: FXS lines (phones) and FXO lines (the landline), by port.
 * Every write is checked against the rest of the configuration (the account
 * exists, extensions and prefixes do not clash, ringsOnFxs names FXS lines).
 */
import type { Statement } from 'better-sqlite3';
import { NotFoundError, ValidationError } from '../errors.js';
import { assertConsistent } from './consistency.js';
import type { StoreContext } from './context.js';
import { lineErrors } from './entity-checks.js';
import type { Line, LineFeatures } from './provisioning-schema.js';
import { compact, fromJson, sameJson, toJson } from './types.js';

interface LineRow {
  port: number;
  kind: Line['kind'];
  account: string | null;
  extension: string | null;
  prefix: string | null;
  name: string | null;
  caller_id_standard: Line['callerIdStandard'] | null;
  digit_map: string | null;
  features: string | null;
  rings_on_fxs: string | null;
  sip_target: string | null;
}

/** Features with keys in the schema's order (the stored JSON is written in that order). */
function orderedFeatures(f: LineFeatures | undefined): LineFeatures | undefined {
  if (f === undefined) return undefined;
  return compact<LineFeatures>({
    callWaiting: f.callWaiting, threeWay: f.threeWay, dnd: f.dnd, forwardAll: f.forwardAll,
    forwardBusy: f.forwardBusy, forwardNoAnswer: f.forwardNoAnswer, noAnswerSeconds: f.noAnswerSeconds, hotline: f.hotline,
    warmlineSeconds: f.warmlineSeconds, speedDial: f.speedDial,
  });
}

function fromRow(r: LineRow): Line {
  return compact<Line>({
    port: r.port,
    kind: r.kind,
    account: r.account,
    extension: r.extension,
    prefix: r.prefix,
    name: r.name,
    callerIdStandard: r.caller_id_standard,
    digitMap: r.digit_map,
    features: fromJson<LineFeatures>(r.features),
    sipTarget: r.sip_target,
    ringsOnFxs: fromJson<number[]>(r.rings_on_fxs),
  });
}

function toRow(l: Line): LineRow {
  return {
    port: l.port,
    kind: l.kind,
    account: l.account ?? null,
    extension: l.extension ?? null,
    prefix: l.prefix ?? null,
    name: l.name ?? null,
    caller_id_standard: l.callerIdStandard ?? null,
    digit_map: l.digitMap ?? null,
    features: toJson(orderedFeatures(l.features)),
    rings_on_fxs: toJson(l.ringsOnFxs),
    sip_target: l.sipTarget ?? null,
  };
}

/** The line as it will be stored and listed (schema key order, unset fields absent). */
export function canonicalLine(l: Line): Line {
  return fromRow(toRow(l));
}

export function assertValidLine(l: unknown): asserts l is Line {
  const errors = lineErrors(l);
  if (Object.keys(errors).length > 0) throw new ValidationError('invalid line', errors);
}

export class LinesRepository {
  private readonly selectAll: Statement<[], LineRow>;
  private readonly selectOne: Statement<[number], LineRow>;
  private readonly upsertRow: Statement<LineRow>;
  private readonly deleteOne: Statement<[number]>;
  private readonly deleteAll: Statement<[]>;

  constructor(private readonly ctx: StoreContext) {
    const { db } = ctx;
    this.selectAll = db.prepare('SELECT * FROM lines ORDER BY port');
    this.selectOne = db.prepare('SELECT * FROM lines WHERE port = ?');
    this.upsertRow = db.prepare(`
      INSERT INTO lines (port, kind, account, extension, prefix, name, caller_id_standard, digit_map, features, rings_on_fxs, sip_target)
      VALUES (@port, @kind, @account, @extension, @prefix, @name, @caller_id_standard, @digit_map, @features, @rings_on_fxs, @sip_target)
      ON CONFLICT (port) DO UPDATE SET
        kind = excluded.kind, account = excluded.account, extension = excluded.extension, prefix = excluded.prefix,
        name = excluded.name, caller_id_standard = excluded.caller_id_standard, digit_map = excluded.digit_map,
        features = excluded.features, rings_on_fxs = excluded.rings_on_fxs, sip_target = excluded.sip_target`);
    this.deleteOne = db.prepare('DELETE FROM lines WHERE port = ?');
    this.deleteAll = db.prepare('DELETE FROM lines');
  }

  /** Every line, by port. */
  list(): Line[] {
    return this.selectAll.all().map(fromRow);
  }

  get(port: number): Line | undefined {
    const row = this.selectOne.get(port);
    return row === undefined ? undefined : fromRow(row);
  }

  /** Adds the line or replaces the one on its port. */
  upsert(l: Line): void {
    assertValidLine(l);
    this.ctx.writer.write((note) => {
      const next = canonicalLine(l);
      const snap = this.ctx.snapshot();
      const before = snap.lines.find((x) => x.port === l.port);
      if (before !== undefined && sameJson(before, next)) return;
      const lines = [...snap.lines.filter((x) => x.port !== l.port), next].sort((a, b) => a.port - b.port);
      assertConsistent({ ...snap, lines }, { section: 'lines', index: lines.indexOf(next), label: `line ${l.port}` });
      this.upsertRow.run(toRow(next));
      note({ section: 'lines', op: before === undefined ? 'insert' : 'update', key: l.port });
    });
  }

  /** Removes the line; refused (ConflictError) while a dial-plan route or an FXO line's ringsOnFxs names it. */
  remove(port: number): void {
    this.ctx.writer.write((note) => {
      if (this.selectOne.get(port) === undefined) throw new NotFoundError(`line ${port}`, { port });
      const snap = this.ctx.snapshot();
      assertConsistent({ ...snap, lines: snap.lines.filter((l) => l.port !== port) }, { section: 'lines', index: -1, label: `line ${port}` });
      this.deleteOne.run(port);
      note({ section: 'lines', op: 'delete', key: port });
    });
  }

  /** Replaces every line (already validated) inside the caller's transaction; returns whether anything changed. */
  replaceAll(lines: readonly Line[]): boolean {
    const next = lines.map(canonicalLine).sort((a, b) => a.port - b.port);
    if (sameJson(this.list(), next)) return false;
    // Delete first: rewriting rows in place could trip the unique extension index half way through a swap.
    this.deleteAll.run();
    for (const l of next) this.upsertRow.run(toRow(l));
    return true;
  }
}
