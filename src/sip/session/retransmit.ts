/**
 * Retransmission schedules the TU runs itself, over an unreliable transport or not:
 *
 * - the 2xx to an INVITE (RFC 3261 §13.3.1.4): "The 2xx response is passed to the
 *   transport with an interval that starts at T1 seconds and doubles for each
 *   retransmission until it reaches T2 seconds ... The response MUST be retransmitted
 *   until an ACK is received ... If the server retransmits the 2xx response for 64*T1
 *   seconds without receiving an ACK, the dialog is confirmed, but the session SHOULD
 *   be terminated."
 * - reliable provisional responses (RFC 3262 §3): retransmitted with an interval that
 *   starts at T1 and doubles, until the PRACK arrives; after 64*T1 without one the
 *   UAS gives up (and SHOULD reject the INVITE with a 5xx).
 */
import type { Clock, Timer } from '../../clock.js';

export interface RetransmitOptions {
  readonly clock: Clock;
  readonly t1: number;
  /** Interval cap (T2 for 2xx); none for reliable provisionals. */
  readonly cap?: number;
  readonly send: () => void;
  /** 64·T1 passed without stop(). */
  readonly onGiveUp: () => void;
}

export class Retransmitter {
  private timer: Timer | undefined;
  private deadline: Timer | undefined;
  private interval: number;
  private running = true;

  constructor(private readonly opts: RetransmitOptions) {
    this.interval = opts.t1;
    opts.send();
    this.schedule();
    this.deadline = opts.clock.setTimer(64 * opts.t1, () => {
      this.deadline = undefined;
      if (!this.running) return;
      this.stop();
      opts.onGiveUp();
    });
  }

  get active(): boolean {
    return this.running;
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.opts.clock.cancelTimer(this.timer);
    if (this.deadline !== undefined) this.opts.clock.cancelTimer(this.deadline);
    this.timer = undefined;
    this.deadline = undefined;
  }

  private schedule(): void {
    this.timer = this.opts.clock.setTimer(this.interval, () => {
      this.timer = undefined;
      if (!this.running) return;
      this.opts.send();
      this.interval = this.opts.cap === undefined ? 2 * this.interval : Math.min(2 * this.interval, this.opts.cap);
      this.schedule();
    });
  }
}
