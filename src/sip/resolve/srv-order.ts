/**
 * SRV target ordering (RFC 2782 "Usage rules", used by RFC 3263 §4.2): lowest priority
 * first; within a priority, weighted random selection with weight-0 records placed first
 * so they are chosen only rarely.
 */
import type { SrvRecord } from './dns-client.js';

/** True when the SRV RRset says the service is decidedly not offered (a single target of "."). */
export function isServiceRefused(records: readonly SrvRecord[]): boolean {
  return records.length > 0 && records.every((r) => isRootTarget(r.name));
}

export function isRootTarget(name: string): boolean {
  return name === '' || name === '.';
}

/** Picks the order of one priority's records by RFC 2782's running-sum selection. */
function weightedOrder(group: SrvRecord[], random: () => number): SrvRecord[] {
  // Weight-0 records go to the front of the list (stable otherwise).
  const pending = [...group.filter((r) => r.weight === 0), ...group.filter((r) => r.weight !== 0)];
  const out: SrvRecord[] = [];
  while (pending.length > 0) {
    const sum = pending.reduce((s, r) => s + Math.max(0, r.weight), 0);
    // Uniform integer in [0, sum], inclusive as RFC 2782 says.
    const pick = Math.min(sum, Math.floor(random() * (sum + 1)));
    let running = 0;
    let index = pending.length - 1;
    for (let i = 0; i < pending.length; i++) {
      running += Math.max(0, pending[i]?.weight ?? 0);
      if (running >= pick) {
        index = i;
        break;
      }
    }
    const [chosen] = pending.splice(index, 1);
    if (chosen !== undefined) out.push(chosen);
  }
  return out;
}

/** Orders an SRV RRset for contacting: by priority, then weighted random. "." targets are dropped. */
export function orderSrv(records: readonly SrvRecord[], random: () => number = Math.random): SrvRecord[] {
  const usable = records.filter((r) => !isRootTarget(r.name));
  const priorities = [...new Set(usable.map((r) => r.priority))].sort((a, b) => a - b);
  return priorities.flatMap((p) => weightedOrder(usable.filter((r) => r.priority === p), random));
}
