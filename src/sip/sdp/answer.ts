/**
 * Answering a remote offer (RFC 3264 §6): one m= line per offered one, in the same order.
 * The first audio stream we can use is accepted (one audio stream per analog call); every
 * other stream — video, other media, further audio, SRTP-only audio, audio without a
 * common codec — is declined with port 0. With no usable audio at all the offer is
 * refused with 488 Not Acceptable Here (RFC 3261 §13.3.1.3 / RFC 3264 §6), with Warning
 * 304 (no audio offered) or 305 (no common codec), RFC 3261 §20.43.
 *
 * References: RFC 3264 §6, §6.1 (directions, payload type numbers), §8.4 (hold);
 * RFC 4566; RFC 4733; RFC 3551.
 */

import type { MediaDescription, SessionDescription } from 'sdp-transform';
import { audioCodecsOf } from './codecs.js';
import { answerAudioSection, rejectedSection } from './media-section.js';
import { isCandidateAudio, negotiateStream, type StreamChoice } from './negotiate.js';
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

export function planAnswer(offer: SessionDescription, local: LocalMediaCapabilities): AnswerPlan | SdpError {
  const codecs = audioCodecsOf(local.codecs);
  const sections: MediaDescription[] = [];
  let choice: StreamChoice | undefined;
  let sawAudio = false;
  for (const m of offer.media) {
    if (choice === undefined && isCandidateAudio(m)) {
      sawAudio = true;
      const c = negotiateStream(offer, m, {
        codecs,
        codecOrder: 'ours',
        dtmf: local.dtmf,
        direction: local.direction,
        ptimeMs: local.ptimeMs,
      });
      if (c !== undefined) {
        choice = c;
        sections.push(answerAudioSection(local, m, c));
        continue;
      }
    }
    sections.push(rejectedSection(m));
  }
  if (choice === undefined) {
    return sawAudio
      ? new SdpError(488, 'no common audio codec in the offer', WARN_INCOMPATIBLE_MEDIA_FORMAT)
      : new SdpError(488, 'the offer has no usable RTP/AVP audio stream', WARN_MEDIA_TYPE_NOT_AVAILABLE);
  }
  return { sections, choice };
}
