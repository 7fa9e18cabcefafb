/**
 * A test and demo hook: make a named child of the supervision tree fail, as if
 * its code had thrown, to watch the tree restart it. Reachable over the API only
 * on the simulated board (or with DIALTONE_FAULT_INJECTION=1).
 */
import type { ChildContext, ChildSpec } from './supervisor/index.js';

export class FaultInjector {
  private readonly contexts = new Map<string, ChildContext>();

  /** The same spec, with each started incarnation's context remembered by path. */
  wrap(spec: ChildSpec): ChildSpec {
    return {
      ...spec,
      start: (ctx: ChildContext) => {
        this.contexts.set(ctx.path, ctx);
        return spec.start(ctx);
      },
    };
  }

  /** Makes the child at `path` fail; false when no such child was ever started. */
  crash(path: string, reason = 'fault injected through the API'): boolean {
    const ctx = this.contexts.get(path);
    if (ctx === undefined) return false;
    ctx.fail(new InjectedFault(path, reason));
    return true;
  }

  paths(): string[] {
    return [...this.contexts.keys()].sort();
  }
}

export class InjectedFault extends Error {
  constructor(readonly path: string, reason: string) {
    super(`${reason} (${path})`);
    this.name = 'InjectedFault';
  }
}
