/**
 * Arrival-delay statistics for the jitter buffer (see jitter-buffer.ts).
 *
 * Every packet's transit is its arrival time minus its RTP timestamp in milliseconds
 * (RFC 3550 §6.4.1: the sender's timestamp clock and our clock have an unknown offset,
 * so only differences of transit mean anything). Three figures come out of it:
 *
 * - the minimum transit over the last two seconds: the fastest recent packet, the
 *   reference the playout delay is measured from;
 * - each packet's relative delay (its transit above that minimum) feeds a peak
 *   estimate that rises at once to a new maximum and then falls slowly, linearly,
 *   by `decayMsPerSecond` (fast attack, slow decay, like baresip's jbuf and in the
 *   spirit of WebRTC NetEq's relative-arrival-delay tracking over a 2 s window);
 * - RFC 3550 §A.8 interarrival jitter J += (|D| - J) / 16, for statistics only.
 */

/** How far back the minimum transit looks. */
export const TRANSIT_WINDOW_MS = 2000;

interface TransitSample {
  at: number;
  transit: number;
}

export class ArrivalDelayEstimator {
  /** Monotonic deque: transits increase from front to back; front is the window minimum. */
  private window: TransitSample[] = [];
  private peak = 0;
  private peakAt = 0;
  private lastTransit: number | undefined;
  private jitter = 0;

  constructor(private readonly decayMsPerSecond: number) {}

  /** Forgets the transit reference (a new RTP timeline), keeping the peak estimate. */
  restartTimeline(): void {
    this.window = [];
    this.lastTransit = undefined;
  }

  /** Forgets everything. */
  reset(): void {
    this.restartTimeline();
    this.peak = 0;
    this.peakAt = 0;
    this.jitter = 0;
  }

  /**
   * Records one arrival: `now` in ms, `timestampMs` the packet's (unwrapped) RTP
   * timestamp converted to ms. Returns the packet's delay above the fastest recent packet.
   */
  add(now: number, timestampMs: number): number {
    const transit = now - timestampMs;
    if (this.lastTransit !== undefined) {
      const d = Math.abs(transit - this.lastTransit);
      this.jitter += (d - this.jitter) / 16;
    }
    this.lastTransit = transit;

    while (this.window.length > 0 && this.window[this.window.length - 1]!.transit >= transit) this.window.pop();
    this.window.push({ at: now, transit });
    while (this.window.length > 1 && this.window[0]!.at < now - TRANSIT_WINDOW_MS) this.window.shift();

    const relative = transit - this.window[0]!.transit;
    this.peak = Math.max(this.peakEstimate(now), relative);
    this.peakAt = now;
    return relative;
  }

  /** The fastest transit seen in the window (the last one kept when arrivals stop). */
  minTransit(): number | undefined {
    return this.window[0]?.transit;
  }

  /** Relative delay of a packet with this transit, against the current minimum. */
  relativeDelay(transit: number): number {
    const min = this.minTransit();
    return min === undefined ? 0 : Math.max(0, transit - min);
  }

  /** The high-water mark of relative delay, decayed to `now`. */
  peakEstimate(now: number): number {
    const elapsed = Math.max(0, now - this.peakAt);
    return Math.max(0, this.peak - (elapsed * this.decayMsPerSecond) / 1000);
  }

  /** RFC 3550 interarrival jitter in ms. */
  jitterMs(): number {
    return this.jitter;
  }
}
