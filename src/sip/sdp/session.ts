/**
 * One call's SDP state: our o= line and the offer/answer exchanges over the life of the
 * session (initial INVITE, re-INVITE / UPDATE, hold and resume).
 *
 * RFC 4566 §5.2: o=<username> <sess-id> <sess-version> IN IP4|IP6 <address>; sess-id is
 * random and fixed for the session, and so is the o= address (the tuple names the session).
 * RFC 3264 §8: every new SDP we send (offer or answer) whose content differs from the
 * previous one carries sess-version + 1; re-sending the same description keeps the version.
 * RFC 3264 §8.3.2: a dynamic payload type keeps its meaning for the whole session, so once
 * a peer has named telephone-event's number our later offers reuse it.
 * RFC 3264 §8.4: hold is a=sendonly (or a=inactive when the remote already holds us);
 * resume is a=sendrecv. RFC 4733 and RFC 3551 as in the modules this one composes.
 */

import { randomInt } from 'node:crypto';
import { write, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { ValidationError } from '../../errors.js';
import { planAnswer } from './answer.js';
import { audioCodecsOf } from './codecs.js';
import { withoutRecv } from './direction.js';
import { offerAudioSection } from './media-section.js';
import { LocalCryptoKeys, readAnswerCrypto } from './crypto.js';
import { comfortNoisePayloadType, isCandidateAudio, negotiateStream } from './negotiate.js';
import { parseRemoteSdp } from './parse.js';
import { DEFAULT_TELEPHONE_EVENT_PT } from './telephone-event.js';
import {
  SdpError,
  WARN_INCOMPATIBLE_MEDIA_FORMAT,
  type AudioCodecName,
  type LocalMediaCapabilities,
  type MediaDirection,
  type NegotiatedMedia,
} from './types.js';

export interface SdpSessionOptions {
  /** o= sess-id (digits); random by default. */
  sessionId?: string;
  /** o= sess-version of the first SDP we send; 1 by default. */
  initialVersion?: number;
  /** o= username; "-" by default (RFC 4566 §5.2). */
  username?: string;
}

/** What our outstanding offer said, to read the answer against. */
interface OfferState {
  codecs: AudioCodecName[];
  dtmf: LocalMediaCapabilities['dtmf'];
  direction: MediaDirection;
  ptimeMs: number;
  rtcpMux: boolean;
  comfortNoise: boolean;
  /** We offered RTP/SAVP with our crypto lines. */
  secure: boolean;
}

function ipVersionOf(address: string): 4 | 6 {
  return address.includes(':') ? 6 : 4;
}

/** Our own capabilities are configuration, not remote input: a bad one is a bug and throws. */
function checkLocal(local: LocalMediaCapabilities): AudioCodecName[] {
  const fields: Record<string, string> = {};
  const codecs = audioCodecsOf(local.codecs);
  if (codecs.length === 0) fields.codecs = 'at least one audio codec is required';
  if (!Number.isInteger(local.port) || local.port < 1 || local.port > 65535) fields.port = 'must be 1-65535';
  if (!/^[0-9A-Za-z.:-]+$/.test(local.address)) fields.address = 'must be an IPv4 or IPv6 address';
  if (local.sessionName !== undefined && /[\r\n]/.test(local.sessionName)) fields.sessionName = 'must be one line';
  if (Object.keys(fields).length > 0) throw new ValidationError('invalid local media capabilities', fields);
  return codecs;
}

export class SdpSession {
  readonly sessionId: string;
  private readonly username: string;
  private version: number;
  private lastSent: string | undefined;
  private origin: { address: string; ipVer: 4 | 6 } | undefined;
  private offered: OfferState | undefined;
  private telephoneEventPt = DEFAULT_TELEPHONE_EVENT_PT;
  private current: NegotiatedMedia | undefined;
  private cryptoKeys: LocalCryptoKeys | undefined;

  constructor(options: SdpSessionOptions = {}) {
    this.sessionId = options.sessionId ?? String(randomInt(1, 2 ** 47));
    this.version = options.initialVersion ?? 1;
    this.username = options.username ?? '-';
  }

  /** The o= sess-version of the last SDP we sent (or of the first, before any). */
  get sessionVersion(): number {
    return this.version;
  }

  /** The media of the last completed exchange. */
  get negotiated(): NegotiatedMedia | undefined {
    return this.current;
  }

  /** Builds an offer (initial INVITE, re-INVITE, UPDATE, or an offerless re-INVITE's 200). */
  createOffer(local: LocalMediaCapabilities): string {
    const codecs = checkLocal(local);
    const secure = local.srtp === 'require';
    this.offered = {
      codecs, dtmf: local.dtmf, direction: local.direction, ptimeMs: local.ptimeMs,
      rtcpMux: local.rtcpMux === true, comfortNoise: local.comfortNoise === true, secure,
    };
    return this.render(local, [offerAudioSection(local, codecs, this.telephoneEventPt, secure ? this.keys().offerLines() : undefined)]);
  }

  /** Our SDES keys for this call, made on first use and kept for re-offers. */
  private keys(): LocalCryptoKeys {
    this.cryptoKeys ??= new LocalCryptoKeys();
    return this.cryptoKeys;
  }

  /** An offer putting the remote on hold: sendonly, or inactive when the remote already holds us. */
  holdOffer(local: LocalMediaCapabilities): string {
    const direction: MediaDirection = this.current?.onHold === true ? 'inactive' : withoutRecv(local.direction);
    return this.createOffer({ ...local, direction });
  }

  /** An offer taking the call off hold. */
  resumeOffer(local: LocalMediaCapabilities): string {
    return this.createOffer({ ...local, direction: 'sendrecv' });
  }

  /**
   * Reads the answer to our last offer (RFC 3264 §7). The offer stays current until the
   * next exchange, so a provisional answer followed by the final one can both be read.
   */
  receiveAnswer(sdp: string): NegotiatedMedia | SdpError {
    const offered = this.offered;
    if (offered === undefined) return new SdpError(400, 'an answer arrived but no offer is outstanding');
    const answer = parseRemoteSdp(sdp);
    if (answer instanceof SdpError) return answer;
    const m = answer.media[0];
    if (m === undefined) return new SdpError(400, 'the answer has no m= line for our audio stream');
    if (m.type.toLowerCase() !== 'audio') return new SdpError(400, 'the answer does not match our audio m= line');
    if (!isCandidateAudio(m, offered.secure ? 'require' : 'off')) {
      return new SdpError(488, 'the answer declined our audio stream', WARN_INCOMPATIBLE_MEDIA_FORMAT);
    }
    const choice = negotiateStream(answer, m, { ...offered, codecOrder: 'theirs' });
    if (choice === undefined) {
      return new SdpError(488, 'the answer has no codec we offered', WARN_INCOMPATIBLE_MEDIA_FORMAT);
    }
    if (offered.secure) {
      const srtp = readAnswerCrypto(m, this.keys());
      if (srtp === undefined) return new SdpError(488, 'the answer has no crypto attribute matching our offer', WARN_INCOMPATIBLE_MEDIA_FORMAT);
      choice.media.srtp = srtp;
    }
    if (offered.rtcpMux && m.rtcpMux !== undefined) choice.media.rtcpMux = true;
    const cn = offered.comfortNoise ? comfortNoisePayloadType(m) : undefined;
    if (cn !== undefined) choice.media.comfortNoisePt = cn;
    this.current = choice.media;
    return choice.media;
  }

  /** Answers a remote offer (RFC 3264 §6); a 488 or 400 SdpError when it cannot be accepted. */
  receiveOffer(sdp: string, local: LocalMediaCapabilities): { answer: string; media: NegotiatedMedia } | SdpError {
    checkLocal(local);
    const offer = parseRemoteSdp(sdp);
    if (offer instanceof SdpError) return offer;
    const plan = planAnswer(offer, local, () => this.keys());
    if (plan instanceof SdpError) return plan;
    this.offered = undefined;
    const te = plan.choice.media.telephoneEvent;
    if (te !== undefined && te.payloadType >= 96 && te.payloadType <= 127) this.telephoneEventPt = te.payloadType;
    this.current = plan.choice.media;
    return { answer: this.render(local, plan.sections), media: plan.choice.media };
  }

  /** Writes a description, bumping sess-version only when it differs from the last one sent. */
  private render(local: LocalMediaCapabilities, media: MediaDescription[]): string {
    const ipVer = ipVersionOf(local.address);
    this.origin ??= { address: local.address, ipVer };
    const origin = this.origin;
    const describe = (sessionVersion: number): string => {
      const description: SessionDescription = {
        version: 0,
        origin: {
          username: this.username,
          sessionId: this.sessionId,
          sessionVersion,
          netType: 'IN',
          ipVer: origin.ipVer,
          address: origin.address,
        },
        name: local.sessionName ?? 'Dialtone',
        connection: { version: ipVer, ip: local.address },
        timing: { start: 0, stop: 0 },
        media,
      };
      return write(description);
    };
    let text = describe(this.version);
    if (this.lastSent !== undefined && text !== this.lastSent) {
      this.version += 1;
      text = describe(this.version);
    }
    this.lastSent = text;
    return text;
  }
}
