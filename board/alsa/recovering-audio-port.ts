/**
 * A port's sound card that may be unplugged and plugged back: the AudioPort the
 * driver holds stays the same, and behind it the ALSA port is reopened with
 * backoff after a loss. The owner hears `onLost(reason)` once per loss (the port
 * shows "hardware fault: …") and `onRestored()` when the card works again; the
 * other ports never notice.
 */
import type { AudioPort } from '../../audio/port/audio-port.js';
import type { Clock, Timer } from '../../src/clock.js';
import { toError } from '../../src/errors.js';
import type { Logger } from '../../src/log.js';
import { DEFAULT_BACKOFF, ProxyAudioPort, type Backoff } from '../resilient-board.js';

export interface RecoveringAudioPortOptions {
  /** Opens the device; the port calls `lost` when it goes away. Throws when it cannot open. */
  readonly open: (lost: (reason: string) => void) => AudioPort;
  readonly clock: Clock;
  readonly log: Logger;
  readonly onLost: (reason: string) => void;
  readonly onRestored: () => void;
  readonly backoff?: Backoff;
}

export class RecoveringAudioPort extends ProxyAudioPort {
  private current: AudioPort | undefined;
  private retry: Timer | undefined;
  private failures = 0;
  private lost = false;
  private stopped = false;
  private readonly backoff: Backoff;

  constructor(private readonly opts: RecoveringAudioPortOptions) {
    super();
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    this.tryOpen();
  }

  /** Why the card is lost now, or undefined while it works. */
  get isLost(): boolean {
    return this.lost;
  }

  override close(): void {
    this.stopped = true;
    if (this.retry !== undefined) this.opts.clock.cancelTimer(this.retry);
    this.retry = undefined;
    this.current?.close();
    this.current = undefined;
    super.close();
  }

  private tryOpen(): void {
    if (this.stopped) return;
    let port: AudioPort;
    const opened: { port?: AudioPort } = {};
    try {
      port = this.opts.open((reason) => {
        // Only the port open now can be lost (a late report from a closed one is stale).
        if (opened.port !== undefined && opened.port === this.current) this.failed(reason);
      });
      opened.port = port;
    } catch (err) {
      this.failed(toError(err).message);
      return;
    }
    this.current = port;
    this.attach(port);
    this.failures = 0;
    if (this.lost) {
      this.lost = false;
      this.opts.log.info('sound card back');
      this.opts.onRestored();
    }
  }

  private failed(reason: string): void {
    if (this.stopped) return;
    this.detach();
    this.current?.close();
    this.current = undefined;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    if (!this.lost) {
      this.lost = true;
      this.opts.log.warn('sound card lost: retrying', { reason, retryInMs: delay });
      this.opts.onLost(reason);
    }
    this.retry = this.opts.clock.setTimer(delay, () => {
      this.retry = undefined;
      this.tryOpen();
    });
  }
}
