/**
 * The thin shell around the pure machines: it runs their effects against the
 * injected Clock, the transport's `send` and the TU callbacks. One object per
 * transaction; the layer (layer.ts) creates them and keeps the matching maps.
 */
import type { Clock, Timer } from '../../clock.js';
import { toError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { ictStep, type IctState } from './ict.js';
import { istStep, type IstState } from './ist.js';
import { nictStep, type NictState } from './nict.js';
import { nistStep, type NistState } from './nist.js';
import type { Effect, Step, TimerEvent, TimerName, TransportErrorEvent, TuReport } from './types.js';

/** What a transaction needs from the layer that owns it. */
export interface TxHost<M, D> {
  readonly clock: Clock;
  readonly logger: Logger;
  send(message: M, dest: D): void;
  status(message: M): number;
  toTag(message: M): string | undefined;
  /** Called once when the transaction reaches 'terminated' (or is disposed). */
  remove(tx: AnyTransaction<M, D>): void;
  /** Delivers a report to the TU, with the TU's exceptions caught and logged. */
  report(tx: AnyTransaction<M, D>, report: TuReport<M>): void;
}

type StepFn<S, M, E> = (state: S, event: E | TimerEvent | TransportErrorEvent) => Step<S, M>;
type AnyEvent<E> = E | TimerEvent | TransportErrorEvent;

abstract class TransactionShell<M, D, S extends { readonly name: string }, E extends { readonly type: string }> {
  private current: S;
  private readonly timers = new Map<TimerName, Timer>();
  private readonly queue: AnyEvent<E>[] = [];
  private busy = false;
  private done = false;
  private sent: M | undefined;
  protected readonly log: Logger;

  constructor(
    protected readonly host: TxHost<M, D>,
    readonly key: string,
    readonly request: M,
    readonly dest: D,
    readonly reliable: boolean,
    private readonly stepFn: StepFn<S, M, E>,
    initial: S,
  ) {
    this.current = initial;
    this.log = host.logger.child({ tx: key });
  }

  /** The RFC state name. */
  get state(): S['name'] {
    return this.current.name;
  }

  get terminated(): boolean {
    return this.done;
  }

  /** Whether `message` is this transaction's request or the last message it sent. */
  owns(message: M): boolean {
    return message === this.request || message === this.sent;
  }

  /** Runs the machine's first effects (from its `start` function). */
  start(init: Step<S, M>): void {
    this.current = init.state;
    this.process(init.effects);
  }

  /** Feeds an event; InvalidStateError from the machine propagates to the caller. */
  dispatch(event: AnyEvent<E>): void {
    if (this.done) return;
    this.queue.push(event);
    if (!this.busy) this.process([]);
  }

  /**
   * Runs `effects`, then every queued event in turn. Events raised while running
   * (a TU callback that responds, a send that fails) wait in the queue, so each
   * step's effects finish before the next step begins.
   */
  private process(effects: readonly Effect<M>[]): void {
    this.busy = true;
    try {
      this.run(effects);
      for (let e = this.queue.shift(); e !== undefined && !this.done; e = this.queue.shift()) {
        const before = this.current.name;
        const result = this.stepFn(this.current, e);
        this.current = result.state;
        if (result.state.name !== before) this.log.trace('transaction state', { from: before, to: result.state.name, event: e.type });
        this.run(result.effects);
      }
    } finally {
      this.queue.length = 0;
      this.busy = false;
    }
  }

  /** Cancels every timer and forgets the transaction, without telling the TU. */
  dispose(): void {
    for (const t of this.timers.values()) this.host.clock.cancelTimer(t);
    this.timers.clear();
    if (!this.done) {
      this.done = true;
      this.host.remove(this.self());
    }
  }

  protected abstract self(): AnyTransaction<M, D>;

  private run(effects: readonly Effect<M>[]): void {
    for (const effect of effects) {
      switch (effect.type) {
        case 'send':
          this.sent = effect.message;
          try {
            this.host.send(effect.message, this.dest);
          } catch (err) {
            this.log.warn('transport send failed', { err: toError(err).message });
            this.queue.push({ type: 'transportError' });
          }
          break;
        case 'startTimer': {
          this.cancel(effect.timer);
          const name = effect.timer;
          this.timers.set(name, this.host.clock.setTimer(effect.ms, () => this.fire(name)));
          break;
        }
        case 'cancelTimer':
          this.cancel(effect.timer);
          break;
        case 'toTU': {
          const { type: _type, ...report } = effect;
          this.host.report(this.self(), report);
          break;
        }
        case 'terminated':
          this.dispose();
          break;
        default: {
          const never: never = effect;
          throw new Error(`unknown effect ${JSON.stringify(never)}`);
        }
      }
    }
  }

  private cancel(name: TimerName): void {
    const t = this.timers.get(name);
    if (t !== undefined) {
      this.host.clock.cancelTimer(t);
      this.timers.delete(name);
    }
  }

  private fire(name: TimerName): void {
    this.timers.delete(name);
    try {
      this.dispatch({ type: 'timer', timer: name });
    } catch (err) {
      // A timer firing in a state that does not expect it is a bug in the machine;
      // log it and end the transaction rather than leave it wedged.
      this.log.error('transaction timer failed', { timer: name, err: toError(err).message });
      this.dispose();
    }
  }
}

type ResponseIn<M> = { readonly type: 'response'; readonly message: M; readonly status: number };

export class ClientTransaction<M, D> extends TransactionShell<M, D, IctState<M> | NictState<M>, ResponseIn<M>> {
  readonly kind: 'ict' | 'nict';

  constructor(host: TxHost<M, D>, key: string, request: M, dest: D, reliable: boolean, initial: IctState<M> | NictState<M>, invite: boolean) {
    super(host, key, request, dest, reliable, (s, e) => (invite ? ictStep(s as IctState<M>, e) : nictStep(s as NictState<M>, e)), initial);
    this.kind = invite ? 'ict' : 'nict';
  }

  /** A response matched to this transaction. */
  receive(response: M): void {
    this.dispatch({ type: 'response', message: response, status: this.host.status(response) });
  }

  /** The transport reported that sending this transaction's request failed. */
  transportError(): void {
    this.dispatch({ type: 'transportError' });
  }

  protected self(): ClientTransaction<M, D> {
    return this;
  }
}

type ServerIn<M> =
  | { readonly type: 'request'; readonly message: M }
  | { readonly type: 'ack'; readonly message: M }
  | { readonly type: 'tuResponse'; readonly message: M; readonly status: number };

export class ServerTransaction<M, D> extends TransactionShell<M, D, IstState<M> | NistState<M>, ServerIn<M>> {
  readonly kind: 'ist' | 'nist';
  /** The To tag of the last response sent, for RFC 2543 ACK matching (§17.2.3). */
  responseToTag: string | undefined;
  /** Whether the TU has passed any response yet. */
  responded = false;

  constructor(host: TxHost<M, D>, key: string, request: M, dest: D, reliable: boolean, initial: IstState<M> | NistState<M>, invite: boolean) {
    super(host, key, request, dest, reliable, (s, e) => {
      if (invite) return istStep(s as IstState<M>, e);
      // receive() never feeds an ACK to a non-INVITE transaction.
      if (e.type === 'ack') return { state: s, effects: [] };
      return nistStep(s as NistState<M>, e);
    }, initial);
    this.kind = invite ? 'ist' : 'nist';
  }

  /** The TU's response to the request. Throws InvalidStateError where the RFC forbids it. */
  respond(response: M): void {
    this.responded = true;
    this.responseToTag = this.host.toTag(response);
    this.dispatch({ type: 'tuResponse', message: response, status: this.host.status(response) });
  }

  /** A retransmission of the request, or (INVITE only) an ACK matched to it. */
  receive(message: M, isAck: boolean): void {
    if (isAck && this.kind === 'nist') return; // ACK never matches a non-INVITE transaction
    this.dispatch(isAck ? { type: 'ack', message } : { type: 'request', message });
  }

  transportError(): void {
    this.dispatch({ type: 'transportError' });
  }

  protected self(): ServerTransaction<M, D> {
    return this;
  }
}

export type AnyTransaction<M, D> = ClientTransaction<M, D> | ServerTransaction<M, D>;
