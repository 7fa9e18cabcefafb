/**
 * Per-country line data for region-profile.ts: ring frequency, caller-ID
 * signalling, hook-flash window, emergency numbers, a default dial plan and the
 * per-call "withhold my number" prefix. Tones come from audio/tones.
 *
 * Sources, and how sure each column is:
 * - Ring frequency: Telcordia GR-506-CORE (LSSGR signalling; North America
 *   20 Hz); ETSI ES 201 970 §"ringing signal" (Europe: 25 Hz, 50 Hz allowed);
 *   BT SIN 351 (UK 25 Hz); NTT "Telephone service interfaces" technical
 *   reference (Japan 16 Hz, also in audio/tones/plans). Countries marked (?)
 *   below follow the ETSI 25 Hz norm without a national document checked.
 * - Caller ID: Telcordia GR-30-CORE (Bell 202, data after the first ring);
 *   ETSI EN 300 659-1/-2 (V.23, the four alerting methods); BT SIN 227 (UK:
 *   line reversal + DT-AS before the first ring); ETSI EN 300 659-1 annex on
 *   DTMF CLIP and the national practice listed in audio/caller-id/
 *   dtmf-caller-id.ts (DK 'a-hash', SE/FI/NL/BR 'a-c', IN 'd-c'). Where no
 *   national document was checked the entry says (?) and uses
 *   'after-first-ring', which nearly all ETSI-compliant phones accept.
 * - Hook flash: North America 300–1100 ms (the switchhook-flash window of
 *   GR-506-CORE as commonly implemented, e.g. Grandstream's defaults); Europe,
 *   Australia and others "timed break recall" (TBR) of 100 ms nominal (ETSI ES
 *   201 187 register recall; BT SIN 351; PBX vendors accept about 70–125 ms).
 *   Windows start at 80 ms or more, above the longest break of an
 *   in-tolerance 10 ± 1 pulse/s dial at 67 % break (74 ms), so pulse dialling
 *   still works (see hook-decoder.ts). The TBR upper limit (400 ms) is this
 *   project's choice: it also takes the 270 ms flash of French phones and a
 *   quick press of the cradle, and reports a hang-up within half a second.
 * - Emergency numbers: ITU-T E.161.1 / national numbering plans (112 across
 *   the EU by Directive 2018/1972).
 * - Anonymous-call prefixes: the operators' published codes; (?) where not
 *   checked. The ATA implements the prefix itself (it withholds the number in
 *   SIP), so a wrong guess costs only familiarity.
 */
import type { CallerIdStandard } from './types.js';
import type { OnHookMethod } from '../../audio/caller-id/on-hook.js';
import type { DtmfCallerIdVariant } from '../../audio/caller-id/dtmf-caller-id.js';

export interface RegionRow {
  readonly ringHz: number;
  readonly cid: CallerIdStandard;
  readonly method: OnHookMethod;
  /** DTMF caller ID only; 'a-c' elsewhere (unused). */
  readonly dtmf?: DtmfCallerIdVariant;
  readonly flash: { readonly minMs: number; readonly maxMs: number };
  /** Dialled as they are, completing at once: the map must not let them grow. */
  readonly emergency: readonly string[];
  /** National, international and service patterns (digit-map syntax). */
  readonly numbers: readonly string[];
  readonly anonymous: string;
}

/** North America: switchhook flash. */
const NANP_FLASH = { minMs: 300, maxMs: 1100 } as const;
/** Timed break recall, 100 ms nominal. */
const TBR_FLASH = { minMs: 80, maxMs: 400 } as const;
/** France: the "R" key sends a 270 ms break (France Télécom practice). */
const FR_FLASH = { minMs: 150, maxMs: 500 } as const;
/** (?) No national document checked: a broad window that still leaves pulse dialling alone. */
const WIDE_FLASH = { minMs: 100, maxMs: 1000 } as const;

/** NANP: N11 services, 10-digit (area codes never end in 11), 1 + 10 digits, 011 international. */
const NANP_NUMBERS = ['[2-9]11', '[2-9][02-9]xxxxxxxx', '[2-9]1[02-9]xxxxxxx', '1[2-9]xxxxxxxxx', '011xx.T'];

export const REGION_ROWS: Readonly<Record<string, RegionRow>> = {
  US: { ringHz: 20, cid: 'bell202', method: 'after-first-ring', flash: NANP_FLASH, emergency: ['911'], numbers: NANP_NUMBERS, anonymous: '*67' },
  CA: { ringHz: 20, cid: 'bell202', method: 'after-first-ring', flash: NANP_FLASH, emergency: ['911'], numbers: NANP_NUMBERS, anonymous: '*67' },
  // SIN 227: reversal + DT-AS; 0 + 9 or 10 digits; 1xx and 118xxx services; 141 withholds.
  GB: { ringHz: 25, cid: 'v23', method: 'dt-as', flash: TBR_FLASH, emergency: ['999', '112'], numbers: ['1[0-9]x', '118xxx', '0[1-9]xxxxxxxx', '0[1-9]xxxxxxxxx', '00xx.T'], anonymous: '141' },
  // (?) caller-ID method not checked; eir uses 141 like the UK.
  IE: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['999', '112'], numbers: ['0[1-9]xxxxxxx.T', '00xx.T'], anonymous: '141' },
  // Telekom CLIP: V.23 between the first and second ring; *31# withholds (per call).
  DE: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['110', '112'], numbers: ['11[5-8]x.T', '0[1-9]xx.T', '00xx.T', '[2-9]xx.T'], anonymous: '*31#' },
  // (?) caller-ID method and prefix not checked.
  AT: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['112', '122', '133', '144'], numbers: ['0[1-9]xx.T', '00xx.T', '[2-9]xx.T'], anonymous: '*31#' },
  // (?) caller-ID method not checked. Closed plan: 0 + 9 digits.
  CH: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['112', '117', '118', '144'], numbers: ['0[1-9]xxxxxxxx', '00xx.T'], anonymous: '*31#' },
  // France Télécom rang at 50 Hz; phones sold today ring on 25 Hz too, and
  // 25 Hz is what the SLIC boards generate. Closed plan 0 + 9 digits; 3651 withholds.
  FR: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: FR_FLASH, emergency: ['15', '17', '18', '112', '114'], numbers: ['0[1-9]xxxxxxxx', '00xx.T'], anonymous: '3651' },
  // (?) caller-ID method not checked. Landlines 0 + 5-10 digits, mobiles 3xx; *67# withholds.
  IT: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['112', '113', '115', '118'], numbers: ['0[1-9]x.T', '3xxxxxxxx.T', '00xx.T'], anonymous: '*67#' },
  // (?) caller-ID method not checked. Closed 9-digit plan; 067 withholds (Telefónica).
  ES: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['112', '091', '062'], numbers: ['[6-9]xxxxxxxx', '00xx.T'], anonymous: '067' },
  // KPN DTMF CLIP before ringing, after a line reversal. 0 + 9 digits; 0800/0900 vary. (?) prefix.
  NL: { ringHz: 25, cid: 'dtmf', method: 'line-reversal', dtmf: 'a-c', flash: TBR_FLASH, emergency: ['112'], numbers: ['0[1-9]xxxxxxxx', '0[89]00xxxx.T', '00xx.T'], anonymous: '*31#' },
  // (?) Belgium is usually listed among the DTMF-CLIP countries; method not checked.
  BE: { ringHz: 25, cid: 'dtmf', method: 'line-reversal', dtmf: 'a-c', flash: TBR_FLASH, emergency: ['112', '100', '101'], numbers: ['0[1-35-9]xxxxxxx', '04xxxxxxxx', '00xx.T'], anonymous: '*31#' },
  // Telia DTMF CLIP ('a-c'); (?) method. 0 + 6-9 digits; #31# withholds.
  SE: { ringHz: 25, cid: 'dtmf', method: 'line-reversal', dtmf: 'a-c', flash: TBR_FLASH, emergency: ['112'], numbers: ['0[1-9]xxxxx.T', '00xx.T'], anonymous: '#31#' },
  // (?) caller ID and prefix not checked. Closed 8-digit plan, no trunk prefix.
  NO: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['110', '112', '113'], numbers: ['[2-9]xxxxxxx', '00xx.T'], anonymous: '*31#' },
  // Tele Danmark DTMF CLIP ('a-hash'). Closed 8-digit plan. (?) prefix.
  DK: { ringHz: 25, cid: 'dtmf', method: 'line-reversal', dtmf: 'a-hash', flash: TBR_FLASH, emergency: ['112', '114'], numbers: ['[2-9]xxxxxxx', '00xx.T'], anonymous: '*31#' },
  // DTMF CLIP ('a-c'). 0 + 5-11 digits. (?) prefix.
  FI: { ringHz: 25, cid: 'dtmf', method: 'line-reversal', dtmf: 'a-c', flash: TBR_FLASH, emergency: ['112'], numbers: ['0[1-9]xxxx.T', '00xx.T'], anonymous: '#31#' },
  // (?) caller ID and prefix not checked. Closed 9-digit plan (no area code starts 11 or 99).
  PL: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['112', '997', '998', '999'], numbers: ['1[2-9]xxxxxxx', '[2-8]xxxxxxxx', '9[0-8]xxxxxxx', '00xx.T'], anonymous: '*31#' },
  // (?) caller ID and prefix not checked. Closed 9-digit plan.
  CZ: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['112', '150', '155', '158'], numbers: ['[2-9]xxxxxxxx', '00xx.T'], anonymous: '*31#' },
  // (?) Telstra CND: V.23 after a line reversal, as ATA profiles configure it; not
  // checked against AS/CA S002. 0 + 9 digits, 8-digit local, 13/1300/1800; 1831 withholds.
  AU: { ringHz: 25, cid: 'v23', method: 'line-reversal', flash: TBR_FLASH, emergency: ['000', '112', '106'], numbers: ['0[2-478]xxxxxxxx', '[2-9]xxxxxxx', '13xxxx', '1[38]00xxxxxx', '0011x.T'], anonymous: '1831' },
  // (?) Telecom NZ caller ID taken as Bell 202 after the first ring; not checked.
  // 0 + 8-9 digits, 7-digit local; 0197 withholds.
  NZ: { ringHz: 25, cid: 'bell202', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['111'], numbers: ['0[2-9]xxxxxxx.T', '[2-9]xxxxxx', '00xx.T'], anonymous: '0197' },
  // NTT "Number Display" is V.23-based but needs its own exchange (a CAR
  // signal, the phone's off-hook answer, then the data); neither v23 nor the
  // ETSI methods give it, so no caller ID until it is implemented. 16 Hz ringing.
  // (?) flash window. 0 + 9-10 digits, 010 international; 184 withholds.
  JP: { ringHz: 16, cid: 'none', method: 'after-first-ring', flash: WIDE_FLASH, emergency: ['110', '118', '119'], numbers: ['0[1-9]xxxxxxxx', '0[1-9]xxxxxxxxx', '010x.T'], anonymous: '184' },
  // DTMF CLIP 'd-c'; (?) method, flash and prefix. 10-digit mobiles, 0 + 10 digits.
  IN: { ringHz: 25, cid: 'dtmf', method: 'line-reversal', dtmf: 'd-c', flash: WIDE_FLASH, emergency: ['112', '100', '101', '102', '108'], numbers: ['[6-9]xxxxxxxxx', '0[1-9]xxxxxxxxx', '00xx.T'], anonymous: '*67' },
  // DTMF CLIP 'a-c', (?) sent between the first and second ring; (?) flash and prefix.
  // 0 + carrier + area + number, 8-9-digit local.
  BR: { ringHz: 25, cid: 'dtmf', method: 'after-first-ring', dtmf: 'a-c', flash: WIDE_FLASH, emergency: ['190', '192', '193'], numbers: ['0[1-9]xxx.T', '[2-9]xxxxxxx.T', '00xx.T'], anonymous: '#31#' },
  // (?) caller ID and prefix not checked. 0 + 9 digits.
  ZA: { ringHz: 25, cid: 'v23', method: 'after-first-ring', flash: TBR_FLASH, emergency: ['10111', '10177', '112'], numbers: ['0[1-8]xxxxxxxx', '00xx.T'], anonymous: '*31#' },
};
