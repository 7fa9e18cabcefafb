import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Harness } from './test-support/harness.js';
import type { RestartPolicy } from './types.js';

interface Case {
  policy: RestartPolicy;
  end: 'exit normal' | 'exit error' | 'fail';
  calls: string[];
  /** The child's state afterwards, or undefined when it was removed. */
  state: string | undefined;
  restarts: number;
}

const CASES: Case[] = [
  { policy: 'permanent', end: 'exit normal', calls: ['start:w'], state: 'running', restarts: 1 },
  { policy: 'permanent', end: 'exit error', calls: ['start:w'], state: 'running', restarts: 1 },
  { policy: 'permanent', end: 'fail', calls: ['stop:w', 'start:w'], state: 'running', restarts: 1 },
  { policy: 'transient', end: 'exit normal', calls: [], state: 'stopped', restarts: 0 },
  { policy: 'transient', end: 'exit error', calls: ['start:w'], state: 'running', restarts: 1 },
  { policy: 'transient', end: 'fail', calls: ['stop:w', 'start:w'], state: 'running', restarts: 1 },
  { policy: 'temporary', end: 'exit normal', calls: [], state: undefined, restarts: 0 },
  { policy: 'temporary', end: 'exit error', calls: [], state: undefined, restarts: 0 },
  { policy: 'temporary', end: 'fail', calls: ['stop:w'], state: undefined, restarts: 0 },
];

for (const c of CASES) {
  test(`${c.policy} child, ${c.end}: ${c.calls.join(', ') || 'nothing'} (${c.state ?? 'removed'})`, async () => {
    const h = new Harness();
    const sup = await h.started('one_for_one', [h.spec('keep'), h.spec('w', { restart: c.policy })]);
    const ctx = h.ctx('root/w');
    if (c.end === 'exit normal') ctx.exit('normal');
    else if (c.end === 'exit error') ctx.exit(new Error('gone wrong'));
    else ctx.fail(new Error('gone wrong'));
    await h.settle();
    assert.deepEqual(h.calls, c.calls);
    const w = sup.status().children.find((x) => x.id === 'w');
    assert.equal(w?.state, c.state);
    if (w !== undefined) assert.equal(w.restarts, c.restarts);
    assert.equal(sup.status().restarts, c.restarts);
    const faults = h.errorLogs().filter((e) => e.msg === 'child failed');
    assert.deepEqual(faults, c.end === 'exit normal' ? [] : [{ msg: 'child failed', path: 'root/w', err: 'gone wrong' }]);
    assert.equal(sup.isHealthy(), true);
  });
}

test('exit() with no reason is a normal exit', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('w', { restart: 'transient' })]);
  h.ctx('root/w').exit();
  await h.settle();
  assert.deepEqual(h.calls, []);
  assert.equal(sup.status().children[0]?.state, 'stopped');
  assert.equal(h.tree.some((e) => e.type === 'childFailed'), false);
});
