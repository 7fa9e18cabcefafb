/** Call detail records, appended by the call router, listed newest first. */
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
  private readonly page: Statement<[number, number], CdrRow>;
  private readonly prune: Statement<[number]>;

  constructor(private readonly ctx: StoreContext) {
    this.insert = ctx.db.prepare(`
      INSERT INTO cdrs (started_at, answered_at, ended_at, direction, from_number, to_number, port, account, disposition, hangup_cause, media)
      VALUES (@started_at, @answered_at, @ended_at, @direction, @from_number, @to_number, @port, @account, @disposition, @hangup_cause, @media)`);
    this.page = ctx.db.prepare('SELECT * FROM cdrs WHERE id < ? ORDER BY id DESC LIMIT ?');
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

  /** Newest first: up to `limit` (default 100) records with ids below `beforeId`. */
  list(opts?: PageOptions): Cdr[] {
    const { limit, beforeId } = pageOptions(opts);
    return this.page.all(beforeId, limit).map((r) => ({
      id: r.id, startedAt: r.started_at, answeredAt: r.answered_at, endedAt: r.ended_at, direction: r.direction,
      from: r.from_number, to: r.to_number, port: r.port, account: r.account, disposition: r.disposition, hangupCause: r.hangup_cause,
      media: r.media === null ? null : (JSON.parse(r.media) as CdrMedia),
    }));
  }
}

