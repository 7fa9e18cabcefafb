/**
 * The UAS core (RFC 3261 §8.2) for what the stack serves so far: every new
 * request is checked in §8.2 order (sanity.ts) and refused with the status the
 * RFC names; OPTIONS is answered 200 with our capabilities (§11.2); any other
 * method gets 405 with Allow listing what is implemented, until the dialog and
 * registration layers handle more (§8.2.1).
 */
import { checkRequest, createResponse, newTag, type SipMessage, type SipRequest } from '../message/index.js';
import type { ServerTransaction } from '../transaction/index.js';
import type { Endpoint } from '../transport/types.js';

export const ALLOWED_METHODS = ['OPTIONS'] as const;
export const ACCEPTED_BODIES = ['application/sdp'] as const;

export function handleNewRequest(req: SipRequest, tx: ServerTransaction<SipMessage, Endpoint>, userAgent: string): number {
  const refusal = checkRequest(req, { contentTypes: [...ACCEPTED_BODIES] });
  const toTag = newTag();
  if (refusal !== undefined) {
    tx.respond(createResponse(req, refusal.status, refusal.reason, { toTag, headers: [...(refusal.extraHeaders ?? []), ['Server', userAgent]] }));
    return refusal.status;
  }
  const allow: [string, string] = ['Allow', ALLOWED_METHODS.join(', ')];
  if (req.method === 'OPTIONS') {
    tx.respond(createResponse(req, 200, undefined, { toTag, headers: [allow, ['Accept', ACCEPTED_BODIES.join(', ')], ['Server', userAgent]] }));
    return 200;
  }
  tx.respond(createResponse(req, 405, undefined, { toTag, headers: [allow, ['Server', userAgent]] }));
  return 405;
}
