/**
 * Answering a remote offer (RFC 3264 §6): one m= line per offered one, in the same order.
 * The first audio stream we can use is accepted (one audio stream per analog call); every
 * other stream — video, other media, further audio, audio in a profile the SRTP policy
 * refuses or with no crypto suite we support, audio without a common codec — is declined
 * with port 0. With no usable audio at all the offer is
 * refused with 488 Not Acceptable Here (RFC 3261 §13.3.1.3 / RFC 3264 §6), with Warning
 * 304 (no audio offered) or 305 (no common codec), RFC 3261 §20.43.
 *
 * References: RFC 3264 §6, §6.1 (directions, payload type numbers), §8.4 (hold);
 * RFC 4566; RFC 4733; RFC 3551.
 */

import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { audioCodecsOf } from './codecs.js';
import { answerAudioSection, rejectedSection } from './media-section.js';
import { answerCrypto, type LocalCryptoKeys } from './crypto.js';
import { comfortNoisePayloadType, isCandidateAudio, isRtpSavp, negotiateStream, type StreamChoice } from './negotiate.js';
import {
  SdpError,
  WARN_INCOMPATIBLE_MEDIA_FORMAT,
  WARN_MEDIA_TYPE_NOT_AVAILABLE,
  type LocalMediaCapabilities,
} from './types.js';

export interface AnswerPlan {
  /** The answer's m= sections, as many as the offer has. */
  sections: MediaDescription[];
  choice: StreamChoice;
}

export function planAnswer(offer: SessionDescription, local: LocalMediaCapabilities, keys: () => LocalCryptoKeys): AnswerPlan | SdpError {
  const codecs = audioCodecsOf(local.codecs);
  const policy = local.srtp ?? 'off';
  const sections: MediaDescription[] = [];
  let choice: StreamChoice | undefined;
  let sawAudio = false;
  let noCrypto = false;
  for (const m of offer.media) {
    if (choice === undefined && isCandidateAudio(m, policy)) {
      sawAudio = true;
      const c = negotiateStream(offer, m, {
        codecs,
        codecOrder: 'ours',
        dtmf: local.dtmf,
        direction: local.direction,
        ptimeMs: local.ptimeMs,
      });
      const secured = c === undefined || !isRtpSavp(m) ? undefined : answerCrypto(m, keys());
      if (c !== undefined && isRtpSavp(m) && secured === undefined) noCrypto = true;
      if (c !== undefined && (secured !== undefined || !isRtpSavp(m))) {
        // RFC 5761 §5.1.1: a=rtcp-mux in the answer only when the offer had it.
        if (local.rtcpMux === true && m.rtcpMux !== undefined) c.media.rtcpMux = true;
        const cn = local.comfortNoise === true ? comfortNoisePayloadType(m) : undefined;
        if (cn !== undefined) c.media.comfortNoisePt = cn;
        if (secured !== undefined) c.media.srtp = secured.srtp;
        choice = c;
        sections.push(answerAudioSection(local, m, c, secured?.line));
        continue;
      }
    }
    sections.push(rejectedSection(m));
  }
  if (choice === undefined) {
    if (noCrypto) return new SdpError(488, 'the offer has no SRTP crypto suite we support', WARN_INCOMPATIBLE_MEDIA_FORMAT);
    if (sawAudio) return new SdpError(488, 'no common audio codec in the offer', WARN_INCOMPATIBLE_MEDIA_FORMAT);
    const wanted = policy === 'require' ? 'RTP/SAVP (SRTP is required)' : 'RTP/AVP';
    return new SdpError(488, `the offer has no usable ${wanted} audio stream`, WARN_MEDIA_TYPE_NOT_AVAILABLE);
  }
  return { sections, choice };
}
