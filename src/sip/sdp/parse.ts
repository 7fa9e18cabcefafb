/**
 * Reading a remote SDP body into sdp-transform's description, with the checks
 * sdp-transform does not make (it skips lines it cannot read), so that a malformed body
 * becomes a 400 SdpError instead of a half-read session. Liberal where it is harmless:
 * LF or CRLF line ends, blank lines, unknown attributes, FQDNs in c= (RFC 4566 §5.7).
 *
 * References: RFC 4566 §5 (line syntax and order), §5.7 (c=), §5.14 (m=), §6 (direction
 * attributes, session-level defaults); RFC 3264 §8.4 (c=0.0.0.0 hold).
 */

import { parse, type MediaDescription, type SessionDescription } from 'sdp-transform';
import { toError } from '../../errors.js';
import { SdpError, type MediaDirection } from './types.js';

const LINE = /^[a-z]=/;
const M_LINE = /^m=[A-Za-z0-9_.-]+ (\d+)(?:\/\d+)? \S+( \S+)+\s*$/;
const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

function malformed(message: string): SdpError {
  return new SdpError(400, `malformed SDP: ${message}`);
}

/** Checks the body line by line (RFC 4566 §5). Returns what is wrong, or undefined. */
function checkLines(text: string): string | undefined {
  const lines = text.split(/\r\n|\r|\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) return 'empty body';
  if (lines[0]?.trim() !== 'v=0') return 'the first line must be v=0';
  let origins = 0;
  for (const line of lines) {
    if (!LINE.test(line)) return `not a <type>=<value> line: ${JSON.stringify(line.slice(0, 40))}`;
    if (line.startsWith('o=')) origins += 1;
    if (line.startsWith('m=')) {
      const m = M_LINE.exec(line);
      if (m === null || Number(m[1]) > 65535) return `bad media line: ${JSON.stringify(line.slice(0, 60))}`;
    }
  }
  if (origins !== 1) return 'exactly one o= line is required';
  return undefined;
}

/** Parses and validates a remote SDP body; never throws. */
export function parseRemoteSdp(text: string): SessionDescription | SdpError {
  const problem = checkLines(text);
  if (problem !== undefined) return malformed(problem);
  let sdp: SessionDescription;
  try {
    sdp = parse(text);
  } catch (e) {
    return malformed(toError(e).message);
  }
  if (sdp.version !== 0) return malformed('unsupported SDP version');
  for (const [i, m] of sdp.media.entries()) {
    if (typeof m.type !== 'string' || !Number.isInteger(m.port) || typeof m.protocol !== 'string') {
      return malformed(`unreadable m= line ${i + 1}`);
    }
    if (m.port !== 0 && remoteConnection(sdp, m) === undefined) {
      return malformed(`no c= line for m= line ${i + 1}`);
    }
    const dir = m.direction ?? sdp.direction;
    if (dir !== undefined && !DIRECTIONS.includes(dir)) return malformed(`bad direction in m= line ${i + 1}`);
  }
  return sdp;
}

export interface RemoteConnection {
  address: string;
  ipVersion: 4 | 6;
}

/** The c= that applies to a media section: its own, else the session's (RFC 4566 §5.7). */
export function remoteConnection(sdp: SessionDescription, media: MediaDescription): RemoteConnection | undefined {
  const c = media.connection ?? sdp.connection;
  if (c === undefined || (c.version !== 4 && c.version !== 6)) return undefined;
  // A multicast address may carry /ttl and /count suffixes; the address is what comes first.
  const address = c.ip.split('/')[0] ?? '';
  if (address === '') return undefined;
  return { address, ipVersion: c.version };
}

/** The direction attribute that applies: the media's, else the session's, else sendrecv (RFC 4566 §6). */
export function remoteDirection(sdp: SessionDescription, media: MediaDescription): MediaDirection {
  return media.direction ?? sdp.direction ?? 'sendrecv';
}

/** RFC 3264 §8.4 / RFC 2543 hold: a c= address of 0.0.0.0 (or the IPv6 unspecified address). */
export function isNullAddress(address: string): boolean {
  return address === '0.0.0.0' || /^[0:]+$/.test(address);
}
