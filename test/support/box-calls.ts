/**
 * The calls of a running box as the tests see them (`GET /api/calls`), and the hook
 * flash as a person gives it, for the end-to-end call tests.
 */
import assert from 'node:assert/strict';
import type { Box } from './phones.js';
import { waitFor } from './wait-for.js';

export interface CallsBody {
  active: { state: string; direction: string; from: string; to: string }[];
  calls: { direction: string; disposition: string; to: string; from: string; hangupCause: string }[];
}

export async function calls(box: Box): Promise<CallsBody> {
  return (await box.api.request('GET', '/api/calls')).json as CallsBody;
}

/** Waits until exactly `n` calls are connected. */
export async function connectedCalls(box: Box, n: number, what: string): Promise<void> {
  await waitFor(what, async () => (await calls(box)).active.filter((c) => c.state === 'connected').length === n, 10_000, 100);
}

/**
 * A hook flash, as a person does it: not in the first second of a call. (A flash within
 * ~1 s of answering a SIP call was once seen to be lost; it no longer reproduces with a
 * 100 ms wait. A hold asked for before the ACK now waits for it, RFC 3261 §14.1.)
 */
export async function flash(box: Box, port: number): Promise<void> {
  await new Promise((res) => setTimeout(res, 1500));
  const r = await box.api.request('POST', `/api/sim/fxs/${port}/flash`);
  assert.ok(r.status < 300, r.text);
  await new Promise((res) => setTimeout(res, 1200));
}
