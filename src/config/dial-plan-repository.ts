/**
 * The dial plan: routes for outgoing calls, tried in order, replaced as a whole.
 * Whether a dial plan was ever set is remembered, so an export gives back
 * `dialPlan: []` when one was set empty and leaves the section out when none was.
 */
import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors.js';
import { assertConsistent } from './consistency.js';
import type { StoreContext } from './context.js';
import { routeErrors } from './entity-checks.js';
import type { DialPlanRoute } from './provisioning-schema.js';
import { compact, sameJson } from './types.js';
import { mergeErrors, type FieldErrors } from './validate.js';

interface RouteRow {
  position: number;
  pattern: string;
  route: string;
  strip: number | null;
  prepend: string | null;
  account_id: string | null;
  line_port: number | null;
}

const DEFINED_KEY = 'dial_plan_defined';

function fromRow(r: RouteRow): DialPlanRoute {
  return compact<DialPlanRoute>({ pattern: r.pattern, route: r.route, strip: r.strip, prepend: r.prepend });
}

/** The route's target also goes in columns with foreign keys, as a second guard behind references.ts. */
function toRow(r: DialPlanRoute, position: number): RouteRow {
  return {
    position,
    pattern: r.pattern,
    route: r.route,
    strip: r.strip ?? null,
    prepend: r.prepend ?? null,
    account_id: r.route.startsWith('account:') ? r.route.slice('account:'.length) : null,
    line_port: r.route.startsWith('line:') ? Number(r.route.slice('line:'.length)) : null,
  };
}

/** Refuses invalid routes with paths like `dialPlan[2].pattern`. */
export function assertValidRoutes(routes: unknown): asserts routes is DialPlanRoute[] {
  const errors: FieldErrors = {};
  if (!Array.isArray(routes)) {
    errors.dialPlan = 'must be an array';
  } else {
    routes.forEach((r: unknown, i) => mergeErrors(errors, routeErrors(r), `dialPlan[${i}].`));
  }
  if (Object.keys(errors).length > 0) throw new ValidationError('invalid dial plan', errors);
}

export class DialPlanRepository {
  private readonly selectAll: Statement<[], RouteRow>;
  private readonly insertRow: Statement<RouteRow>;
  private readonly deleteAll: Statement<[]>;
  private readonly selectDefined: Statement<[], { value: string }>;
  private readonly markDefined: Statement<[]>;

  constructor(private readonly ctx: StoreContext) {
    const { db } = ctx;
    this.selectAll = db.prepare('SELECT * FROM dial_plan ORDER BY position');
    this.insertRow = db.prepare(`
      INSERT INTO dial_plan (position, pattern, route, strip, prepend, account_id, line_port)
      VALUES (@position, @pattern, @route, @strip, @prepend, @account_id, @line_port)`);
    this.deleteAll = db.prepare('DELETE FROM dial_plan');
    this.selectDefined = db.prepare(`SELECT value FROM settings WHERE key = '${DEFINED_KEY}'`);
    this.markDefined = db.prepare(`INSERT OR REPLACE INTO settings (key, value) VALUES ('${DEFINED_KEY}', '1')`);
  }

  /** The routes, in the order they are tried. */
  list(): DialPlanRoute[] {
    return this.selectAll.all().map(fromRow);
  }

  /** Whether a dial plan (possibly empty) was ever set. */
  isDefined(): boolean {
    return this.selectDefined.get() !== undefined;
  }

  /** Replaces every route; refused with paths like `dialPlan[0].route` when one is invalid. */
  replace(routes: DialPlanRoute[]): void {
    assertValidRoutes(routes);
    this.ctx.writer.write((note) => {
      const snap = this.ctx.snapshot();
      const next = routes.map((r, i) => fromRow(toRow(r, i)));
      assertConsistent({ ...snap, dialPlan: next }, { section: 'dialPlan', index: 0, label: 'dial plan', fieldPrefix: (i) => `dialPlan[${i}].` });
      if (this.replaceAll(next)) note({ section: 'dialPlan', op: 'replace' });
    });
  }

  /** Replaces the routes (already validated) inside the caller's transaction; returns whether anything changed. */
  replaceAll(routes: readonly DialPlanRoute[]): boolean {
    const wasDefined = this.isDefined();
    const next = routes.map((r, i) => toRow(r, i));
    if (wasDefined && sameJson(this.list(), next.map(fromRow))) return false;
    this.deleteAll.run();
    for (const row of next) this.insertRow.run(row);
    this.markDefined.run();
    return true;
  }
}
