/**
 * The RTP layer's boundaries: what a media bridge needs from an RTP session
 * (`RtpMediaSession`), the statistics a call exposes to the rest of the app (web
 * UI, CDRs, metrics), and the SRTP keys of a stream. RtpSession (rtp-session.ts)
 * implements the session over UDP; MediaBridge (media-bridge.ts) uses it.
 */
import type { RtpPacket } from './packet.js';
import type { SourceStats } from './source.js';

export interface RtpEndpoint {
  address: string;
  rtpPort: number;
  /** Where RTCP goes: rtpPort + 1, the remote's a=rtcp port, or rtpPort with rtcp-mux. */
  rtcpPort: number;
}

export type SrtpSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

/** SDES keys (RFC 4568) of one direction. */
export interface SrtpKeys {
  suite: SrtpSuite;
  masterKey: Uint8Array;
  masterSalt: Uint8Array;
}

/** What one outgoing packet carries; the session fills in SSRC and sequence number. */
export interface OutgoingRtp {
  payloadType: number;
  payload: Uint8Array;
  /** RTP timestamp of the packet's first sample. */
  timestamp: number;
  marker?: boolean;
}

/** The far end's view of our stream, from its receiver reports (RFC 3550 §6.4). */
export interface RemoteReport {
  fractionLost: number;
  cumulativeLost: number;
  jitterMs: number;
  /** Round-trip time from LSR/DLSR, when the far end echoed one of our SRs. */
  rttMs?: number;
  /** Wall-clock time the report arrived (ms). */
  receivedAt: number;
}

export interface RtpSessionStats {
  localPort: number;
  /** Where we send (after latching, the address packets really come from). */
  remote?: RtpEndpoint;
  /** True once the remote address was learnt from incoming packets (symmetric RTP). */
  latched: boolean;
  ssrc: number;
  packetsSent: number;
  octetsSent: number;
  /** The stream we receive (the current remote SSRC), when one arrived. */
  received?: SourceStats;
  /** The far end's last report about our stream. */
  remoteReport?: RemoteReport;
  /** Packets refused by SRTP (authentication or replay) or unparseable. */
  discarded: number;
  /** Wall-clock time of the last packet received (ms), for a media timeout. */
  lastReceivedAt?: number;
}

/** What a media bridge needs from an RTP session. */
export interface RtpMediaSession {
  /** Our RTP port (what the SDP announces). */
  readonly localPort: number;
  /** Sends one packet (dropped while sending is off or no remote is known). */
  send(packet: OutgoingRtp): void;
  /** Every valid packet received from the remote (after SRTP, validation and SSRC tracking). */
  onPacket(listener: (packet: RtpPacket) => void): () => void;
  /** Where to send; a new address (re-INVITE) restarts latching. */
  setRemote(remote: RtpEndpoint | undefined): void;
  /** Sending on or off (hold); timestamps keep advancing with the caller's clock. */
  setSending(on: boolean): void;
  stats(): RtpSessionStats;
  close(): Promise<void>;
}
