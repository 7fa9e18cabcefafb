/**
 * G.711 as a codec object for the RTP layer: PCMU (µ-law, static payload type
 * 0) and PCMA (A-law, payload type 8), RFC 3551 §4.5.14 and Table 4; the
 * encoding laws are ITU-T G.711 (11/1988) Tables 1 and 2 (see mulaw.ts, alaw.ts).
 */
import { aLawDecode, aLawEncode } from './alaw.js';
import { muLawDecode, muLawEncode } from './mulaw.js';

export interface G711Codec {
  readonly name: 'PCMU' | 'PCMA';
  readonly payloadType: 0 | 8;
  /** 16-bit linear PCM → one byte per sample, into `out` when given. */
  encode(pcm: Int16Array, out?: Uint8Array): Uint8Array;
  /** One byte per sample → 16-bit linear PCM, into `out` when given. */
  decode(bytes: Uint8Array, out?: Int16Array): Int16Array;
}

export const PCMU: G711Codec = Object.freeze({
  name: 'PCMU',
  payloadType: 0,
  encode: muLawEncode,
  decode: muLawDecode,
});

export const PCMA: G711Codec = Object.freeze({
  name: 'PCMA',
  payloadType: 8,
  encode: aLawEncode,
  decode: aLawDecode,
});
