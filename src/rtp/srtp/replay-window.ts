/**
 * Sliding replay window (RFC 3711 §3.3.2, and the bitmap of RFC 2401 Appendix C it cites).
 *
 * The window remembers the highest index accepted and which of the `size - 1`
 * indices just below it were accepted too. An index above the highest is new;
 * one inside the window is new only if its bit is clear; one to the left of the
 * window is treated as a replay. `check` never changes state; the caller calls
 * `accept` only after the packet has been authenticated (§3.3.2).
 */

import { DialtoneError } from '../../errors.js';

export const DEFAULT_REPLAY_WINDOW = 128;
export const MIN_REPLAY_WINDOW = 64;
/** Index estimation only reaches 2^15 back (Appendix A), so a wider window is useless. */
export const MAX_REPLAY_WINDOW = 0x8000;

export class ReplayWindow {
  readonly size: number;
  private highest = -1;
  /** Bit k set: index `highest - k` was accepted. */
  private mask = 0n;
  private readonly fullMask: bigint;

  constructor(size: number = DEFAULT_REPLAY_WINDOW) {
    if (!Number.isInteger(size) || size < MIN_REPLAY_WINDOW || size > MAX_REPLAY_WINDOW) {
      throw new DialtoneError('srtp_bad_replay_window', `replay window must be an integer from ${MIN_REPLAY_WINDOW} to ${MAX_REPLAY_WINDOW}`, { size });
    }
    this.size = size;
    this.fullMask = (1n << BigInt(size)) - 1n;
  }

  /** The highest index accepted so far, or undefined before the first. */
  get highestIndex(): number | undefined {
    return this.highest < 0 ? undefined : this.highest;
  }

  /** True when `index` has not been seen and is not too old to tell. */
  check(index: number): boolean {
    if (index < 0) return false;
    if (this.highest < 0 || index > this.highest) return true;
    const delta = this.highest - index;
    if (delta >= this.size) return false;
    return (this.mask & (1n << BigInt(delta))) === 0n;
  }

  /** Records `index` as received; call only after `check` passed and the packet authenticated. */
  accept(index: number): void {
    if (this.highest < 0) {
      this.highest = index;
      this.mask = 1n;
      return;
    }
    if (index > this.highest) {
      const shift = index - this.highest;
      this.mask = shift >= this.size ? 1n : ((this.mask << BigInt(shift)) | 1n) & this.fullMask;
      this.highest = index;
      return;
    }
    const delta = this.highest - index;
    if (delta < this.size) this.mask |= 1n << BigInt(delta);
  }
}
