/**
 * Keeps a hardware driver going without taking the box down: the Board the lines
 * see is this one, and the driver behind it may be absent, fail, and come back.
 *
 * - At start the driver is opened once; if that fails (no HAT, no sound card, no
 *   modem), the board starts anyway with its ports lost, and opening is retried
 *   with exponential backoff (1 s, 2 s, 4 s … up to a minute). The lines see
 *   `device-lost` with the reason ("hardware fault: …" on the status page), then
 *   `device-restored` when the driver opens.
 * - A driver that reports the whole device lost (board-wide `device-lost`), or
 *   whose command throws, is closed and reopened the same way: a restart with
 *   backoff, which a supervisor's restart intensity would not allow for hardware
 *   that stays away for hours. A port-level `device-lost` (one USB sound card)
 *   passes through: the driver handles that port. It is that driver's: after a
 *   restart the new driver reports its ports' devices afresh, and a port whose
 *   device it finds missing stays lost after the board-wide `device-restored`.
 * - The ports are known from the profile, so the lines are built even while the
 *   hardware is away; each port's AudioPort is a stable proxy that follows the
 *   driver of the moment. Commands while lost are ignored (board.ts).
 */
import type { AudioPort } from '../audio/port/audio-port.js';
import type { Clock, Timer } from '../src/clock.js';
import { toError } from '../src/errors.js';
import type { Logger } from '../src/log.js';
import { portOf, type Board, type BoardEvent, type BoardPort, type VoiceDirection } from './board.js';

export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  /** A driver that has run this long is healthy again: the next failure starts from initialMs. */
  readonly resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 1000, maxMs: 60_000, resetAfterMs: 120_000 };

export interface ResilientBoardOptions {
  readonly name: string;
  /** The ports the profile says the hardware has. */
  readonly ports: readonly BoardPort[];
  /** Opens the driver (throws when the hardware is not there). */
  readonly open: () => Board | Promise<Board>;
  readonly clock: Clock;
  readonly log: Logger;
  readonly backoff?: Backoff;
}

export class ResilientBoard implements Board {
  readonly name: string;
  readonly ports: readonly BoardPort[];
  private driver: Board | undefined;
  private unsubscribeDriver: (() => void) | undefined;
  private readonly listeners = new Set<(e: BoardEvent) => void>();
  private readonly proxies = new Map<number, ProxyAudioPort>();
  /** Ports whose own device is lost now (their sound card), with the reason. */
  private readonly lostPorts = new Map<number, string>();
  private lostReason: string | undefined = 'not opened yet';
  private retry: Timer | undefined;
  private failures = 0;
  private openedAt = 0;
  private closed = false;
  private opening = false;
  private readonly backoff: Backoff;

  private constructor(private readonly opts: ResilientBoardOptions) {
    this.name = opts.name;
    this.ports = opts.ports;
    this.backoff = opts.backoff ?? DEFAULT_BACKOFF;
    for (const p of opts.ports) this.proxies.set(p.port, new ProxyAudioPort());
  }

  /** Opens the driver once; with it absent the board still starts, lost, and keeps trying. */
  static async start(opts: ResilientBoardOptions): Promise<ResilientBoard> {
    const board = new ResilientBoard(opts);
    await board.tryOpen();
    return board;
  }

  /** Why the hardware is lost now, or undefined while the driver runs. */
  get fault(): string | undefined {
    return this.lostReason;
  }

  audio(port: number): AudioPort {
    portOf(this, port);
    const proxy = this.proxies.get(port);
    if (proxy === undefined) throw new Error(`no audio proxy for port ${port}`);
    return proxy;
  }

  onEvent(listener: (event: BoardEvent) => void): () => void {
    this.listeners.add(listener);
    // A line that subscribes while hardware is away hears so (on a later turn, never from inside onEvent).
    if (this.lostReason !== undefined || this.lostPorts.size > 0) {
      this.opts.clock.setTimer(0, () => {
        if (!this.listeners.has(listener)) return;
        const atMs = this.opts.clock.now();
        if (this.lostReason !== undefined) this.deliver(listener, { type: 'device-lost', reason: this.lostReason, atMs });
        for (const [port, reason] of this.lostPorts) this.deliver(listener, { type: 'device-lost', port, reason, atMs });
      });
    }
    return () => this.listeners.delete(listener);
  }

  isOffHook(port: number): boolean {
    portOf(this, port, 'fxs');
    return this.command((d) => d.isOffHook(port)) ?? false;
  }

  setRinging(port: number, on: boolean, frequencyHz?: number): void {
    portOf(this, port, 'fxs');
    this.command((d) => d.setRinging(port, on, frequencyHz));
  }

  setPolarity(port: number, reversed: boolean): void {
    portOf(this, port, 'fxs');
    this.command((d) => d.setPolarity(port, reversed));
  }

  setSeized(port: number, seized: boolean): void {
    portOf(this, port, 'fxo');
    this.command((d) => d.setSeized(port, seized));
  }

  setVoiceDirection(port: number, direction: VoiceDirection): void {
    portOf(this, port, 'fxo');
    this.command((d) => d.setVoiceDirection?.(port, direction));
  }

  /** One port's own device (its sound card) went away (`reason`) or came back (undefined): only that port hears it. */
  portDevice(port: number, reason: string | undefined): void {
    if (this.closed) return;
    if (reason === undefined) this.lostPorts.delete(port);
    else this.lostPorts.set(port, reason);
    const atMs = this.opts.clock.now();
    this.emit(reason === undefined ? { type: 'device-restored', port, atMs } : { type: 'device-lost', port, reason, atMs });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.retry !== undefined) this.opts.clock.cancelTimer(this.retry);
    this.retry = undefined;
    await this.closeDriver();
    for (const p of this.proxies.values()) p.close();
    this.listeners.clear();
  }

  // ---------------------------------------------------------------------------------

  private async tryOpen(): Promise<void> {
    if (this.closed || this.opening) return;
    this.opening = true;
    try {
      const driver = await this.opts.open();
      if (this.closed) {
        await driver.close();
        return;
      }
      this.attach(driver);
    } catch (err) {
      this.failed(`cannot open the ${this.name} hardware: ${toError(err).message}`);
    } finally {
      this.opening = false;
    }
  }

  private attach(driver: Board): void {
    this.driver = driver;
    this.openedAt = this.opts.clock.now();
    this.unsubscribeDriver = driver.onEvent((e) => this.fromDriver(e));
    for (const [port, proxy] of this.proxies) proxy.attach(driver.audio(port));
    const wasLost = this.lostReason;
    this.lostReason = undefined;
    this.opts.log.info('hardware ready', { board: this.name });
    if (wasLost === undefined) return;
    const atMs = this.opts.clock.now();
    this.emit({ type: 'device-restored', atMs });
    // The board-wide restore means every port to the lines: a port whose own device the new driver
    // found missing while opening (its sound card still unplugged) is lost again right after it.
    for (const [port, reason] of this.lostPorts) this.emit({ type: 'device-lost', port, reason, atMs });
  }

  private fromDriver(e: BoardEvent): void {
    if (e.type === 'device-lost' && e.port === undefined) {
      this.failed(e.reason);
      return;
    }
    this.emit(e);
  }

  /** The driver failed (or could not open): lost, closed, and reopened after the backoff. */
  private failed(reason: string): void {
    if (this.closed) return;
    const ranFor = this.opts.clock.now() - this.openedAt;
    if (this.driver !== undefined && ranFor >= this.backoff.resetAfterMs) this.failures = 0;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    const first = this.lostReason === undefined || this.lostReason === 'not opened yet';
    this.lostReason = reason;
    this.opts.log.warn('hardware fault: retrying', { board: this.name, reason, retryInMs: delay });
    void this.closeDriver();
    if (first) this.emit({ type: 'device-lost', reason, atMs: this.opts.clock.now() });
    if (this.retry !== undefined) this.opts.clock.cancelTimer(this.retry);
    this.retry = this.opts.clock.setTimer(delay, () => {
      this.retry = undefined;
      void this.tryOpen();
    });
  }

  private async closeDriver(): Promise<void> {
    const driver = this.driver;
    this.driver = undefined;
    this.unsubscribeDriver?.();
    this.unsubscribeDriver = undefined;
    for (const p of this.proxies.values()) p.detach();
    // Port-level losses were that driver's (its sound cards, now closed); the next driver reports its own.
    this.lostPorts.clear();
    if (driver === undefined) return;
    try {
      await driver.close();
    } catch (err) {
      this.opts.log.warn('closing a failed driver failed', { board: this.name, err: toError(err).message });
    }
  }

  /** Runs a command on the driver; ignored while lost; a throwing driver is a failed driver. */
  private command<T>(fn: (driver: Board) => T): T | undefined {
    const driver = this.driver;
    if (driver === undefined) return undefined;
    try {
      return fn(driver);
    } catch (err) {
      this.failed(`the ${this.name} driver failed: ${toError(err).message}`);
      return undefined;
    }
  }

  private emit(e: BoardEvent): void {
    for (const l of [...this.listeners]) this.deliver(l, e);
  }

  private deliver(listener: (e: BoardEvent) => void, e: BoardEvent): void {
    try {
      listener(e);
    } catch (err) {
      this.opts.log.error('board event listener failed', { board: this.name, err: toError(err).message });
    }
  }
}

/** A port's audio that follows whichever driver is open; silent and deaf while none is. */
export class ProxyAudioPort implements AudioPort {
  readonly sampleRate = 8000;
  readonly frameSamples = 160;
  private inner: AudioPort | undefined;
  private innerOff: (() => void) | undefined;
  private readonly listeners = new Set<(captured: Int16Array) => void>();
  private closed = false;

  get queuedFrames(): number {
    return this.inner?.queuedFrames ?? 0;
  }

  attach(port: AudioPort): void {
    this.detach();
    if (this.closed) return;
    this.inner = port;
    this.innerOff = port.onFrame((frame) => {
      for (const l of [...this.listeners]) l(frame);
    });
  }

  detach(): void {
    this.innerOff?.();
    this.innerOff = undefined;
    this.inner = undefined;
  }

  onFrame(listener: (captured: Int16Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  write(frame: Int16Array): void {
    if (!this.closed) this.inner?.write(frame);
  }

  close(): void {
    this.closed = true;
    this.detach();
    this.listeners.clear();
  }
}
