/**
 * SRTP keying in SDP by SDES (RFC 4568): our a=crypto lines in an offer, the line we
 * answer with, and the keys each side uses once an exchange completes.
 *
 * RFC 4568 §5.1: the offerer lists crypto attributes in preference order, each with its
 * own tag; §5.1.2/§7.1: the answerer picks one it supports, answers with the same tag and
 * suite and its own key; §6.1: each side's key protects what it SENDS. RFC 3711 profile
 * RTP/SAVP carries them (RFC 4568 §3.1.4). Our keys are made once per call and kept for
 * re-offers (re-keying is allowed, not required).
 */

import type { MediaDescription } from 'sdp-transform';
import { chooseCrypto, formatCryptoAttribute, newCryptoAttribute, parseCryptoAttribute, type ParsedCrypto } from '../../rtp/srtp/sdes.js';
import type { SrtpSuiteName } from '../../rtp/srtp/suites.js';
import type { NegotiatedSrtp } from './types.js';

/** Our suites in preference order: the 80-bit tag first, as every peer supports it. */
export const OUR_SRTP_SUITES: readonly SrtpSuiteName[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32'];

type CryptoLine = NonNullable<MediaDescription['crypto']>[number];

/** This side's SDES keys for one call, one per suite. */
export class LocalCryptoKeys {
  private readonly bySuite = new Map<SrtpSuiteName, ParsedCrypto>();

  constructor() {
    OUR_SRTP_SUITES.forEach((suite, i) => this.bySuite.set(suite, newCryptoAttribute(i + 1, suite)));
  }

  /** The a=crypto lines of our offer, tags 1.. in preference order. */
  offerLines(): CryptoLine[] {
    return [...this.bySuite.values()].map(toLine);
  }

  /** Our key for a suite, under the tag the answer must carry. */
  forSuite(suite: SrtpSuiteName, tag: number): ParsedCrypto | undefined {
    const mine = this.bySuite.get(suite);
    return mine === undefined ? undefined : { ...mine, tag };
  }

  /** The crypto line we offered under `tag`. */
  offeredWithTag(tag: number): ParsedCrypto | undefined {
    return [...this.bySuite.values()].find((c) => c.tag === tag);
  }
}

function toLine(c: ParsedCrypto): CryptoLine {
  const [id, suite, config, ...session] = formatCryptoAttribute(c).split(' ');
  return { id: Number(id), suite: suite ?? '', config: config ?? '', ...(session.length > 0 ? { sessionConfig: session.join(' ') } : {}) };
}

function parseLines(media: MediaDescription): ParsedCrypto[] {
  const out: ParsedCrypto[] = [];
  for (const line of media.crypto ?? []) {
    const text = [line.id, line.suite, line.config, line.sessionConfig].filter((p) => p !== undefined && p !== '').join(' ');
    const parsed = parseCryptoAttribute(text);
    if (parsed.ok) out.push(parsed.crypto);
  }
  return out;
}

function keysOf(c: ParsedCrypto): { masterKey: Uint8Array; masterSalt: Uint8Array } | undefined {
  const k = c.keyParams[0];
  return k === undefined ? undefined : { masterKey: k.key, masterSalt: k.salt };
}

/** As answerer: the offered line we accept and our answering line, or undefined when none is usable. */
export function answerCrypto(offered: MediaDescription, ours: LocalCryptoKeys): { line: CryptoLine; srtp: NegotiatedSrtp } | undefined {
  const chosen = chooseCrypto(parseLines(offered), OUR_SRTP_SUITES);
  if (chosen === undefined) return undefined;
  const mine = ours.forSuite(chosen.suite, chosen.tag);
  const send = mine === undefined ? undefined : keysOf(mine);
  const receive = keysOf(chosen);
  if (mine === undefined || send === undefined || receive === undefined) return undefined;
  return { line: toLine(mine), srtp: { suite: chosen.suite, send, receive } };
}

/** As offerer: the keys of the answer's accepted line, which must name a tag and suite we offered. */
export function readAnswerCrypto(answer: MediaDescription, ours: LocalCryptoKeys): NegotiatedSrtp | undefined {
  for (const theirs of parseLines(answer)) {
    const mine = ours.offeredWithTag(theirs.tag);
    if (mine === undefined || mine.suite !== theirs.suite) continue;
    const send = keysOf(mine);
    const receive = keysOf(theirs);
    if (send !== undefined && receive !== undefined) return { suite: theirs.suite, send, receive };
  }
  return undefined;
}
