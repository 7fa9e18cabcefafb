import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Line } from '../config/provisioning-schema.js';
import { messageWaitingPorts } from './message-waiting.js';

const LINES: Line[] = [
  { port: 1, kind: 'fxs', account: 'main', extension: '11' },
  { port: 2, kind: 'fxs', account: 'other', extension: '12' },
  { port: 3, kind: 'fxs', extension: '13' },
  { port: 4, kind: 'fxo', prefix: '9', ringsOnFxs: [2, 3] },
];

const sorted = (s: Set<number>): number[] => [...s].sort((a, b) => a - b);

test('an account\'s voicemail lights the phones on that account only', () => {
  assert.deepEqual(sorted(messageWaitingPorts(new Map([['main', true], ['other', false]]), new Set(), LINES)), [1]);
  assert.deepEqual(sorted(messageWaitingPorts(new Map([['main', false]]), new Set(), LINES)), []);
  assert.deepEqual(sorted(messageWaitingPorts(new Map([['gone', true]]), new Set(), LINES)), [], 'an account no line uses lights nothing');
});

test('unheard messages on a landline light the phones it rings; both sources add up', () => {
  assert.deepEqual(sorted(messageWaitingPorts(new Map(), new Set([4]), LINES)), [2, 3]);
  assert.deepEqual(sorted(messageWaitingPorts(new Map([['main', true]]), new Set([4]), LINES)), [1, 2, 3]);
  const everyPhone: Line[] = LINES.map((l) => (l.kind === 'fxo' ? { port: 4, kind: 'fxo', prefix: '9' } : l));
  assert.deepEqual(sorted(messageWaitingPorts(new Map(), new Set([4]), everyPhone)), [1, 2, 3], 'a landline without ringsOnFxs rings every phone');
});
