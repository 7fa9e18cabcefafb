import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMessageSummary, type MessageSummaryResult } from './parse.js';
import type { MessageSummary } from './types.js';

function ok(result: MessageSummaryResult): MessageSummary {
  if (!result.ok) assert.fail(`expected a summary, got error: ${result.error}`);
  return result.value;
}

function err(result: MessageSummaryResult): string {
  if (result.ok) assert.fail(`expected an error, got ${JSON.stringify(result.value)}`);
  return result.error;
}

test('RFC 3842 §6 example body', () => {
  const body =
    'Messages-Waiting: yes\r\n' +
    'Message-Account: sip:alice@vmail.example.com\r\n' +
    'Voice-Message: 4/8 (1/2)\r\n' +
    '\r\n';
  assert.deepEqual(ok(parseMessageSummary(body)), {
    waiting: true,
    account: 'sip:alice@vmail.example.com',
    voice: { new: 4, old: 8, urgentNew: 1, urgentOld: 2 },
    other: {},
  });
});

test('Asterisk body (chan_pjsip)', () => {
  const r = parseMessageSummary('Messages-Waiting: yes\r\nMessage-Account: sip:*97@pbx\r\nVoice-Message: 2/8 (0/2)\r\n');
  assert.ok(r.ok);
  assert.deepEqual(r.value, {
    waiting: true,
    account: 'sip:*97@pbx',
    voice: { new: 2, old: 8, urgentNew: 0, urgentOld: 2 },
    other: {},
  });
  assert.deepEqual(r.warnings, []);
});

test('FreeSWITCH body with no messages, and its trailing blank line', () => {
  const body = 'Messages-Waiting: no\r\nMessage-Account: sip:1000@192.0.2.1\r\nVoice-Message: 0/0 (0/0)\r\n\r\n';
  assert.deepEqual(ok(parseMessageSummary(body)), {
    waiting: false,
    account: 'sip:1000@192.0.2.1',
    voice: { new: 0, old: 0, urgentNew: 0, urgentOld: 0 },
    other: {},
  });
});

test('the status line alone (some PBXes send only that)', () => {
  assert.deepEqual(ok(parseMessageSummary('Messages-Waiting: no\r\n')), { waiting: false, other: {} });
  assert.deepEqual(ok(parseMessageSummary('Messages-Waiting: yes')), { waiting: true, other: {} });
});

test('names are case-insensitive; LWS, bare LF, folding and a BOM are tolerated', () => {
  const body = '\uFEFF\nmessages-waiting :YES\nMESSAGE-ACCOUNT:  <sip:1001@pbx.example>  \nvoice-message:\t3 / 1\n  ( 1 /0 )\n';
  assert.deepEqual(ok(parseMessageSummary(body)), {
    waiting: true,
    account: 'sip:1001@pbx.example',
    voice: { new: 3, old: 1, urgentNew: 1, urgentOld: 0 },
    other: {},
  });
});

test('other message-context-classes, known and extension, keyed by lowercased name', () => {
  const body =
    'Messages-Waiting: yes\r\n' +
    'Voice-Message: 1/0\r\n' +
    'Fax-Message: 2/3 (1/0)\r\n' +
    'Text-Message: 0/5\r\n' +
    'X-Video-Message: 7/7\r\n';
  assert.deepEqual(ok(parseMessageSummary(body)), {
    waiting: true,
    voice: { new: 1, old: 0 },
    other: { 'fax-message': { new: 2, old: 3, urgentNew: 1, urgentOld: 0 }, 'text-message': { new: 0, old: 5 }, 'x-video-message': { new: 7, old: 7 } },
  });
});

test('lines after the blank line (opt-msg-headers) are ignored', () => {
  const body =
    'Messages-Waiting: yes\r\nVoice-Message: 1/2\r\n\r\n' +
    'Message-Id: <1234@example.com>\r\nVoice-Message: 9/9\r\nMessages-Waiting: no\r\n';
  const r = parseMessageSummary(body);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { waiting: true, voice: { new: 1, old: 2 }, other: {} });
  assert.deepEqual(r.warnings, []);
});

test('leading blank lines are skipped', () => {
  assert.deepEqual(ok(parseMessageSummary('\r\n\r\nMessages-Waiting: yes\r\n')), { waiting: true, other: {} });
});

test('the lines may come in any order', () => {
  const v = ok(parseMessageSummary('Voice-Message: 1/2\r\nMessage-Account: sip:a@b\r\nMessages-Waiting: yes\r\n'));
  assert.deepEqual(v, { waiting: true, account: 'sip:a@b', voice: { new: 1, old: 2 }, other: {} });
});

test('unusable lines are skipped with a warning, and the rest is kept', () => {
  const body =
    'Messages-Waiting: yes\r\n' +
    'Voice-Message: two/eight\r\n' +
    'Fax-Message: 1/2 (3)\r\n' +
    'Voice-Message: 1/1\r\n' + // the first usable one
    'Voice-Message: 5/5\r\n' +
    'Message-Account:\r\n' +
    'this is not a header\r\n' +
    'Message-Id: <abc@example.com>\r\n' + // an extension header without the blank line
    'Pager-Message: 99999999999/0\r\n'; // above 2^32-1
  const r = parseMessageSummary(body);
  assert.ok(r.ok);
  assert.deepEqual(r.value, { waiting: true, voice: { new: 1, old: 1 }, other: {} });
  assert.equal(r.warnings.length, 7);
  assert.match(r.warnings.join('\n'), /line 2: Voice-Message ignored/);
  assert.match(r.warnings.join('\n'), /exceeds 4294967295/);
});

test('a count of exactly 2^32-1 is accepted', () => {
  assert.deepEqual(ok(parseMessageSummary('Messages-Waiting: yes\nVoice-Message: 4294967295/0\n')).voice, { new: 4294967295, old: 0 });
});

test('a class named __proto__ is an own key and does not touch the prototype', () => {
  const v = ok(parseMessageSummary('Messages-Waiting: yes\r\n__proto__: 1/2\r\n'));
  assert.ok(Object.hasOwn(v.other, '__proto__'));
  assert.equal(Object.getPrototypeOf(v.other), Object.prototype);
});

test('malformed bodies are errors, never exceptions', () => {
  assert.match(err(parseMessageSummary('')), /empty/);
  assert.match(err(parseMessageSummary('\r\n\r\n')), /empty/);
  assert.match(err(parseMessageSummary('Voice-Message: 1/2\r\n')), /no Messages-Waiting/);
  assert.match(err(parseMessageSummary('Messages-Waiting: maybe\r\n')), /"yes" or "no"/);
  assert.match(err(parseMessageSummary('Messages-Waiting: 1\r\n')), /"yes" or "no"/);
  assert.match(err(parseMessageSummary('Messages-Waiting: yes\r\nMessages-Waiting: no\r\n')), /twice/);
  assert.match(err(parseMessageSummary('<html><body>502 Bad Gateway</body></html>')), /no Messages-Waiting/);
  assert.match(err(parseMessageSummary(`Messages-Waiting: yes\r\n${'x'.repeat(70_000)}`)), /longer than/);
  assert.match(err(parseMessageSummary(42 as unknown as string)), /not text/);
});

test('random bytes never throw', () => {
  let seed = 7;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const alphabet = 'Messages-Waiting: yes no/() 0123456789\r\n\t:Voice-Message\u0000\uFFFD<>';
  for (let i = 0; i < 2000; i++) {
    let s = '';
    const len = Math.floor(rand() * 80);
    for (let j = 0; j < len; j++) s += alphabet[Math.floor(rand() * alphabet.length)] ?? '';
    const r = parseMessageSummary(s);
    assert.equal(typeof r.ok, 'boolean');
  }
});
