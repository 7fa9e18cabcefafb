import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from './test-support/harness.js';

const restartsOf = (h: { status(): { children: { id: string; restarts: number }[] } }): Record<string, number> =>
  Object.fromEntries(h.status().children.map((c) => [c.id, c.restarts]));

test('one_for_one restarts only the failed child', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a'), h.spec('b'), h.spec('c')]);
  h.ctx('root/b').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:b', 'start:b']);
  assert.deepEqual(restartsOf(sup), { a: 0, b: 1, c: 0 });
  assert.equal(sup.status().restarts, 1);
  assert.deepEqual(sup.status().children.map((c) => c.state), ['running', 'running', 'running']);
});

test('one_for_all stops the failed child, then the others in reverse order, then starts all in order', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_all', [h.spec('a'), h.spec('b'), h.spec('c')]);
  h.ctx('root/b').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:b', 'stop:c', 'stop:a', 'start:a', 'start:b', 'start:c']);
  assert.deepEqual(restartsOf(sup), { a: 1, b: 1, c: 1 });
  assert.equal(sup.status().restarts, 1, 'one restart of the group counts once');
  assert.deepEqual(h.tree.filter((e) => e.type === 'childRestarted').map((e) => e.path), ['root/a', 'root/b', 'root/c']);
});

test('rest_for_one restarts the failed child and those started after it', async () => {
  const h = new Harness();
  const sup = await h.started('rest_for_one', [h.spec('a'), h.spec('b'), h.spec('c'), h.spec('d')]);
  h.ctx('root/b').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:b', 'stop:d', 'stop:c', 'start:b', 'start:c', 'start:d']);
  h.calls.length = 0;
  h.ctx('root/d').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:d', 'start:d']);
  h.calls.length = 0;
  h.ctx('root/a').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'stop:d', 'stop:c', 'stop:b', 'start:a', 'start:b', 'start:c', 'start:d']);
  assert.deepEqual(restartsOf(sup), { a: 1, b: 2, c: 2, d: 3 });
});

test('a group restart stops temporary siblings and does not start them again', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_all', [h.spec('a'), h.spec('t', { restart: 'temporary' }), h.spec('c')]);
  h.ctx('root/a').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'stop:c', 'stop:t', 'start:a', 'start:c']);
  assert.deepEqual(sup.status().children.map((c) => c.id), ['a', 'c']);
});

test('a group restart starts a transient sibling that had exited normally', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_all', [h.spec('a'), h.spec('t', { restart: 'transient' })]);
  h.ctx('root/t').exit('normal');
  await h.settle();
  assert.equal(sup.status().children[1]?.state, 'stopped');
  h.ctx('root/a').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'start:a', 'start:t']);
  assert.deepEqual(sup.status().children.map((c) => c.state), ['running', 'running']);
});

test('simultaneous faults in one_for_all lead to a single group restart', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_all', [h.spec('a'), h.spec('b')]);
  h.ctx('root/a').fail(new Error('one'));
  h.ctx('root/b').fail(new Error('two'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'stop:b', 'start:a', 'start:b']);
  assert.equal(sup.status().restarts, 1);
  assert.equal(h.tree.filter((e) => e.type === 'childFailed').length, 2);
});
