import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { callsRoutes, statusStreamRoutes } from './calls.js';
import type { Cdr, CdrQuery } from '../../config/cdr-repository.js';
import type { PageOptions } from '../../config/paging.js';
import { toErrorResponse, type ErrorBody } from '../http-error.js';
import { csvCell } from './calls-csv.js';

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

function withErrors(): FastifyInstance {
  const app = Fastify();
  app.setErrorHandler(async (err, _req, reply) => {
    const { status, body } = toErrorResponse(err);
    return reply.code(status).send(body);
  });
  return app;
}

test('GET /api/calls passes the filters on, parsed; dates are UTC days, an until date includes its day', async () => {
  const app = withErrors();
  const asked: CdrQuery[] = [];
  callsRoutes(() => ({ active: () => [], history: (q) => (asked.push(q), []) }))(app);
  const res = await app.inject({
    method: 'GET',
    url: '/api/calls?direction=inbound&disposition=no_answer&number=%2B1555&since=2024-05-01&until=2024-05-02&limit=50',
  });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { active: [], calls: [], nextBeforeId: null });
  assert.deepEqual(asked.pop(), {
    limit: 50, direction: 'inbound', disposition: 'no_answer', number: '+1555',
    since: Date.parse('2024-05-01T00:00:00Z'), until: Date.parse('2024-05-03T00:00:00Z'),
  });
  await app.inject({ method: 'GET', url: '/api/calls?since=2024-05-01T10:30:00%2B02:00&until=2024-05-01T12:00:00' });
  assert.deepEqual(asked.pop(), { since: Date.parse('2024-05-01T08:30:00Z'), until: Date.parse('2024-05-01T12:00:00Z') + 1 });
  await app.inject({ method: 'GET', url: '/api/calls?since=2024-05-01T10:30Z&direction=&number=' });
  assert.deepEqual(asked.pop(), { since: Date.parse('2024-05-01T10:30:00Z') }, 'empty parameters are absent');
  await app.close();
});

test('GET /api/calls refuses bad filters, naming every field', async () => {
  const app = withErrors();
  callsRoutes(() => ({ active: () => [], history: () => [] }))(app);
  const res = await app.inject({
    method: 'GET',
    url: `/api/calls?direction=sideways&disposition=lost&number=${'1'.repeat(65)}&since=yesterday&until=2024-02-30&beforeId=-1`,
  });
  assert.equal(res.statusCode, 400);
  const { error } = res.json<ErrorBody>();
  assert.equal(error.code, 'invalid');
  assert.deepEqual(Object.keys(error.fields ?? {}).sort(), ['beforeId', 'direction', 'disposition', 'number', 'since', 'until']);
  for (const bad of ['since=2024-05-02&until=2024-05-01', 'since=2024-13-01', 'until=2024-05-01T24:61:00Z', 'direction=inbound&direction=outbound', 'since=2024-05-01 10:00']) {
    assert.equal((await app.inject({ method: 'GET', url: `/api/calls?${bad}` })).statusCode, 400, bad);
  }
  await app.close();
});

test('GET /api/calls.csv: a download with a header row, RFC 4180 quoting and no formulas', async () => {
  const app = withErrors();
  const asked: CdrQuery[] = [];
  const tricky: Cdr = {
    ...cdr(7), startedAt: Date.parse('2024-05-01T10:00:00Z'), answeredAt: Date.parse('2024-05-01T10:00:05Z'), endedAt: Date.parse('2024-05-01T10:01:05Z'),
    direction: 'inbound', from: '=HYPERLINK("http://evil")', to: '+15551230001', account: 'main, "home"', disposition: 'answered',
    hangupCause: 'line\nbreak', media: { codec: 'PCMU', packetsSent: 1, packetsReceived: 1, lossPercent: 0.5, jitterMs: 2, mos: 4.3 },
  };
  callsRoutes(() => ({ active: () => [], history: (q) => (asked.push(q), [tricky, cdr(3)]) }))(app);
  const res = await app.inject({ method: 'GET', url: '/api/calls.csv?direction=inbound' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
  assert.equal(res.headers['content-disposition'], 'attachment; filename="dialtone-calls.csv"');
  assert.deepEqual(asked, [{ direction: 'inbound', limit: 1000 }]);
  const lines = res.body.split('\r\n');
  assert.equal(lines[0], 'id,startedAt,answeredAt,endedAt,durationSeconds,talkSeconds,direction,from,to,port,account,disposition,hangupCause,codec,mos,lossPercent,jitterMs,rttMs');
  assert.equal(lines[1], `7,2024-05-01T10:00:00.000Z,2024-05-01T10:00:05.000Z,2024-05-01T10:01:05.000Z,65,60,inbound,"'=HYPERLINK(""http://evil"")",'+15551230001,1,"main, ""home""",answered,"line\nbreak",PCMU,4.3,0.5,2,`);
  assert.equal(lines[2], '3,1970-01-01T00:00:00.001Z,,1970-01-01T00:00:00.002Z,0,0,internal,101,102,1,,busy,busy,,,,,');
  assert.equal(lines[3], '', 'the last line ends in CRLF too');
  await app.close();
});

test('GET /api/calls.csv reads page after page up to its limit (default 10000, at most 10000)', async () => {
  const app = withErrors();
  const asked: CdrQuery[] = [];
  const history = (q: CdrQuery): Cdr[] => {
    asked.push(q);
    const top = (q.beforeId ?? 2501) - 1;
    return Array.from({ length: Math.min(q.limit ?? 100, top) }, (_, i) => cdr(top - i));
  };
  callsRoutes(() => ({ active: () => [], history }))(app);
  const all = await app.inject({ method: 'GET', url: '/api/calls.csv?number=10' });
  assert.equal(all.body.trimEnd().split('\r\n').length, 1 + 2500);
  assert.deepEqual(asked.map((q) => [q.limit, q.beforeId, q.number]), [[1000, undefined, '10'], [1000, 1501, '10'], [1000, 501, '10']]);
  asked.length = 0;
  const some = await app.inject({ method: 'GET', url: '/api/calls.csv?limit=1500&beforeId=2000' });
  assert.equal(some.body.trimEnd().split('\r\n').length, 1 + 1500);
  assert.deepEqual(asked.map((q) => [q.limit, q.beforeId]), [[1000, 2000], [500, 1000]]);
  assert.equal((await app.inject({ method: 'GET', url: '/api/calls.csv?limit=10001' })).statusCode, 400);
  assert.equal((await app.inject({ method: 'GET', url: '/api/calls.csv?limit=0' })).statusCode, 400);
  await app.close();
});

test('GET /api/calls.csv without a store is the header row alone', async () => {
  const app = withErrors();
  callsRoutes(() => undefined)(app);
  const res = await app.inject({ method: 'GET', url: '/api/calls.csv' });
  assert.equal(res.statusCode, 200);
  assert.equal(res.body.split('\r\n').length, 2);
  await app.close();
});

test('csvCell quotes and neutralises text, leaves numbers alone', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(-3), '-3');
  assert.equal(csvCell('-3'), "'-3");
  assert.equal(csvCell('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvCell('\tx'), "'\tx");
  assert.equal(csvCell('a"b'), '"a""b"');
  assert.equal(csvCell('a\r\nb'), '"a\r\nb"');
  assert.equal(csvCell('sip:alice@example.com'), 'sip:alice@example.com');
});
