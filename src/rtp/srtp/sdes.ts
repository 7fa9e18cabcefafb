/**
 * SDP Security Descriptions: the `a=crypto:` attribute (RFC 4568).
 *
 * - §4 / §9.1 grammar: `tag 1*WSP crypto-suite 1*WSP key-params *(1*WSP session-param)`,
 *   key-params = key-param *(";" key-param), key-param = key-method ":" key-info.
 * - §6.1 / §9.2 SRTP key-info: `inline:<base64(key || salt)>[|lifetime][|mki:length]`,
 *   lifetime either decimal or "2^n".
 * - §6.2.1 / §6.2.2: AES_CM_128_HMAC_SHA1_80 and _32, 128-bit key, 112-bit salt,
 *   lifetime at most 2^48. The RFC 6188 AES-192/256 suites are refused as unsupported.
 * - §5.1.2 / §7.1: the answerer takes the offerer's most preferred (first) acceptable
 *   line and answers with the same tag and suite and its own key.
 *
 * Dialtone does not use MKIs (RFC 3711 §3.1 makes them optional): a line carrying an
 * MKI is refused with reason 'mki_unsupported' unless the caller asks to see it.
 * Only the WSH (window size hint) session parameter is understood; a line with any
 * other session parameter is parsed but never chosen.
 */

import { randomBytes } from 'node:crypto';
import { DialtoneError } from '../../errors.js';
import { SRTP_SUITES, SUPPORTED_SUITES, isSupportedSuite, type SrtpSuiteName } from './suites.js';

export interface CryptoMki {
  value: number;
  /** MKI length in bytes, 1..128. */
  length: number;
}

export interface CryptoKeyParam {
  method: 'inline';
  /** Master key, 16 bytes. */
  key: Uint8Array;
  /** Master salt, 14 bytes. */
  salt: Uint8Array;
  /** Master key lifetime in packets. */
  lifetime?: number;
  mki?: CryptoMki;
}

export interface ParsedCrypto {
  tag: number;
  suite: SrtpSuiteName;
  keyParams: CryptoKeyParam[];
  sessionParams: string[];
}

export type CryptoParseFailure =
  | 'syntax'
  | 'bad_tag'
  | 'unsupported_suite'
  | 'unsupported_key_method'
  | 'bad_key_encoding'
  | 'bad_key_length'
  | 'bad_lifetime'
  | 'bad_mki'
  | 'mki_unsupported';

export type CryptoParseResult = { ok: true; crypto: ParsedCrypto } | { ok: false; reason: CryptoParseFailure };

export interface ParseCryptoOptions {
  /** Accept lines with an MKI (for inspection only; SrtpContext cannot use them). Default false. */
  allowMki?: boolean;
}

const MAX_TAG = 999_999_999; // 1*9DIGIT
const MAX_MKI_LENGTH = 128;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DIGITS = /^[0-9]+$/;
const VISIBLE = /^[\x21-\x7e]+$/;

/**
 * Parses the value of an `a=crypto:` attribute, e.g.
 * `1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20`.
 * A leading `a=crypto:` or `crypto:` is tolerated. Never throws.
 */
export function parseCryptoAttribute(value: string, options: ParseCryptoOptions = {}): CryptoParseResult {
  const text = value.trim().replace(/^(?:a=)?crypto:/i, '');
  const fields = text.split(/[ \t]+/);
  if (fields.length < 3) return fail('syntax');
  const [tagText, suiteName, keyParamsText, ...sessionParams] = fields as [string, string, string, ...string[]];

  if (!/^[0-9]{1,9}$/.test(tagText)) return fail('bad_tag');
  const tag = Number(tagText);
  if (!/^[A-Za-z0-9_]+$/.test(suiteName)) return fail('syntax');
  if (!isSupportedSuite(suiteName)) return fail('unsupported_suite');
  if (!sessionParams.every((p) => VISIBLE.test(p))) return fail('syntax');

  const keyParams: CryptoKeyParam[] = [];
  for (const keyParamText of keyParamsText.split(';')) {
    const parsed = parseKeyParam(keyParamText, suiteName);
    if (typeof parsed === 'string') return fail(parsed);
    keyParams.push(parsed);
  }
  if (options.allowMki !== true && keyParams.some((k) => k.mki !== undefined)) return fail('mki_unsupported');
  return { ok: true, crypto: { tag, suite: suiteName, keyParams, sessionParams } };
}

/** Renders a crypto line's attribute value (without the `a=crypto:` prefix). */
export function formatCryptoAttribute(crypto: ParsedCrypto): string {
  if (!Number.isInteger(crypto.tag) || crypto.tag < 0 || crypto.tag > MAX_TAG) {
    throw new DialtoneError('sdes_bad_tag', 'crypto tag must be an integer of at most 9 digits', { tag: crypto.tag });
  }
  if (!isSupportedSuite(crypto.suite)) {
    throw new DialtoneError('sdes_bad_suite', 'unsupported SRTP crypto suite', { suite: String(crypto.suite) });
  }
  if (crypto.keyParams.length === 0) {
    throw new DialtoneError('sdes_no_key', 'a crypto line needs at least one key', { tag: crypto.tag });
  }
  const suite = SRTP_SUITES[crypto.suite];
  const keyParams = crypto.keyParams.map((k) => {
    if (k.key.length !== suite.keyLength || k.salt.length !== suite.saltLength) {
      throw new DialtoneError('sdes_bad_key', 'crypto key or salt has the wrong length for its suite', {
        suite: suite.name, keyLength: k.key.length, saltLength: k.salt.length,
      });
    }
    let info = Buffer.concat([k.key, k.salt]).toString('base64');
    if (k.lifetime !== undefined) info += `|${formatLifetime(k.lifetime)}`;
    if (k.mki !== undefined) info += `|${k.mki.value}:${k.mki.length}`;
    return `inline:${info}`;
  });
  return [String(crypto.tag), crypto.suite, keyParams.join(';'), ...crypto.sessionParams].join(' ');
}

/** A fresh crypto line with a random master key and salt (RFC 4568 §6.1, RFC 3711 §8.1). */
export function newCryptoAttribute(tag: number, suite: SrtpSuiteName): ParsedCrypto {
  if (!Number.isInteger(tag) || tag < 0 || tag > MAX_TAG) {
    throw new DialtoneError('sdes_bad_tag', 'crypto tag must be an integer of at most 9 digits', { tag });
  }
  if (!isSupportedSuite(suite)) {
    throw new DialtoneError('sdes_bad_suite', 'unsupported SRTP crypto suite', { suite: String(suite) });
  }
  const params = SRTP_SUITES[suite];
  return {
    tag,
    suite,
    keyParams: [{ method: 'inline', key: randomBytes(params.keyLength), salt: randomBytes(params.saltLength) }],
    sessionParams: [],
  };
}

/**
 * The answerer's choice (RFC 4568 §5.1.2, §7.1): the first offered line, in the
 * offerer's order of preference, whose suite is in `supported` and which Dialtone can
 * use — exactly one key, no MKI, no session parameter other than WSH.
 */
export function chooseCrypto(offered: readonly ParsedCrypto[], supported: readonly SrtpSuiteName[] = SUPPORTED_SUITES): ParsedCrypto | undefined {
  return offered.find((c) =>
    supported.includes(c.suite)
    && c.keyParams.length === 1
    && c.keyParams.every((k) => k.mki === undefined)
    && c.sessionParams.every((p) => /^WSH=[0-9]+$/.test(p)));
}

function parseKeyParam(text: string, suiteName: SrtpSuiteName): CryptoKeyParam | CryptoParseFailure {
  const colon = text.indexOf(':');
  if (colon <= 0) return 'syntax';
  if (text.slice(0, colon).toLowerCase() !== 'inline') return 'unsupported_key_method';
  const parts = text.slice(colon + 1).split('|');
  if (parts.length > 3) return 'syntax';
  const [keySalt = '', ...rest] = parts;

  if (!BASE64.test(keySalt)) return 'bad_key_encoding';
  const bytes = Buffer.from(keySalt, 'base64');
  const suite = SRTP_SUITES[suiteName];
  if (bytes.length !== suite.keyLength + suite.saltLength) return 'bad_key_length';
  const param: CryptoKeyParam = {
    method: 'inline',
    key: Uint8Array.from(bytes.subarray(0, suite.keyLength)),
    salt: Uint8Array.from(bytes.subarray(suite.keyLength)),
  };

  // Lifetime comes before MKI; an MKI is the part with a colon.
  const [first, second] = rest;
  let lifetimeText: string | undefined;
  let mkiText: string | undefined;
  if (second !== undefined) {
    lifetimeText = first;
    mkiText = second;
  } else if (first !== undefined) {
    if (first.includes(':')) mkiText = first;
    else lifetimeText = first;
  }
  if (lifetimeText !== undefined) {
    const lifetime = parseLifetime(lifetimeText);
    if (lifetime === undefined || lifetime > suite.maxSrtpLifetime) return 'bad_lifetime';
    param.lifetime = lifetime;
  }
  if (mkiText !== undefined) {
    const mki = parseMki(mkiText);
    if (mki === undefined) return 'bad_mki';
    param.mki = mki;
  }
  return param;
}

/** `2^n` or a decimal count (RFC 4568 §6.1); undefined when malformed or zero. */
function parseLifetime(text: string): number | undefined {
  let lifetime: number;
  if (text.startsWith('2^')) {
    const exponent = text.slice(2);
    if (!DIGITS.test(exponent) || exponent.length > 2) return undefined;
    lifetime = 2 ** Number(exponent);
  } else {
    if (!DIGITS.test(text) || text.length > 16) return undefined;
    lifetime = Number(text);
  }
  return Number.isSafeInteger(lifetime) && lifetime >= 1 ? lifetime : undefined;
}

function formatLifetime(lifetime: number): string {
  if (!Number.isSafeInteger(lifetime) || lifetime < 1) {
    throw new DialtoneError('sdes_bad_lifetime', 'crypto key lifetime must be a positive integer', { lifetime });
  }
  const exponent = Math.log2(lifetime);
  return Number.isInteger(exponent) ? `2^${exponent}` : String(lifetime);
}

/** `value:length` with length 1..128 bytes and value fitting in it (RFC 4568 §6.1). */
function parseMki(text: string): CryptoMki | undefined {
  const [valueText = '', lengthText = '', extra] = text.split(':');
  if (extra !== undefined || !DIGITS.test(valueText) || !/^[0-9]{1,3}$/.test(lengthText)) return undefined;
  const value = Number(valueText);
  const length = Number(lengthText);
  if (!Number.isSafeInteger(value) || length < 1 || length > MAX_MKI_LENGTH) return undefined;
  if (length < 7 && value >= 2 ** (8 * length)) return undefined;
  return { value, length };
}

function fail(reason: CryptoParseFailure): CryptoParseResult {
  return { ok: false, reason };
}
