/**
 * Which phones show message waiting (stutter dial tone, and the lamp of a phone
 * that has one): the phones of an account whose voicemail says it has messages,
 * and the phones a landline rings while the box itself holds unheard messages
 * left on that landline (call screening's "take a message"), as an answering
 * machine's light does.
 */
import type { Line } from '../config/provisioning-schema.js';
import { portsForAccount, portsForLandline } from './dial-plan.js';

export function messageWaitingPorts(
  accountsWaiting: ReadonlyMap<string, boolean>,
  landlinesWithUnheard: ReadonlySet<number>,
  lines: readonly Line[],
): Set<number> {
  const ports = new Set<number>();
  for (const [account, waiting] of accountsWaiting) {
    if (waiting) for (const p of portsForAccount(account, lines)) ports.add(p);
  }
  for (const fxo of landlinesWithUnheard) for (const p of portsForLandline(fxo, lines)) ports.add(p);
  return ports;
}
