import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { callsRoutes, statusStreamRoutes } from './calls.js';
import type { Cdr } from '../../config/cdr-repository.js';
import type { PageOptions } from '../../config/paging.js';

function cdr(id: number): Cdr {
  return { id, startedAt: 1, answeredAt: null, endedAt: 2, direction: 'internal', from: '101', to: '102', port: 1, account: null, disposition: 'busy', hangupCause: 'busy', media: null };
}

test('GET /api/calls pages the history newest first and refuses a bad limit', async () => {
  const app = Fastify();
  const asked: PageOptions[] = [];
  callsRoutes(() => ({ active: () => [], history: (page) => (asked.push(page), [cdr(9), cdr(8)]) }))(app);
  const res = await app.inject({ method: 'GET', url: '/api/calls?limit=2&beforeId=10' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(asked, [{ limit: 2, beforeId: 10 }]);
  const body = res.json<{ calls: Cdr[]; nextBeforeId: number }>();
  assert.deepEqual(body.calls.map((c) => c.id), [9, 8]);
  assert.equal(body.nextBeforeId, 8);
  assert.notEqual((await app.inject({ method: 'GET', url: '/api/calls?limit=abc' })).statusCode, 200);
  await app.close();
});

test('GET /api/status/stream sends the status at once and again only when it changes (not for the uptime)', async () => {
  const app = Fastify();
  let status = { uptimeSeconds: 1, calls: [] as unknown[] };
  statusStreamRoutes(() => status, 20)(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const controller = new AbortController();
  const res = await fetch(`http://127.0.0.1:${port}/api/status/stream`, { signal: controller.signal });
  assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  let text = '';
  const readUntil = async (n: number): Promise<void> => {
    while ((text.match(/event: status/g) ?? []).length < n) {
      const chunk = (await reader.read()) as { done: boolean; value?: Uint8Array };
      if (chunk.done) throw new Error('stream ended');
      text += Buffer.from(chunk.value ?? new Uint8Array()).toString();
    }
  };
  await readUntil(1);
  status = { uptimeSeconds: 2, calls: [] };
  await new Promise((r) => setTimeout(r, 100));
  status = { uptimeSeconds: 3, calls: [{ id: 1 }] };
  await readUntil(2);
  const events = text.split('\n\n').filter((e) => e.startsWith('event: status'));
  assert.equal(events.length, 2, 'the uptime alone sent nothing');
  assert.deepEqual(JSON.parse(events[1]!.split('data: ')[1]!), { uptimeSeconds: 3, calls: [{ id: 1 }] });
  controller.abort();
  await app.close();
});
