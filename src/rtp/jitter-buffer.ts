/**
 * The receive-side jitter buffer: RTP packets arrive at irregular times (`put`), the
 * audio device pulls one frame of `frameMs` at its own steady pace (`next`), and the
 * buffer sits in between so that network jitter, reordering and small losses do not
 * reach the ear, while adding as little delay as the network allows.
 *
 * Timeline. Packets are ordered by RTP sequence number and placed in time by their RTP
 * timestamp (RFC 3550 §5.1: the sampling instant of the first octet, counted in the
 * codec's clock rate, e.g. 8000 Hz for PCMU/PCMA and also for G.722 per RFC 3551 §4.5.2).
 * Both are unwrapped to unbounded integers (16-bit sequence, 32-bit timestamp,
 * RFC 3550 §A.1), so wrap-around needs no special case. A packet's duration is learned
 * from the timestamp step between consecutive sequence numbers (10, 20, 30 ms ...).
 * The buffer keeps a playout position in timestamp units and advances it by one frame
 * per `next()`; each call hands over, in order, the packets whose start the playout
 * point has reached (within half a frame) until the frame is covered. The consumer
 * keeps a small sample queue:
 *   - 'packet': decode every packet of `packets` (in order; `packet` is the first) and
 *     append the samples;
 *   - 'continue': nothing new starts in this frame, the samples already decoded cover it;
 *   - 'lost': audio is due but missing: run packet-loss concealment;
 *   - 'silence': nothing to play (before the first packet, while prebuffering, in a
 *     gap the sender left on purpose, after a long outage): silence or comfort noise.
 * It then plays one frame from its queue; whatever the queue lacks is concealed (after
 * 'packet', 'lost', 'continue') or filled with silence (after 'silence').
 *
 * Delay. The playout delay is measured against the fastest packet of the last two
 * seconds (see jitter-estimator.ts). The target is the peak of the packets' extra
 * delay plus half a frame, kept within [minDelayMs, maxDelayMs]: it jumps up as soon
 * as a packet arrives later than the buffer covers and then sinks by at most one frame
 * per second. The buffer steers its actual delay toward the target by inserting a
 * frame (holding the timeline for one concealed or silent frame) or dropping one
 * (skipping a packet, or a frame of silence). In silence it keeps within
 * [target, target + 1 frame]; during speech it tolerates [target - ½, target + 1½]
 * frames, so most corrections, including those for a sender clock that is up to ±1 %
 * off ours, fall into the pauses; drops happen at most once a second. When the buffer
 * runs dry mid-speech it holds the timeline and conceals (like NetEq's expand), so a
 * delayed packet still plays and the delay has grown at once; after `maxConcealMs` of
 * that it gives up and prebuffers afresh from the next packet.
 *
 * Restarts. A new SSRC restarts at once (packets from a retired SSRC are then
 * dropped); a jump of more than `resyncMs` in sequence or timestamp restarts once the
 * next packet confirms it (RFC 3550 §A.1 probation, so one stray packet cannot flush
 * the stream). A restart flushes what is buffered rather than splice two timelines.
 *
 * Callers feed audio packets only (RFC 4733 events are handled elsewhere). Time comes
 * from the injected Clock, never from Date.now or global timers. Ideas from baresip's
 * jbuf (fast-rise/slow-fall jitter, hold back or skip a frame) and WebRTC NetEq
 * (relative arrival delay over a 2 s window, expand/accelerate); no code from either.
 */

import type { Clock } from '../clock.js';
import { ArrivalDelayEstimator } from './jitter-estimator.js';
import { int16Diff, int32Diff } from './jitter-seq.js';

export interface JitterPacket {
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  payloadType: number;
  payload: Uint8Array;
}

export interface JitterBufferOptions {
  clock: Clock;
  /** RTP clock rate of the codec, e.g. 8000 (G.722 also uses 8000 per RFC 3551). */
  clockRate: number;
  /** The consumer's unit: one `next()` per frameMs. Default 20. */
  frameMs?: number;
  /** Default 40. */
  minDelayMs?: number;
  /** Default 300. */
  maxDelayMs?: number;
  /** A sequence or timestamp jump larger than this restarts the buffer. Default 3000. */
  resyncMs?: number;
  /** Longest run of concealment before the buffer reports silence instead. Default 80. */
  maxConcealMs?: number;
}

export type JitterOutput =
  /** Decode these packets (in order; `packet` is `packets[0]`): the playout point reached them. */
  | { kind: 'packet'; packet: JitterPacket; packets: readonly JitterPacket[] }
  /** Nothing new starts in this frame: keep playing the samples already decoded. */
  | { kind: 'continue' }
  /** Audio due now is missing: conceal one frame. */
  | { kind: 'lost' }
  /** Nothing to play: silence or comfort noise; not counted as loss. */
  | { kind: 'silence' };

export interface JitterBufferStats {
  packetsIn: number;
  /** Packets handed to the consumer. */
  played: number;
  /** Sequence numbers passed over without a packet (including ones that came too late). */
  lost: number;
  /** Packets that arrived after their playout time had come; dropped unless part of their slot was still ahead. */
  late: number;
  duplicates: number;
  /** Packets that arrived with a lower sequence number than one already received. */
  reordered: number;
  /** Oldest packets dropped because more than maxDelayMs plus a margin was buffered. */
  overflowDrops: number;
  /** Frames dropped to bring the delay down to the target (sender clock faster, target sank). */
  skewDrops: number;
  /** Frames inserted to bring the delay up to the target (sender clock slower, target rose). */
  skewInserts: number;
  resyncs: number;
  currentDelayMs: number;
  targetDelayMs: number;
  /** RFC 3550 §A.8 interarrival jitter, in ms. */
  jitterMs: number;
  /** 'lost' outputs. */
  concealed: number;
  /** Frames concealed because the buffer ran empty in the middle of speech. */
  underruns: number;
  /** Packets discarded by a restart. */
  flushed: number;
  /** Packets that jumped away from the stream and were not confirmed by a successor. */
  strays: number;
  bufferedPackets: number;
}

interface Entry {
  packet: JitterPacket;
  /** Unwrapped sequence number. */
  seq: number;
  /** Unwrapped timestamp. */
  ts: number;
  arrival: number;
  transit: number;
}

const CONTINUE: JitterOutput = Object.freeze({ kind: 'continue' });
const LOST: JitterOutput = Object.freeze({ kind: 'lost' });
const SILENCE: JitterOutput = Object.freeze({ kind: 'silence' });

/** Extra buffering allowed above maxDelayMs before the oldest packets are dropped, in frames. */
const OVERFLOW_MARGIN_FRAMES = 3;
/** Delay-reducing drops (not overflow) happen at most this often: one frame per second. */
const MIN_DROP_INTERVAL_MS = 1000;
/** Longest packet whose duration we learn from timestamps. */
const MAX_PACKET_MS = 120;
/** How many retired SSRCs to remember. */
const RETIRED_SSRCS = 4;

type Counters = Omit<JitterBufferStats, 'currentDelayMs' | 'targetDelayMs' | 'jitterMs' | 'bufferedPackets'>;

function zeroCounters(): Counters {
  return {
    packetsIn: 0, played: 0, lost: 0, late: 0, duplicates: 0, reordered: 0, overflowDrops: 0,
    skewDrops: 0, skewInserts: 0, resyncs: 0, concealed: 0, underruns: 0, flushed: 0, strays: 0,
  };
}

export class JitterBuffer {
  private readonly clock: Clock;
  private readonly rate: number;
  private readonly frameMs: number;
  private readonly frame: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly resyncMs: number;
  private readonly maxConcealMs: number;
  private readonly estimator: ArrivalDelayEstimator;
  private c: Counters = zeroCounters();

  // Stream identity and unwrapping reference (the highest sequence number seen).
  private ssrc: number | undefined;
  private retired: number[] = [];
  private refSeq16 = 0;
  private refTs32 = 0;
  private refSeq = 0;
  private refTs = 0;
  private probe: { packet: JitterPacket; at: number } | undefined;
  /** Learned packet duration in timestamp units. */
  private packetTs: number;

  private buffer: Entry[] = [];
  /** Next sequence number to play; below it, packets are late or duplicates. */
  private nextSeq: number | undefined;
  /** Sequence numbers played or dropped on purpose, to tell duplicates from late packets. */
  private consumed = new Set<number>();
  private lastHanded: Entry | undefined;

  // Playout timeline.
  private anchored = false;
  private prebuffering = false;
  /** Timestamp up to which audio has been handed to the consumer (packets or concealment). */
  private playPos = 0;
  /** Samples (timestamp units) the consumer still holds beyond the frame last played. */
  private queued = 0;
  private inTalk = false;
  private holdMs = 0;
  private concealRunMs = 0;
  private lastDropAt = Number.NEGATIVE_INFINITY;
  /** Smoothed time of the device's pulls. */
  private pullRef: number | undefined;

  constructor(opts: JitterBufferOptions) {
    if (!(opts.clockRate > 0)) throw new RangeError('clockRate must be positive');
    this.clock = opts.clock;
    this.rate = opts.clockRate;
    this.frameMs = opts.frameMs ?? 20;
    if (!(this.frameMs > 0)) throw new RangeError('frameMs must be positive');
    this.frame = (this.frameMs * this.rate) / 1000;
    this.minDelayMs = opts.minDelayMs ?? 40;
    this.maxDelayMs = Math.max(this.minDelayMs, opts.maxDelayMs ?? 300);
    this.resyncMs = opts.resyncMs ?? 3000;
    this.maxConcealMs = opts.maxConcealMs ?? 80;
    this.packetTs = this.frame;
    this.estimator = new ArrivalDelayEstimator(this.frameMs);
  }

  /** Takes one packet off the network; its arrival time is clock.now(). */
  put(packet: JitterPacket): void {
    const now = this.clock.now();
    this.c.packetsIn++;
    if (this.ssrc === undefined) {
      this.startTimeline(packet);
    } else if (packet.ssrc !== this.ssrc) {
      if (this.retired.includes(packet.ssrc)) {
        this.c.late++;
        return;
      }
      this.resync(packet);
    } else if (this.isJump(packet)) {
      const probe = this.probe;
      if (probe !== undefined && this.confirms(probe.packet, packet)) {
        this.resync(probe.packet);
        this.insert(probe.packet, probe.at);
      } else {
        if (probe !== undefined) this.c.strays++;
        this.probe = { packet, at: now };
        return;
      }
    } else if (this.probe !== undefined) {
      this.probe = undefined;
      this.c.strays++;
    }
    this.insert(packet, now);
  }

  /** Called once per frameMs by the audio device: what to play for the next frame. */
  next(): JitterOutput {
    const now = this.clock.now();
    this.trackPull(now);
    if (this.queued >= this.frame) {
      this.queued -= this.frame;
      return CONTINUE;
    }
    if (!this.anchored) {
      if (this.buffer.length === 0) {
        this.queued = 0;
        return SILENCE;
      }
      this.anchor(now);
    }

    const target = this.targetMs(now);
    const delay = this.delayAt(this.pullRef ?? now) ?? target;
    const halfFrame = this.frameMs / 2;
    const slack = this.frameMs / 8;
    let head = this.buffer[0];

    if (head !== undefined && this.isDue(head)) {
      // Audio starts in this frame. First see whether the delay needs a frame more or less.
      if (this.queued === 0 && delay < target - (this.inTalk ? halfFrame : slack)) {
        this.c.skewInserts++;
        if (!this.inTalk) return SILENCE;
        this.c.concealed++;
        return LOST;
      }
      const second = this.buffer[1];
      if (
        this.inTalk &&
        delay > target + this.frameMs + halfFrame &&
        delay - this.toMs(this.packetTs) >= target &&
        now - this.lastDropAt >= MIN_DROP_INTERVAL_MS &&
        second !== undefined &&
        second.seq === head.seq + 1 &&
        (this.nextSeq === undefined || head.seq === this.nextSeq)
      ) {
        this.buffer.shift();
        this.passOver(head);
        this.playPos += this.packetTs;
        this.c.skewDrops++;
        this.lastDropAt = now;
      }
      const packets: JitterPacket[] = [];
      for (head = this.buffer[0]; head !== undefined && this.queued < this.frame && this.isDue(head); head = this.buffer[0]) {
        this.buffer.shift();
        this.passOver(head);
        this.lastHanded = head;
        packets.push(head.packet);
        this.playPos += this.packetTs;
        this.queued += this.packetTs;
        this.c.played++;
      }
      this.finishFrame();
      this.inTalk = true;
      this.prebuffering = false;
      this.holdMs = 0;
      this.concealRunMs = 0;
      const first = packets[0];
      // The loop always hands at least one packet: the drop above keeps a due successor.
      return first === undefined ? LOST : { kind: 'packet', packet: first, packets };
    }

    if (head !== undefined) {
      if (!this.prebuffering && this.nextSeq !== undefined && head.seq > this.nextSeq) {
        // A packet that should play now is missing, and later ones are here: it is lost.
        this.finishFrame();
        this.concealRunMs += this.frameMs;
        if (this.concealRunMs > this.maxConcealMs) return SILENCE;
        this.c.concealed++;
        return LOST;
      }
      // The next packet lies ahead: prebuffering, or a pause the sender left (DTX).
      this.inTalk = false;
      this.holdMs = 0;
      this.concealRunMs = 0;
      if (!this.prebuffering && this.queued === 0 && delay < target - slack) {
        this.c.skewInserts++;
        return SILENCE;
      }
      this.finishFrame();
      if (
        !this.prebuffering &&
        delay > target + this.frameMs + slack &&
        now - this.lastDropAt >= MIN_DROP_INTERVAL_MS &&
        head.ts >= this.playPos + this.frame
      ) {
        this.playPos += this.frame;
        this.c.skewDrops++;
        this.lastDropAt = now;
      }
      return SILENCE;
    }

    // Nothing buffered at all.
    if (this.inTalk) {
      if (this.holdMs < this.maxConcealMs) {
        // Mid-speech: the next packet is late or lost. Hold the timeline and conceal, so a
        // late packet still plays; the delay grows by a frame.
        this.holdMs += this.frameMs;
        this.queued = 0;
        this.c.underruns++;
        this.c.concealed++;
        return LOST;
      }
      // Too long: the talkspurt ended or the network is gone. Prebuffer afresh.
      this.anchored = false;
      this.inTalk = false;
      this.holdMs = 0;
      this.queued = 0;
      return SILENCE;
    }
    this.finishFrame();
    return SILENCE;
  }

  stats(): JitterBufferStats {
    const now = this.clock.now();
    const delay = this.pullRef === undefined ? undefined : this.delayAt(this.pullRef + this.frameMs);
    return {
      ...this.c,
      currentDelayMs: delay ?? 0,
      targetDelayMs: this.targetMs(now),
      jitterMs: this.estimator.jitterMs(),
      bufferedPackets: this.buffer.length,
    };
  }

  /** Forgets everything: packets, stream, timeline, estimates and counters. */
  reset(): void {
    this.c = zeroCounters();
    this.ssrc = undefined;
    this.retired = [];
    this.probe = undefined;
    this.packetTs = this.frame;
    this.buffer = [];
    this.nextSeq = undefined;
    this.consumed.clear();
    this.lastHanded = undefined;
    this.anchored = false;
    this.prebuffering = false;
    this.playPos = 0;
    this.queued = 0;
    this.inTalk = false;
    this.holdMs = 0;
    this.concealRunMs = 0;
    this.lastDropAt = Number.NEGATIVE_INFINITY;
    this.pullRef = undefined;
    this.estimator.reset();
  }

  // --- arrival side ---

  private startTimeline(packet: JitterPacket): void {
    this.ssrc = packet.ssrc;
    this.refSeq16 = packet.sequence & 0xffff;
    this.refTs32 = packet.timestamp >>> 0;
    this.refSeq = this.refSeq16;
    this.refTs = this.refTs32;
  }

  private isJump(packet: JitterPacket): boolean {
    const seqDiff = int16Diff(packet.sequence, this.refSeq16);
    const tsDiff = int32Diff(packet.timestamp, this.refTs32);
    const maxSeqJump = Math.max(16, Math.ceil(this.resyncMs / this.toMs(this.packetTs)));
    return Math.abs(seqDiff) > maxSeqJump || Math.abs(this.toMs(tsDiff - seqDiff * this.packetTs)) > this.resyncMs;
  }

  /** Whether `packet` continues the stray `probe`, confirming a restart. */
  private confirms(probe: JitterPacket, packet: JitterPacket): boolean {
    const tsStep = int32Diff(packet.timestamp, probe.timestamp);
    return (
      packet.ssrc === probe.ssrc &&
      int16Diff(packet.sequence, probe.sequence) === 1 &&
      tsStep >= 0 &&
      this.toMs(tsStep) <= this.resyncMs
    );
  }

  private resync(packet: JitterPacket): void {
    if (this.ssrc !== undefined && this.ssrc !== packet.ssrc) {
      this.retired = [this.ssrc, ...this.retired.filter((s) => s !== packet.ssrc)].slice(0, RETIRED_SSRCS);
    }
    this.c.resyncs++;
    this.c.flushed += this.buffer.length;
    this.buffer = [];
    this.probe = undefined;
    this.nextSeq = undefined;
    this.consumed.clear();
    this.lastHanded = undefined;
    this.anchored = false;
    this.prebuffering = false;
    this.inTalk = false;
    this.holdMs = 0;
    this.concealRunMs = 0;
    this.packetTs = this.frame;
    this.estimator.restartTimeline();
    this.startTimeline(packet);
  }

  private insert(packet: JitterPacket, now: number): void {
    const seqDiff = int16Diff(packet.sequence, this.refSeq16);
    const seq = this.refSeq + seqDiff;
    const ts = this.refTs + int32Diff(packet.timestamp, this.refTs32);
    const highest = this.refSeq;
    if (seqDiff > 0) {
      this.refSeq = seq;
      this.refTs = ts;
      this.refSeq16 = packet.sequence & 0xffff;
      this.refTs32 = packet.timestamp >>> 0;
    }
    let at = this.buffer.length;
    while (at > 0 && this.buffer[at - 1]!.seq > seq) at--;
    if (this.consumed.has(seq) || this.buffer[at - 1]?.seq === seq) {
      this.c.duplicates++;
      return;
    }
    if (seq < highest) this.c.reordered++;

    const tsMs = this.toMs(ts);
    this.estimator.add(now, tsMs);
    if (this.nextSeq !== undefined && seq < this.nextSeq) {
      this.c.late++;
      return;
    }
    if (this.anchored && this.holdMs > 0 && this.nextSeq !== undefined && seq > this.nextSeq) {
      // The timeline was held for packet nextSeq, and a later one came first: take nextSeq
      // as lost, and the frames concealed while holding as its concealment, not extra delay.
      const held = (this.holdMs * this.rate) / 1000;
      this.playPos += Math.min(held, (seq - this.nextSeq) * this.packetTs);
      this.holdMs = 0;
    }
    if (this.anchored) {
      if (ts + this.packetTs <= this.playPos) {
        this.c.late++; // its whole slot has been played (concealed) already
        return;
      }
      // Part of its slot was concealed, or the timeline is held waiting for it: late, but it plays.
      if (ts < this.playPos - this.frame / 2 || (this.holdMs > 0 && seq === this.nextSeq)) this.c.late++;
    }
    const entry: Entry = { packet, seq, ts, arrival: now, transit: now - tsMs };
    this.buffer.splice(at, 0, entry);
    this.learnDuration(at);
    this.enforceLimit();
  }

  /** Learns the packet duration from a consecutive pair around buffer[at]. */
  private learnDuration(at: number): void {
    const entry = this.buffer[at]!;
    const prev = this.buffer[at - 1] ?? this.lastHanded;
    const next = this.buffer[at + 1];
    const learn = (earlier: Entry, later: Entry): void => {
      const step = later.ts - earlier.ts;
      if (later.seq - earlier.seq !== 1 || later.packet.marker) return;
      if (step > 0 && this.toMs(step) <= MAX_PACKET_MS) this.packetTs = step;
    };
    if (prev !== undefined) learn(prev, entry);
    if (next !== undefined) learn(entry, next);
  }

  /** Never hold more than maxDelayMs plus a margin: drop the oldest. */
  private enforceLimit(): void {
    const limit = ((this.maxDelayMs + OVERFLOW_MARGIN_FRAMES * this.frameMs) * this.rate) / 1000;
    const first = this.buffer[0];
    if (first === undefined) return;
    if (this.anchored && first.ts - (this.playPos - this.queued) > limit) {
      // The stream jumped ahead of our timeline (within resyncMs): prebuffer afresh.
      this.anchored = false;
      this.inTalk = false;
    }
    while (this.buffer.length > 1) {
      const oldest = this.buffer[0]!;
      const newest = this.buffer[this.buffer.length - 1]!;
      const base = this.anchored ? this.playPos - this.queued : oldest.ts;
      if (newest.ts + this.packetTs - base <= limit) break;
      this.buffer.shift();
      this.passOver(oldest);
      this.c.overflowDrops++;
      if (this.anchored) this.playPos = Math.max(this.playPos, oldest.ts + this.packetTs);
    }
  }

  // --- playout side ---

  /** Marks `entry` as played or dropped; sequence numbers skipped on the way are lost. */
  private passOver(entry: Entry): void {
    if (this.nextSeq !== undefined && entry.seq > this.nextSeq) this.c.lost += entry.seq - this.nextSeq;
    this.nextSeq = entry.seq + 1;
    this.consumed.add(entry.seq);
    if (this.consumed.size > 4096) {
      for (const s of this.consumed) if (s < entry.seq - 2048) this.consumed.delete(s);
    }
  }

  /** Starts the timeline so the buffer's first packet plays targetDelay after the fastest recent one. */
  private anchor(now: number): void {
    const head = this.buffer[0]!;
    const waited = now - head.arrival;
    const extra = this.estimator.relativeDelay(head.transit);
    const wait = Math.max(0, this.targetMs(now) - waited - extra);
    this.playPos = head.ts - (wait * this.rate) / 1000 + this.queued;
    this.anchored = true;
    this.prebuffering = true;
    this.inTalk = false;
    this.holdMs = 0;
    this.concealRunMs = 0;
  }

  /**
   * Whether a packet is needed now: it starts within half a frame of where the audio
   * handed out so far ends (content and timestamps may be misaligned by up to that much).
   */
  private isDue(entry: Entry): boolean {
    return entry.ts <= this.playPos + this.frame / 2;
  }

  /** The consumer plays one frame; what its queue lacks it conceals, so the timeline moves on. */
  private finishFrame(): void {
    this.queued -= this.frame;
    if (this.queued < 0) {
      this.playPos -= this.queued;
      this.queued = 0;
    }
  }

  private trackPull(now: number): void {
    const predicted = this.pullRef === undefined ? now : this.pullRef + this.frameMs;
    const error = now - predicted;
    this.pullRef = Math.abs(error) > 4 * this.frameMs ? now : predicted + error / 16;
  }

  /**
   * The delay the fastest recent packet spends in the buffer, given the time of the pull
   * that reads from the current playout point.
   */
  private delayAt(pullTime: number): number | undefined {
    const min = this.estimator.minTransit();
    if (!this.anchored || min === undefined) return undefined;
    return pullTime - this.toMs(this.playPos - this.queued) - min;
  }

  private targetMs(now: number): number {
    const wanted = this.estimator.peakEstimate(now) + this.frameMs / 2;
    return Math.min(this.maxDelayMs, Math.max(this.minDelayMs, wanted));
  }

  private toMs(tsUnits: number): number {
    return (tsUnits * 1000) / this.rate;
  }
}
