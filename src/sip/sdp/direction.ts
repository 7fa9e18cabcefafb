/**
 * Stream direction algebra for the offer/answer model.
 *
 * RFC 3264 §6.1: an answer to a sendonly stream is recvonly (or inactive), to recvonly
 * sendonly (or inactive), to inactive inactive, and to sendrecv any of them. That is the
 * mirror image of the remote's direction intersected with what we want ourselves.
 * RFC 3264 §8.4 / RFC 2543: c=0.0.0.0 means "do not send to me", i.e. the remote does not
 * receive whatever its direction attribute says. Directions are as in RFC 4566 §6.
 */

import type { MediaDirection } from './types.js';

interface Flags {
  send: boolean;
  recv: boolean;
}

function flags(d: MediaDirection): Flags {
  return { send: d === 'sendrecv' || d === 'sendonly', recv: d === 'sendrecv' || d === 'recvonly' };
}

function fromFlags(f: Flags): MediaDirection {
  if (f.send && f.recv) return 'sendrecv';
  if (f.send) return 'sendonly';
  if (f.recv) return 'recvonly';
  return 'inactive';
}

/** The same stream seen from the other end: sendonly <-> recvonly. */
export function mirror(d: MediaDirection): MediaDirection {
  const f = flags(d);
  return fromFlags({ send: f.recv, recv: f.send });
}

/** Both wishes at once: each way is on only when both allow it. */
export function intersect(a: MediaDirection, b: MediaDirection): MediaDirection {
  const fa = flags(a);
  const fb = flags(b);
  return fromFlags({ send: fa.send && fb.send, recv: fa.recv && fb.recv });
}

export function withoutRecv(d: MediaDirection): MediaDirection {
  return fromFlags({ send: flags(d).send, recv: false });
}

export function withoutSend(d: MediaDirection): MediaDirection {
  return fromFlags({ send: false, recv: flags(d).recv });
}

export function receives(d: MediaDirection): boolean {
  return flags(d).recv;
}

export function sends(d: MediaDirection): boolean {
  return flags(d).send;
}

/** Our direction as answerer or as offerer reading an answer: the mirror of theirs within ours. */
export function ourDirection(remote: MediaDirection, wanted: MediaDirection): MediaDirection {
  return intersect(mirror(remote), wanted);
}
