/**
 * RFC 3261 §18.2.1 and RFC 3581: stamp `received` (and `rport`, when the
 * client asked for it) on the top Via of a request, so responses can find the
 * client behind a NAT.
 */
import type { SipRequest } from '../message/index.js';
import type { Endpoint } from '../transport/types.js';

export function stampReceived(req: SipRequest, from: Endpoint): void {
  const via = req.headers.topVia();
  if (!via.ok) return;
  const wantsRport = via.value.rport === true;
  if (!wantsRport && via.value.host.replace(/^\[|\]$/g, '').toLowerCase() === from.address.toLowerCase()) return;
  const values = req.headers.getAll('Via');
  const top = values[0];
  if (top === undefined) return;
  let stamped = top.replace(/;\s*received=[^;,]*/i, '');
  if (wantsRport) stamped = stamped.replace(/;\s*rport(?=\s*(;|$))/i, `;rport=${from.port}`);
  stamped += `;received=${from.address}`;
  req.headers.remove('Via');
  for (const v of [stamped, ...values.slice(1)]) req.headers.append('Via', v);
}
