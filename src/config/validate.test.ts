import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldPath } from './schema-errors.js';
import { digitMapProblem, hostPortProblem, mergeErrors, type FieldErrors } from './validate.js';

test('hostPortProblem: host, host:port, IPv4, [IPv6] with optional port 1-65535', () => {
  for (const ok of ['sip.example.net', 'sip.example.net:5060', 'localhost', 'a', '10.0.0.1:1', '[::1]', '[2001:db8::1]:65535', 'x-1.example']) {
    assert.equal(hostPortProblem(ok), undefined, ok);
  }
  for (const bad of ['', ':5060', 'sip.example.net:', 'host:port', 'a..b', '-a.example', 'a-.example', 'a_b.example', '1.2.3', '256.1.1.1', '::1', '[::1', '[::1]5060', 'host:70000', 'host:0', `${'a'.repeat(64)}.example`]) {
    assert.notEqual(hostPortProblem(bad), undefined, bad);
  }
});

test('digitMapProblem: the usual ATA syntax passes; bad characters and brackets are named', () => {
  for (const ok of ['[2-9]xxxxxxxxx|1xxxxxxxxxx|011xx.T|*xx|911', '(<9:>xx.T)', 'x.', '+1xxx', '#', '[*#]xx']) {
    assert.equal(digitMapProblem(ok), undefined, ok);
  }
  assert.equal(digitMapProblem(''), 'must not be empty');
  assert.equal(digitMapProblem('[2-9'), 'unclosed [ at position 1');
  assert.equal(digitMapProblem('[[2]]'), "'[' inside [ ] at position 2");
  assert.equal(digitMapProblem('(xx'), 'unclosed ( at position 1');
  assert.equal(digitMapProblem('xx)'), "')' without '(' at position 3");
  assert.equal(digitMapProblem('<9:xx'), 'unclosed < at position 1');
  // The lines' own parser decides: what passes here, a phone can dial (a backwards range used to pass).
  assert.equal(digitMapProblem('9[5-1]'), 'range 5-1 runs backwards at position 3');
  assert.match(digitMapProblem('9xx a') ?? '', /only digits/);
});

test('field paths read like the document: accounts[0].server', () => {
  assert.equal(fieldPath(''), '');
  assert.equal(fieldPath('/region'), 'region');
  assert.equal(fieldPath('/accounts/0/server'), 'accounts[0].server');
  assert.equal(fieldPath('/lines/2/ringsOnFxs/1'), 'lines[2].ringsOnFxs[1]');
  assert.equal(fieldPath('/a~1b/c~0d'), 'a/b.c~d');
  const into: FieldErrors = { 'accounts[0].id': 'first' };
  mergeErrors(into, { id: 'second', server: 'bad', '': 'whole' }, 'accounts[0].');
  assert.deepEqual(into, { 'accounts[0].id': 'first', 'accounts[0].server': 'bad', 'accounts[0]': 'whole' });
});
