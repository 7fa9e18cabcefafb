/**
 * Pure parsing of what a voice modem prints in command mode (ITU-T V.250 result
 * codes, V.253 voice, the "+VCID" caller-ID report). One text line in, one
 * classified response out; nothing here keeps state except `CallerIdCollector`,
 * which gathers the caller-ID lines of one call into a `CallerIdInfo`.
 *
 * Caller ID (AT+VCID=1, formatted): `DATE = 0321`, `TIME = 1405`,
 * `NMBR = 5551234567`, `NAME = SMITH JOHN`; `O` / `P` instead of a number or
 * name mean unavailable / private. AT+VCID=2 (unformatted): `MESG = 80 1A 01…`,
 * the hex of the whole SDMF / MDMF message, decoded by audio/caller-id/message.ts.
 * Spacing around `=` varies between modems (USR prints `NMBR=…`), hex may or
 * may not be spaced.
 */
import { decodeCallerIdMessage, type AbsenceReason, type CallerIdInfo } from '../../audio/caller-id/message.js';

export type ResultCode = 'OK' | 'ERROR' | 'RING' | 'NO CARRIER' | 'BUSY' | 'NO DIALTONE' | 'NO ANSWER' | 'CONNECT' | 'VCON';

export type CallerIdField = 'DATE' | 'TIME' | 'NMBR' | 'NAME' | 'MESG' | 'DDN_NMBR';

export type ModemResponse =
  | { readonly kind: 'result'; readonly code: ResultCode; readonly detail: string }
  | { readonly kind: 'caller-id'; readonly field: CallerIdField; readonly value: string }
  /** Anything else: an information line (ATI answer, +FCLASS list, +VSM list), or the echo of a command. */
  | { readonly kind: 'info'; readonly text: string };

const RESULTS: readonly ResultCode[] = ['OK', 'ERROR', 'RING', 'NO CARRIER', 'BUSY', 'NO DIALTONE', 'NO ANSWER', 'CONNECT', 'VCON'];
const CID_LINE = /^(DATE|TIME|NMBR|NAME|MESG|DDN_NMBR)\s*=\s*(.*)$/;

/** Classifies one line (without its CR/LF). */
export function parseResponseLine(line: string): ModemResponse {
  const text = line.trim();
  const upper = text.toUpperCase();
  // Verbose result codes only (ATV1, the default after ATZ): a bare "0" may be an answer to a query.
  for (const code of RESULTS) {
    if (upper === code) return { kind: 'result', code, detail: '' };
    // "CONNECT 33600", "RING A" (distinctive ring) carry detail.
    if ((code === 'CONNECT' || code === 'RING') && upper.startsWith(`${code} `)) return { kind: 'result', code, detail: text.slice(code.length + 1).trim() };
  }
  const cid = CID_LINE.exec(text);
  if (cid !== null) return { kind: 'caller-id', field: cid[1] as CallerIdField, value: (cid[2] ?? '').trim() };
  return { kind: 'info', text };
}

/** The bytes of a hex string ("80 1A 01…" or "801A01…"), or undefined when it is not hex. */
export function parseHex(text: string): Uint8Array | undefined {
  const hex = text.replace(/\s+/g, '');
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function absence(value: string): AbsenceReason | undefined {
  const v = value.toUpperCase();
  return v === 'O' ? 'unavailable' : v === 'P' ? 'private' : undefined;
}

/** Gathers the caller-ID lines of one call; `take()` returns what they say and starts afresh. */
export class CallerIdCollector {
  private info: CallerIdInfo = {};
  private date: { month: number; day: number } | undefined;
  private clock: { hour: number; minute: number } | undefined;
  private fields = 0;
  /** MESG lines that did not decode, with the reason. */
  readonly problems: string[] = [];

  get pending(): boolean {
    return this.fields > 0;
  }

  add(field: CallerIdField, value: string): void {
    this.fields++;
    switch (field) {
      case 'DATE': {
        const m = /^(\d\d)(\d\d)$/.exec(value);
        if (m !== null) this.date = { month: Number(m[1]), day: Number(m[2]) };
        return;
      }
      case 'TIME': {
        const m = /^(\d\d)(\d\d)$/.exec(value);
        if (m !== null) this.clock = { hour: Number(m[1]), minute: Number(m[2]) };
        return;
      }
      case 'NMBR':
      case 'DDN_NMBR': {
        if (field === 'DDN_NMBR' && this.info.number !== undefined) return;
        const why = absence(value);
        if (why !== undefined) this.info.numberAbsence = why;
        else if (value.length > 0) this.info.number = value;
        return;
      }
      case 'NAME': {
        const why = absence(value);
        if (why !== undefined) this.info.nameAbsence = why;
        else if (value.length > 0) this.info.name = value;
        return;
      }
      case 'MESG': {
        const bytes = parseHex(value);
        if (bytes === undefined) {
          this.problems.push(`MESG is not hex: ${value}`);
          return;
        }
        const r = decodeCallerIdMessage(bytes);
        if (!r.ok) {
          this.problems.push(`MESG: ${r.error.kind}: ${r.error.detail}`);
          return;
        }
        this.info = { ...this.info, ...r.message.info };
        return;
      }
    }
  }

  /** The caller ID gathered so far (undefined when nothing usable came), and a fresh start. */
  take(): CallerIdInfo | undefined {
    const out: CallerIdInfo = { ...this.info };
    if (out.time === undefined && this.date !== undefined && this.clock !== undefined) out.time = { ...this.date, ...this.clock };
    this.info = {};
    this.date = undefined;
    this.clock = undefined;
    this.fields = 0;
    return Object.keys(out).length === 0 ? undefined : out;
  }
}

/** What the modem says it is (ATI, AT+GMI/GMM or AT+FMI?/FMM?). */
export interface ModemIdentity {
  manufacturer?: string;
  model?: string;
  /** ATI's answer (often a product code such as "56000"). */
  product?: string;
}

/** The answer of an identification command: the information lines joined, quotes and "+GMI:" prefixes removed. */
export function identityText(lines: readonly string[]): string | undefined {
  const text = lines
    .map((l) => l.replace(/^\+[A-Z]{3}:\s*/i, '').replace(/^"(.*)"$/, '$1').trim())
    .filter((l) => l.length > 0)
    .join(' ');
  return text.length === 0 ? undefined : text;
}

/** The service classes of an `AT+FCLASS=?` answer ("0,1,1.0,2,8" or "(0,1,8)"). */
export function parseClasses(lines: readonly string[]): string[] {
  return lines
    .join(',')
    .replace(/[()\s]/g, '')
    .split(',')
    .filter((c) => c.length > 0);
}

export type SampleEncoding = 'mulaw' | 'alaw' | 'pcm16' | 'pcm8';

/** One compression method of an `AT+VSM=?` answer. */
export interface VoiceFormatOption {
  readonly code: number;
  readonly name: string;
  readonly encoding: SampleEncoding | undefined;
  readonly rates: readonly number[];
}

/** The voice format chosen for 8 kHz audio: `AT+VSM=<code>,8000`. */
export interface VoiceFormat {
  readonly code: number;
  readonly encoding: SampleEncoding;
}

/** How a method's name reads: µ-law, A-law, 16-bit or 8-bit linear PCM, or something we do not play (ADPCM). */
export function encodingOf(name: string, bits?: number): SampleEncoding | undefined {
  const n = name.toUpperCase();
  if (/ADPCM|GSM|CELP/.test(n)) return undefined;
  if (/U-?LAW|µ-?LAW|MU-?LAW/.test(n)) return 'mulaw';
  if (/A-?LAW/.test(n)) return 'alaw';
  if (/LINEAR|PCM/.test(n)) return bits === 16 || /16/.test(n) ? 'pcm16' : 'pcm8';
  return undefined;
}

/**
 * The methods of an `AT+VSM=?` answer, one per line:
 * `131,"G.711 ULAW",8,0,(8000),(0),(0)` (Conexant) or `128,"8-BIT LINEAR",(7200,8000,11025)` (USR).
 */
export function parseVoiceFormats(lines: readonly string[]): VoiceFormatOption[] {
  const out: VoiceFormatOption[] = [];
  for (const line of lines) {
    const m = /^\s*(?:\+VSM:\s*)?(\d+)\s*,\s*"([^"]*)"\s*(.*)$/i.exec(line);
    if (m === null) continue;
    const rest = m[3] ?? '';
    const bitsMatch = /^,\s*(\d+)\s*,/.exec(rest);
    const bits = bitsMatch === null ? undefined : Number(bitsMatch[1]);
    const rates = [...rest.matchAll(/\d{4,5}/g)].map((r) => Number(r[0]));
    out.push({ code: Number(m[1]), name: m[2] ?? '', encoding: encodingOf(m[2] ?? '', bits), rates });
  }
  return out;
}

const PREFERENCE: readonly SampleEncoding[] = ['mulaw', 'alaw', 'pcm8', 'pcm16'];

/**
 * The best method for 8 kHz: µ-law, then A-law, then 8-bit linear, then 16-bit
 * linear (16 000 bytes/s, more than a real UART at 115200 baud carries; a USB
 * CDC modem does not care). Undefined when none plays 8000 Hz.
 */
export function pickVoiceFormat(options: readonly VoiceFormatOption[]): VoiceFormat | undefined {
  for (const encoding of PREFERENCE) {
    const o = options.find((x) => x.encoding === encoding && (x.rates.length === 0 || x.rates.includes(8000)));
    if (o !== undefined) return { code: o.code, encoding };
  }
  return undefined;
}
