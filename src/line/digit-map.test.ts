import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../errors.js';
import { DigitMap, digitMapProblem } from './digit-map.js';
import type { DigitMapResult } from './types.js';

const EXAMPLE = '[2-9]xxxxxxxxx|1xxxxxxxxxx|011xx.T|*xx|911';

function kind(map: string, digits: string): DigitMapResult['kind'] {
  return DigitMap.parse(map).match(digits).kind;
}

test('the example map: North American numbers, international, star codes, 911', () => {
  const m = DigitMap.parse(EXAMPLE);
  assert.equal(m.source, EXAMPLE);
  const cases: [string, DigitMapResult['kind']][] = [
    ['', 'more'],
    ['2', 'more'],
    ['212555123', 'more'],
    ['2125551234', 'complete'],
    ['21255512345', 'invalid'],
    ['1', 'more'],
    ['12125551234', 'complete'],
    ['0', 'more'],
    ['01', 'more'],
    ['011', 'more'],
    // xx. is one digit or more.
    ['0114', 'complete-on-timeout'],
    ['01144', 'complete-on-timeout'],
    ['011442071234567', 'complete-on-timeout'],
    ['*', 'more'],
    ['*6', 'more'],
    ['*67', 'complete'],
    ['*678', 'invalid'],
    // 911 is also the start of a 10-digit number: dial on the short timer.
    ['911', 'complete-on-timeout'],
    ['9115551234', 'complete'],
    ['02', 'invalid'],
    ['#', 'invalid'],
    ['2125#', 'invalid'],
    ['abc', 'invalid'],
  ];
  for (const [digits, want] of cases) assert.equal(m.match(digits).kind, want, digits);
});

test('exact match with no longer one possible is complete; T always waits', () => {
  assert.equal(kind('911|[2-8]xxxxxxxxx', '911'), 'complete');
  assert.equal(kind('911T', '911'), 'complete-on-timeout');
  assert.equal(kind('911T', '91'), 'more');
  assert.equal(kind('(911)', '911'), 'complete');
  assert.equal(kind('xx|xxx', 'xx'.replace(/x/g, '5')), 'complete-on-timeout');
  assert.equal(kind('xx|xxx', '555'), 'complete');
});

test('x. matches any number of digits, including none', () => {
  assert.equal(kind('x.', ''), 'complete-on-timeout');
  assert.equal(kind('x.', '123456789012345678901234567890'), 'complete-on-timeout');
  assert.equal(kind('x.', '12*'), 'invalid');
  assert.equal(kind('9x.T', '9'), 'complete-on-timeout');
  assert.equal(kind('0[1-9]x.', '0'), 'more');
  assert.equal(kind('0[1-9]x.', '01'), 'complete-on-timeout');
  assert.equal(kind('1.2', '2'), 'complete');
  assert.equal(kind('1.2', '1112'), 'complete');
  assert.equal(kind('1.2', '111'), 'more');
});

test('sets and ranges: [2-9], [135], [1-3579], [*#]', () => {
  for (const d of '23456789') assert.equal(kind('[2-9]', d), 'complete', d);
  assert.equal(kind('[2-9]', '1'), 'invalid');
  assert.deepEqual([...'0123456789'].filter((d) => kind('[135]', d) === 'complete'), ['1', '3', '5']);
  assert.deepEqual([...'0123456789'].filter((d) => kind('[1-3579]', d) === 'complete'), ['1', '2', '3', '5', '7', '9']);
  assert.equal(kind('[*#]xx', '#12'), 'complete');
  assert.equal(kind('[*#]xx', '*12'), 'complete');
  assert.equal(digitMapProblem('[A-D]'), "'-' must join two digits in [ ] at position 3");
  assert.equal(kind('[AD]x', 'D5'), 'complete');
});

test('letters A-D, star and hash are literal; x and X are digits only', () => {
  assert.equal(kind('A1|B2', 'A1'), 'complete');
  assert.equal(kind('a1', 'A1'), 'complete');
  assert.equal(kind('*x#', '*5#'), 'complete');
  assert.equal(kind('Xx', '*5'), 'invalid');
  assert.equal(kind('Xx', '05'), 'complete');
  assert.equal(kind('xx', 'AB'), 'invalid');
});

test('# to send now is the line\'s job: the map only matches # where a pattern has it', () => {
  assert.equal(kind(EXAMPLE, '2125#'), 'invalid');
  assert.equal(kind('x.#', '2125#'), 'complete');
});

test('SPA substitution <dialled:sent> matches the dialled part', () => {
  assert.equal(kind('<9:>xxxxxxx', '95551234'), 'complete');
  assert.equal(kind('<9:>xxxxxxx', '5551234'), 'invalid');
  assert.equal(kind('<:1>[2-9]xxxxxxxxx', '2125551234'), 'complete');
  assert.equal(kind('<011:+>x.T', '01144'), 'complete-on-timeout');
  assert.equal(kind('(<9:>xx.T)', '912'), 'complete-on-timeout');
});

test('matching stays linear: long inputs against starred patterns are fast', () => {
  const m = DigitMap.parse('x.x.x.x.x.x.x.x.x.x.1|[0-9].[0-9].[0-9].2|x.x.x.x.T');
  const long = '0'.repeat(20_000);
  const start = performance.now();
  assert.equal(m.match(long).kind, 'complete-on-timeout');
  assert.equal(m.match(`${long}3`).kind, 'complete-on-timeout');
  assert.ok(performance.now() - start < 2000);
});

test('syntax errors are named with their position', () => {
  const cases: [string, string][] = [
    ['', 'the digit map is empty'],
    ['  ', 'the digit map is empty'],
    ['911|[2-9xx', 'unclosed [ at position 5'],
    ['x[2-9', 'unclosed [ at position 2'],
    ['(911|xx', 'unclosed ( at position 1'],
    ['911|xx)', "')' without '(' at position 7"],
    ['9(11)', "'(' may only wrap the whole map at position 2"],
    ['2-9]', "'-' is not allowed at position 2 (use digits, * # A-D, x, [ ], ., T, |)"],
    ['29]', "']' without '[' at position 3"],
    ['[2-9xxx]', "'x' is not allowed inside [ ] at position 5"],
    ['[9-2]', 'range 9-2 runs backwards at position 2'],
    ['[-2]', "'-' must join two digits in [ ] at position 2"],
    ['[]', 'empty [ ] at position 1'],
    ['[[2]]', "'[' inside [ ] at position 2"],
    ['911||xx', 'empty pattern at position 5'],
    ['911|', 'empty pattern at position 5'],
    ['.1', "'.' must follow a digit, x or [ ] at position 1"],
    ['1..', "'.' must follow a digit, x or [ ] at position 3"],
    ['1T2', "'T' must end a pattern; '2' follows it at position 3"],
    ['T', "'T' needs digits before it at position 1"],
    ['9xx a', 'a space is not allowed at position 4 (use digits, * # A-D, x, [ ], ., T, |)'],
    ['<9:xx', 'unclosed < at position 1'],
    ['<9>xx', "'<' needs 'dialled:sent' with a ':' at position 1"],
    ['<9:x>xx', "'x' is not allowed after ':' in < > at position 4"],
    ['9:>xx', "':' is not allowed at position 2 (use digits, * # A-D, x, [ ], ., T, |)"],
  ];
  for (const [map, message] of cases) {
    assert.equal(digitMapProblem(map), message, map);
    assert.throws(() => DigitMap.parse(map), (err: unknown) => {
      assert.ok(err instanceof ValidationError);
      assert.equal(err.message, message);
      assert.deepEqual(err.fields, { digitMap: message });
      return true;
    });
  }
});

test('well-formed maps have no problem', () => {
  for (const ok of [EXAMPLE, `(${EXAMPLE})`, 'x.', '#', '[*#]xx', '+1xxx', '(<9:>xx.T)', '0[1-9]x.T|00x.T|11[02]', 'A|B|C|D', '[1-3579]xT']) {
    assert.equal(digitMapProblem(ok), undefined, ok);
  }
});
