import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Harness } from './test-support/harness.js';
import { ChildStartError } from './errors.js';
import type { ChildContext, ChildSpec } from './types.js';

const CHANNELS: { name: string; fault: (h: Harness) => void; calls: string[] }[] = [
  { name: "an 'error' event", fault: (h) => h.child('root/a').emit('error', new Error('kaput')), calls: ['stop:a', 'start:a'] },
  { name: 'ctx.fail', fault: (h) => h.ctx('root/a').fail(new Error('kaput')), calls: ['stop:a', 'start:a'] },
  { name: 'a rejected ctx.watch promise', fault: (h) => void h.ctx('root/a').watch(Promise.reject(new Error('kaput'))).catch(() => undefined), calls: ['stop:a', 'start:a'] },
  { name: 'ctx.exit(error)', fault: (h) => h.ctx('root/a').exit(new Error('kaput')), calls: ['start:a'] },
];

for (const c of CHANNELS) {
  test(`a fault through ${c.name} is logged with the path and restarts the child`, async () => {
    const h = new Harness();
    const failed: { path: string; message: string }[] = [];
    const sup = await h.started('one_for_one', [h.spec('a'), h.spec('b')]);
    sup.on('childFailed', (e) => failed.push({ path: e.path, message: e.error.message }));
    c.fault(h);
    await h.settle();
    assert.deepEqual(h.calls, c.calls);
    assert.deepEqual(failed, [{ path: 'root/a', message: 'kaput' }]);
    const log = h.log.entries.filter((e) => e.level === 'error');
    assert.equal(log.length, 1);
    assert.equal(log[0]?.msg, 'child failed');
    assert.equal(log[0]?.fields.path, 'root/a');
    assert.equal(log[0]?.fields.err, 'kaput');
    assert.match(String(log[0]?.fields.stack), /^Error: kaput\n\s+at /);
    assert.deepEqual(sup.status().children.map((x) => [x.id, x.state, x.restarts, x.lastError]), [['a', 'running', 1, 'kaput'], ['b', 'running', 0, undefined]]);
  });
}

test('a non-Error fault is turned into an Error', async () => {
  const h = new Harness();
  await h.started('one_for_one', [h.spec('a')]);
  h.ctx('root/a').fail('just a string');
  await h.settle();
  assert.deepEqual(h.errorLogs(), [{ msg: 'child failed', path: 'root/a', err: 'just a string' }]);
});

test('ctx.watch returns the same promise and a fulfilled one is no fault', async () => {
  const h = new Harness();
  await h.started('one_for_one', [h.spec('a')]);
  const p = Promise.resolve(42);
  assert.equal(h.ctx('root/a').watch(p), p);
  await h.settle();
  assert.deepEqual(h.calls, []);
});

test('a child that throws in start during a restart counts as another restart', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a')]);
  h.failStarts('root/a', 'throw', 'reject');
  h.ctx('root/a').fail(new Error('first'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'start:a', 'start:a', 'start:a']);
  assert.equal(sup.status().restarts, 3);
  assert.deepEqual(sup.status().children.map((x) => [x.state, x.restarts, x.lastError]), [['running', 1, 'a start rejected']]);
  assert.deepEqual(h.errorLogs().map((e) => e.err), ['first', 'a cannot start', 'a start rejected']);
});

test('a fault reported before start has finished makes the start fail', async () => {
  const h = new Harness();
  let release = (): void => undefined;
  const spec: ChildSpec = {
    id: 'slow',
    start: async (ctx: ChildContext) => {
      ctx.fail(new Error('died while starting'));
      await new Promise<void>((r) => { release = r; });
      return { stop: () => void h.calls.push('stop:slow') };
    },
  };
  const sup = h.supervisor('one_for_one', [h.spec('a'), spec]);
  const started = sup.start();
  await h.settle();
  release();
  await assert.rejects(started, (err: unknown) => err instanceof ChildStartError && err.path === 'root/slow' && /died while starting/.test(err.message));
  assert.deepEqual(h.calls, ['start:a', 'stop:slow', 'stop:a']);
});

test('faults from a stale incarnation are ignored', async () => {
  const h = new Harness();
  const sup = await h.started('one_for_one', [h.spec('a')]);
  const old = h.ctx('root/a');
  const oldChild = h.child('root/a');
  old.fail(new Error('first'));
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'start:a']);
  assert.equal(oldChild.listenerCount('error'), 0, 'the error listener is removed from a stopped child');
  old.fail(new Error('late'));
  old.exit(new Error('late exit'));
  old.exit('normal');
  void old.watch(Promise.reject(new Error('late watch'))).catch(() => undefined);
  await h.settle();
  assert.deepEqual(h.calls, ['stop:a', 'start:a']);
  assert.equal(sup.status().restarts, 1);
  assert.equal(sup.status().children[0]?.lastError, 'first');
  const ignored = h.log.entries.filter((e) => e.msg === 'ignored a fault of a stopped incarnation').map((e) => e.fields.err);
  assert.deepEqual(ignored, ['late', 'late exit', 'late watch']);
  assert.equal(h.child('root/a').listenerCount('error'), 1);
});

test('an error event during the child stop is ignored, not a new fault', async () => {
  const h = new Harness();
  const em = Object.assign(new EventEmitter(), { stop: () => { em.emit('error', new Error('while stopping')); } });
  const sup = h.supervisor('one_for_one', [{ id: 'e', start: () => em }]);
  await sup.start();
  await sup.stop();
  assert.equal(h.errorLogs().length, 0);
  assert.deepEqual(h.log.entries.filter((e) => e.level === 'warn').map((e) => [e.msg, e.fields.path, e.fields.source]),
    [['ignored a fault of a stopped incarnation', 'root/e', 'error event']]);
  assert.equal(em.listenerCount('error'), 0);
});
