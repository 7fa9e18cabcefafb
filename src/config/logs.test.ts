import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NewCdr } from './cdr-repository.js';
import { MAX_EVENTS } from './events-repository.js';
import { assertInvalid, memoryStore } from './test-support/fixtures.js';

function cdr(n: number): NewCdr {
  return { startedAt: 1000 * n, answeredAt: 1000 * n + 5, endedAt: 1000 * n + 60, direction: 'outbound', from: '11', to: String(n), port: 1, account: 'main', disposition: 'answered' };
}

test('cdrs: add returns increasing ids; list is newest first with limit and beforeId', () => {
  const { store, changes } = memoryStore();
  const ids = Array.from({ length: 7 }, (_, i) => store.cdrs.add(cdr(i + 1)));
  assert.deepEqual(ids, [1, 2, 3, 4, 5, 6, 7]);
  assert.deepEqual(store.cdrs.list().map((c) => c.id), [7, 6, 5, 4, 3, 2, 1]);
  assert.deepEqual(store.cdrs.list({ limit: 3 }).map((c) => c.id), [7, 6, 5]);
  assert.deepEqual(store.cdrs.list({ limit: 3, beforeId: 5 }).map((c) => c.id), [4, 3, 2]);
  assert.deepEqual(store.cdrs.list({ beforeId: 1 }), []);
  assert.deepEqual(store.cdrs.list({ limit: 1 })[0], {
    id: 7, startedAt: 7000, answeredAt: 7005, endedAt: 7060, direction: 'outbound', from: '11', to: '7', port: 1, account: 'main', disposition: 'answered', hangupCause: null, media: null,
  });
  const minimal = store.cdrs.add({ startedAt: 1, endedAt: 2, direction: 'inbound', from: 'a', to: 'b', disposition: 'no_answer' });
  assert.deepEqual(store.cdrs.list({ limit: 1 })[0], {
    id: minimal, startedAt: 1, answeredAt: null, endedAt: 2, direction: 'inbound', from: 'a', to: 'b', port: null, account: null, disposition: 'no_answer', hangupCause: null, media: null,
  });
  assert.deepEqual(changes, [], 'records are not configuration changes');
});

test('cdrs keep the media figures of the call', () => {
  const { store } = memoryStore();
  const media = { codec: 'PCMU', packetsSent: 1500, packetsReceived: 1490, lossPercent: 0.7, jitterMs: 3.2, rttMs: 41, mos: 4.3 };
  store.cdrs.add({ ...cdr(1), media });
  assert.deepEqual(store.cdrs.list()[0]?.media, media);
  assertInvalid(() => store.cdrs.add({ ...cdr(2), media: { ...media, mos: 7 } }), { media: /5|union/ });
});

test('cdrs and paging options are validated', () => {
  const { store } = memoryStore();
  assertInvalid(() => store.cdrs.add({ ...cdr(1), disposition: 'lost' as NewCdr['disposition'] }), ['disposition']);
  assertInvalid(() => store.cdrs.add({ ...cdr(1), endedAt: 1 }), { endedAt: 'must not be before startedAt' });
  assertInvalid(() => store.cdrs.add({ ...cdr(1), port: 17 }), { port: /between 1 and 16|union/ });
  assertInvalid(() => store.cdrs.list({ limit: 0 }), ['limit']);
  assertInvalid(() => store.cdrs.list({ limit: 5000 }), ['limit']);
  assertInvalid(() => store.events.list({ beforeId: -1 }), ['beforeId']);
  assert.deepEqual(store.cdrs.list(), []);
});

test('events: stamped with the wall clock, data kept, newest first, long messages cut', () => {
  const { store, clock } = memoryStore();
  const first = store.events.add({ level: 'info', source: 'sip', message: 'registered', data: { account: 'main', expires: 3600 } });
  clock.advance(1500);
  const second = store.events.add({ level: 'error', source: 'board', message: 'x'.repeat(5000) });
  const [newest, oldest] = store.events.list();
  assert.equal(newest?.id, second);
  assert.equal(newest?.message.length, 2000);
  assert.equal(newest?.data, undefined);
  assert.deepEqual(oldest, { id: first, at: clock.wallTime() - 1500, level: 'info', source: 'sip', message: 'registered', data: { account: 'main', expires: 3600 } });
  assert.deepEqual(store.events.list({ beforeId: second }).map((e) => e.id), [first]);
  assertInvalid(() => store.events.add({ level: 'debug' as 'info', source: 'x', message: 'm' }), ['level']);
  assertInvalid(() => store.events.add({ level: 'info', source: '', message: 'm' }), ['source']);
  assertInvalid(() => store.events.add({ level: 'info', source: 's', message: 'm', data: [] as unknown as Record<string, unknown> }), ['data']);
});

test('events: old rows are pruned so the log stays bounded', () => {
  const { store } = memoryStore();
  for (let i = 0; i < MAX_EVENTS + 200; i++) store.events.add({ level: 'info', source: 's', message: String(i) });
  const all = [];
  for (let page = store.events.list({ limit: 1000 }); page.length > 0; page = store.events.list({ limit: 1000, beforeId: page.at(-1)!.id })) all.push(...page);
  assert.ok(all.length <= MAX_EVENTS + 100, `kept ${all.length}`);
  assert.ok(all.length >= MAX_EVENTS, `kept ${all.length}`);
  assert.equal(all[0]?.message, String(MAX_EVENTS + 199));
});

test('cdrs: filters by direction, disposition, number (from or to), and start time; combined with paging', () => {
  const { store } = memoryStore();
  const add = (startedAt: number, direction: NewCdr['direction'], disposition: NewCdr['disposition'], from: string, to: string): number =>
    store.cdrs.add({ startedAt, endedAt: startedAt + 10, direction, disposition, from, to });
  const a = add(1000, 'inbound', 'answered', '+15551230001', '101');
  const b = add(2000, 'outbound', 'busy', '101', '+15559990002');
  const c = add(3000, 'internal', 'answered', '101', '102');
  const d = add(4000, 'inbound', 'no_answer', 'sip:Alice@Example.com', '102');
  const ids = (q: Parameters<typeof store.cdrs.list>[0]): number[] => store.cdrs.list(q).map((r) => r.id);
  assert.deepEqual(ids({ direction: 'inbound' }), [d, a]);
  assert.deepEqual(ids({ disposition: 'answered' }), [c, a]);
  assert.deepEqual(ids({ direction: 'inbound', disposition: 'answered' }), [a]);
  assert.deepEqual(ids({ number: '101' }), [c, b, a], 'from or to');
  assert.deepEqual(ids({ number: '555' }), [b, a], 'a substring');
  assert.deepEqual(ids({ number: 'alice@example' }), [d], 'letters in either case');
  assert.deepEqual(ids({ number: '%' }), [], 'no LIKE wildcards');
  assert.deepEqual(ids({ since: 2000 }), [d, c, b]);
  assert.deepEqual(ids({ until: 3000 }), [b, a], 'until is exclusive');
  assert.deepEqual(ids({ since: 2000, until: 4000 }), [c, b]);
  assert.deepEqual(ids({ number: '101', limit: 2 }), [c, b]);
  assert.deepEqual(ids({ number: '101', limit: 2, beforeId: b }), [a]);
  assert.deepEqual(ids({ direction: 'outbound', since: 5000 }), []);
  // The same statement again (cached) gives the same answer.
  assert.deepEqual(ids({ direction: 'inbound' }), [d, a]);
});

test('cdrs: filter values are validated', () => {
  const { store } = memoryStore();
  assertInvalid(() => store.cdrs.list({ direction: 'sideways' as NewCdr['direction'] }), ['direction']);
  assertInvalid(() => store.cdrs.list({ disposition: 'lost' as NewCdr['disposition'] }), ['disposition']);
  assertInvalid(() => store.cdrs.list({ number: 'x'.repeat(65) }), ['number']);
  assertInvalid(() => store.cdrs.list({ number: '' }), ['number']);
  assertInvalid(() => store.cdrs.list({ since: 1.5, until: Number.NaN }), ['since', 'until']);
});
