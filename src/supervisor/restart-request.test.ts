import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from './test-support/harness.js';
import type { SupervisorEscalationError } from './errors.js';
import { InvalidStateError, NotFoundError } from '../errors.js';

const restartsOf = (h: { status(): { children: { id: string; restarts: number }[] } }): Record<string, number> =>
  Object.fromEntries(h.status().children.map((c) => [c.id, c.restarts]));

test('restartChild under rest_for_one restarts the child and those after it, stopping them in reverse order', async () => {
  const h = new Harness();
  const sup = await h.started('rest_for_one', [h.spec('a'), h.spec('b'), h.spec('c'), h.spec('d')]);
  await sup.restartChild('b');
  assert.deepEqual(h.calls, ['stop:d', 'stop:c', 'stop:b', 'start:b', 'start:c', 'start:d']);
  assert.deepEqual(restartsOf(sup), { a: 0, b: 1, c: 1, d: 1 });
  assert.equal(sup.status().restarts, 0, 'a requested restart is not a fault restart');
  assert.equal(sup.status().state, 'running');
  assert.equal(sup.isHealthy(), true);
  assert.deepEqual(h.tree.filter((e) => e.type === 'childRestarted').map((e) => e.path), ['root/b', 'root/c', 'root/d']);
  assert.equal(h.tree.some((e) => e.type === 'childFailed'), false);
  assert.ok(h.log.entries.some((e) => e.msg === 'restart requested' && e.fields.child === 'root/b'));
});

test('restartChild under one_for_one restarts only that child; the old incarnation is gone', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a'), h.spec('b')]);
  const old = h.ctx('root/a');
  await sup.restartChild('a');
  assert.deepEqual(h.calls, ['stop:a', 'start:a']);
  h.calls.length = 0;
  old.fail(new Error('late fault of the old one'));
  await h.settle();
  assert.deepEqual(h.calls, [], 'a fault of the stopped incarnation is ignored');
  assert.equal(sup.status().restarts, 0);
});

test('requested restarts never count toward the intensity', async () => {
  const h = new Harness();
  const sup = await h.started('rest_for_one', [h.spec('a'), h.spec('b')], { maxRestarts: 1, withinMs: 60_000 });
  const failed: SupervisorEscalationError[] = [];
  sup.on('failed', (e) => failed.push(e));
  for (let i = 0; i < 5; i++) await sup.restartChild('a');
  await sup.restartAll();
  assert.equal(failed.length, 0);
  assert.equal(sup.status().state, 'running');
  // The one fault allowed is still there to use.
  h.ctx('root/b').fail(new Error('boom'));
  await h.settle();
  assert.equal(failed.length, 0);
  assert.equal(sup.status().restarts, 1);
  assert.deepEqual(restartsOf(sup), { a: 6, b: 7 });
});

test('restartAll stops every child in reverse order and starts them in order; temporary children are dropped', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a'), h.spec('t', { restart: 'temporary' }), h.spec('c')]);
  await sup.restartAll();
  assert.deepEqual(h.calls, ['stop:c', 'stop:t', 'stop:a', 'start:a', 'start:c']);
  assert.deepEqual(sup.status().children.map((c) => c.id), ['a', 'c']);
  assert.equal(sup.status().restarts, 0);
});

test('a child that fails to start after a requested restart is a fault: restarted as usual, and counted', async () => {
  const h = new Harness();
  const sup = await h.started('rest_for_one', [h.spec('a'), h.spec('b'), h.spec('c')]);
  h.failStarts('root/b', 'throw');
  await sup.restartChild('a');
  assert.deepEqual(h.calls, ['stop:c', 'stop:b', 'stop:a', 'start:a', 'start:b', 'start:b', 'start:c']);
  assert.equal(sup.status().restarts, 1);
  assert.equal(sup.status().state, 'running');
  assert.deepEqual(h.errorLogs().map((e) => [e.msg, e.path, e.err]), [['child failed', 'root/b', 'b cannot start']]);
});

test('a child that never starts again after a requested restart escalates', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a')], { maxRestarts: 1, withinMs: 60_000 });
  const failed: SupervisorEscalationError[] = [];
  sup.on('failed', (e) => failed.push(e));
  h.failStarts('root/a', 'throw', 'throw', 'throw');
  await sup.restartChild('a');
  assert.equal(failed.length, 1);
  assert.equal(sup.status().state, 'failed');
  await assert.rejects(sup.restartChild('a'), InvalidStateError);
  await assert.rejects(sup.restartAll(), InvalidStateError);
});

test('restartChild refuses an unknown child, and a stopped supervisor', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a')]);
  await assert.rejects(sup.restartChild('nope'), NotFoundError);
  await sup.stop();
  await assert.rejects(sup.restartChild('a'), InvalidStateError);
  assert.deepEqual(h.calls, ['stop:a']);
});

test('a fault during a requested restart waits its turn and then is stale', async () => {
  const h = new Harness();
  const sup = await h.started('rest_for_one', [h.spec('a'), h.spec('b')]);
  const restart = sup.restartChild('a');
  h.ctx('root/b').fail(new Error('boom at the same time'));
  await restart;
  await h.settle();
  // The requested restart was queued first and restarted b too: the fault's own restart is stale.
  assert.deepEqual(h.calls, ['stop:b', 'stop:a', 'start:a', 'start:b']);
  assert.equal(sup.status().restarts, 0);
  assert.equal(sup.isHealthy(), true);
});
