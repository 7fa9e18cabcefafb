/**
 * Test kit for the supervisor tests: children that record their starts and stops in
 * one shared list, can be told to fail their start or hang their stop, and keep the
 * context of their latest incarnation so a test can make them fail.
 */
import { EventEmitter } from 'node:events';
import { FakeClock } from '../../clock.js';
import { MemoryLogger } from '../../log.js';
import { Supervisor } from '../supervisor.js';
import type { TreeEvent } from '../events.js';
import type { Child, ChildContext, ChildSpec, RestartIntensity, RestartPolicy, Strategy } from '../types.js';

export type StartMode = 'ok' | 'throw' | 'reject';

export interface TestChildOptions {
  restart?: RestartPolicy;
  shutdownMs?: number;
}

/** A child that is an EventEmitter (so its 'error' events are faults). */
export class TestChild extends EventEmitter implements Child {
  constructor(private readonly onStop: () => void | Promise<void>) {
    super();
  }
  stop(): void | Promise<void> {
    return this.onStop();
  }
}

export class Harness {
  readonly clock = new FakeClock(1000);
  readonly log = new MemoryLogger();
  /** "start:<id>" and "stop:<id>", in the order they happened. */
  readonly calls: string[] = [];
  readonly tree: TreeEvent[] = [];
  private readonly contexts = new Map<string, ChildContext[]>();
  private readonly children = new Map<string, TestChild[]>();
  private readonly startModes = new Map<string, StartMode[]>();
  private readonly hanging = new Set<string>();

  /** A recording child spec. */
  spec(id: string, opts: TestChildOptions = {}): ChildSpec {
    return {
      id,
      ...opts,
      start: (ctx) => {
        this.calls.push(`start:${id}`);
        push(this.contexts, ctx.path, ctx);
        const mode = this.startModes.get(ctx.path)?.shift() ?? 'ok';
        if (mode === 'throw') throw new Error(`${id} cannot start`);
        const child = new TestChild(() => {
          this.calls.push(`stop:${id}`);
          if (this.hanging.has(ctx.path)) return new Promise<void>(() => undefined);
        });
        push(this.children, ctx.path, child);
        if (mode === 'reject') return Promise.reject(new Error(`${id} start rejected`));
        return Promise.resolve(child);
      },
    };
  }

  /** The next starts of the child at `path` behave like `modes` (then 'ok'). */
  failStarts(path: string, ...modes: StartMode[]): void {
    this.startModes.set(path, modes);
  }

  /** The child at `path` never finishes stopping. */
  hangStop(path: string): void {
    this.hanging.add(path);
  }

  /** The context of the latest (or `n`th, from 0) incarnation of the child at `path`. */
  ctx(path: string, n?: number): ChildContext {
    return pick(this.contexts, path, n);
  }

  child(path: string, n?: number): TestChild {
    return pick(this.children, path, n);
  }

  supervisor(strategy: Strategy, children: ChildSpec[], intensity?: RestartIntensity): Supervisor {
    const sup = new Supervisor({ id: 'root', strategy, intensity, clock: this.clock, log: this.log, children });
    sup.onTreeEvent((e) => this.tree.push(e));
    return sup;
  }

  /** Starts it and clears the call list. */
  async started(strategy: Strategy, children: ChildSpec[], intensity?: RestartIntensity): Promise<Supervisor> {
    const sup = this.supervisor(strategy, children, intensity);
    await sup.start();
    this.calls.length = 0;
    return sup;
  }

  settle(): Promise<void> {
    return this.clock.advanceAsync(0);
  }

  errorLogs(): { msg: string; path: unknown; err: unknown }[] {
    return this.log.entries.filter((e) => e.level === 'error').map((e) => ({ msg: e.msg, path: e.fields.path, err: e.fields.err }));
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

function pick<T>(map: Map<string, T[]>, key: string, n?: number): T {
  const list = map.get(key) ?? [];
  const item = n === undefined ? list[list.length - 1] : list[n];
  if (item === undefined) throw new Error(`no incarnation ${n ?? 'latest'} of ${key}`);
  return item;
}
