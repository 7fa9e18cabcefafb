import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from './test-support/harness.js';
import { supervisorSpec } from './nested.js';
import { SupervisorEscalationError } from './errors.js';
import type { TreeEvent } from './events.js';
import type { ChildContext } from './types.js';

const summary = (events: TreeEvent[]): string[] => events.map((e) => `${e.type} ${e.path}`);

test('a nested supervisor restarts its own child; the root sees the events, not a fault', async () => {
  const h = new Harness();
  const root = await h.started('one_for_one', [
    h.spec('x'),
    supervisorSpec({ id: 'sip', strategy: 'one_for_one', children: [h.spec('reg'), h.spec('transport')] }),
  ]);
  assert.deepEqual(summary(h.tree), ['childStarted root/x', 'childStarted root/sip/reg', 'childStarted root/sip/transport', 'childStarted root/sip']);
  h.tree.length = 0;
  h.ctx('root/sip/reg').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:reg', 'start:reg']);
  assert.deepEqual(summary(h.tree), ['childFailed root/sip/reg', 'childStarted root/sip/reg', 'childRestarted root/sip/reg']);
  assert.equal(root.status().restarts, 0);
  const sip = root.status().children[1];
  assert.equal(sip?.kind, 'supervisor');
  assert.equal(sip?.restarts, 0);
  assert.deepEqual(sip?.children?.map((c) => [c.path, c.restarts]), [['root/sip/reg', 1], ['root/sip/transport', 0]]);
  assert.equal(h.ctx('root/sip/reg').path, 'root/sip/reg');
  assert.deepEqual(h.errorLogs(), [{ msg: 'child failed', path: 'root/sip/reg', err: 'boom' }]);
});

test('a nested supervisor that gives up is a fault of the parent, which restarts it', async () => {
  const h = new Harness();
  const root = await h.started('one_for_one', [
    h.spec('x'),
    supervisorSpec({ id: 'sip', strategy: 'one_for_one', intensity: { maxRestarts: 1, withinMs: 1000 }, children: () => [h.spec('reg'), h.spec('t')] }),
  ]);
  const rootFaults: { path: string; error: Error }[] = [];
  root.on('childFailed', (e) => rootFaults.push(e));
  h.ctx('root/sip/reg').fail(new Error('one'));
  await h.settle();
  h.tree.length = 0;
  h.calls.length = 0;
  h.ctx('root/sip/reg').fail(new Error('two'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:reg', 'stop:t', 'start:reg', 'start:t'], 'the nested tree stopped, then a new one started');
  assert.deepEqual(summary(h.tree), [
    'childFailed root/sip/reg', 'failed root/sip', 'childFailed root/sip',
    'childStarted root/sip/reg', 'childStarted root/sip/t', 'childStarted root/sip', 'childRestarted root/sip',
  ]);
  assert.equal(rootFaults.length, 1);
  assert.equal(rootFaults[0]?.path, 'root/sip');
  assert.ok(rootFaults[0]?.error instanceof SupervisorEscalationError);
  assert.equal(root.status().restarts, 1);
  const sip = root.status().children[1];
  assert.deepEqual([sip?.state, sip?.restarts], ['running', 1]);
  assert.match(sip?.lastError ?? '', /^supervisor root\/sip gave up after too many restarts; last fault in root\/sip\/reg: two$/);
  assert.deepEqual(sip?.children?.map((c) => [c.id, c.restarts, c.state]), [['reg', 0, 'running'], ['t', 0, 'running']], 'a fresh nested supervisor');
  assert.equal(root.isHealthy(), true);
  // The old nested supervisor's events no longer reach the root.
  const before = h.tree.length;
  h.ctx('root/sip/reg', 0).fail(new Error('stale'));
  await h.settle();
  assert.equal(h.tree.length, before);
});

test('escalation climbs to the root, which fails in turn', async () => {
  const h = new Harness();
  const root = await h.started('one_for_one', [
    h.spec('x'),
    supervisorSpec({ id: 'sip', strategy: 'one_for_one', intensity: { maxRestarts: 0, withinMs: 1000 }, children: [h.spec('reg')] }),
  ], { maxRestarts: 0, withinMs: 1000 });
  const failed: SupervisorEscalationError[] = [];
  root.on('failed', (e) => failed.push(e));
  h.ctx('root/sip/reg').fail(new Error('deep'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:reg', 'stop:x']);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.path, 'root');
  assert.equal(failed[0]?.childPath, 'root/sip');
  assert.ok(failed[0]?.lastError instanceof SupervisorEscalationError);
  assert.deepEqual(summary(h.tree.filter((e) => e.type === 'failed')), ['failed root/sip', 'failed root']);
  assert.equal(root.isHealthy(), false);
});

test('isHealthy is false at the root while a nested supervisor is restarting', async () => {
  const h = new Harness();
  const root = await h.started('one_for_one', [
    supervisorSpec({ id: 'calls', strategy: 'one_for_one', children: [h.spec('c', { shutdownMs: 1000 })] }),
  ]);
  assert.equal(root.isHealthy(), true);
  h.hangStop('root/calls/c');
  h.ctx('root/calls/c').fail(new Error('stuck'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:c']);
  assert.equal(root.status().children[0]?.children?.[0]?.state, 'failed');
  assert.equal(root.isHealthy(), false);
  await h.clock.advanceAsync(999);
  assert.equal(root.isHealthy(), false);
  await h.clock.advanceAsync(1);
  assert.deepEqual(h.calls, ['stop:c', 'start:c']);
  assert.equal(root.isHealthy(), true);
});

test('a nested supervisor that fails to start is a start failure of the parent', async () => {
  const h = new Harness();
  h.failStarts('root/sip/reg', 'throw');
  const root = h.supervisor('one_for_one', [h.spec('x'), supervisorSpec({ id: 'sip', strategy: 'one_for_one', children: [h.spec('t'), h.spec('reg')] })]);
  await assert.rejects(root.start(), /^ChildStartError: child root\/sip failed to start: child root\/sip\/reg failed to start: reg cannot start$/);
  assert.deepEqual(h.calls, ['start:x', 'start:t', 'start:reg', 'stop:t', 'stop:x']);
  assert.equal(root.status().state, 'failed');
});

test('tree events from a replaced incarnation are not passed up', async () => {
  const h = new Harness();
  const contexts: ChildContext[] = [];
  const root = await h.started('one_for_one', [{ id: 'n', start: (ctx) => { contexts.push(ctx); return { stop: () => undefined }; } }]);
  const event: TreeEvent = { type: 'childStarted', path: 'root/n/inner' };
  contexts[0]?.treeEvent(event);
  assert.deepEqual(h.tree.at(-1), event);
  contexts[0]?.fail(new Error('replace it'));
  await h.settle();
  assert.equal(contexts.length, 2);
  const before = h.tree.length;
  contexts[0]?.treeEvent({ type: 'childStarted', path: 'root/n/stale' });
  assert.equal(h.tree.length, before);
  contexts[1]?.treeEvent({ type: 'childStarted', path: 'root/n/fresh' });
  assert.deepEqual(h.tree.at(-1), { type: 'childStarted', path: 'root/n/fresh' });
  assert.equal(root.status().children[0]?.restarts, 1);
});
