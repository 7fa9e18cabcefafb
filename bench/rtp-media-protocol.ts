/**
 * What bench/rtp-media.ts and its two child processes (rtp-media-box.ts, the box
 * under test; rtp-media-load.ts, the web load) say to one another over IPC, and
 * the few helpers they share: the millisecond clock, percentile summaries, and
 * the µ-law "tag" bytes that let the box tell which received packet a played
 * frame came from.
 */
import { muLawToLinear } from '../audio/g711/index.js';

/** Monotonic milliseconds from process.hrtime (fractional). */
export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface Summary {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, mean: NaN, p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
  let sum = 0;
  for (const v of sorted) sum += v;
  return { n: sorted.length, mean: sum / sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}

/**
 * Packet tags: the far end fills packet number s with TAG_BYTES[s % TAGS] (every
 * sample the same µ-law byte, so the decoded frame is one constant value). With
 * no loss the PLC only delays (3.75 ms), so the last sample of a frame the bridge
 * writes, or the port plays, is the tag value of the packet that frame carries.
 * 64 tags span 1.28 s of packets, far more than any delay measured here.
 */
export const TAGS = 64;
export const TAG_BYTES: readonly number[] = Array.from({ length: TAGS }, (_, k) => 0x90 + k); // positive mid-level µ-law codes, all distinct
/** The decoded linear value of each tag → its index. */
export const TAG_OF_LINEAR: ReadonlyMap<number, number> = new Map(TAG_BYTES.map((b, k) => [muLawToLinear(b), k]));
/** µ-law byte → tag index (−1 for bytes that are no tag). */
export const TAG_OF_BYTE: Int16Array = (() => {
  const t = new Int16Array(256).fill(-1);
  TAG_BYTES.forEach((b, k) => (t[b] = k));
  return t;
})();

// ---------------------------------------------------------------- box child

export type ToBox =
  | { cmd: 'calls'; farPorts: number[]; jitterMinMs: number }
  | { cmd: 'reset' }
  | { cmd: 'stats' }
  | { cmd: 'stop' };

export interface BoxStats {
  /** Window: since the last reset. */
  wallMs: number;
  cpuUs: number;
  rssMb: number;
  heapMb: number;
  httpRequests: number;
  calls: number;
  /** Frame clock: timer firing late against the tick's absolute deadline. */
  tickLateMs: Summary;
  /** Tap (2): our onFrame listener (registered before the bridge's) → the bridge's session.send returning, per audio packet. */
  captureToSendMs: Summary;
  /** The frame clock's tick starting (its first subscriber) → session.send returning: includes the ports ticked before this one. */
  tickToSendMs: Summary;
  /** |interval − 20 ms| between consecutive session.send returns of one call, all calls pooled (the box's view of (1)). */
  sendIntervalDevMs: Summary;
  /** Tap (3): RtpSession delivering the packet (onPacket) → the bridge writing the frame that carries it to the port. */
  arrivalToWriteMs: Summary;
  /** port.write → the port playing that frame (sink), i.e. the port queue's wait. */
  writeToPlayMs: Summary;
  /** onPacket → played (sink). */
  arrivalToPlayMs: Summary;
  /** Port queue depth right after the bridge's write (this frame included). */
  queueAfterWrite: Summary;
  /** bridge.stats().jitterBuffer.currentDelayMs / targetDelayMs, sampled every 250 ms per call. */
  jbCurrentDelayMs: Summary;
  jbTargetDelayMs: Summary;
  /** The box's garbage-collection pauses in the window (perf_hooks 'gc' entries). */
  gcPauseMs: Summary;
  /** Frames tagged at write that were matched to an arrival, and those written but not matched. */
  tagged: number;
  untagged: number;
  /** Since the calls started (warm-up included), summed over the calls. */
  totals: {
    framesProcessed: number;
    packetsSent: number;
    audioPacketsIn: number;
    jbLost: number;
    jbLate: number;
    jbConcealed: number;
    jbUnderruns: number;
    jbSkewDrops: number;
    jbSkewInserts: number;
    jbOverflowDrops: number;
    portUnderruns: number;
    portDropped: number;
    skippedTicks: number;
    bridgeErrors: number;
  };
  /** Warnings and errors the media path logged (first few). */
  warnings: string[];
  plcDelayMs: number;
}

export type FromBox =
  | { type: 'ready'; httpPort: number }
  | { type: 'calls'; localPorts: number[] }
  | { type: 'reset' }
  | { type: 'stats'; stats: BoxStats }
  | { type: 'stopped' };

// ---------------------------------------------------------------- load child

/** rate: requests per second over all workers, or null for as fast as the workers go. */
export type ToLoad = { cmd: 'rate'; rate: number | null } | { cmd: 'reset' } | { cmd: 'count' } | { cmd: 'stop' };

export interface LoadCount {
  ok: number;
  errors: number;
  wallMs: number;
  latencyMs: Summary;
  /** The generator's own CPU over the window, % of one core. */
  cpuPct: number;
}

export type FromLoad = { type: 'ready' } | { type: 'ok' } | { type: 'count'; count: LoadCount } | { type: 'stopped' };
