/**
 * Errors of the SIP syntax layer. Parsing never throws: it returns these as values.
 * A `SipParseError` says why a whole message was refused and, when the header section
 * could still be read, carries it in `partial` so the UAS can answer 400 (RFC 3261 §8.2,
 * §21.4.1). A `SipHeaderError` is what a typed header accessor returns.
 */
import { DialtoneError } from '../../errors.js';
import type { SipHeaders } from './headers/collection.js';

export interface SipParsePartial {
  /** True when the start line and every header line were readable. */
  headersOk: boolean;
  kind?: 'request' | 'response';
  method?: string;
  /** The readable header fields, enough to build a 400 with `createResponse`-like copying. */
  headers?: SipHeaders;
}

export class SipParseError extends DialtoneError {
  readonly reason: string;
  readonly rfcSection: string | undefined;
  readonly partial: SipParsePartial | undefined;

  constructor(reason: string, rfcSection?: string, partial?: SipParsePartial) {
    super('sip_parse', rfcSection ? `${reason} (RFC 3261 §${rfcSection})` : reason, { rfcSection });
    this.reason = reason;
    this.rfcSection = rfcSection;
    this.partial = partial;
  }
}

export type SipHeaderProblem = 'missing' | 'malformed' | 'duplicate';

export class SipHeaderError extends DialtoneError {
  readonly header: string;
  readonly problem: SipHeaderProblem;
  readonly reason: string;

  constructor(header: string, problem: SipHeaderProblem, reason?: string) {
    const text = reason ?? `${problem === 'missing' ? 'Missing' : problem === 'duplicate' ? 'Duplicate' : 'Malformed'} ${header} header`;
    super('sip_header', text, { header, problem });
    this.header = header;
    this.problem = problem;
    this.reason = text;
  }
}

/** What typed header accessors and `parseUri` return: a value, or a typed error. */
export type SipResult<T, E = SipHeaderError> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function fail<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
