/** Call detail records, appended by the call router, listed newest first (optionally filtered). */
import { Type, type Static } from '@sinclair/typebox';
import type { Statement } from 'better-sqlite3';
import { ValidationError } from '../errors.js';
import type { StoreContext } from './context.js';
import { pageOptions, PRUNE_EVERY, type PageOptions } from './paging.js';
import { schemaErrors } from './schema-errors.js';

const Millis = (description: string) => Type.Integer({ minimum: 0, description });
const Number_ = Type.String({ maxLength: 128, description: 'A number or SIP URI.' });
const Figure = (description: string) => Type.Number({ minimum: 0, description });

/** The call's media quality at its end (src/rtp: RtpSessionStats and the MOS estimate). */
export const CdrMediaSchema = Type.Object(
  {
    codec: Type.String({ maxLength: 32, description: 'e.g. PCMU, G722.' }),
    packetsSent: Type.Integer({ minimum: 0 }),
    packetsReceived: Type.Integer({ minimum: 0 }),
    lossPercent: Figure('Received packets lost, %.'),
    jitterMs: Figure('Interarrival jitter at the end (RFC 3550 A.8), ms.'),
    rttMs: Type.Optional(Figure('Round-trip time from RTCP, ms.')),
    mos: Type.Number({ minimum: 1, maximum: 5, description: 'E-model estimate (simplified G.107).' }),
  },
  { additionalProperties: false },
);
export type CdrMedia = Static<typeof CdrMediaSchema>;

export const NewCdrSchema = Type.Object(
  {
    startedAt: Millis('When the call began (wall-clock ms since the epoch).'),
    answeredAt: Type.Optional(Type.Union([Millis('When it was answered.'), Type.Null()])),
    endedAt: Millis('When it ended.'),
    direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound'), Type.Literal('internal')]),
    from: Number_,
    to: Number_,
    port: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 16 }), Type.Null()])),
    account: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
    disposition: Type.Union([
      Type.Literal('answered'), Type.Literal('no_answer'), Type.Literal('busy'), Type.Literal('failed'), Type.Literal('cancelled'),
      Type.Literal('screened'),
    ]),
    hangupCause: Type.Optional(Type.Union([Type.String({ maxLength: 256 }), Type.Null()])),
    media: Type.Optional(Type.Union([CdrMediaSchema, Type.Null()])),
  },
  { additionalProperties: false },
);

export type NewCdr = Static<typeof NewCdrSchema>;

export interface Cdr {
  id: number;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number;
  direction: NewCdr['direction'];
  from: string;
  to: string;
  port: number | null;
  account: string | null;
  disposition: NewCdr['disposition'];
  hangupCause: string | null;
  media: CdrMedia | null;
}

/** Every direction and disposition of a record (typed so a new one cannot be missed here). */
const DIRECTIONS: Record<NewCdr['direction'], true> = { inbound: true, outbound: true, internal: true };
const DISPOSITIONS: Record<NewCdr['disposition'], true> = { answered: true, no_answer: true, busy: true, failed: true, cancelled: true, screened: true };
export const CDR_DIRECTIONS = Object.keys(DIRECTIONS) as NewCdr['direction'][];
export const CDR_DISPOSITIONS = Object.keys(DISPOSITIONS) as NewCdr['disposition'][];
/** The longest `number` filter. */
export const MAX_NUMBER_FILTER = 64;

/** Which records to list; every condition given must hold. */
export interface CdrFilter {
  direction?: Cdr['direction'];
  disposition?: Cdr['disposition'];
  /** A substring of `from` or `to` (ASCII letters in either case). */
  number?: string;
  /** Calls that started at or after this (wall-clock ms). */
  since?: number;
  /** Calls that started before this (wall-clock ms, exclusive). */
  until?: number;
}

export type CdrQuery = PageOptions & CdrFilter;

interface CdrRow {
  id: number;
  started_at: number;
  answered_at: number | null;
  ended_at: number;
  direction: Cdr['direction'];
  from_number: string;
  to_number: string;
  port: number | null;
  account: string | null;
  disposition: Cdr['disposition'];
  hangup_cause: string | null;
  media: string | null;
}

/** How many CDRs are kept. */
export const MAX_CDRS = 10_000;

export class CdrRepository {
  private readonly insert: Statement<Omit<CdrRow, 'id'>>;
  /** One statement per combination of filters used (at most 32). */
  private readonly pages = new Map<string, Statement<Record<string, string | number>, CdrRow>>();
  private readonly prune: Statement<[number]>;

  constructor(private readonly ctx: StoreContext) {
    this.insert = ctx.db.prepare(`
      INSERT INTO cdrs (started_at, answered_at, ended_at, direction, from_number, to_number, port, account, disposition, hangup_cause, media)
      VALUES (@started_at, @answered_at, @ended_at, @direction, @from_number, @to_number, @port, @account, @disposition, @hangup_cause, @media)`);
    this.prune = ctx.db.prepare('DELETE FROM cdrs WHERE id <= ?');
  }

  /** Appends a record; returns its id. */
  add(r: NewCdr): number {
    const errors = schemaErrors(NewCdrSchema, r);
    if (Object.keys(errors).length === 0 && r.endedAt < r.startedAt) errors.endedAt = 'must not be before startedAt';
    if (Object.keys(errors).length > 0) throw new ValidationError('invalid call record', errors);
    return this.ctx.writer.write(() => {
      const id = Number(this.insert.run({
        started_at: r.startedAt, answered_at: r.answeredAt ?? null, ended_at: r.endedAt, direction: r.direction,
        from_number: r.from, to_number: r.to, port: r.port ?? null, account: r.account ?? null,
        disposition: r.disposition, hangup_cause: r.hangupCause ?? null,
        media: r.media === undefined || r.media === null ? null : JSON.stringify(r.media),
      }).lastInsertRowid);
      if (id % PRUNE_EVERY === 0) this.prune.run(id - MAX_CDRS);
      return id;
    });
  }

  /**
   * Newest first: up to `limit` (default 100) records with ids below `beforeId` that
   * match the filter. ValidationError naming the field when an option is invalid.
   */
  list(opts: CdrQuery = {}): Cdr[] {
    const { limit, beforeId } = pageOptions(opts);
    const filter = checkFilter(opts);
    const conditions = ['id < @beforeId'];
    const params: Record<string, string | number> = { beforeId, limit };
    if (filter.direction !== undefined) {
      conditions.push('direction = @direction');
      params.direction = filter.direction;
    }
    if (filter.disposition !== undefined) {
      conditions.push('disposition = @disposition');
      params.disposition = filter.disposition;
    }
    if (filter.number !== undefined) {
      conditions.push('(instr(lower(from_number), lower(@number)) > 0 OR instr(lower(to_number), lower(@number)) > 0)');
      params.number = filter.number;
    }
    if (filter.since !== undefined) {
      conditions.push('started_at >= @since');
      params.since = filter.since;
    }
    if (filter.until !== undefined) {
      conditions.push('started_at < @until');
      params.until = filter.until;
    }
    const sql = `SELECT * FROM cdrs WHERE ${conditions.join(' AND ')} ORDER BY id DESC LIMIT @limit`;
    let statement = this.pages.get(sql);
    if (statement === undefined) {
      statement = this.ctx.db.prepare<Record<string, string | number>, CdrRow>(sql);
      this.pages.set(sql, statement);
    }
    return statement.all(params).map((r) => ({
      id: r.id, startedAt: r.started_at, answeredAt: r.answered_at, endedAt: r.ended_at, direction: r.direction,
      from: r.from_number, to: r.to_number, port: r.port, account: r.account, disposition: r.disposition, hangupCause: r.hangup_cause,
      media: r.media === null ? null : (JSON.parse(r.media) as CdrMedia),
    }));
  }
}


/** The filter, checked: ValidationError naming each wrong field. */
function checkFilter(f: CdrFilter): CdrFilter {
  const errors: Record<string, string> = {};
  if (f.direction !== undefined && !CDR_DIRECTIONS.includes(f.direction)) errors.direction = `one of ${CDR_DIRECTIONS.join(', ')}`;
  if (f.disposition !== undefined && !CDR_DISPOSITIONS.includes(f.disposition)) errors.disposition = `one of ${CDR_DISPOSITIONS.join(', ')}`;
  if (f.number !== undefined && (typeof f.number !== 'string' || f.number === '' || f.number.length > MAX_NUMBER_FILTER)) {
    errors.number = `1 to ${MAX_NUMBER_FILTER} characters`;
  }
  for (const k of ['since', 'until'] as const) {
    const v = f[k];
    if (v !== undefined && !Number.isSafeInteger(v)) errors[k] = 'must be a time in ms since the epoch';
  }
  if (Object.keys(errors).length > 0) throw new ValidationError('invalid call record filter', errors);
  return f;
}
