// RFC 4733 §7.1.1 event lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonEvents, formatEvents, parseEvents } from './telephone-event.js';

test('event lists parse and print in compact form', () => {
  assert.deepEqual([...(parseEvents('0-3, 7,9-10') ?? [])], [0, 1, 2, 3, 7, 9, 10]);
  assert.equal(formatEvents(new Set([16, 0, 1, 2, 5, 6])), '0-2,5-6,16');
  assert.equal(parseEvents('0-'), undefined);
  assert.equal(parseEvents('5-2'), undefined);
  assert.equal(parseEvents('0-300'), undefined);
});

test('common events: ours are 0-16; no fmtp means 0-15', () => {
  assert.equal(commonEvents('0-16'), '0-16');
  assert.equal(commonEvents('0-15'), '0-15');
  assert.equal(commonEvents(undefined), '0-15');
  assert.equal(commonEvents('0-255'), '0-16');
  assert.equal(commonEvents('32-41'), undefined, 'modem tones only: nothing in common');
  assert.equal(commonEvents('zero'), undefined);
});
