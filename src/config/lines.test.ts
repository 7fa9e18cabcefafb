import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Line } from './provisioning-schema.js';
import { assertInvalid, memoryStore, type TestStore } from './test-support/fixtures.js';

function withAccount(): TestStore {
  const t = memoryStore();
  t.store.accounts.upsert({ id: 'main', server: 'sip.example.net', username: '1001' });
  t.changes.length = 0;
  return t;
}

test('lines: upsert and list by port, optional fields absent unless set, features in schema order', () => {
  const { store, changes } = withAccount();
  store.lines.upsert({ port: 3, kind: 'fxo', account: 'main', prefix: '9' });
  store.lines.upsert({ port: 1, kind: 'fxs', account: 'main', extension: '11' });
  store.lines.upsert({
    port: 2, kind: 'fxs', extension: '12', name: 'Kitchen', callerIdStandard: 'v23', digitMap: '[2-9]xxxxxxxxx|1xxxxxxxxxx|011xx.T|*xx|911',
    features: { hotline: '911', dnd: false, callWaiting: true },
  });
  assert.deepEqual(store.lines.list().map((l) => l.port), [1, 2, 3]);
  assert.deepEqual(store.lines.get(1), { port: 1, kind: 'fxs', account: 'main', extension: '11' });
  const kitchen = store.lines.get(2)!;
  assert.deepEqual(Object.keys(kitchen.features!), ['callWaiting', 'dnd', 'hotline']);
  store.lines.upsert({ port: 1, kind: 'fxs', account: 'main', extension: '21' });
  store.lines.upsert({ port: 1, kind: 'fxs', account: 'main', extension: '21' });
  assert.deepEqual(changes, [
    { section: 'lines', op: 'insert', key: 3 },
    { section: 'lines', op: 'insert', key: 1 },
    { section: 'lines', op: 'insert', key: 2 },
    { section: 'lines', op: 'update', key: 1 },
  ]);
});

test('lines: values are validated field by field', () => {
  const { store, changes } = withAccount();
  const bad = (line: Record<string, unknown>, expected: Record<string, string | RegExp> | string[]): void => {
    assertInvalid(() => store.lines.upsert(line as Line), expected);
  };
  bad({ port: 0, kind: 'fxs' }, { port: 'must be between 1 and 16' });
  bad({ port: 17, kind: 'fxs' }, { port: 'must be between 1 and 16' });
  bad({ port: 1.5, kind: 'fxs' }, { port: 'must be an integer' });
  bad({ port: 1, kind: 'fxx' }, { kind: 'must be one of fxs, fxo' });
  bad({ port: 1, kind: 'fxs', extension: '1234567' }, { extension: 'must be 1-6 digits' });
  bad({ port: 1, kind: 'fxs', extension: '1a' }, { extension: 'must be 1-6 digits' });
  bad({ port: 1, kind: 'fxo', extension: '11' }, { extension: 'only an FXS line has an extension' });
  bad({ port: 1, kind: 'fxs', prefix: '9' }, { prefix: 'only an FXO line has a landline prefix' });
  bad({ port: 1, kind: 'fxo', prefix: '12345' }, { prefix: 'must be 1-4 digits' });
  bad({ port: 1, kind: 'fxs', ringsOnFxs: [2] }, { ringsOnFxs: 'only an FXO line rings FXS ports' });
  bad({ port: 1, kind: 'fxo', features: { dnd: true } }, { features: 'only an FXS line has calling features' });
  bad({ port: 1, kind: 'fxs', features: { dnd: 'on' } }, { 'features.dnd': 'must be true or false' });
  bad({ port: 1, kind: 'fxs', features: { hotline: 'abc' } }, { 'features.hotline': /digits/ });
  bad({ port: 1, kind: 'fxs', features: { forwardAl: '1' } }, { 'features.forwardAl': 'unknown property' });
  bad({ port: 1, kind: 'fxs', digitMap: 'x[2-9' }, { digitMap: 'unclosed [ at position 2' });
  bad({ port: 1, kind: 'fxs', digitMap: '[2-9xxx]' }, { digitMap: "'x' is not allowed inside [ ] at position 5" });
  bad({ port: 1, kind: 'fxs', digitMap: '(9<9:>xx' }, { digitMap: 'unclosed ( at position 1' });
  bad({ port: 1, kind: 'fxs', digitMap: 'xx]' }, { digitMap: "']' without '[' at position 3" });
  bad({ port: 1, kind: 'fxs', digitMap: '9xx;' }, { digitMap: /only digits/ });
  bad({ port: 1, kind: 'fxs', callerIdStandard: 'etsi' }, { callerIdStandard: 'must be one of bell202, v23, dtmf, none' });
  bad({ port: 1, kind: 'fxs', account: 'nobody' }, { account: "no account with id 'nobody'" });
  bad({ port: 1 }, { kind: 'is required' });
  assert.deepEqual(store.lines.list(), []);
  assert.deepEqual(changes, []);
});

test('lines: extensions are unique and do not clash with a landline prefix', () => {
  const { store } = withAccount();
  store.lines.upsert({ port: 1, kind: 'fxs', extension: '11' });
  store.lines.upsert({ port: 3, kind: 'fxo', prefix: '9' });
  assertInvalid(() => store.lines.upsert({ port: 2, kind: 'fxs', extension: '11' }), { extension: "extension 11 is also line 1's" });
  assertInvalid(() => store.lines.upsert({ port: 2, kind: 'fxs', extension: '95' }), { extension: "extension 95 clashes with line 3's landline prefix 9" });
  assertInvalid(() => store.lines.upsert({ port: 4, kind: 'fxo', prefix: '1' }), { prefix: "landline prefix 1 clashes with line 1's extension 11" });
  assertInvalid(() => store.lines.upsert({ port: 4, kind: 'fxo', prefix: '98' }), { prefix: "landline prefix 98 clashes with line 3's prefix 9" });
  store.lines.upsert({ port: 2, kind: 'fxs', extension: '12' });
  store.lines.upsert({ port: 1, kind: 'fxs', extension: '13' });
  assert.deepEqual(store.lines.list().map((l) => l.extension ?? l.prefix), ['13', '12', '9']);
});

test('lines: ringsOnFxs names FXS lines; a line they name cannot be removed or turned into FXO', () => {
  const { store, changes } = withAccount();
  store.lines.upsert({ port: 1, kind: 'fxs' });
  store.lines.upsert({ port: 2, kind: 'fxs' });
  assertInvalid(() => store.lines.upsert({ port: 3, kind: 'fxo', ringsOnFxs: [1, 5] }), { 'ringsOnFxs[1]': 'port 5 is not an FXS line' });
  assertInvalid(() => store.lines.upsert({ port: 3, kind: 'fxo', ringsOnFxs: [1, 1] }), { ringsOnFxs: 'must not repeat a value' });
  store.lines.upsert({ port: 3, kind: 'fxo', ringsOnFxs: [2] });
  assert.throws(() => store.lines.remove(2), (err: unknown) => err instanceof ConflictError && /line 2 is still used by line 3/.test(err.message));
  assert.throws(() => store.lines.upsert({ port: 2, kind: 'fxo' }), (err: unknown) => err instanceof ConflictError && /ringsOnFxs/.test(err.message));
  assert.throws(() => store.lines.remove(9), NotFoundError);
  store.lines.remove(1);
  assert.deepEqual(store.lines.list().map((l) => l.port), [2, 3]);
  assert.deepEqual(changes.map((c) => `${c.op}:${String(c.key)}`), ['insert:1', 'insert:2', 'insert:3', 'delete:1']);
});

test('lines: every feature and an FXO line\'s sipTarget are stored (none dropped on the way to the database)', () => {
  const { store } = withAccount();
  const features = {
    callWaiting: false, threeWay: false, dnd: true, forwardAll: '100', forwardBusy: '200', forwardNoAnswer: '300', noAnswerSeconds: 15, hotline: '911',
  };
  store.lines.upsert({ port: 1, kind: 'fxs', features });
  assert.deepEqual(store.lines.get(1)?.features, features);
  store.lines.upsert({ port: 3, kind: 'fxo', account: 'main', sipTarget: '2125551234' });
  assert.equal(store.lines.get(3)?.sipTarget, '2125551234');
  assertInvalid(() => store.lines.upsert({ port: 2, kind: 'fxs', sipTarget: '1' }), ['sipTarget']);
});
