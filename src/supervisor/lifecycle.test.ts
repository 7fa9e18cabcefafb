import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from './test-support/harness.js';
import { ChildStartError } from './errors.js';
import { ConflictError, InvalidStateError, NotFoundError } from '../errors.js';

test('start runs children in order; stop stops them in reverse order, once', async () => {
  const h = new Harness();
  const sup = h.supervisor('one_for_one', [h.spec('a'), h.spec('b'), h.spec('c')]);
  await sup.start();
  assert.equal(sup.status().state, 'running');
  const first = sup.stop();
  assert.equal(sup.stop(), first, 'the same promise');
  await first;
  await sup.stop();
  assert.deepEqual(h.calls, ['start:a', 'start:b', 'start:c', 'stop:c', 'stop:b', 'stop:a']);
  assert.equal(sup.status().state, 'stopped');
  assert.deepEqual(sup.status().children.map((c) => c.state), ['stopped', 'stopped', 'stopped']);
  assert.equal(sup.isHealthy(), false);
  await assert.rejects(sup.start(), InvalidStateError);
});

test('a child that fails to start stops those already started, in reverse, and start rejects naming it', async () => {
  const h = new Harness();
  h.failStarts('root/c', 'reject');
  const sup = h.supervisor('one_for_all', [h.spec('a'), h.spec('b'), h.spec('c'), h.spec('d')]);
  await assert.rejects(sup.start(), (err: unknown) =>
    err instanceof ChildStartError && err.path === 'root/c' && err.message === 'child root/c failed to start: c start rejected');
  assert.deepEqual(h.calls, ['start:a', 'start:b', 'start:c', 'stop:b', 'stop:a']);
  assert.equal(sup.status().state, 'failed');
  assert.deepEqual(h.errorLogs()[0], { msg: 'child failed', path: 'root/c', err: 'c start rejected' });
});

test('a child whose stop never finishes is abandoned after its shutdownMs, with a warning', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a'), h.spec('b', { shutdownMs: 1000 }), h.spec('c')]);
  h.hangStop('root/b');
  let stopped = false;
  void sup.stop().then(() => { stopped = true; });
  await h.settle();
  assert.deepEqual(h.calls, ['stop:c', 'stop:b']);
  await h.clock.advanceAsync(999);
  assert.deepEqual(h.calls, ['stop:c', 'stop:b']);
  assert.equal(stopped, false);
  await h.clock.advanceAsync(1);
  assert.deepEqual(h.calls, ['stop:c', 'stop:b', 'stop:a']);
  assert.equal(stopped, true);
  const warnings = h.log.entries.filter((e) => e.level === 'warn').map((e) => [e.msg, e.fields.path, e.fields.shutdownMs]);
  assert.deepEqual(warnings, [['child did not stop in time; abandoned', 'root/b', 1000]]);
  assert.equal(h.clock.pendingCount(), 0, 'no timer left behind');
});

test('a stop that throws is logged and the next child is still stopped', async () => {
  const h = new Harness();
  const sup = h.supervisor('one_for_one', [h.spec('a'), { id: 'bad', start: () => ({ stop: () => { throw new Error('cannot stop'); } }) }]);
  await sup.start();
  await sup.stop();
  assert.deepEqual(h.calls, ['start:a', 'stop:a']);
  assert.deepEqual(h.log.entries.filter((e) => e.level === 'warn').map((e) => [e.msg, e.fields.path, e.fields.err]), [['child stop failed', 'root/bad', 'cannot stop']]);
});

test('dynamic children: startChild adds one, terminateChild removes it, duplicates are refused', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('router')]);
  const started: string[] = [];
  sup.on('childStarted', (e) => started.push(e.path));
  const child = await sup.startChild(h.spec('call-1', { restart: 'temporary' }));
  assert.equal(child, h.child('root/call-1'));
  await sup.startChild(h.spec('call-2', { restart: 'temporary' }));
  assert.deepEqual(started, ['root/call-1', 'root/call-2']);
  await assert.rejects(sup.startChild(h.spec('call-1')), (e: unknown) => e instanceof ConflictError && e.code === 'conflict');
  await assert.rejects(sup.startChild(h.spec('router')), ConflictError);
  const concurrent = [sup.startChild(h.spec('call-3')), sup.startChild(h.spec('call-3'))];
  const results = await Promise.allSettled(concurrent);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
  assert.deepEqual(sup.status().children.map((c) => c.id), ['router', 'call-1', 'call-2', 'call-3']);
  await sup.terminateChild('call-1');
  assert.deepEqual(sup.status().children.map((c) => c.id), ['router', 'call-2', 'call-3']);
  await assert.rejects(sup.terminateChild('call-1'), NotFoundError);
  // A temporary call that fails ends; the others go on.
  h.ctx('root/call-2').fail(new Error('bad SDP'));
  await h.settle();
  assert.deepEqual(sup.status().children.map((c) => c.id), ['router', 'call-3']);
  assert.deepEqual(h.calls, ['start:call-1', 'start:call-2', 'start:call-3', 'stop:call-1', 'stop:call-2']);
  await sup.stop();
  assert.deepEqual(h.calls.slice(-2), ['stop:call-3', 'stop:router']);
});

test('startChild whose start fails rejects and keeps nothing; not allowed when not running', async () => {
  const h = new Harness();
  const sup = h.supervisor('one_for_one', [h.spec('a')]);
  await assert.rejects(sup.startChild(h.spec('early')), InvalidStateError);
  await sup.start();
  h.failStarts('root/x', 'throw');
  await assert.rejects(sup.startChild(h.spec('x')), (e: unknown) => e instanceof ChildStartError && e.path === 'root/x');
  assert.deepEqual(sup.status().children.map((c) => c.id), ['a']);
  assert.equal(sup.status().restarts, 0);
  await sup.startChild(h.spec('x'));
  assert.deepEqual(sup.status().children.map((c) => c.id), ['a', 'x']);
});

test('status() shows the tree with states, restart counts, last errors and start times', async () => {
  const h = new Harness();
  const sup = await h.started('rest_for_one', [h.spec('config'), h.spec('web', { restart: 'transient', shutdownMs: 3000 })]);
  const t0 = h.clock.wallTime();
  await h.clock.advanceAsync(60_000);
  h.ctx('root/web').fail(new Error('port in use'));
  await h.settle();
  assert.deepEqual(sup.status(), {
    id: 'root', path: 'root', kind: 'supervisor', strategy: 'rest_for_one', state: 'running', restarts: 1,
    children: [
      { id: 'config', path: 'root/config', kind: 'worker', restart: 'permanent', state: 'running', restarts: 0, startedAt: t0 },
      { id: 'web', path: 'root/web', kind: 'worker', restart: 'transient', state: 'running', restarts: 1, lastError: 'port in use', startedAt: t0 + 60_000 },
    ],
  });
  assert.deepEqual(h.tree.filter((e) => e.type === 'childRestarted'), [{ type: 'childRestarted', path: 'root/web', restarts: 1 }]);
});

test('the child context carries the path, a logger bound to it, and the clock', async () => {
  const h = new Harness();
  await h.started('one_for_one', [h.spec('a')]);
  const ctx = h.ctx('root/a');
  assert.equal(ctx.path, 'root/a');
  assert.equal(ctx.clock, h.clock);
  ctx.log.info('hello');
  assert.deepEqual(h.log.entries.at(-1), { level: 'info', msg: 'hello', fields: { path: 'root/a' } });
});

test('construction refuses duplicate ids and ids with a slash', () => {
  const h = new Harness();
  assert.throws(() => h.supervisor('one_for_one', [h.spec('a'), h.spec('a')]), ConflictError);
  assert.throws(() => h.supervisor('one_for_one', [h.spec('a/b')]), /invalid child id "a\/b"/);
});
