/**
 * One captured packet of a trace: a SIP message (or, later, an RTP packet) as
 * it crossed a transport, with both ends and the wall-clock time.
 */
import type { TransportProtocol } from '../transport/types.js';

export type TraceDirection = 'in' | 'out';

export interface TraceAddress {
  address: string;
  port: number;
}

export interface TraceRecord {
  /** Wall-clock milliseconds since the Unix epoch (Clock.wallTime()). */
  wallTime: number;
  /** 'in': remote → local; 'out': local → remote. */
  direction: TraceDirection;
  protocol: TransportProtocol;
  local: TraceAddress;
  remote: TraceAddress;
  /** The payload: the SIP message bytes (decrypted for TLS), or an RTP packet. */
  bytes: Buffer;
}

/** The sender and receiver of a record, from its direction. */
export function recordEnds(record: TraceRecord): { src: TraceAddress; dst: TraceAddress } {
  return record.direction === 'out' ? { src: record.local, dst: record.remote } : { src: record.remote, dst: record.local };
}
