/**
 * Receive-side state for one RTP source (one SSRC we hear).
 *
 * Implements RFC 3550:
 * - Appendix A.1 sequence validation (`update_seq`): a new source is on
 *   probation until MIN_SEQUENTIAL (2) packets arrive in sequence; the packet
 *   that ends probation is the first one counted (base sequence). Jumps below
 *   MAX_DROPOUT (3000) are accepted (counting a wrap past 65535 as a new
 *   cycle); packets up to MAX_MISORDER (100) behind are late or duplicates and
 *   accepted; any other jump is dropped unless the very next sequence number
 *   arrives next, in which case the source resyncs (the peer restarted).
 * - Appendix A.3 expected / cumulative lost (clamped to signed 24 bits, and
 *   negative when duplicates arrive) and fraction lost per report interval.
 * - Appendix A.8 interarrival jitter J += (|D| − J)/16 in timestamp units;
 *   arrival times are given in ms and converted with the clock rate.
 * - §6.4.1 LSR/DLSR from the last SR heard from this source.
 *
 * Duplicates are told apart from late packets with a window of the last 128
 * extended sequence numbers (wider than MAX_MISORDER); A.1 counts both as received.
 */
import { DialtoneError } from '../errors.js';
import type { ReportBlock } from './rtcp.js';

export const RTP_SEQ_MOD = 1 << 16;
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
export const MIN_SEQUENTIAL = 2;

const SEEN_WINDOW = 128;

export interface SourceStats {
  ssrc: number;
  packetsReceived: number;
  bytesReceived: number;
  expected: number;
  cumulativeLost: number;
  /** 0..1, from the last `reportBlock` call. */
  fractionLostLastInterval: number;
  jitterMs: number;
  duplicates: number;
  reordered: number;
  extendedHighestSequence: number;
}

export class RtpSource {
  readonly ssrc: number;
  readonly clockRate: number;

  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1; // an impossible value
  private probation = MIN_SEQUENTIAL;
  private started = false;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private lastFraction = 0;
  private bytes = 0;
  private duplicates = 0;
  private reordered = 0;
  private readonly seen = new Float64Array(SEEN_WINDOW).fill(-1);

  /** Jitter estimate in timestamp units (A.8), kept fractional. */
  private jitter = 0;
  private lastTransit: { rtp: number; arrival: number } | undefined;

  private lastSr: { middle32: number; arrivalMs: number } | undefined;

  constructor(ssrc: number, clockRate: number) {
    if (!Number.isInteger(ssrc) || ssrc < 0 || ssrc > 0xffffffff) throw new DialtoneError('invalid', 'SSRC must be an unsigned 32-bit integer', { ssrc });
    if (!(clockRate > 0)) throw new DialtoneError('invalid', 'RTP clock rate must be positive', { clockRate });
    this.ssrc = ssrc;
    this.clockRate = clockRate;
  }

  /**
   * Accounts for one received RTP packet. Returns false when it should be
   * dropped: the source is still on probation, or the sequence number jumped
   * too far (a second packet following it in sequence resyncs the source).
   */
  receive(sequence: number, rtpTimestamp: number, arrivalMs: number, payloadBytes: number): boolean {
    const seq = sequence & 0xffff;
    if (!this.started) {
      this.started = true;
      this.initSeq(seq);
      this.maxSeq = (seq - 1) & 0xffff;
      this.probation = MIN_SEQUENTIAL;
    }
    const verdict = this.updateSeq(seq);
    if (verdict === 'drop') return false;
    this.bytes += payloadBytes;
    if (verdict === 'duplicate') {
      this.duplicates++;
      return true; // A.1 counts it as received; it tells nothing about jitter
    }
    if (verdict === 'late') this.reordered++;
    this.updateJitter(rtpTimestamp >>> 0, arrivalMs);
    return true;
  }

  /** Records an SR from this source: the middle 32 bits of its NTP timestamp and when it arrived. */
  senderReport(ntpMiddle32: number, arrivalMs: number): void {
    this.lastSr = { middle32: ntpMiddle32 >>> 0, arrivalMs };
  }

  /** Builds an RR report block for this source and starts a new interval (A.3). */
  reportBlock(nowMs: number): ReportBlock {
    const expected = this.expected();
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fraction = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    this.lastFraction = Math.min(fraction, 255);

    let dlsr = 0;
    if (this.lastSr) dlsr = Math.min(0xffffffff, Math.max(0, Math.round(((nowMs - this.lastSr.arrivalMs) / 1000) * 65536)));
    return {
      ssrc: this.ssrc,
      fractionLost: this.lastFraction,
      cumulativeLost: this.cumulativeLost(),
      extendedHighestSequence: this.extendedMax() % 2 ** 32,
      jitter: Math.min(0xffffffff, Math.trunc(this.jitter)),
      lastSr: this.lastSr?.middle32 ?? 0,
      delaySinceLastSr: dlsr,
    };
  }

  stats(): SourceStats {
    return {
      ssrc: this.ssrc,
      packetsReceived: this.received,
      bytesReceived: this.bytes,
      expected: this.expected(),
      cumulativeLost: this.cumulativeLost(),
      fractionLostLastInterval: this.lastFraction / 256,
      jitterMs: (this.jitter / this.clockRate) * 1000,
      duplicates: this.duplicates,
      reordered: this.reordered,
      extendedHighestSequence: this.extendedMax(),
    };
  }

  private extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  /** A.3: expected = extended max − base + 1; zero until probation ends. */
  private expected(): number {
    return this.received === 0 ? 0 : this.extendedMax() - this.baseSeq + 1;
  }

  /** A.3: expected − received, clamped to the signed 24-bit field. */
  private cumulativeLost(): number {
    return Math.max(-0x800000, Math.min(0x7fffff, this.expected() - this.received));
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
    this.seen.fill(-1);
    this.lastTransit = undefined;
  }

  /** A.1 update_seq, plus the duplicate/late distinction. */
  private updateSeq(seq: number): 'drop' | 'new' | 'late' | 'duplicate' {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.accept(seq);
          return 'new';
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return 'drop';
    }
    if (udelta < MAX_DROPOUT) {
      if (udelta === 0) {
        this.received++;
        return 'duplicate';
      }
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD; // wrapped past 65535
      this.maxSeq = seq;
      this.accept(seq);
      return 'new';
    }
    if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump. If the next packet follows it, the other side restarted: resync.
      if (seq === this.badSeq) {
        this.initSeq(seq);
        this.accept(seq);
        return 'new';
      }
      this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
      return 'drop';
    }
    // Up to MAX_MISORDER behind the highest: late or duplicate.
    const ext = this.extendedMax() - (RTP_SEQ_MOD - udelta);
    this.received++;
    if (ext >= 0 && this.seen[ext % SEEN_WINDOW] === ext) return 'duplicate';
    if (ext >= 0) this.seen[ext % SEEN_WINDOW] = ext;
    return 'late';
  }

  private accept(seq: number): void {
    this.received++;
    const ext = this.cycles + seq;
    this.seen[ext % SEEN_WINDOW] = ext;
  }

  /** A.8: D(i−1, i) = (Rj − Ri) − (Sj − Si) in timestamp units; J += (|D| − J)/16. */
  private updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const prev = this.lastTransit;
    this.lastTransit = { rtp: rtpTimestamp, arrival };
    if (!prev) return;
    const rtpDelta = (rtpTimestamp - prev.rtp) | 0; // signed, across the 2^32 wrap
    const d = Math.abs(arrival - prev.arrival - rtpDelta);
    this.jitter += (d - this.jitter) / 16;
  }
}
