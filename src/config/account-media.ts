/**
 * What an account's media settings mean when left out (the defaults the provisioning
 * schema describes), in one place for the call layer: the SRTP mode (require on TLS
 * accounts — SDES keys travel in the SDP, so they are only safe over TLS — else off),
 * the DTMF mode (RFC 4733) and the codecs (PCMU, PCMA).
 */
import type { Account } from './provisioning-schema.js';

export type SrtpMode = NonNullable<Account['srtp']>;
export type DtmfMode = NonNullable<Account['dtmfMode']>;
export type CodecChoice = NonNullable<Account['codecs']>[number];

export function srtpModeOf(account: Pick<Account, 'srtp' | 'transport'>): SrtpMode {
  return account.srtp ?? (account.transport === 'tls' ? 'require' : 'off');
}

export function dtmfModeOf(account: Pick<Account, 'dtmfMode'>): DtmfMode {
  return account.dtmfMode ?? 'rfc4733';
}

export function codecsOf(account: Pick<Account, 'codecs'>): CodecChoice[] {
  return account.codecs !== undefined && account.codecs.length > 0 ? [...account.codecs] : ['PCMU', 'PCMA'];
}
