/** A supervisor as a child of another supervisor. */
import { Supervisor } from './supervisor.js';
import type { ChildSpec, RestartIntensity, RestartPolicy, Strategy } from './types.js';

export interface NestedSupervisorOptions {
  id: string;
  strategy: Strategy;
  intensity?: RestartIntensity;
  /** The specs, or a function called at each (re)start to build them afresh. */
  children: readonly ChildSpec[] | (() => readonly ChildSpec[]);
  /** Default 'permanent'. */
  restart?: RestartPolicy;
  /** Default Infinity, as in OTP: the nested supervisor bounds its own children's stops. */
  shutdownMs?: number;
}

/**
 * A ChildSpec whose start builds and starts a nested Supervisor (path = parent path
 * + '/' + id, the parent's clock, the child context's logger). When the nested
 * supervisor gives up, that is a fault of this child: the parent applies its strategy.
 * Its tree events reach the parent's onTreeEvent listeners, from its first start on.
 */
export function supervisorSpec(opts: NestedSupervisorOptions): ChildSpec {
  return {
    id: opts.id,
    kind: 'supervisor',
    restart: opts.restart ?? 'permanent',
    shutdownMs: opts.shutdownMs ?? Number.POSITIVE_INFINITY,
    start: async (ctx) => {
      const sup = new Supervisor({
        id: opts.id,
        path: ctx.path,
        strategy: opts.strategy,
        intensity: opts.intensity,
        clock: ctx.clock,
        log: ctx.log,
        children: typeof opts.children === 'function' ? opts.children() : opts.children,
      });
      sup.onTreeEvent((event) => ctx.treeEvent(event));
      sup.on('failed', (err) => ctx.fail(err));
      await sup.start();
      return sup;
    },
  };
}
