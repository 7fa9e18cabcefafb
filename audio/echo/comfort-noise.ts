/**
 * Comfort noise for the non-linear processor (ITU-T G.168 §3 / Annex: when the
 * NLP removes the residual echo it also removes the line's background noise;
 * injecting noise at the background level avoids the "dead line" effect and
 * the noise pumping that switching would otherwise cause).
 *
 * The background level is tracked on the canceller's (linear) output with a
 * minimum follower: it starts at the first block's level, falls fast to any
 * quieter block and creeps up at 2 dB/s, so speech and residual echo, which
 * are never quieter than the noise under them, do not pull it up. The noise itself is white (a
 * deterministic xorshift generator, so runs are reproducible).
 */
import { rmsForDbm0 } from '../levels.js';

const FLOOR_MIN = rmsForDbm0(-90) ** 2;
const FLOOR_MAX = rmsForDbm0(-40) ** 2;
const FLOOR_START = rmsForDbm0(-70) ** 2;
/** Per-block rise factor of the floor (64-sample blocks: 125/s → 2 dB/s). */
const RISE = 10 ** (2 / 10 / 125);

export class ComfortNoise {
  /** Mean-square background level, in (16-bit sample units)². */
  private floor = FLOOR_START;
  private seed = 0x2545f491;
  private amplitude = Math.sqrt(3 * FLOOR_START);
  private started = false;

  /** Feed the mean square of one block of the canceller's linear output. */
  observe(meanSquare: number): void {
    if (!Number.isFinite(meanSquare)) return;
    if (!this.started) {
      this.started = true;
      this.floor = meanSquare;
    } else if (meanSquare < this.floor) this.floor += 0.25 * (meanSquare - this.floor);
    else this.floor *= RISE;
    if (this.floor < FLOOR_MIN) this.floor = FLOOR_MIN;
    if (this.floor > FLOOR_MAX) this.floor = FLOOR_MAX;
    // Uniform on [−a, a] has mean square a²/3.
    this.amplitude = Math.sqrt(3 * this.floor);
  }

  /** The tracked background level, mean square. */
  get level(): number {
    return this.floor;
  }

  /** One sample of noise at the tracked level. */
  sample(): number {
    let s = this.seed;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.seed = s >>> 0;
    return (this.seed / 2147483648 - 1) * this.amplitude;
  }

  reset(): void {
    this.floor = FLOOR_START;
    this.amplitude = Math.sqrt(3 * FLOOR_START);
    this.started = false;
    this.seed = 0x2545f491;
  }
}
