/**
 * RFC 4733 telephone-event in SDP: the format (a=rtpmap:<pt> telephone-event/<rate>) and
 * its event list (a=fmtp:<pt> 0-15,16 — RFC 4733 §7.1.1). With no fmtp the events are
 * 0-15 (the DTMF digits). We handle 0-16: the DTMF digits and flash (16), which an
 * analog line needs for hook flash. The telephone-event clock rate must equal the audio
 * codec's RTP clock rate (RFC 4733 §2.3.1), 8000 for every codec we carry (RFC 3551).
 */

import type { MediaFormat } from './codecs.js';

export const TELEPHONE_EVENT = 'telephone-event';
/** The dynamic payload type we offer until a peer has chosen another (RFC 3264 §8.3.2). */
export const DEFAULT_TELEPHONE_EVENT_PT = 101;
/** The events we send and receive: DTMF 0-9 * # A-D and flash. */
export const OUR_EVENTS = '0-16';
/** RFC 4733 §7.1.1: what a receiver assumes when there is no fmtp. */
export const DEFAULT_EVENTS = '0-15';

const MAX_EVENT = 255;

/** Parses "0-15,66,70-72" into a set; undefined when the syntax is wrong. */
export function parseEvents(list: string): Set<number> | undefined {
  const events = new Set<number>();
  for (const part of list.split(',')) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(part);
    if (m === null) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > to || to > MAX_EVENT) return undefined;
    for (let e = from; e <= to; e++) events.add(e);
  }
  return events;
}

/** Writes a set of events in the compact RFC 4733 form, e.g. "0-11,16". */
export function formatEvents(events: ReadonlySet<number>): string {
  const sorted = [...events].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i] as number;
    let end = start;
    while (i + 1 < sorted.length && sorted[i + 1] === end + 1) {
      end += 1;
      i += 1;
    }
    parts.push(start === end ? String(start) : `${start}-${end}`);
    i += 1;
  }
  return parts.join(',');
}

/**
 * The events both sides handle, from the remote's fmtp (RFC 4733 §7.1.1 default when
 * absent). Undefined when there is none in common or the list is unreadable.
 */
export function commonEvents(remoteFmtp: string | undefined): string | undefined {
  const list = remoteFmtp === undefined || remoteFmtp.trim() === '' ? DEFAULT_EVENTS : remoteFmtp.trim();
  const theirs = parseEvents(list);
  const ours = parseEvents(OUR_EVENTS);
  if (theirs === undefined || ours === undefined) return undefined;
  const both = new Set([...theirs].filter((e) => ours.has(e)));
  return both.size === 0 ? undefined : formatEvents(both);
}

/** The first telephone-event format at the given RTP clock rate. */
export function findTelephoneEvent(formats: readonly MediaFormat[], rate: number): MediaFormat | undefined {
  return formats.find((f) => f.encoding === TELEPHONE_EVENT && f.rate === rate);
}
