/**
 * When an RTP session sends its RTCP compound reports.
 *
 * Implements RFC 3550:
 * - §6.2 / §6.3.1: the interval from the session bandwidth (RTCP gets 5 %),
 *   members and senders, at least 5 s, randomised over [0.5, 1.5) and divided
 *   by e − 3/2 (computed by `rtcpIntervalMs`, A.7).
 * - §6.2: the first report goes out after half the minimum interval (2.5 s,
 *   randomised the same way), so a new participant is heard from quickly.
 * - §6.3.3: avg_rtcp_size = 1/16 · packet_size + 15/16 · avg_rtcp_size for
 *   every compound sent or received, packet size including UDP and IP headers
 *   (§6.2: 28 octets for UDP over IPv4).
 * Timer reconsideration (§6.3.6) and reverse reconsideration (§6.3.4) are left
 * out: with two members (a point-to-point call) they change nothing, and the
 * e − 3/2 factor already accounts for their absence.
 */
import type { Clock, Timer } from '../clock.js';
import { rtcpIntervalMs } from './rtcp.js';

/** UDP (8) + IPv4 (20) header octets counted in each RTCP packet's size (§6.2). */
export const UDP_IP_OVERHEAD = 28;

/** Who is in the session when the next interval is computed (§6.3). */
export interface RtcpCensus {
  members: number;
  senders: number;
  weSent: boolean;
}

export interface RtcpSchedulerOptions {
  clock: Clock;
  /** Uniform in [0, 1): randomises each interval. */
  random: () => number;
  /** Session bandwidth in bits per second. */
  sessionBandwidthBps: number;
  /** First estimate of the average compound size, octets without UDP/IP headers. */
  initialPacketSize: number;
  census: () => RtcpCensus;
  /** Sends a report; called on the clock's timer. Must not throw. */
  onDue: () => void;
}

export class RtcpScheduler {
  private timer: Timer | undefined;
  private dueAt: number | undefined;
  private initial = true;
  private stopped = false;
  private avgSize: number;

  constructor(private readonly opts: RtcpSchedulerOptions) {
    this.avgSize = opts.initialPacketSize + UDP_IP_OVERHEAD;
  }

  /** Schedules the first report (half the minimum interval); does nothing when running. */
  start(): void {
    this.stopped = false;
    if (this.timer === undefined) this.schedule();
  }

  /** Cancels the pending report. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.opts.clock.cancelTimer(this.timer);
    this.timer = undefined;
    this.dueAt = undefined;
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Monotonic time (clock.now()) of the next report, when one is scheduled. */
  get nextReportAt(): number | undefined {
    return this.dueAt;
  }

  /** Average compound size in octets, UDP/IP headers included (§6.3.3). */
  get averageSize(): number {
    return this.avgSize;
  }

  /** Accounts for one compound RTCP packet sent or received; `octets` excludes UDP/IP headers. */
  noteCompound(octets: number): void {
    this.avgSize = (octets + UDP_IP_OVERHEAD) / 16 + (this.avgSize * 15) / 16;
  }

  private schedule(): void {
    const census = this.opts.census();
    const ms = rtcpIntervalMs({
      members: Math.max(1, census.members),
      senders: Math.max(0, census.senders),
      weSent: census.weSent,
      avgRtcpSize: this.avgSize,
      sessionBandwidthBps: this.opts.sessionBandwidthBps,
      initial: this.initial,
      random: this.opts.random,
    });
    this.initial = false;
    this.dueAt = this.opts.clock.now() + ms;
    const timer = this.opts.clock.setTimer(ms, () => {
      if (this.timer !== timer) return;
      this.timer = undefined;
      this.dueAt = undefined;
      this.opts.onDue();
      // onDue may have stopped us (e.g. the session closed); otherwise go on.
      if (this.timer === undefined && !this.stopped) this.schedule();
    });
    this.timer = timer;
  }
}
