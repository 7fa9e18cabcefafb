/**
 * One child of a supervisor: its spec, its current incarnation and its counters.
 * A slot turns the ways a child can end (ctx.fail, ctx.watch, ctx.exit, an 'error'
 * event) into one report to its owner, ignores reports from old incarnations, and
 * stops an incarnation at most once, within the child's shutdown time.
 */
import type { Clock } from '../clock.js';
import { toError, ValidationError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TreeEvent } from './events.js';
import { stopWithin } from './stop-within.js';
import type { EndReason } from './strategy.js';
import {
  DEFAULT_SHUTDOWN_MS, type Child, type ChildContext, type ChildKind, type ChildSpec, type ChildState,
  type ChildStatus, type RestartPolicy,
} from './types.js';

/** What a slot needs from its supervisor. */
export interface SlotOwner {
  readonly clock: Clock;
  /** The supervisor's own logger. */
  readonly log: Logger;
  /** A logger for the child at `path`. */
  childLog(path: string): Logger;
  /** A live incarnation ended by itself or failed (not called for start failures). */
  ended(slot: ChildSlot, generation: number, reason: EndReason): void;
  /** An event of a nested supervisor's tree, from the current incarnation. */
  forward(event: TreeEvent): void;
}

interface ErrorSource {
  on(event: 'error', listener: (err: unknown) => void): unknown;
  removeListener(event: 'error', listener: (err: unknown) => void): unknown;
}

function isErrorSource(value: object): value is ErrorSource {
  const v = value as Partial<Record<'on' | 'removeListener', unknown>>;
  return typeof v.on === 'function' && typeof v.removeListener === 'function';
}

class Incarnation {
  child: Child | undefined;
  /** No more reports are taken: it ended, or it is being stopped. */
  ended = false;
  /** It ended by itself (ctx.exit): there is nothing to stop. */
  exited = false;
  /** A report received while start was still running. */
  pending: { reason: EndReason; exited: boolean } | undefined;
  stopping: Promise<void> | undefined;
  private readonly cleanups: (() => void)[] = [];

  constructor(readonly generation: number) {}

  onDetach(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  detach(): void {
    for (const c of this.cleanups.splice(0)) c();
  }
}

export class ChildSlot {
  readonly id: string;
  readonly path: string;
  readonly restart: RestartPolicy;
  readonly kind: ChildKind;
  readonly shutdownMs: number;
  state: ChildState = 'stopped';
  restarts = 0;
  lastError: string | undefined;
  private startedAt: number | undefined;
  private current: Incarnation | undefined;
  private generations = 0;
  private readonly log: Logger;

  constructor(private readonly spec: ChildSpec, parentPath: string, private readonly owner: SlotOwner) {
    if (spec.id === '' || spec.id.includes('/')) {
      throw new ValidationError(`invalid child id "${spec.id}"`, { id: 'must be non-empty and contain no "/"' }, { parent: parentPath });
    }
    const shutdownMs = spec.shutdownMs ?? DEFAULT_SHUTDOWN_MS;
    if (!(shutdownMs >= 0)) throw new ValidationError(`invalid shutdownMs for ${spec.id}`, { shutdownMs: 'must be 0 or more' });
    this.id = spec.id;
    this.path = `${parentPath}/${spec.id}`;
    this.restart = spec.restart ?? 'permanent';
    this.kind = spec.kind ?? 'worker';
    this.shutdownMs = shutdownMs;
    this.log = owner.childLog(this.path);
  }

  /** Which incarnation is current; reports carry it so stale ones can be told apart. */
  get generation(): number {
    return this.current?.generation ?? 0;
  }

  /** The current child while it runs (or is being started), if any. */
  get live(): Child | undefined {
    const inc = this.current;
    return inc !== undefined && !inc.ended ? inc.child : undefined;
  }

  /**
   * Starts a new incarnation. Rejects (with the child's own error) when start throws
   * or rejects, or when the child reports a fault before start has finished.
   */
  async start(): Promise<Child> {
    const inc = new Incarnation(++this.generations);
    this.current = inc;
    this.state = 'starting';
    let child: Child;
    try {
      child = await this.spec.start(this.contextFor(inc));
    } catch (err) {
      inc.ended = true;
      throw this.failedStart(toError(err));
    }
    inc.child = child;
    this.attach(inc, child);
    const pending = inc.pending;
    if (pending !== undefined && !pending.reason.normal) {
      inc.exited = pending.exited;
      await this.stopIncarnation(inc);
      throw this.failedStart(pending.reason.error);
    }
    this.state = 'running';
    this.startedAt = this.owner.clock.wallTime();
    if (pending !== undefined) this.report(inc, pending.reason, pending.exited, 'exit');
    return child;
  }

  /** Stops the current incarnation (once; later calls wait for the same stop). */
  async stop(): Promise<void> {
    const inc = this.current;
    if (inc !== undefined) await this.stopIncarnation(inc);
    if (this.state !== 'failed') this.state = 'stopped';
  }

  /** Healthy unless it failed, waits for a restart, or is an unhealthy nested supervisor. */
  healthy(): boolean {
    if (this.state === 'failed' || this.state === 'restarting') return false;
    return this.live?.isHealthy?.() ?? true;
  }

  status(): ChildStatus {
    const s: ChildStatus = { id: this.id, path: this.path, kind: this.kind, restart: this.restart, state: this.state, restarts: this.restarts };
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.startedAt !== undefined) s.startedAt = this.startedAt;
    const nested = this.live?.status?.();
    if (nested !== undefined) s.children = nested.children;
    return s;
  }

  private failedStart(error: Error): Error {
    this.state = 'failed';
    this.lastError = error.message;
    return error;
  }

  private contextFor(inc: Incarnation): ChildContext {
    const fault = (err: unknown): EndReason => ({ normal: false, error: toError(err) });
    return {
      path: this.path,
      log: this.log,
      clock: this.owner.clock,
      fail: (err) => this.report(inc, fault(err), false, 'fail'),
      watch: (p) => {
        void p.then(undefined, (err: unknown) => this.report(inc, fault(err), false, 'watch'));
        return p;
      },
      exit: (reason) => {
        const normal = reason === undefined || reason === 'normal';
        this.report(inc, normal ? { normal: true } : fault(reason), true, 'exit');
      },
      treeEvent: (event) => {
        if (inc === this.current && !inc.ended) this.owner.forward(event);
      },
    };
  }

  private attach(inc: Incarnation, child: Child): void {
    if (isErrorSource(child)) {
      const onError = (err: unknown): void => this.report(inc, { normal: false, error: toError(err) }, false, 'error event');
      child.on('error', onError);
      inc.onDetach(() => child.removeListener('error', onError));
    }
  }

  private report(inc: Incarnation, reason: EndReason, exited: boolean, source: string): void {
    if (inc !== this.current || inc.ended) {
      if (reason.normal) this.owner.log.debug('ignored an exit of a stopped incarnation', { path: this.path, source });
      else this.owner.log.warn('ignored a fault of a stopped incarnation', { path: this.path, source, err: reason.error.message });
      return;
    }
    if (inc.child === undefined) {
      inc.pending ??= { reason, exited };
      return;
    }
    inc.ended = true;
    if (exited) {
      inc.exited = true;
      inc.detach();
    }
    this.state = reason.normal ? 'stopped' : 'failed';
    if (!reason.normal) this.lastError = reason.error.message;
    this.owner.ended(this, inc.generation, reason);
  }

  private stopIncarnation(inc: Incarnation): Promise<void> {
    inc.ended = true;
    inc.stopping ??= this.runStop(inc);
    return inc.stopping;
  }

  private async runStop(inc: Incarnation): Promise<void> {
    const child = inc.child;
    if (child === undefined || inc.exited) {
      inc.detach();
      return;
    }
    const { outcome, settled } = stopWithin(() => child.stop(), this.shutdownMs, this.owner.clock);
    const result = await outcome;
    if (result.kind === 'timeout') {
      this.owner.log.warn('child did not stop in time; abandoned', { path: this.path, shutdownMs: this.shutdownMs });
      void settled.then(() => inc.detach());
      return;
    }
    if (result.kind === 'threw') {
      const e = toError(result.error);
      this.owner.log.warn('child stop failed', { path: this.path, err: e.message, stack: e.stack });
    }
    inc.detach();
  }
}
