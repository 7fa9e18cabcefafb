import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DialPlanRoute, Line } from '../config/provisioning-schema.js';
import { DigitMap } from '../line/digit-map.js';
import { effectiveDigitMap, portsForAccount, portsForLandline, routeOutbound, type OutboundContext } from './dial-plan.js';

const lines: Line[] = [
  { port: 1, kind: 'fxs', account: 'home', extension: '21' },
  { port: 2, kind: 'fxs', account: 'office', extension: '22' },
  { port: 3, kind: 'fxo', prefix: '9', ringsOnFxs: [2] },
];

function ctx(routes: DialPlanRoute[] = [], fromPort = 1, ls: Line[] = lines): OutboundContext {
  return { fromPort, lines: ls, routes, matcher: (p) => DigitMap.parse(p) };
}

test('an extension rings the other phone; a phone cannot call itself', () => {
  assert.deepEqual(routeOutbound('22', ctx()), { kind: 'line', port: 2 });
  assert.equal(routeOutbound('21', ctx()).kind, 'none');
});

test('the landline prefix goes out on the FXO port without the prefix', () => {
  assert.deepEqual(routeOutbound('95551234', ctx()), { kind: 'fxo', port: 3, number: '5551234' });
  // The prefix alone is not a number.
  assert.deepEqual(routeOutbound('9', ctx()), { kind: 'sip', account: 'home', number: '9' });
});

test('dial-plan routes are tried in order, with strip and prepend', () => {
  const routes: DialPlanRoute[] = [
    { pattern: '911', route: 'fxo' },
    { pattern: '011xx.T', route: 'account:office', strip: 3, prepend: '+' },
    { pattern: '1xxxxxxxxxx', route: 'account:office' },
  ];
  assert.deepEqual(routeOutbound('911', ctx(routes)), { kind: 'fxo', port: 3, number: '911' });
  assert.deepEqual(routeOutbound('011441234567', ctx(routes)), { kind: 'sip', account: 'office', number: '+441234567' });
  assert.deepEqual(routeOutbound('12125551234', ctx(routes)), { kind: 'sip', account: 'office', number: '12125551234' });
  // No route matches: the line's own account.
  assert.deepEqual(routeOutbound('5551234', ctx(routes)), { kind: 'sip', account: 'home', number: '5551234' });
});

test('a line route reaches a phone, never the caller itself', () => {
  const routes: DialPlanRoute[] = [{ pattern: '0', route: 'line:2' }, { pattern: '1', route: 'line:1' }];
  assert.deepEqual(routeOutbound('0', ctx(routes)), { kind: 'line', port: 2 });
  assert.equal(routeOutbound('1', ctx(routes)).kind, 'none');
});

test('without an account or a route the call is refused with a reason', () => {
  const bare: Line[] = [{ port: 1, kind: 'fxs' }];
  const d = routeOutbound('5551234', ctx([], 1, bare));
  assert.equal(d.kind, 'none');
  assert.match(d.kind === 'none' ? d.reason : '', /no SIP account/);
  assert.equal(routeOutbound('', ctx()).kind, 'none');
  const toFxo = routeOutbound('911', ctx([{ pattern: '911', route: 'fxo' }], 1, bare));
  assert.match(toFxo.kind === 'none' ? toFxo.reason : '', /no FXO line/);
});

test('incoming: an account rings its phones; the landline rings its chosen phones or all', () => {
  assert.deepEqual(portsForAccount('home', lines), [1]);
  assert.deepEqual(portsForAccount('nobody', lines), []);
  assert.deepEqual(portsForLandline(3, lines), [2]);
  const all = lines.map((l) => (l.kind === 'fxo' ? { port: l.port, kind: l.kind } : l));
  assert.deepEqual(portsForLandline(3, all), [1, 2]);
});

test('the effective digit map completes extensions, routes and the landline prefix before the line map', () => {
  const lines: Line[] = [
    { port: 1, kind: 'fxs', extension: '101' },
    { port: 2, kind: 'fxs', extension: '102' },
    { port: 3, kind: 'fxo', prefix: '9' },
  ];
  const map = DigitMap.parse(effectiveDigitMap(1, '([2-9]xxxxxx|1xxxxxxxxxx)', lines, [{ pattern: '*9x', route: 'line:2' }]));
  // 102 could still grow into 1 + ten digits: it goes when the short timer runs out (or at #), as on an SPA.
  assert.equal(map.match('102').kind, 'complete-on-timeout');
  assert.equal(DigitMap.parse(effectiveDigitMap(1, '[2-9]xxxxxx', lines, [])).match('102').kind, 'complete');
  assert.equal(DigitMap.parse(effectiveDigitMap(1, '[2-9]xxxxxx', lines, [])).match('101').kind, 'invalid', 'not its own extension');
  assert.equal(map.match('*91').kind, 'complete');
  assert.equal(map.match('95551234').kind, 'complete-on-timeout');
  assert.equal(map.match('5551234').kind, 'complete');
  assert.equal(effectiveDigitMap(1, 'xxxx', [], []), 'xxxx');
});
