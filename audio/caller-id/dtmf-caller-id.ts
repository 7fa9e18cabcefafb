/**
 * DTMF caller ID: the calling number sent as DTMF digits, in a frame of
 * letters. ETSI EN 300 659-1 (annex on the DTMF-based protocol) keeps it for
 * networks that already used it; the framing is national practice. Supported:
 *
 * - 'a-c' (Sweden/Telia, Finland, Netherlands, Brazil and others):
 *     A <number> C              number
 *     [A <number>] D <number> C redirecting (diverting) number after the D
 *     B <two digits> C          information code instead of a number:
 *                                 "10" private (withheld), "00" unavailable
 * - 'a-hash' (Denmark, Tele Danmark):
 *     A <number> #              number
 *     D 1 #                     private;  D 2 # international, D 3 # unavailable
 *                               (both taken as unavailable)
 * - 'd-c' (Taiwan, India and others): D <number> C, absence as in 'a-c'.
 *
 * The decoder accepts all three (and a bare "<number>#" or "<number>C"): the
 * terminator and the letters say which was sent. DTMF carries digits only, so
 * there is no name or time; names/times in `info` are ignored by the encoder.
 * Digit timing: 70 ms tone, 70 ms pause (Telia; Tele Danmark ≥ 50 ms each).
 */
import { SAMPLE_RATE } from '../pcm.js';
import { dtmfSamples, type DtmfToneOptions } from '../dtmf/index.js';
import type { AbsenceReason, CallerIdError, CallerIdInfo } from './message.js';

export type DtmfCallerIdVariant = 'a-c' | 'a-hash' | 'd-c';

export interface DtmfCallerIdDecoded {
  info: CallerIdInfo;
  /** 'a-c' D field after an A field: the number the call was diverted from. */
  redirectingNumber?: string;
  variant: DtmfCallerIdVariant;
}

export type DtmfCallerIdResult = { ok: true; value: DtmfCallerIdDecoded } | { ok: false; error: CallerIdError };

const INFO_CODE: Record<AbsenceReason, string> = { private: '10', unavailable: '00' };

/** The digit string for `info`; throws RangeError when the number is not all digits. */
export function encodeDtmfCallerId(info: CallerIdInfo, variant: DtmfCallerIdVariant = 'a-c'): string {
  const number = info.number;
  if (number !== undefined && !/^\d{1,20}$/.test(number)) throw new RangeError(`DTMF caller ID: the number must be 1..20 digits, got '${number}'`);
  const absence = info.numberAbsence ?? 'unavailable';
  switch (variant) {
    case 'a-c':
      return number !== undefined ? `A${number}C` : `B${INFO_CODE[absence]}C`;
    case 'd-c':
      return number !== undefined ? `D${number}C` : `B${INFO_CODE[absence]}C`;
    case 'a-hash':
      return number !== undefined ? `A${number}#` : `D${absence === 'private' ? '1' : '3'}#`;
  }
}

export interface DtmfCallerIdSignalOptions extends Pick<DtmfToneOptions, 'lowLevelDbm0' | 'highLevelDbm0'> {
  variant?: DtmfCallerIdVariant;
  durationMs?: number; // default 70
  pauseMs?: number; // default 70
  sampleRate?: number;
}

/** The DTMF samples for `info` (the last digit's pause included). */
export function dtmfCallerIdSamples(info: CallerIdInfo, opts: DtmfCallerIdSignalOptions = {}): Int16Array {
  return dtmfSamples(encodeDtmfCallerId(info, opts.variant ?? 'a-c'), {
    lowLevelDbm0: opts.lowLevelDbm0,
    highLevelDbm0: opts.highLevelDbm0,
    durationMs: opts.durationMs ?? 70,
    pauseMs: opts.pauseMs ?? 70,
    sampleRate: opts.sampleRate ?? SAMPLE_RATE,
  });
}

function failure(detail: string): DtmfCallerIdResult {
  return { ok: false, error: { kind: 'format', detail } };
}

/** Decodes one whole digit string, terminator included. */
export function decodeDtmfCallerId(digits: string): DtmfCallerIdResult {
  const m = /^([ABD\d]*)([C#])$/.exec(digits);
  if (m === null) return failure(`'${digits}' is not letter-framed digits ending in C or #`);
  const body = m[1] ?? '';
  const hash = m[2] === '#';
  const fields = [...body.matchAll(/([ABD]?)(\d*)/g)].filter((f) => f[0] !== '').map((f) => ({ tag: f[1] ?? '', value: f[2] ?? '' }));
  if (fields.length === 0) return failure(`'${digits}' holds no field`);
  const info: CallerIdInfo = {};
  let redirectingNumber: string | undefined;
  let variant: DtmfCallerIdVariant = hash ? 'a-hash' : 'a-c';
  const hasA = fields.some((f) => f.tag === 'A');
  for (const { tag, value } of fields) {
    if (tag === 'A' || tag === '') {
      if (value === '') return failure(`'${digits}': empty number`);
      info.number = value;
    } else if (tag === 'B') {
      info.numberAbsence = value === INFO_CODE.private ? 'private' : 'unavailable';
    } else if (hash && value.length === 1) {
      info.numberAbsence = value === '1' ? 'private' : 'unavailable';
    } else if (value === '') {
      return failure(`'${digits}': empty D field`);
    } else if (hasA) {
      redirectingNumber = value;
    } else {
      info.number = value;
      if (!hash) variant = 'd-c';
    }
  }
  if (info.number !== undefined) delete info.numberAbsence;
  const value: DtmfCallerIdDecoded = { info, variant };
  if (redirectingNumber !== undefined) value.redirectingNumber = redirectingNumber;
  return { ok: true, value };
}
