import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../errors.js';
import { formatMessageSummary } from './format.js';
import { parseMessageSummary } from './parse.js';
import type { MessageSummary } from './types.js';

test('formats the RFC 3842 layout with CRLF line ends', () => {
  const body = formatMessageSummary({
    waiting: true,
    account: 'sip:*97@pbx',
    voice: { new: 2, old: 8, urgentNew: 0, urgentOld: 2 },
    other: { 'text-message': { new: 1, old: 0 }, 'fax-message': { new: 0, old: 1 } },
  });
  assert.equal(
    body,
    'Messages-Waiting: yes\r\nMessage-Account: sip:*97@pbx\r\nVoice-Message: 2/8 (0/2)\r\nFax-Message: 0/1\r\nText-Message: 1/0\r\n',
  );
  assert.equal(formatMessageSummary({ waiting: false, other: {} }), 'Messages-Waiting: no\r\n');
});

test('one urgent count given writes both, the other as 0', () => {
  assert.equal(
    formatMessageSummary({ waiting: true, voice: { new: 1, old: 0, urgentNew: 1 }, other: {} }),
    'Messages-Waiting: yes\r\nVoice-Message: 1/0 (1/0)\r\n',
  );
});

test('parse(format(x)) gives x back', () => {
  const samples: MessageSummary[] = [
    { waiting: true, account: 'sip:alice@vmail.example.com', voice: { new: 4, old: 8, urgentNew: 1, urgentOld: 2 }, other: {} },
    { waiting: false, voice: { new: 0, old: 0 }, other: { 'fax-message': { new: 0, old: 3 }, 'x-custom': { new: 1, old: 1, urgentNew: 0, urgentOld: 0 } } },
    { waiting: true, other: {} },
  ];
  for (const s of samples) {
    const r = parseMessageSummary(formatMessageSummary(s));
    assert.ok(r.ok);
    assert.deepEqual(r.value, s);
    assert.deepEqual(r.warnings, []);
  }
});

test('refuses counts out of range, bad class names and line breaks in the account', () => {
  const check = (s: MessageSummary, field: string): void => {
    assert.throws(() => formatMessageSummary(s), (e: unknown) => e instanceof ValidationError && field in e.fields);
  };
  check({ waiting: true, voice: { new: -1, old: 0 }, other: {} }, 'voice.new');
  check({ waiting: true, voice: { new: 1.5, old: 0 }, other: {} }, 'voice.new');
  check({ waiting: true, voice: { new: 0, old: 2 ** 32 }, other: {} }, 'voice.old');
  check({ waiting: true, other: { 'fax-message': { new: 0, old: 0, urgentOld: -2 } } }, 'other.fax-message.urgentOld');
  check({ waiting: true, other: { 'bad name': { new: 0, old: 0 } } }, 'other.bad name');
  check({ waiting: true, other: { 'voice-message': { new: 0, old: 0 } } }, 'other.voice-message');
  check({ waiting: true, account: 'sip:a@b\r\nVoice-Message: 9/9', other: {} }, 'account');
});
