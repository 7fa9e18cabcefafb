import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from './test-support/harness.js';
import { RestartWindow } from './intensity.js';
import { SupervisorEscalationError } from './errors.js';
import { ValidationError } from '../errors.js';

test('RestartWindow allows maxRestarts within withinMs and forgets older ones', () => {
  const w = new RestartWindow({ maxRestarts: 2, withinMs: 1000 });
  assert.deepEqual([w.record(0), w.record(10), w.record(999)], [true, true, false]);
  const v = new RestartWindow({ maxRestarts: 2, withinMs: 1000 });
  assert.deepEqual([v.record(0), v.record(500), v.record(1000), v.record(1499)], [true, true, true, false]);
  assert.equal(new RestartWindow({ maxRestarts: 0, withinMs: 1 }).record(0), false);
  assert.throws(() => new RestartWindow({ maxRestarts: -1, withinMs: 0 }), (e: unknown) =>
    e instanceof ValidationError && e.fields.maxRestarts !== undefined && e.fields.withinMs !== undefined);
});

test('the default intensity (3 in 5 s): 3 restarts are fine, the 4th fault escalates', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a'), h.spec('b'), h.spec('c')]);
  const failed: SupervisorEscalationError[] = [];
  sup.on('failed', (e) => failed.push(e));
  for (let i = 1; i <= 3; i++) {
    h.ctx('root/b').fail(new Error(`fault ${i}`));
    await h.clock.advanceAsync(100);
  }
  assert.equal(sup.status().restarts, 3);
  assert.equal(sup.isHealthy(), true);
  assert.equal(failed.length, 0);
  h.calls.length = 0;
  h.ctx('root/b').fail(new Error('fault 4'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:b', 'stop:c', 'stop:a'], 'the failed child, then the others in reverse order');
  assert.equal(failed.length, 1);
  const err = failed[0];
  assert.ok(err instanceof SupervisorEscalationError);
  assert.equal(err.code, 'supervisor_escalation');
  assert.equal(err.path, 'root');
  assert.equal(err.childPath, 'root/b');
  assert.equal(err.lastError.message, 'fault 4');
  assert.equal(sup.status().state, 'failed');
  assert.deepEqual(sup.status().children.map((c) => c.state), ['stopped', 'failed', 'stopped']);
  assert.equal(sup.isHealthy(), false);
  assert.deepEqual(h.tree.filter((e) => e.type === 'failed').map((e) => e.path), ['root']);
  assert.ok(h.log.entries.some((e) => e.level === 'error' && e.msg === 'too many restarts; stopping all children and giving up' && e.fields.child === 'root/b'));
  // Nothing restarts it now; stop() still works and keeps the failed state.
  await sup.stop();
  assert.equal(sup.status().state, 'failed');
});

test('restarts spread beyond the window do not escalate', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a')], { maxRestarts: 2, withinMs: 1000 });
  const failed: unknown[] = [];
  sup.on('failed', (e) => failed.push(e));
  for (let i = 0; i < 10; i++) {
    h.ctx('root/a').fail(new Error(`fault ${i}`));
    await h.clock.advanceAsync(500);
  }
  assert.equal(failed.length, 0);
  assert.equal(sup.status().restarts, 10);
  assert.equal(sup.status().children[0]?.restarts, 10);
  assert.equal(sup.isHealthy(), true);
});

test('the same faults closer together escalate', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a')], { maxRestarts: 2, withinMs: 1000 });
  const failed: unknown[] = [];
  sup.on('failed', (e) => failed.push(e));
  for (let i = 0; i < 3; i++) {
    h.ctx('root/a').fail(new Error(`fault ${i}`));
    await h.clock.advanceAsync(499);
  }
  assert.equal(failed.length, 1);
  assert.equal(sup.status().restarts, 2);
});

test('a child that always fails to start escalates instead of looping', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a')]);
  const failed: SupervisorEscalationError[] = [];
  sup.on('failed', (e) => failed.push(e));
  h.failStarts('root/a', 'throw', 'throw', 'throw', 'throw', 'throw');
  h.ctx('root/a').fail(new Error('first'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'start:a', 'start:a', 'start:a']);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]?.lastError.message, 'a cannot start');
  assert.equal(sup.status().restarts, 3);
  assert.deepEqual(sup.status().children.map((c) => [c.state, c.restarts]), [['failed', 0]]);
});

test('an exception in a listener does not break the restart', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a')]);
  const seen: string[] = [];
  sup.on('childFailed', () => { throw new Error('bad listener'); });
  sup.on('childFailed', (e) => seen.push(e.path));
  sup.onTreeEvent(() => { throw new Error('bad tree listener'); });
  h.ctx('root/a').fail(new Error('boom'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'start:a']);
  assert.deepEqual(seen, ['root/a'], 'the next listener still runs');
  const listenerErrors = h.log.entries.filter((e) => e.msg === 'event listener threw').map((e) => [e.fields.event, e.fields.err]);
  assert.deepEqual(listenerErrors, [
    ['childFailed', 'bad listener'],
    ['tree:childFailed', 'bad tree listener'],
    ['tree:childStarted', 'bad tree listener'],
    ['tree:childRestarted', 'bad tree listener'],
  ]);
});
