/** Collects the events of an InviteSession for assertions. */
import type { NegotiatedMedia } from '../../sdp/index.js';
import type { InviteSession } from '../invite-session.js';
import type { EndInfo, InfoEvent, ProgressInfo, ReferRequest, SessionState, TransferProgress } from '../types.js';

export interface Recorded {
  readonly states: SessionState[];
  readonly progress: ProgressInfo[];
  readonly media: NegotiatedMedia[];
  readonly ended: EndInfo[];
  readonly info: InfoEvent[];
  readonly refers: ReferRequest[];
  readonly transfers: TransferProgress[];
  answered: number;
}

export function record(s: InviteSession): Recorded {
  const r: Recorded = { states: [], progress: [], media: [], ended: [], info: [], refers: [], transfers: [], answered: 0 };
  s.on('state', (x) => r.states.push(x));
  s.on('progress', (x) => r.progress.push(x));
  s.on('media', (x) => r.media.push(x));
  s.on('ended', (x) => r.ended.push(x));
  s.on('info', (x) => r.info.push(x));
  s.on('refer', (x) => r.refers.push(x));
  s.on('transfer', (x) => r.transfers.push(x));
  s.on('answered', () => { r.answered++; });
  return r;
}
