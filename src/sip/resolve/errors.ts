/**
 * Errors of SIP server location (RFC 3263 §4): a name with no usable records, a DNS
 * server that does not answer, a transport the URI needs but we do not run.
 */
import { DialtoneError, type ErrorContext } from '../../errors.js';

export type ResolveErrorCode = 'dns_not_found' | 'dns_failed' | 'unsupported_transport' | 'no_route';

/** Resolution of a SIP target failed; `message` is fit to show to the person who configured it. */
export class ResolveError extends DialtoneError {
  constructor(code: ResolveErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(code, message, context, options);
  }
}

export type DnsRecordType = 'NAPTR' | 'SRV' | 'A' | 'AAAA';

/** System error codes that mean "this name has no such records", not a failure. */
const NO_RECORDS = new Set(['ENOTFOUND', 'ENODATA', 'NXDOMAIN', 'ENONAME']);

export function sysCodeOf(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}

/** True for an error a DNS query rejects with when the name or the record type simply does not exist. */
export function isNoRecordsError(err: unknown): boolean {
  const code = sysCodeOf(err);
  return code !== undefined && NO_RECORDS.has(code);
}

function describe(sysCode: string): string {
  switch (sysCode) {
    case 'ETIMEOUT':
      return 'the DNS server is not answering (timed out)';
    case 'ECONNREFUSED':
      return 'the DNS server is not answering (connection refused)';
    case 'ESERVFAIL':
      return 'the DNS server reported a failure (SERVFAIL)';
    case 'EREFUSED':
      return 'the DNS server refused the query';
    default:
      return `DNS error ${sysCode}`;
  }
}

/** One DNS query failed (timeout, SERVFAIL, refused, ...), as opposed to answering "no records". */
export class DnsQueryError extends DialtoneError {
  readonly reason: string;

  constructor(
    readonly rrtype: DnsRecordType,
    readonly queryName: string,
    readonly sysCode: string,
    options?: { cause?: unknown },
  ) {
    const reason = describe(sysCode);
    super('dns_query_failed', `${rrtype} query for ${queryName} failed: ${reason}`, { rrtype, name: queryName, sysCode }, options);
    this.reason = reason;
  }
}
