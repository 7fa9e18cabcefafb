/**
 * Checks of the box-wide settings beyond their JSON shape (the schema checks types
 * and bounds). SIP TLS: every PEM block of the trusted certificates must be an X.509
 * certificate Node can read, so a pasted private key or a damaged certificate is
 * refused with its position, not found later as a failed TLS connection. RTP: the
 * port range starts even (RTP even, RTCP next: RFC 3550 §11) and holds a few calls;
 * the jitter bounds are in order. Call screening: refusing or announcing unknown
 * callers needs a list of known ones (else no call would ever ring). Star codes: no
 * two the same, and none the start of a code that takes a number after it.
 */
import { X509Certificate } from 'node:crypto';
import type { FieldErrors } from './validate.js';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;

/** Field errors (relative paths: `trustedCertificates`) for a SIP TLS settings object. */
export function sipTlsProblems(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (typeof value !== 'object' || value === null) return errors;
  const pem = (value as { trustedCertificates?: unknown }).trustedCertificates;
  if (typeof pem !== 'string') return errors;
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) {
    errors.trustedCertificates = 'must hold PEM certificates (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)';
    return errors;
  }
  for (const [i, block] of blocks.entries()) {
    if (block[1] !== 'CERTIFICATE') {
      errors.trustedCertificates = `block ${i + 1} is a ${block[1]?.toLowerCase() ?? 'PEM block'}, not a certificate`;
      return errors;
    }
    try {
      new X509Certificate(block[0]);
    } catch {
      errors.trustedCertificates = `certificate ${i + 1} cannot be read`;
      return errors;
    }
  }
  return errors;
}

/** Field errors (relative paths: `portMin`, `jitterMaxMs`) for an RTP settings object. */
export function rtpSettingsProblems(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (typeof value !== 'object' || value === null) return errors;
  const v = value as Record<string, unknown>;
  const num = (k: string, fallback: number): number => (typeof v[k] === 'number' ? v[k] : fallback);
  const min = num('portMin', 10000);
  const max = num('portMax', 20000);
  if (typeof v.portMin === 'number' && v.portMin % 2 !== 0) errors.portMin = 'must be even (RTP uses even ports, RTCP the next one)';
  else if (max - min + 1 < 8) errors.portMax = `must leave at least 8 ports above portMin (${min}) for calls`;
  if (num('jitterMinMs', 40) > num('jitterMaxMs', 300)) errors.jitterMaxMs = 'must not be smaller than jitterMinMs';
  return errors;
}

/** Field errors (relative paths: `unknownCallers`) for a call-screening object. */
export function callScreeningProblems(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (typeof value !== 'object' || value === null) return errors;
  const v = value as { allowed?: unknown; unknownCallers?: unknown };
  const allowed = Array.isArray(v.allowed) ? v.allowed.length : 0;
  if ((v.unknownCallers === 'announce' || v.unknownCallers === 'message' || v.unknownCallers === 'reject') && allowed === 0) {
    errors.unknownCallers = `${v.unknownCallers} needs numbers in allowed: with none, no call would ring the phones`;
  }
  return errors;
}

/** The star codes in effect where none is set (NANP vertical service codes; the withheld-number code is the region's). */
export const STAR_CODE_DEFAULTS = {
  dndOn: '*78', dndOff: '*79', forwardAllOn: '*72', forwardAllOff: '*73', forwardBusyOn: '*90', forwardBusyOff: '*91',
  forwardNoAnswerOn: '*92', forwardNoAnswerOff: '*93', redial: '*66',
} as const;

/** The codes that take a number after them (forwarding targets, a withheld-number call). */
const CODES_WITH_NUMBER = new Set(['forwardAllOn', 'forwardBusyOn', 'forwardNoAnswerOn', 'anonymousCall']);

/**
 * Field errors (relative paths: `dndOff`) for a star-codes object, checked together with
 * the defaults of the codes it leaves out: duplicates, and codes a numbered code would swallow.
 */
export function starCodeProblems(value: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (typeof value !== 'object' || value === null) return errors;
  const set = Object.entries(value as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string');
  const all: [string, string][] = [...Object.entries(STAR_CODE_DEFAULTS).filter(([k]) => !set.some(([s]) => s === k)), ...set];
  for (const [key, code] of set) {
    const same = all.find(([k, c]) => k !== key && c === code);
    if (same !== undefined) {
      errors[key] = `is the same as ${same[0]} (${code})`;
      continue;
    }
    const clash = all.find(([k, c]) => k !== key && ((CODES_WITH_NUMBER.has(k) && code.startsWith(c)) || (CODES_WITH_NUMBER.has(key) && c.startsWith(code))));
    if (clash !== undefined) errors[key] = `clashes with ${clash[0]} (${clash[1]}): a code that takes a number after it must not start another code`;
  }
  return errors;
}
