/**
 * A UDP relay for tests that impairs RTP traffic between two endpoints on
 * 127.0.0.1: loss, jitter (uniform extra delay), reordering and duplication,
 * the conditions an RTP receiver has to cope with (RFC 3550 §2.2 and §6.4.1:
 * packets may be lost, delayed variably, reordered or duplicated; RFC 4733
 * §2.5.1.4 and §2.5.2 rely on surviving them).
 *
 * Side A sends to `port`; the relay forwards to `target` from the same socket,
 * so the target's replies come back to the relay, which returns them to the
 * last address that sent from side A (symmetric RTP). Replies are passed on
 * unimpaired unless `bothWays` is set.
 *
 * Randomness comes from a seeded PRNG (mulberry32), so with a given seed the
 * same sequence of packets gets the same fate. Delays run on the injected
 * clock's timers, so a FakeClock holds delayed packets until it is advanced.
 * A burst larger than the relay socket's receive buffer (a few hundred small
 * datagrams sent without yielding) is cut short by the kernel before the relay
 * sees it; such loss is not in `stats`, so pace bulk sends in tests.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { SystemClock, type Clock, type Timer } from '../../clock.js';
import { seededRandom } from '../../../audio/seeded-random.js';

export interface ImpairmentOptions {
  /** Where packets from side A go. */
  target: { address: string; port: number };
  /** Probability (0..1) that a packet is dropped. */
  loss?: number;
  /** Fixed delay added to every packet, ms. */
  delayMs?: number;
  /** Uniform extra delay of 0..jitterMs per packet (so packets may overtake each other). */
  jitterMs?: number;
  /** Probability (0..1) that a packet is held back and sent after the next one. */
  reorder?: number;
  /** How long a held-back packet waits for a next one before it is sent anyway, ms (default 100). */
  reorderHoldMs?: number;
  /** Probability (0..1) that a packet is sent twice. */
  duplicate?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /** Impair the target's replies too (default false). */
  bothWays?: boolean;
  /** Default: a SystemClock. */
  clock?: Clock;
}

export interface ImpairmentStats {
  /** Datagrams that arrived at the relay and were subject to impairment. */
  received: number;
  /** Impaired datagrams sent on, duplicates included (unimpaired replies are not counted). */
  forwarded: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

export interface Impairment {
  /** Where side A sends. */
  readonly port: number;
  readonly stats: Readonly<ImpairmentStats>;
  close(): Promise<void>;
}

interface Destination {
  address: string;
  port: number;
}

interface Held {
  msg: Buffer;
  to: Destination;
  timer: Timer;
}

export async function startImpairment(opts: ImpairmentOptions): Promise<Impairment> {
  const relay = new Relay(opts);
  await relay.bind();
  return relay;
}

class Relay implements Impairment {
  readonly stats: ImpairmentStats = { received: 0, forwarded: 0, dropped: 0, duplicated: 0, reordered: 0 };
  private readonly socket: Socket;
  private readonly clock: Clock;
  private readonly target: Destination;
  private readonly timers = new Set<Timer>();
  private readonly held = new Map<string, Held>();
  private sideA: Destination | undefined;
  private readonly random: () => number;
  private closed = false;
  private boundPort = 0;

  constructor(private readonly opts: ImpairmentOptions) {
    this.clock = opts.clock ?? new SystemClock();
    this.target = { address: opts.target.address, port: opts.target.port };
    this.random = seededRandom(opts.seed ?? 1);
    this.socket = createSocket('udp4');
    // Sends to a closed port and the like must not crash a test run.
    this.socket.on('error', () => undefined);
    this.socket.on('message', (msg, rinfo) => this.onMessage(msg, rinfo));
  }

  get port(): number {
    return this.boundPort;
  }

  bind(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once('error', reject);
      this.socket.bind(0, '127.0.0.1', () => {
        this.socket.off('error', reject);
        this.boundPort = this.socket.address().port;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) this.clock.cancelTimer(t);
    this.timers.clear();
    for (const h of this.held.values()) this.clock.cancelTimer(h.timer);
    this.held.clear();
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  private onMessage(msg: Buffer, rinfo: RemoteInfo): void {
    if (this.closed) return;
    const fromTarget = rinfo.address === this.target.address && rinfo.port === this.target.port;
    if (fromTarget) {
      const back = this.sideA;
      if (back === undefined) return; // nobody to return it to yet
      if (this.opts.bothWays === true) this.impair(msg, back);
      else this.send(msg, back, false);
      return;
    }
    this.sideA = { address: rinfo.address, port: rinfo.port };
    this.impair(msg, this.target);
  }

  private impair(msg: Buffer, to: Destination): void {
    this.stats.received++;
    if (this.chance(this.opts.loss)) {
      this.stats.dropped++;
      return;
    }
    const copies = this.chance(this.opts.duplicate) ? 2 : 1;
    if (copies === 2) this.stats.duplicated++;
    const k = `${to.address}:${to.port}`;
    const previous = this.held.get(k);
    if (previous === undefined && this.chance(this.opts.reorder)) {
      this.stats.reordered++;
      const timer = this.clock.setTimer(this.opts.reorderHoldMs ?? 100, () => {
        const h = this.held.get(k);
        if (h !== undefined && h.timer === timer) {
          this.held.delete(k);
          this.later(h.msg, h.to);
        }
      });
      this.held.set(k, { msg, to, timer });
      for (let i = 1; i < copies; i++) this.later(msg, to);
      return;
    }
    for (let i = 0; i < copies; i++) this.later(msg, to);
    if (previous !== undefined) {
      // The held packet goes out behind this one.
      this.held.delete(k);
      this.clock.cancelTimer(previous.timer);
      this.later(previous.msg, previous.to);
    }
  }

  /** Sends after the fixed delay plus jitter, or at once when there is neither. */
  private later(msg: Buffer, to: Destination): void {
    const jitter = this.opts.jitterMs ?? 0;
    const delay = (this.opts.delayMs ?? 0) + (jitter > 0 ? this.random() * jitter : 0);
    if (delay <= 0) {
      this.send(msg, to, true);
      return;
    }
    const timer = this.clock.setTimer(delay, () => {
      this.timers.delete(timer);
      this.send(msg, to, true);
    });
    this.timers.add(timer);
  }

  private send(msg: Buffer, to: Destination, impaired: boolean): void {
    if (this.closed) return;
    if (impaired) this.stats.forwarded++;
    this.socket.send(msg, to.port, to.address, () => undefined);
  }

  private chance(p: number | undefined): boolean {
    if (p === undefined || p <= 0) return false;
    return this.random() < p;
  }

}
