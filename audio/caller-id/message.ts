/**
 * Caller-ID messages: the bytes carried by the FSK, independent of the modem.
 *
 * Standards:
 * - Telcordia GR-30-CORE (Voiceband Data Transmission Interface), §§ SDMF and
 *   MDMF: message type, message length, message body, checksum. SDMF calling
 *   number delivery is type 0x04 (body: 8 ASCII characters MMDDHHMM, then the
 *   number or 'O' / 'P'); SDMF message waiting is type 0x06 (body 0x42×3 on,
 *   0x6F×3 off). MDMF call setup is type 0x80 with parameters (type, length,
 *   value): 0x01 date and time, 0x02 calling number, 0x04 reason for absence of
 *   number, 0x07 calling name, 0x08 reason for absence of name; MDMF message
 *   waiting is type 0x82 with parameter 0x0B visual indicator (0xFF on, 0x00 off).
 * - ETSI EN 300 659-3 (data link message and parameter codings): message type
 *   0x80 "call set-up" with the same parameter codes for this subset (0x01 date
 *   and time, 0x02 calling line identity, 0x04 reason for absence of CLI, 0x07
 *   calling party name, 0x08 reason for absence of name) and 0x82 "message
 *   waiting indicator" with 0x0B visual indicator. ETSI allows a longer CLI (20)
 *   and name (50) than Bell practice (15 / 15), hence the `profile` option.
 *
 * The checksum is the two's complement of the modulo-256 sum of every byte from
 * the message type through the last body byte, so the sum of all bytes including
 * the checksum is 0 mod 256. Unknown MDMF parameters are skipped on decoding
 * (both standards require the terminal to ignore them).
 */

/** The date and time a call arrived, as the network sends it (no year, local time). */
export interface CallerIdTime {
  month: number;
  day: number;
  hour: number;
  minute: number;
}

export type AbsenceReason = 'private' | 'unavailable';

export interface CallerIdInfo {
  number?: string;
  name?: string;
  time?: CallerIdTime;
  /** Why there is no number: 'P' private (withheld), 'O' unavailable (out of area). */
  numberAbsence?: AbsenceReason;
  nameAbsence?: AbsenceReason;
  /** Visual message-waiting indicator; sent in its own message (SDMF 0x06 / MDMF 0x82). */
  messageWaiting?: boolean;
}

export type CallerIdFormat = 'sdmf' | 'mdmf';
/** Field-length limits: Bell (GR-30 practice) or ETSI (EN 300 659-3). */
export type CallerIdProfile = 'bell' | 'etsi';

export const MESSAGE_TYPE = {
  sdmfCallerId: 0x04,
  sdmfMessageWaiting: 0x06,
  mdmfCallSetup: 0x80,
  mdmfMessageWaiting: 0x82,
} as const;

export const PARAMETER = {
  dateTime: 0x01,
  number: 0x02,
  numberAbsence: 0x04,
  name: 0x07,
  nameAbsence: 0x08,
  visualIndicator: 0x0b,
} as const;

const LIMITS: Record<CallerIdProfile, { number: number; name: number }> = {
  bell: { number: 15, name: 15 },
  etsi: { number: 20, name: 50 },
};
/** GR-30 SDMF: up to 10 digits. */
const SDMF_NUMBER_MAX = 10;

export type CallerIdErrorKind = 'too-short' | 'length' | 'checksum' | 'unsupported-type' | 'format' | 'truncated';

export interface CallerIdError {
  kind: CallerIdErrorKind;
  detail: string;
  /** The bytes as received, when there are any. */
  bytes?: Uint8Array;
}

export interface DecodedCallerIdMessage {
  type: number;
  format: CallerIdFormat;
  info: CallerIdInfo;
  /** MDMF parameters this decoder does not interpret (kept, not an error). */
  otherParameters: { type: number; value: Uint8Array }[];
}

export type DecodeResult = { ok: true; message: DecodedCallerIdMessage } | { ok: false; error: CallerIdError };

export interface EncodeOptions {
  format?: CallerIdFormat; // default 'mdmf'
  profile?: CallerIdProfile; // default 'bell'
}

/** Two's complement of the modulo-256 sum of `bytes[0, end)`. */
export function checksum(bytes: ArrayLike<number>, end = bytes.length): number {
  let sum = 0;
  for (let i = 0; i < end; i++) sum += bytes[i] ?? 0;
  return -sum & 0xff;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

function ascii(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) out.push(text.charCodeAt(i));
  return out;
}

function two(n: number): string {
  return String(n).padStart(2, '0');
}

function encodeTime(t: CallerIdTime): number[] {
  const ok = (v: number, lo: number, hi: number): boolean => Number.isInteger(v) && v >= lo && v <= hi;
  if (!ok(t.month, 1, 12) || !ok(t.day, 1, 31) || !ok(t.hour, 0, 23) || !ok(t.minute, 0, 59)) {
    throw new RangeError(`caller ID: invalid date/time ${JSON.stringify(t)}`);
  }
  return ascii(two(t.month) + two(t.day) + two(t.hour) + two(t.minute));
}

/** Names are display text: non-printable characters become '?', then the name is cut to the limit. */
function cleanName(name: string, max: number): string {
  return name.replace(/[^\x20-\x7e]/g, '?').slice(0, max);
}

function checkNumber(number: string, max: number): void {
  if (number.length === 0 || number.length > max || !PRINTABLE.test(number)) {
    throw new RangeError(`caller ID: number must be 1..${max} printable ASCII characters, got '${number}'`);
  }
}

function absenceCode(reason: AbsenceReason): number {
  return reason === 'private' ? 0x50 /* 'P' */ : 0x4f /* 'O' */;
}

function frame(type: number, body: number[]): Uint8Array {
  if (body.length > 255) throw new RangeError('caller ID: message body longer than 255 bytes');
  const out = new Uint8Array(body.length + 3);
  out[0] = type;
  out[1] = body.length;
  out.set(body, 2);
  out[out.length - 1] = checksum(out, out.length - 1);
  return out;
}

function hasCallFields(info: CallerIdInfo): boolean {
  return info.number !== undefined || info.name !== undefined || info.time !== undefined
    || info.numberAbsence !== undefined || info.nameAbsence !== undefined;
}

/**
 * Encodes a whole message: type, length, body, checksum. A call (number, name,
 * time, absences) becomes SDMF 0x04 or MDMF 0x80; an info holding only
 * `messageWaiting` becomes SDMF 0x06 or MDMF 0x82. Throws RangeError for input
 * that cannot be sent (bad number, missing SDMF time, both kinds at once).
 */
export function encodeCallerIdMessage(info: CallerIdInfo, opts: EncodeOptions = {}): Uint8Array {
  const format = opts.format ?? 'mdmf';
  const limits = LIMITS[opts.profile ?? 'bell'];
  if (!hasCallFields(info)) {
    if (info.messageWaiting === undefined) throw new RangeError('caller ID: nothing to send');
    if (format === 'sdmf') return frame(MESSAGE_TYPE.sdmfMessageWaiting, new Array<number>(3).fill(info.messageWaiting ? 0x42 : 0x6f));
    return frame(MESSAGE_TYPE.mdmfMessageWaiting, [PARAMETER.visualIndicator, 1, info.messageWaiting ? 0xff : 0x00]);
  }
  if (info.messageWaiting !== undefined) throw new RangeError('caller ID: send message waiting in a message of its own');

  if (format === 'sdmf') {
    if (info.time === undefined) throw new RangeError('caller ID: SDMF needs the date and time');
    const body = encodeTime(info.time);
    if (info.number !== undefined) {
      checkNumber(info.number, SDMF_NUMBER_MAX);
      body.push(...ascii(info.number));
    } else {
      body.push(absenceCode(info.numberAbsence ?? 'unavailable'));
    }
    return frame(MESSAGE_TYPE.sdmfCallerId, body);
  }

  const body: number[] = [];
  const param = (type: number, value: number[]): void => {
    body.push(type, value.length, ...value);
  };
  if (info.time !== undefined) param(PARAMETER.dateTime, encodeTime(info.time));
  if (info.number !== undefined) {
    checkNumber(info.number, limits.number);
    param(PARAMETER.number, ascii(info.number));
  } else if (info.numberAbsence !== undefined) {
    param(PARAMETER.numberAbsence, [absenceCode(info.numberAbsence)]);
  }
  if (info.name !== undefined && info.name.length > 0) {
    param(PARAMETER.name, ascii(cleanName(info.name, limits.name)));
  } else if (info.nameAbsence !== undefined) {
    param(PARAMETER.nameAbsence, [absenceCode(info.nameAbsence)]);
  }
  return frame(MESSAGE_TYPE.mdmfCallSetup, body);
}

function fail(kind: CallerIdErrorKind, detail: string, bytes: Uint8Array): DecodeResult {
  return { ok: false, error: { kind, detail, bytes } };
}

function text(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function decodeTime(bytes: Uint8Array): CallerIdTime | undefined {
  const s = text(bytes);
  if (!/^\d{8}$/.test(s)) return undefined;
  const t = { month: Number(s.slice(0, 2)), day: Number(s.slice(2, 4)), hour: Number(s.slice(4, 6)), minute: Number(s.slice(6, 8)) };
  if (t.month < 1 || t.month > 12 || t.day < 1 || t.day > 31 || t.hour > 23 || t.minute > 59) return undefined;
  return t;
}

function decodeAbsence(bytes: Uint8Array): AbsenceReason | undefined {
  if (bytes.length !== 1) return undefined;
  if (bytes[0] === 0x50) return 'private';
  if (bytes[0] === 0x4f) return 'unavailable';
  return undefined;
}

function decodeSdmf(type: number, body: Uint8Array, all: Uint8Array): DecodeResult {
  const message = (info: CallerIdInfo): DecodeResult => ({ ok: true, message: { type, format: 'sdmf', info, otherParameters: [] } });
  if (type === MESSAGE_TYPE.sdmfMessageWaiting) {
    if (body.length === 3 && body.every((b) => b === 0x42)) return message({ messageWaiting: true });
    if (body.length === 3 && body.every((b) => b === 0x6f)) return message({ messageWaiting: false });
    return fail('format', 'SDMF message waiting body is neither 0x42×3 nor 0x6F×3', all);
  }
  if (body.length < 9) return fail('format', 'SDMF body shorter than date/time plus one character', all);
  const time = decodeTime(body.subarray(0, 8));
  if (time === undefined) return fail('format', 'SDMF date/time is not MMDDHHMM', all);
  const rest = body.subarray(8);
  const absence = decodeAbsence(rest);
  if (absence !== undefined) return message({ time, numberAbsence: absence });
  const number = text(rest);
  if (!PRINTABLE.test(number)) return fail('format', 'SDMF number is not printable ASCII', all);
  return message({ time, number });
}

function decodeMdmf(type: number, body: Uint8Array, all: Uint8Array): DecodeResult {
  const info: CallerIdInfo = {};
  const otherParameters: { type: number; value: Uint8Array }[] = [];
  let i = 0;
  while (i < body.length) {
    const ptype = body[i] ?? 0;
    const plen = body[i + 1];
    if (plen === undefined || i + 2 + plen > body.length) return fail('format', `MDMF parameter 0x${ptype.toString(16)} overruns the message`, all);
    const value = body.subarray(i + 2, i + 2 + plen);
    i += 2 + plen;
    const bad = (what: string): DecodeResult => fail('format', `MDMF ${what} parameter is malformed`, all);
    if (type === MESSAGE_TYPE.mdmfMessageWaiting && ptype === PARAMETER.visualIndicator) {
      if (plen !== 1) return bad('visual indicator');
      info.messageWaiting = value[0] !== 0x00;
      continue;
    }
    switch (ptype) {
      case PARAMETER.dateTime: {
        const t = decodeTime(value);
        if (t === undefined) return bad('date/time');
        info.time = t;
        break;
      }
      case PARAMETER.number:
        if (!PRINTABLE.test(text(value))) return bad('number');
        info.number = text(value);
        break;
      case PARAMETER.numberAbsence: {
        const r = decodeAbsence(value);
        if (r === undefined) return bad('reason for absence of number');
        info.numberAbsence = r;
        break;
      }
      case PARAMETER.name:
        info.name = text(value);
        break;
      case PARAMETER.nameAbsence: {
        const r = decodeAbsence(value);
        if (r === undefined) return bad('reason for absence of name');
        info.nameAbsence = r;
        break;
      }
      default:
        otherParameters.push({ type: ptype, value: value.slice() });
    }
  }
  return { ok: true, message: { type, format: 'mdmf', info, otherParameters } };
}

/**
 * Decodes one whole message (type, length, body, checksum). Validates the length
 * byte against the buffer and the checksum before looking at the body.
 */
export function decodeCallerIdMessage(bytes: Uint8Array): DecodeResult {
  if (bytes.length < 3) return fail('too-short', `${bytes.length} bytes is shorter than type, length and checksum`, bytes);
  const type = bytes[0] ?? 0;
  const length = bytes[1] ?? 0;
  if (bytes.length !== length + 3) return fail('length', `length byte says ${length} body bytes, buffer holds ${bytes.length - 3}`, bytes);
  const expected = checksum(bytes, bytes.length - 1);
  const got = bytes[bytes.length - 1] ?? 0;
  if (expected !== got) return fail('checksum', `checksum 0x${got.toString(16)} should be 0x${expected.toString(16)}`, bytes);
  const body = bytes.subarray(2, bytes.length - 1);
  switch (type) {
    case MESSAGE_TYPE.sdmfCallerId:
    case MESSAGE_TYPE.sdmfMessageWaiting:
      return decodeSdmf(type, body, bytes);
    case MESSAGE_TYPE.mdmfCallSetup:
    case MESSAGE_TYPE.mdmfMessageWaiting:
      return decodeMdmf(type, body, bytes);
    default:
      return fail('unsupported-type', `message type 0x${type.toString(16)} is not a caller-ID message`, bytes);
  }
}

/** Whether `type` starts a message this module decodes (the receiver's sync test). */
export function isCallerIdMessageType(type: number): boolean {
  return type === MESSAGE_TYPE.sdmfCallerId || type === MESSAGE_TYPE.sdmfMessageWaiting
    || type === MESSAGE_TYPE.mdmfCallSetup || type === MESSAGE_TYPE.mdmfMessageWaiting;
}
