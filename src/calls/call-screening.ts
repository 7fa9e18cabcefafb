/**
 * Call screening: whether an incoming call (SIP or landline) may ring the phones, from
 * the box's `callScreening` settings and the caller's ID. In order:
 *
 * 1. a blocked number is refused;
 * 2. an allowed number (a known caller) rings;
 * 3. an anonymous call — the caller withheld the number (privacy, "P") — is refused
 *    with `rejectAnonymous` (anonymous call rejection, *77 at a central office);
 * 4. everyone else is an unknown caller, including one whose number is unavailable
 *    ("O", out of area) or not a number at all (`sip:alice@…`): `unknownCallers` says
 *    ring, announce (the box answers, plays an announcement and hangs up), message
 *    (the box answers, plays a greeting and records a message: landline calls only —
 *    where the caller cannot leave one, a SIP call, it is an announcement) or reject.
 *
 * Numbers are compared on their digits. An entry ending in `*` is a prefix. Otherwise
 * two numbers match when they are equal, or when one ends with the other and the
 * shorter has at least 7 digits (leading zeros aside): `5551234567` matches
 * `+15551234567` and `15551234567`, `02079460018` matches `+442079460018` — the same
 * subscriber written with and without its country or trunk prefix.
 */
import type { CallerIdInfo } from '../../audio/caller-id/message.js';
import type { CallScreening } from '../config/provisioning-schema.js';

export type ScreeningVerdict =
  | { readonly action: 'ring' }
  | { readonly action: 'reject'; readonly why: 'blocked' | 'anonymous' | 'unknown' }
  | { readonly action: 'announce' }
  | { readonly action: 'message' };

export interface ScreeningOptions {
  /** The call can leave a message (a landline call); otherwise `message` is `announce`. */
  readonly messages?: boolean;
}

const RING: ScreeningVerdict = { action: 'ring' };
const MIN_SUFFIX_DIGITS = 7;

export function screenCaller(caller: Pick<CallerIdInfo, 'number' | 'numberAbsence'> | undefined, rules: CallScreening | undefined, opts: ScreeningOptions = {}): ScreeningVerdict {
  if (rules === undefined) return RING;
  const number = caller?.number !== undefined ? digitsOf(caller.number) : '';
  if (number !== '' && listed(rules.blocked, number)) return { action: 'reject', why: 'blocked' };
  if (number !== '' && listed(rules.allowed, number)) return RING;
  if (caller?.numberAbsence === 'private' && rules.rejectAnonymous === true) return { action: 'reject', why: 'anonymous' };
  switch (rules.unknownCallers ?? 'ring') {
    case 'ring':
      return RING;
    case 'announce':
      return { action: 'announce' };
    case 'message':
      return { action: opts.messages === true ? 'message' : 'announce' };
    case 'reject':
      return { action: 'reject', why: 'unknown' };
  }
}

/** Whether `entry` (a number, or a prefix ending in `*`) covers `number`; both may carry a '+' or formatting. */
export function numberMatches(entry: string, number: string): boolean {
  const n = digitsOf(number);
  if (entry.endsWith('*')) {
    const prefix = digitsOf(entry.slice(0, -1));
    return prefix !== '' && n.startsWith(prefix);
  }
  const e = digitsOf(entry);
  if (e === '' || n === '') return false;
  if (e === n) return true;
  // Trunk (0) and international (00) prefixes are dropped: the country code replaces them.
  const [a, b] = [e.replace(/^0+/, ''), n.replace(/^0+/, '')];
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  return shorter.length >= MIN_SUFFIX_DIGITS && longer.endsWith(shorter);
}

function listed(list: readonly string[] | undefined, number: string): boolean {
  return list?.some((entry) => numberMatches(entry, number)) ?? false;
}

function digitsOf(s: string): string {
  return s.replace(/[^0-9]/g, '');
}

/** The hangup cause a screened call's record gets, e.g. `screened: blocked number`. */
export function screeningCause(verdict: Exclude<ScreeningVerdict, { action: 'ring' }>): string {
  if (verdict.action === 'announce') return 'screened: unknown caller, announcement played';
  if (verdict.action === 'message') return 'screened: unknown caller, message recorded';
  return `screened: ${verdict.why === 'blocked' ? 'blocked number' : `${verdict.why} caller`}`;
}
