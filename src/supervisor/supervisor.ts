/**
 * An OTP-style supervisor (DESIGN §2). It starts its children in order, restarts
 * them by their restart policy and its strategy, gives up when restarts exceed its
 * intensity (stopping every child and emitting 'failed', which a parent takes as a
 * fault of this supervisor), and stops its children in reverse order.
 *
 * Every change to the child list (start, restart, startChild, terminateChild, stop)
 * runs one at a time, in the order asked. Faults are logged and announced at once;
 * the restart follows in a later microtask. A child must not call its own
 * supervisor's startChild/terminateChild/stop from its start(): that would wait on itself.
 */
import { EventEmitter } from 'node:events';
import type { Clock } from '../clock.js';
import { ConflictError, InvalidStateError, NotFoundError, toError } from '../errors.js';
import type { Logger } from '../log.js';
import { ChildSlot, type SlotOwner } from './child-slot.js';
import { ChildStartError, SupervisorEscalationError } from './errors.js';
import { callSafely, type SupervisorEvents, type TreeEvent, type TreeListener } from './events.js';
import { RestartWindow } from './intensity.js';
import { restartGroup, shouldRestart, type EndReason } from './strategy.js';
import {
  DEFAULT_RESTART_INTENSITY, type Child, type ChildSpec, type RestartIntensity, type Strategy,
  type SupervisorState, type SupervisorStatus,
} from './types.js';

export interface SupervisorOptions {
  id: string;
  strategy: Strategy;
  /** Default 3 restarts in 5000 ms. */
  intensity?: RestartIntensity;
  clock: Clock;
  log: Logger;
  children: readonly ChildSpec[];
  /** Default `id`; a nested supervisor's is its parent's path + '/' + id. */
  path?: string;
}

export class Supervisor extends EventEmitter<SupervisorEvents> implements Child {
  readonly id: string;
  readonly path: string;
  readonly strategy: Strategy;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly window: RestartWindow;
  private readonly treeListeners = new Set<TreeListener>();
  private readonly reservedIds = new Set<string>();
  private readonly owner: SlotOwner;
  private slots: ChildSlot[];
  private state: SupervisorState = 'stopped';
  private restartCount = 0;
  private started = false;
  private stopping: Promise<void> | undefined;
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: SupervisorOptions) {
    super();
    this.id = opts.id;
    this.path = opts.path ?? opts.id;
    this.strategy = opts.strategy;
    this.clock = opts.clock;
    this.log = opts.log.child({ path: this.path });
    this.window = new RestartWindow(opts.intensity ?? DEFAULT_RESTART_INTENSITY);
    const baseLog = opts.log;
    this.owner = {
      clock: opts.clock,
      log: this.log,
      childLog: (path) => baseLog.child({ path }),
      ended: (slot, generation, reason) => this.childEnded(slot, generation, reason),
      forward: (event) => this.publish(event),
    };
    this.slots = [];
    for (const spec of opts.children) {
      this.checkNewId(spec.id);
      this.slots.push(new ChildSlot(spec, this.path, this.owner));
    }
  }

  /** Starts the children in order. If one fails to start, stops those started (in reverse) and rejects with a ChildStartError. */
  async start(): Promise<void> {
    if (this.started || this.stopping !== undefined) throw new InvalidStateError(`supervisor ${this.path} was already started`, { path: this.path });
    this.started = true;
    return this.serially(() => this.startAll());
  }

  /** Stops the children in reverse start order, each within its shutdownMs. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.serially(() => this.shutdown());
    return this.stopping;
  }

  /** Adds and starts a child while running (e.g. one per call). Rejects with ConflictError on a duplicate id. */
  async startChild(spec: ChildSpec): Promise<Child> {
    this.checkNewId(spec.id);
    const slot = new ChildSlot(spec, this.path, this.owner);
    this.reservedIds.add(spec.id);
    try {
      return await this.serially(async () => {
        if (this.state !== 'running') throw new InvalidStateError(`supervisor ${this.path} is ${this.state}; cannot start ${slot.path}`, { path: slot.path });
        this.slots.push(slot);
        try {
          const child = await slot.start();
          this.announceStart(slot);
          return child;
        } catch (err) {
          const error = toError(err);
          this.reportFault(slot, error);
          this.remove(slot);
          throw new ChildStartError(slot.path, error);
        }
      });
    } finally {
      this.reservedIds.delete(spec.id);
    }
  }

  /** Stops the child `id` and removes it. Rejects with NotFoundError when there is none. */
  async terminateChild(id: string): Promise<void> {
    return this.serially(async () => {
      const slot = this.slots.find((s) => s.id === id);
      if (slot === undefined) throw new NotFoundError(`child ${this.path}/${id}`, { path: this.path, id });
      await slot.stop();
      this.remove(slot);
      this.log.debug('child terminated', { path: slot.path });
    });
  }

  /**
   * Restarts the child `id` on request, with the children its strategy restarts with it
   * (rest_for_one: those started after it), as a fault would, but without counting toward
   * the restart intensity. A child that then fails to start is a fault as usual.
   * Rejects with NotFoundError for an unknown id, InvalidStateError unless running.
   */
  async restartChild(id: string): Promise<void> {
    return this.serially(async () => {
      const slot = this.slots.find((s) => s.id === id);
      if (slot === undefined) throw new NotFoundError(`child ${this.path}/${id}`, { path: this.path, id });
      this.checkRunning(`restart ${slot.path}`);
      this.log.info('restart requested', { child: slot.path });
      await this.restartOnRequest(restartGroup(this.strategy, this.slots, slot), slot);
    });
  }

  /** Restarts every child on request (stops them in reverse order, starts them in order); not counted toward the intensity. */
  async restartAll(): Promise<void> {
    return this.serially(async () => {
      this.checkRunning('restart its children');
      this.log.info('restart of every child requested');
      await this.restartOnRequest([...this.slots], undefined);
    });
  }

  status(): SupervisorStatus {
    return {
      id: this.id,
      path: this.path,
      kind: 'supervisor',
      strategy: this.strategy,
      state: this.state,
      restarts: this.restartCount,
      children: this.slots.map((s) => s.status()),
    };
  }

  /** False when this supervisor or a nested one has failed, is restarting or giving up, or is stopped. */
  isHealthy(): boolean {
    if (this.state !== 'running' && this.state !== 'starting') return false;
    return this.slots.every((s) => s.healthy());
  }

  /** Sees childStarted/childFailed/childRestarted/failed for this supervisor and every nested one. Returns an unsubscribe function. */
  onTreeEvent(listener: TreeListener): () => void {
    this.treeListeners.add(listener);
    return () => {
      this.treeListeners.delete(listener);
    };
  }

  // --- the work, one operation at a time

  private serially<T>(op: () => Promise<T>): Promise<T> {
    const result = this.queue.then(op);
    this.queue = result.then(() => undefined, () => undefined);
    return result;
  }

  private async startAll(): Promise<void> {
    this.state = 'starting';
    const started: ChildSlot[] = [];
    for (const slot of this.slots) {
      try {
        await slot.start();
      } catch (err) {
        const error = toError(err);
        this.reportFault(slot, error);
        this.log.error('start failed; stopping the children already started', { child: slot.path });
        await this.stopInReverse(started);
        this.state = 'failed';
        throw new ChildStartError(slot.path, error);
      }
      started.push(slot);
      this.announceStart(slot);
    }
    this.state = 'running';
  }

  private async shutdown(): Promise<void> {
    const failed = this.state === 'failed';
    this.state = 'stopping';
    await this.stopInReverse(this.slots);
    this.state = failed ? 'failed' : 'stopped';
    this.log.debug('supervisor stopped');
  }

  /** Called by a slot, synchronously, when its live child failed or exited. */
  private childEnded(slot: ChildSlot, generation: number, reason: EndReason): void {
    if (reason.normal) this.log.info('child exited', { child: slot.path });
    else this.reportFault(slot, reason.error);
    void this.serially(() => this.afterEnd(slot, generation, reason));
  }

  private async afterEnd(slot: ChildSlot, generation: number, reason: EndReason): Promise<void> {
    // Stale when the supervisor moved on: stopping, given up, or the child was already restarted with its group.
    if (this.state !== 'running' || slot.generation !== generation || !this.slots.includes(slot)) return;
    try {
      if (!shouldRestart(slot.restart, reason)) {
        await slot.stop();
        if (slot.restart === 'temporary') this.remove(slot);
        return;
      }
      await this.restart(slot, reason.normal ? new Error(`${slot.path} exited`) : reason.error);
    } catch (err) {
      // Not expected: slots report their failures rather than throw. Give up rather than limp on.
      await this.escalate(slot, toError(err));
    }
  }

  /** Restarts `failed` (and its group) until it works or the intensity is exceeded. */
  private async restart(failed: ChildSlot, cause: Error): Promise<void> {
    let slot = failed;
    let lastError = cause;
    for (;;) {
      if (!this.window.record(this.clock.now())) {
        await this.escalate(slot, lastError);
        return;
      }
      this.restartCount++;
      const failure = await this.cycle(restartGroup(this.strategy, this.slots, slot), slot, slot);
      if (failure === undefined) {
        this.state = 'running';
        return;
      }
      slot = failure.slot;
      lastError = failure.error;
    }
  }

  /**
   * A restart asked for (not a fault): stops `group` in reverse order and starts it again,
   * without counting toward the intensity. A child that then fails to start is a fault:
   * from there on it is restarted (and counted) as usual.
   */
  private async restartOnRequest(group: ChildSlot[], keep: ChildSlot | undefined): Promise<void> {
    const failure = await this.cycle(group, undefined, keep);
    if (failure === undefined) {
      this.state = 'running';
      return;
    }
    await this.restart(failure.slot, failure.error);
  }

  /**
   * Stops `group` (the `failed` child first, it is already dead; then the rest in reverse
   * order), drops its temporary children but `keep`, and starts the rest in order.
   * Returns the first child that failed to start.
   */
  private async cycle(group: ChildSlot[], failed: ChildSlot | undefined, keep: ChildSlot | undefined): Promise<{ slot: ChildSlot; error: Error } | undefined> {
    this.state = 'restarting';
    for (const s of group) if (s !== failed && s.state !== 'failed') s.state = 'restarting';
    if (failed !== undefined) await failed.stop();
    await this.stopInReverse(group.filter((s) => s !== failed));
    for (const s of group) {
      if (s.restart === 'temporary' && s !== keep) this.remove(s);
      else s.state = 'restarting';
    }
    return this.startInOrder(group.filter((s) => this.slots.includes(s)));
  }

  private async startInOrder(group: ChildSlot[]): Promise<{ slot: ChildSlot; error: Error } | undefined> {
    for (const s of group) {
      try {
        await s.start();
      } catch (err) {
        const error = toError(err);
        this.reportFault(s, error);
        return { slot: s, error };
      }
      s.restarts++;
      this.log.info('child restarted', { child: s.path, restarts: s.restarts });
      this.announceStart(s);
      this.emitSafely('childRestarted', { path: s.path, restarts: s.restarts });
      this.publish({ type: 'childRestarted', path: s.path, restarts: s.restarts });
    }
    return undefined;
  }

  private async escalate(slot: ChildSlot, lastError: Error): Promise<void> {
    this.state = 'restarting';
    const { maxRestarts, withinMs } = this.window.limits;
    this.log.error('too many restarts; stopping all children and giving up', { child: slot.path, maxRestarts, withinMs, err: lastError.message });
    // As in OTP, the failed child goes first (it is already dead there), then the others in reverse start order.
    await slot.stop();
    await this.stopInReverse(this.slots);
    this.state = 'failed';
    const error = new SupervisorEscalationError(this.path, slot.path, lastError);
    this.publish({ type: 'failed', path: this.path, error });
    this.emitSafely('failed', error);
  }

  private checkRunning(what: string): void {
    if (this.state !== 'running') throw new InvalidStateError(`supervisor ${this.path} is ${this.state}; cannot ${what}`, { path: this.path });
  }

  private async stopInReverse(slots: readonly ChildSlot[]): Promise<void> {
    for (const s of [...slots].reverse()) await s.stop();
  }

  // --- bookkeeping and events

  private checkNewId(id: string): void {
    if (this.slots.some((s) => s.id === id) || this.reservedIds.has(id)) {
      throw new ConflictError(`supervisor ${this.path} already has a child ${id}`, { path: this.path, id });
    }
  }

  private remove(slot: ChildSlot): void {
    this.slots = this.slots.filter((s) => s !== slot);
  }

  private reportFault(slot: ChildSlot, error: Error): void {
    this.log.error('child failed', { path: slot.path, err: error.message, stack: error.stack });
    this.emitSafely('childFailed', { path: slot.path, error });
    this.publish({ type: 'childFailed', path: slot.path, error });
  }

  private announceStart(slot: ChildSlot): void {
    this.log.debug('child started', { child: slot.path });
    this.emitSafely('childStarted', { path: slot.path });
    this.publish({ type: 'childStarted', path: slot.path });
  }

  private publish(event: TreeEvent): void {
    for (const listener of [...this.treeListeners]) callSafely(this.log, `tree:${event.type}`, () => listener(event));
  }

  /** Like emit, but each listener runs on its own: one that throws is logged and the others still run. */
  private emitSafely<K extends keyof SupervisorEvents>(event: K, ...args: SupervisorEvents[K]): void {
    for (const listener of this.rawListeners(event)) {
      const call = listener as (...a: SupervisorEvents[K]) => void;
      callSafely(this.log, event, () => call.apply(this, args));
    }
  }
}
