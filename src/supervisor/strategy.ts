/** Which children a restart involves, and whether an ended child is restarted at all. */
import type { RestartPolicy, Strategy } from './types.js';

export type EndReason = { normal: true } | { normal: false; error: Error };

/** Whether a child with `policy` is restarted after it ended for `reason`. */
export function shouldRestart(policy: RestartPolicy, reason: EndReason): boolean {
  switch (policy) {
    case 'permanent': return true;
    case 'transient': return !reason.normal;
    case 'temporary': return false;
  }
}

/**
 * The children to stop and start again when `failed` is restarted, in start order:
 * itself (one_for_one), every child (one_for_all), or itself and those started after it (rest_for_one).
 */
export function restartGroup<T>(strategy: Strategy, children: readonly T[], failed: T): T[] {
  switch (strategy) {
    case 'one_for_one': return [failed];
    case 'one_for_all': return [...children];
    case 'rest_for_one': {
      const at = children.indexOf(failed);
      return at < 0 ? [failed] : children.slice(at);
    }
  }
}
