/**
 * One RTP session over UDP: what a call's media bridge sends and receives.
 *
 * Implements:
 * - RFC 3550 §5.1: a random SSRC and a random initial sequence number; the
 *   sequence number goes up by one per packet sent; timestamp and marker are
 *   the caller's (the bridge owns the media clock, so timestamps survive hold,
 *   resume and codec changes).
 * - RFC 3550 §8 / A.1: the remote stream is tracked by an RtpSource; a packet
 *   with a new SSRC starts a second source on probation that replaces the
 *   current one once it passes (the peer restarted or a new stream after a
 *   re-INVITE); a single stray packet never does.
 * - RFC 3550 §6: compound RTCP (SR when we sent RTP since the last report,
 *   else RR, then SDES CNAME; §6.1) at the §6.3 interval (see rtcp-scheduler.ts),
 *   the SR's NTP/RTP timestamp pair (§6.4.1) from the last RTP timestamp sent
 *   extrapolated at the clock rate, report blocks about the stream we receive,
 *   remote reports about our stream with the round-trip time (§6.4.1), and a
 *   BYE on close (§6.6; only when we ever sent a packet).
 * - RFC 3550 §11 / RFC 5761 §4: RTCP on its own socket, or multiplexed on the
 *   RTP port (rtcp-mux), told apart by packet type.
 * - RFC 3711 §3.3 / §3.4: SRTP and SRTCP with SDES keys (RFC 4568); packets
 *   that fail authentication or replay checks are counted and dropped.
 * - Symmetric RTP / latching (RFC 4961, RFC 7362; see rtp-latch.ts).
 *
 * Network input never throws: bad packets are counted in `discarded` and dropped.
 */
import { randomInt } from 'node:crypto';
import type { RemoteInfo, Socket } from 'node:dgram';
import type { Clock } from '../clock.js';
import { DialtoneError, toError } from '../errors.js';
import type { Logger } from '../log.js';
import { isRtcpPacket, parseRtp, serializeRtp, type RtpPacket } from './packet.js';
import type { RtpSockets } from './port-allocator.js';
import { buildReportCompound, ntpFromWallMs, ntpMiddle32, parseRtcpCompound, roundTripMs, serializeRtcpCompound, type ReportBlock, type ReportCompoundOptions } from './rtcp.js';
import { RtcpScheduler } from './rtcp-scheduler.js';
import { normalizeAddress, RtpLatch, socketAddress, type TransportAddress } from './rtp-latch.js';
import { RtpSource } from './source.js';
import { SrtpContext } from './srtp/srtp-context.js';
import type { OutgoingRtp, RemoteReport, RtpEndpoint, RtpMediaSession, RtpSessionStats, SrtpKeys } from './types.js';

export interface RtpSessionOptions {
  sockets: RtpSockets;
  clock: Clock;
  log: Logger;
  remote?: RtpEndpoint;
  rtcpMux: boolean;
  /** Symmetric RTP / comedia: send to where the remote's packets come from (default true). */
  latch?: boolean;
  cname: string;
  /** RTP clock rate for jitter and RTCP timestamps (8000). */
  clockRate: number;
  srtp?: { send: SrtpKeys; receive: SrtpKeys };
  /**
   * Random source in [0, 1) for the SSRC (first draw), the initial sequence
   * number (second draw) and the RTCP interval randomisation (later draws); default crypto.
   */
  random?: () => number;
  /** Session bandwidth for the RTCP interval, bits/s (default DEFAULT_SESSION_BANDWIDTH_BPS). */
  bandwidthBps?: number;
}

/** G.711 at 50 packets/s: 64 kbit/s of payload plus 40 octets of IPv4/UDP/RTP headers per packet. */
export const DEFAULT_SESSION_BANDWIDTH_BPS = 64_000 + 40 * 8 * 50;

/** Why a datagram was dropped; all of them count in `stats().discarded`. */
export type RtpDiscardReason =
  | 'rtp_malformed' | 'rtp_srtp' | 'rtp_foreign_source'
  | 'rtcp_malformed' | 'rtcp_srtp' | 'rtcp_foreign_source';

const TWO_32 = 2 ** 32;

function cryptoRandom(): number {
  return randomInt(0, TWO_32) / TWO_32;
}

export class RtpSession implements RtpMediaSession {
  readonly localPort: number;
  /** Our SSRC (RFC 3550 §5.1, §8). */
  readonly ssrc: number;

  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly rtcpMux: boolean;
  private readonly latchEnabled: boolean;
  private readonly cname: string;
  private readonly clockRate: number;
  private readonly family: 'IPv4' | 'IPv6';
  private readonly srtpSend: SrtpContext | undefined;
  private readonly srtpReceive: SrtpContext | undefined;
  private readonly scheduler: RtcpScheduler;
  private readonly latch = new RtpLatch();
  private readonly listeners = new Set<(packet: RtpPacket) => void>();
  private readonly discards: Record<RtpDiscardReason, number> = {
    rtp_malformed: 0, rtp_srtp: 0, rtp_foreign_source: 0, rtcp_malformed: 0, rtcp_srtp: 0, rtcp_foreign_source: 0,
  };

  private sequence: number;
  private sending = true;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Where we send: the signalled remote, or the latched source. */
  private target: RtpEndpoint | undefined;
  /** Where RTCP last came from (its own port), for the RTCP half of latching. */
  private rtcpFrom: TransportAddress | undefined;

  private source: RtpSource | undefined;
  private probation: RtpSource | undefined;
  private remoteReport: RemoteReport | undefined;
  private lastReceivedAt: number | undefined;

  private packetsSent = 0;
  private octetsSent = 0;
  private lastSent: { timestamp: number; at: number } | undefined;
  private sentAnything = false;
  /** RTP sent since the last report, and in the interval before it (§6.3: we_sent, senders). */
  private sentSinceReport = false;
  private sentLastInterval = false;
  private heardSinceReport = false;
  private heardLastInterval = false;

  private readonly onRtpMessage = (msg: Buffer, rinfo: RemoteInfo): void => this.receiveDatagram(msg, rinfo, false);
  private readonly onRtcpMessage = (msg: Buffer, rinfo: RemoteInfo): void => this.receiveDatagram(msg, rinfo, true);
  private readonly onSocketError = (err: Error): void => this.log.warn('RTP socket error', { error: err.message });

  /** Opens a session over bound sockets (from RtpPortAllocator); starts the RTCP schedule. */
  static async open(opts: RtpSessionOptions): Promise<RtpSession> {
    if (!(opts.clockRate > 0)) throw new DialtoneError('invalid', 'RTP clock rate must be positive', { clockRate: opts.clockRate });
    const cnameBytes = Buffer.byteLength(opts.cname, 'utf8');
    if (cnameBytes === 0 || cnameBytes > 255) throw new DialtoneError('invalid', 'CNAME must be 1..255 octets', { cname: opts.cname });
    if (!opts.rtcpMux && opts.sockets.rtcp === undefined) {
      throw new DialtoneError('invalid', 'an RTP session without rtcp-mux needs an RTCP socket', { port: opts.sockets.port });
    }
    if (opts.bandwidthBps !== undefined && !(opts.bandwidthBps > 0)) {
      throw new DialtoneError('invalid', 'session bandwidth must be positive', { bandwidthBps: opts.bandwidthBps });
    }
    const session = new RtpSession(opts);
    session.scheduler.start();
    return session;
  }

  private constructor(private readonly opts: RtpSessionOptions) {
    const random = opts.random ?? cryptoRandom;
    const draw = (): number => Math.min(Math.max(random(), 0), 1 - Number.EPSILON);
    this.clock = opts.clock;
    this.rtcpMux = opts.rtcpMux;
    this.latchEnabled = opts.latch ?? true;
    this.cname = opts.cname;
    this.clockRate = opts.clockRate;
    this.srtpSend = opts.srtp ? new SrtpContext(opts.srtp.send) : undefined;
    this.srtpReceive = opts.srtp ? new SrtpContext(opts.srtp.receive) : undefined;
    this.ssrc = Math.floor(draw() * TWO_32) >>> 0;
    this.sequence = Math.floor(draw() * 0x10000) & 0xffff;
    const address = opts.sockets.rtp.address();
    this.localPort = address.port;
    this.family = address.family === 'IPv6' ? 'IPv6' : 'IPv4';
    this.log = opts.log.child({ rtpPort: this.localPort, ssrc: this.ssrc });
    this.target = this.endpointFor(opts.remote);

    // First size estimate: RR with one report block and the SDES CNAME (§6.3.2 initialises avg_rtcp_size likewise).
    const estimate = serializeRtcpCompound(buildReportCompound({ ssrc: this.ssrc, cname: this.cname, reports: [emptyBlock()] })).length
      + (this.srtpSend ? 14 : 0);
    this.scheduler = new RtcpScheduler({
      clock: this.clock,
      random: draw,
      sessionBandwidthBps: opts.bandwidthBps ?? DEFAULT_SESSION_BANDWIDTH_BPS,
      initialPacketSize: estimate,
      census: () => {
        const weSent = this.sentSinceReport || this.sentLastInterval;
        const theySent = this.heardSinceReport || this.heardLastInterval;
        return { members: this.source ? 2 : 1, senders: (weSent ? 1 : 0) + (theySent ? 1 : 0), weSent };
      },
      onDue: () => {
        this.sendReport().catch((e: unknown) => this.log.error('RTCP report failed', { error: toError(e).message }));
      },
    });

    const { rtp, rtcp } = opts.sockets;
    rtp.on('message', this.onRtpMessage);
    rtp.on('error', this.onSocketError);
    if (!this.rtcpMux && rtcp) {
      rtcp.on('message', this.onRtcpMessage);
      rtcp.on('error', this.onSocketError);
    }
  }

  // ------------------------------------------------------------ RtpMediaSession

  send(packet: OutgoingRtp): void {
    const target = this.target;
    if (this.closed || !this.sending || target === undefined) return;
    const timestamp = Number.isInteger(packet.timestamp) ? ((packet.timestamp % TWO_32) + TWO_32) % TWO_32 : packet.timestamp;
    const wire = serializeRtp({
      marker: packet.marker ?? false,
      payloadType: packet.payloadType,
      sequence: this.sequence,
      timestamp,
      ssrc: this.ssrc,
      payload: packet.payload,
    });
    const datagram = this.srtpSend ? this.srtpSend.protectRtp(wire) : wire;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.packetsSent++;
    this.octetsSent += packet.payload.length;
    this.lastSent = { timestamp, at: this.clock.now() };
    this.sentSinceReport = true;
    this.sentAnything = true;
    this.transmit(this.opts.sockets.rtp, datagram, target.address, target.rtpPort);
  }

  onPacket(listener: (packet: RtpPacket) => void): () => void {
    const wrapped = (packet: RtpPacket): void => listener(packet);
    this.listeners.add(wrapped);
    return () => this.listeners.delete(wrapped);
  }

  setRemote(remote: RtpEndpoint | undefined): void {
    this.latch.reset();
    this.rtcpFrom = undefined;
    this.target = this.endpointFor(remote);
    this.log.debug('RTP remote set', { remote: this.target });
  }

  setSending(on: boolean): void {
    this.sending = on;
  }

  stats(): RtpSessionStats {
    const s: RtpSessionStats = {
      localPort: this.localPort,
      latched: this.latch.latchedTo !== undefined,
      ssrc: this.ssrc,
      packetsSent: this.packetsSent,
      octetsSent: this.octetsSent,
      discarded: Object.values(this.discards).reduce((a, b) => a + b, 0),
    };
    if (this.target) s.remote = { ...this.target };
    if (this.source) s.received = this.source.stats();
    if (this.remoteReport) s.remoteReport = { ...this.remoteReport };
    if (this.lastReceivedAt !== undefined) s.lastReceivedAt = this.lastReceivedAt;
    return s;
  }

  /** The discards of `stats().discarded`, by reason. */
  discardCounts(): Readonly<Record<RtpDiscardReason, number>> {
    return { ...this.discards };
  }

  /** Monotonic time of the next scheduled RTCP report (for tests and diagnostics). */
  get nextReportAt(): number | undefined {
    return this.scheduler.nextReportAt;
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // ------------------------------------------------------------ receiving

  private receiveDatagram(msg: Buffer, rinfo: RemoteInfo, onRtcpSocket: boolean): void {
    if (this.closed) return;
    const from = { address: normalizeAddress(rinfo.address), port: rinfo.port };
    try {
      // RFC 5761 §4 demultiplexing. Without rtcp-mux RTCP belongs on its own port, but
      // RTCP on the RTP port (a peer that muxes anyway) is still RTCP, never RTP.
      if (onRtcpSocket) this.receiveRtcp(msg, from, false);
      else if (isRtcpPacket(msg)) this.receiveRtcp(msg, from, this.rtcpMux);
      else this.receiveRtp(msg, from);
    } catch (e) {
      // Nothing on this path should throw; if it does, the packet is lost, not the socket handler.
      this.log.error('RTP receive path failed', { error: toError(e).message, from });
    }
  }

  private receiveRtp(msg: Buffer, from: TransportAddress): void {
    if (!this.latch.admits(from)) return this.discard('rtp_foreign_source', from);
    let data: Uint8Array = msg;
    if (this.srtpReceive) {
      const r = this.srtpReceive.unprotectRtp(msg);
      if (!r.ok) return this.discard('rtp_srtp', from, r.reason);
      data = r.packet;
    }
    const parsed = parseRtp(data);
    if (!parsed.ok) return this.discard('rtp_malformed', from, parsed.reason);
    const packet = parsed.packet;
    this.lastReceivedAt = this.clock.wallTime();
    if (this.latchEnabled) {
      const latched = this.latch.offer(from, packet.ssrc, packet.sequence);
      if (latched) this.latchTo(latched);
    }
    if (!this.track(packet)) return;
    this.heardSinceReport = true;
    for (const listener of this.listeners) {
      try {
        listener(packet);
      } catch (e) {
        this.log.error('RTP packet listener threw', { error: toError(e).message });
      }
    }
  }

  /** RFC 3550 A.1 per SSRC; a new SSRC replaces the current one once out of probation. */
  private track(packet: RtpPacket): boolean {
    const now = this.clock.now();
    if (this.source?.ssrc === packet.ssrc) return this.source.receive(packet.sequence, packet.timestamp, now, packet.payload.length);
    if (this.probation?.ssrc !== packet.ssrc) this.probation = new RtpSource(packet.ssrc, this.clockRate);
    if (!this.probation.receive(packet.sequence, packet.timestamp, now, packet.payload.length)) return false;
    if (this.source) this.log.info('remote RTP SSRC changed', { from: this.source.ssrc, to: packet.ssrc });
    this.source = this.probation;
    this.probation = undefined;
    return true;
  }

  private latchTo(from: TransportAddress): void {
    const old = this.target;
    let rtcpPort: number;
    if (this.rtcpMux) rtcpPort = from.port;
    else if (this.rtcpFrom?.address === from.address) rtcpPort = this.rtcpFrom.port;
    else if (old && old.address === from.address && old.rtpPort === from.port) rtcpPort = old.rtcpPort;
    else rtcpPort = from.port + 1;
    this.target = { address: from.address, rtpPort: from.port, rtcpPort };
    const moved = old === undefined || old.address !== from.address || old.rtpPort !== from.port;
    this.log.info(moved ? 'symmetric RTP: sending to where the remote\'s RTP comes from' : 'symmetric RTP: locked to the signalled address', {
      signalled: old, remote: this.target,
    });
  }

  private receiveRtcp(msg: Buffer, from: TransportAddress, muxed: boolean): void {
    if (!this.latch.admits(from, !muxed)) return this.discard('rtcp_foreign_source', from);
    let data: Uint8Array = msg;
    if (this.srtpReceive) {
      const r = this.srtpReceive.unprotectRtcp(msg);
      if (!r.ok) return this.discard('rtcp_srtp', from, r.reason);
      data = r.packet;
    }
    const parsed = parseRtcpCompound(data);
    if (!parsed.ok) return this.discard('rtcp_malformed', from, parsed.reason);
    this.scheduler.noteCompound(msg.length);
    const now = this.clock.now();
    const wall = this.clock.wallTime();
    let sender: number | undefined;
    for (const p of parsed.packets) {
      if (p.type === 'sr' || p.type === 'rr') {
        sender ??= p.ssrc;
        if (p.type === 'sr' && this.source?.ssrc === p.ssrc) {
          this.source.senderReport(ntpMiddle32({ seconds: p.ntpSeconds, fraction: p.ntpFraction }), now);
        }
        for (const block of p.reports) if (block.ssrc === this.ssrc) this.noteRemoteReport(block, wall);
      } else if (p.type === 'bye' && this.source !== undefined && p.ssrcs.includes(this.source.ssrc)) {
        this.log.info('remote sent RTCP BYE', { remoteSsrc: this.source.ssrc, reason: p.reason });
      }
    }
    // RTCP on its own port: remember where it comes from, and follow it once latched (symmetric RTCP).
    if (!muxed && (this.source === undefined || sender === this.source.ssrc)) {
      this.rtcpFrom = from;
      const t = this.target;
      if (this.latch.latchedTo !== undefined && t !== undefined && t.address === from.address && t.rtcpPort !== from.port) {
        this.target = { ...t, rtcpPort: from.port };
        this.log.debug('symmetric RTCP: sending RTCP to where it comes from', { rtcpPort: from.port });
      }
    }
  }

  private noteRemoteReport(block: ReportBlock, wall: number): void {
    const report: RemoteReport = {
      fractionLost: block.fractionLost / 256,
      cumulativeLost: block.cumulativeLost,
      jitterMs: (block.jitter / this.clockRate) * 1000,
      receivedAt: wall,
    };
    const rtt = roundTripMs(block, wall);
    if (rtt !== undefined) report.rttMs = rtt;
    this.remoteReport = report;
  }

  private discard(reason: RtpDiscardReason, from: TransportAddress, detail?: string): void {
    const n = ++this.discards[reason];
    // The first of each kind is worth a line; a flood of them is in the counters.
    if (n === 1) this.log.warn('RTP datagram discarded', { reason, from, detail });
    else this.log.trace('RTP datagram discarded', { reason, from, detail });
  }

  // ------------------------------------------------------------ sending

  /** Sends one compound report (and a BYE when closing). Resolves once the datagram is handed to the OS. */
  private async sendReport(bye?: { reason?: string }): Promise<void> {
    const target = this.target;
    if (target === undefined) return;
    const now = this.clock.now();
    const opts: ReportCompoundOptions = { ssrc: this.ssrc, cname: this.cname, reports: this.source ? [this.source.reportBlock(now)] : [] };
    if (this.sentSinceReport && this.lastSent) {
      const elapsed = Math.round(((now - this.lastSent.at) * this.clockRate) / 1000);
      opts.sender = {
        ntp: ntpFromWallMs(this.clock.wallTime()),
        rtpTimestamp: (this.lastSent.timestamp + elapsed) % TWO_32,
        packetCount: this.packetsSent % TWO_32,
        octetCount: this.octetsSent % TWO_32,
      };
    }
    if (bye) opts.bye = bye;
    const compound = serializeRtcpCompound(buildReportCompound(opts));
    const datagram = this.srtpSend ? this.srtpSend.protectRtcp(compound) : compound;
    this.scheduler.noteCompound(datagram.length);
    this.sentLastInterval = this.sentSinceReport;
    this.sentSinceReport = false;
    this.heardLastInterval = this.heardSinceReport;
    this.heardSinceReport = false;
    this.sentAnything = true;
    const { rtp, rtcp } = this.opts.sockets;
    const socket = this.rtcpMux || rtcp === undefined ? rtp : rtcp;
    await new Promise<void>((resolve) => this.transmit(socket, datagram, target.address, this.rtcpMux ? target.rtpPort : target.rtcpPort, resolve));
  }

  private transmit(socket: Socket, datagram: Uint8Array, address: string, port: number, done?: () => void): void {
    const onSent = (err: Error | null): void => {
      if (err) this.log.debug('RTP send failed', { error: err.message, address, port });
      done?.();
    };
    try {
      socket.send(datagram, port, socketAddress(address, this.family), onSent);
    } catch (e) {
      onSent(toError(e)); // e.g. the socket was closed under us
    }
  }

  private endpointFor(remote: RtpEndpoint | undefined): RtpEndpoint | undefined {
    if (remote === undefined) return undefined;
    const address = normalizeAddress(remote.address);
    return { address, rtpPort: remote.rtpPort, rtcpPort: this.rtcpMux ? remote.rtpPort : remote.rtcpPort };
  }

  private async shutdown(): Promise<void> {
    this.scheduler.stop();
    this.closed = true;
    this.listeners.clear();
    const { rtp, rtcp } = this.opts.sockets;
    rtp.off('message', this.onRtpMessage);
    rtcp?.off('message', this.onRtcpMessage);
    // §6.6: a BYE only from a participant that sent something.
    if (this.sentAnything) {
      try {
        await this.sendReport({});
      } catch (e) {
        this.log.warn('RTCP BYE failed', { error: toError(e).message });
      }
    }
    await this.opts.sockets.release();
    rtp.off('error', this.onSocketError);
    rtcp?.off('error', this.onSocketError);
    this.log.debug('RTP session closed', { packetsSent: this.packetsSent, discarded: this.stats().discarded });
  }
}

function emptyBlock(): ReportBlock {
  return { ssrc: 0, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0, lastSr: 0, delaySinceLastSr: 0 };
}
