/**
 * Caller ID across the SIP/analog boundary.
 *
 * Inbound (SIP → the phone's FSK): the identity the network vouches for first, then
 * what the caller claims:
 *   1. P-Asserted-Identity (RFC 3325 §9.1: the identity a trusted network asserts);
 *   2. Remote-Party-ID (draft-ietf-sip-privacy-04, still sent by Cisco/older Asterisk),
 *      unless it says `screen=no` (the network did not check it: no better than From);
 *   3. From.
 * The display name is taken from the first of these that has one. A withheld identity
 * becomes the "private" absence code the phone shows as "PRIVATE": `Privacy: id` or
 * `header` (RFC 3323 / 3325), `privacy=full` or `uri` in Remote-Party-ID, or an
 * anonymous From (RFC 3323 §4.1.1.3: "Anonymous" <sip:anonymous@anonymous.invalid>);
 * `privacy=name` withholds the name only.
 *
 * Outbound (a landline's caller ID → SIP From): the number as the user part, the name
 * as the display name; an absent number becomes anonymous.
 */
import type { CallerIdInfo, CallerIdTime } from '../../audio/caller-id/message.js';
import { parseNameAddr, type SipRequest, type SipUri } from '../sip/message/index.js';

/** Longest number and name an on-hook caller-ID message carries (GR-30 SDMF/MDMF: 15 chars of name, numbers to 20). */
const MAX_NUMBER = 20;
const MAX_NAME = 15;

interface Party {
  readonly number?: string;
  readonly name?: string;
  readonly anonymous: boolean;
}

export function callerIdFromInvite(invite: SipRequest, wallMs: number): CallerIdInfo {
  const privacy = (invite.headers.get('Privacy') ?? '').toLowerCase().split(';').map((s) => s.trim());
  const rpids = invite.headers.getAll('Remote-Party-ID').filter((v) => rpiParam(v, 'screen') !== 'no');
  const rpidPrivacy = rpids.map((v) => rpiParam(v, 'privacy'));
  const withheld = privacy.includes('id') || privacy.includes('header') || privacy.includes('user')
    || rpidPrivacy.includes('full') || rpidPrivacy.includes('uri');
  const nameWithheld = rpidPrivacy.includes('name');
  const candidates = [
    ...invite.headers.getAll('P-Asserted-Identity').map((v) => partyOf(v)),
    ...rpids.map((v) => partyOf(v)),
    partyOf(invite.headers.get('From') ?? ''),
  ].filter((p): p is Party => p !== undefined);
  const numbered = candidates.find((p) => p.number !== undefined);
  const named = candidates.find((p) => p.name !== undefined);
  const time = callerIdTime(wallMs);
  if (withheld || candidates.some((p) => p.anonymous) && numbered === undefined) {
    return { numberAbsence: 'private', nameAbsence: 'private', time };
  }
  const info: CallerIdInfo = { time };
  if (numbered?.number !== undefined) info.number = numbered.number;
  else info.numberAbsence = 'unavailable';
  if (nameWithheld) info.nameAbsence = 'private';
  else if (named?.name !== undefined) info.name = named.name;
  else if (info.number === undefined) info.nameAbsence = 'unavailable';
  return info;
}

/** The month/day/hour/minute of a wall-clock time, local time, as caller ID sends it. */
export function callerIdTime(wallMs: number): CallerIdTime {
  const d = new Date(wallMs);
  return { month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes() };
}

/** The From of a call placed for a landline caller: `"Name" <sip:number@domain>`, or anonymous. */
export function sipFromForCaller(info: CallerIdInfo | undefined, domain: string): { uri: string; displayName?: string } {
  const number = info?.number !== undefined ? info.number.replace(/[^0-9+*#]/g, '') : '';
  if (number === '') return { uri: 'sip:anonymous@anonymous.invalid', displayName: 'Anonymous' };
  const uri = `sip:${number}@${domain}`;
  return info?.name !== undefined && info.name !== '' ? { uri, displayName: info.name } : { uri };
}

function partyOf(value: string): Party | undefined {
  const a = parseNameAddr(value);
  if (typeof a === 'string') return undefined;
  return party(a.uri, a.displayName);
}

/** A Remote-Party-ID parameter (rpi-privacy, rpi-screen...), lower case. */
function rpiParam(value: string, name: string): string | undefined {
  const close = value.lastIndexOf('>');
  const params = close >= 0 ? value.slice(close + 1) : value;
  return new RegExp(`;\\s*${name}\\s*=\\s*"?([a-z-]+)`, 'i').exec(params)?.[1]?.toLowerCase();
}

function party(uri: SipUri, displayName: string | undefined): Party {
  const user = uri.kind === 'sip' ? uri.user : uri.kind === 'tel' ? uri.number : undefined;
  const host = uri.kind === 'sip' ? uri.host.toLowerCase() : '';
  const anonymous = (user ?? '').toLowerCase() === 'anonymous' || host === 'anonymous.invalid';
  const number = anonymous ? undefined : numberOf(user);
  // sip:alice@pbx without a display name: the user part is the best name there is.
  const name = cleanName(displayName) ?? (number === undefined && !anonymous ? cleanName(user) : undefined);
  return {
    anonymous,
    ...(number !== undefined ? { number } : {}),
    ...(name !== undefined && !(anonymous && /^anonymous$/i.test(name)) ? { name } : {}),
  };
}

/** A dialable number from a URI user part: digits, with a leading + kept; undefined when it is a name (sip:alice@). */
function numberOf(user: string | undefined): string | undefined {
  if (user === undefined) return undefined;
  const plain = decodeURIComponentSafe(user).replace(/[\s().-]/g, '');
  if (!/^\+?[0-9*#]{1,32}$/.test(plain)) return undefined;
  return plain.slice(0, MAX_NUMBER);
}

/** A name as on-hook caller ID can carry it: printable ASCII (accents dropped), at most 15 characters. */
export function cleanName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  // Printable ASCII only: the FSK message carries 7-bit characters.
  const ascii = name.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').trim();
  return ascii === '' ? undefined : ascii.slice(0, MAX_NAME);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
