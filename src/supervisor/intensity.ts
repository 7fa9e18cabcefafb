/** Restart intensity: a sliding window of restart times (OTP's MaxR in MaxT). */
import { ValidationError } from '../errors.js';
import type { RestartIntensity } from './types.js';

export class RestartWindow {
  private times: number[] = [];

  constructor(readonly limits: Readonly<RestartIntensity>) {
    const fields: Record<string, string> = {};
    if (!Number.isInteger(limits.maxRestarts) || limits.maxRestarts < 0) fields.maxRestarts = 'must be a whole number, 0 or more';
    if (!(limits.withinMs > 0)) fields.withinMs = 'must be more than 0';
    if (Object.keys(fields).length > 0) throw new ValidationError('invalid restart intensity', fields);
  }

  /**
   * Records a restart at `now` (monotonic ms). Returns false when it makes more than
   * maxRestarts restarts within the last withinMs (restarts withinMs or older do not count).
   */
  record(now: number): boolean {
    this.times = this.times.filter((t) => now - t < this.limits.withinMs);
    this.times.push(now);
    return this.times.length <= this.limits.maxRestarts;
  }
}
