import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DialPlanRoute } from './provisioning-schema.js';
import { SUPPORTED_REGIONS } from './regions.js';
import { assertInvalid, memoryStore, type TestStore } from './test-support/fixtures.js';

function configured(): TestStore {
  const t = memoryStore();
  t.store.accounts.upsert({ id: 'main', server: 'sip.example.net', username: '1001' });
  t.store.lines.upsert({ port: 1, kind: 'fxs', extension: '11' });
  t.store.lines.upsert({ port: 3, kind: 'fxo', prefix: '9' });
  t.changes.length = 0;
  return t;
}

const ROUTES: DialPlanRoute[] = [
  { pattern: '911', route: 'fxo' },
  { pattern: '1xxxxxxxxxx|[2-9]xxxxxxxxx', route: 'account:main', prepend: '+1' },
  { pattern: '8x', route: 'line:1', strip: 1 },
];

test('dial plan: replaced whole, listed in order, unset fields absent; the same plan again changes nothing', () => {
  const { store, changes } = configured();
  assert.equal(store.dialPlan.isDefined(), false);
  store.dialPlan.replace(ROUTES);
  assert.deepEqual(store.dialPlan.list(), ROUTES);
  assert.equal(store.dialPlan.isDefined(), true);
  store.dialPlan.replace(ROUTES.map((r) => ({ ...r })));
  store.dialPlan.replace([ROUTES[2]!]);
  assert.deepEqual(store.dialPlan.list(), [ROUTES[2]]);
  assert.deepEqual(changes, [{ section: 'dialPlan', op: 'replace' }, { section: 'dialPlan', op: 'replace' }]);
});

test('dial plan: routes are validated and must name what exists', () => {
  const { store, changes } = configured();
  const bad = (routes: unknown[], expected: Record<string, string | RegExp> | string[]): void => {
    assertInvalid(() => store.dialPlan.replace(routes as DialPlanRoute[]), expected);
  };
  bad([{ pattern: '911', route: 'pstn' }], { 'dialPlan[0].route': 'must be account:<id>, fxo or line:<port>' });
  bad([ROUTES[0], { pattern: '1xx', route: 'account:other' }], { 'dialPlan[1].route': "no account with id 'other'" });
  bad([{ pattern: '1xx', route: 'line:2' }], { 'dialPlan[0].route': 'no line on port 2' });
  bad([{ pattern: '1xx[', route: 'fxo' }], { 'dialPlan[0].pattern': 'unclosed [ at position 4' });
  bad([{ pattern: '1xx', route: 'fxo', strip: -1 }], { 'dialPlan[0].strip': 'must be between 0 and 32' });
  bad([{ pattern: '1xx', route: 'fxo', prepend: 'abc' }], ['dialPlan[0].prepend']);
  bad([{ pattern: '1xx' }], { 'dialPlan[0].route': 'is required' });
  bad([{ pattern: '1xx', route: 'fxo', via: 'x' }], { 'dialPlan[0].via': 'unknown property' });
  store.lines.remove(3);
  bad([{ pattern: '911', route: 'fxo' }], { 'dialPlan[0].route': 'there is no FXO line' });
  changes.length = 0;
  assert.deepEqual(store.dialPlan.list(), []);
});

test('settings: region defaults to US, accepts supported ISO codes only', () => {
  const { store, changes } = memoryStore();
  assert.equal(store.settings.region(), 'US');
  assert.equal(store.settings.storedRegion(), undefined);
  store.settings.setRegion('DE');
  store.settings.setRegion('DE');
  store.settings.setRegion('GB');
  assert.equal(store.settings.region(), 'GB');
  assertInvalid(() => store.settings.setRegion('XX'), { region: /'XX' is not a supported ISO 3166 country code/ });
  assertInvalid(() => store.settings.setRegion('gb'), ['region']);
  assert.equal(store.settings.region(), 'GB');
  assert.deepEqual(changes, [{ section: 'settings', op: 'insert', key: 'region' }, { section: 'settings', op: 'update', key: 'region' }]);
});

test('regions: the list has the required countries, unique codes', () => {
  const codes = SUPPORTED_REGIONS.map((r) => r.code);
  for (const c of 'US CA GB IE DE AT CH FR IT ES NL BE SE NO DK FI PL CZ AU NZ JP IN BR ZA'.split(' ')) assert.ok(codes.includes(c), c);
  assert.equal(new Set(codes).size, codes.length);
  for (const r of SUPPORTED_REGIONS) assert.match(r.code, /^[A-Z]{2}$/);
});
