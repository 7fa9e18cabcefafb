import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Account } from './provisioning-schema.js';
import { assertInvalid, memoryStore } from './test-support/fixtures.js';

const MAIN: Account = { id: 'main', server: 'sip.example.net:5060', transport: 'udp', username: '1001', password: 'secret', displayName: 'Home', register: true };

test('accounts: upsert inserts then updates, list keeps the order of insertion, unset fields stay absent', () => {
  const { store, changes } = memoryStore();
  store.accounts.upsert({ id: 'zz', server: 'pbx.lan', username: 'a' });
  store.accounts.upsert(MAIN);
  assert.deepEqual(store.accounts.list().map((a) => a.id), ['zz', 'main']);
  assert.deepEqual(store.accounts.get('zz'), { id: 'zz', server: 'pbx.lan', username: 'a' });
  assert.deepEqual(store.accounts.get('main'), MAIN);
  assert.deepEqual(Object.keys(store.accounts.get('main')!), ['id', 'server', 'transport', 'username', 'password', 'displayName', 'register']);
  store.accounts.upsert({ ...MAIN, displayName: 'Office' });
  assert.equal(store.accounts.get('main')?.displayName, 'Office');
  assert.deepEqual(store.accounts.list().map((a) => a.id), ['zz', 'main'], 'an update keeps the position');
  assert.equal(store.accounts.get('nobody'), undefined);
  assert.deepEqual(changes, [
    { section: 'accounts', op: 'insert', key: 'zz' },
    { section: 'accounts', op: 'insert', key: 'main' },
    { section: 'accounts', op: 'update', key: 'main' },
  ]);
});

test('accounts: an upsert without password keeps the stored one; the same values again change nothing', () => {
  const { store, changes } = memoryStore();
  store.accounts.upsert(MAIN);
  const { password: _p, ...withoutPassword } = MAIN;
  store.accounts.upsert(withoutPassword);
  assert.equal(store.accounts.get('main')?.password, 'secret');
  store.accounts.upsert({ ...MAIN, password: '' });
  assert.equal(store.accounts.get('main')?.password, '', 'an empty password can be set on purpose');
  store.accounts.upsert({ id: 'trunk', server: '192.0.2.1', username: 'trunk' });
  assert.equal(store.accounts.get('trunk')?.password, undefined, 'a new account without password has none');
  assert.deepEqual(changes.map((c) => `${c.op}:${String(c.key)}`), ['insert:main', 'update:main', 'insert:trunk']);
});

test('accounts: every field is validated and a bad value names its field', () => {
  const { store, changes } = memoryStore();
  const bad = (patch: Record<string, unknown>, expected: Record<string, string | RegExp> | string[]): void => {
    assertInvalid(() => store.accounts.upsert({ ...MAIN, ...patch }), expected);
  };
  bad({ id: 'Main' }, { id: /lowercase/ });
  bad({ id: '-x' }, { id: /starting with a letter or digit/ });
  bad({ id: 'a'.repeat(33) }, ['id']);
  bad({ server: 'sip example' }, { server: 'must be host, host:port or [ipv6]:port' });
  bad({ server: 'sip.example.net:0' }, { server: 'port must be between 1 and 65535' });
  bad({ server: 'sip.example.net:65536' }, { server: 'port must be between 1 and 65535' });
  bad({ server: '2001:db8::1' }, { server: /brackets/ });
  bad({ server: '[2001:db8::zz]:5060' }, { server: /IPv6/ });
  bad({ server: '300.1.1.1' }, { server: /IPv4/ });
  bad({ server: '-bad.example' }, { server: 'must be host, host:port or [ipv6]:port' });
  bad({ transport: 'sctp' }, { transport: 'must be one of udp, tcp, tls' });
  bad({ username: '' }, ['username']);
  bad({ username: 'a b' }, { username: /SIP user/ });
  bad({ displayName: 'x'.repeat(65) }, { displayName: 'must be at most 64 characters' });
  bad({ displayName: 'bell\u0007' }, { displayName: 'must not contain control characters' });
  bad({ register: 'yes' }, { register: 'must be true or false' });
  bad({ registerExpires: 59 }, { registerExpires: 'must be between 60 and 86400' });
  bad({ registerExpires: 3600.5 }, { registerExpires: 'must be an integer' });
  bad({ outboundProxy: 'proxy:99999' }, { outboundProxy: 'port must be between 1 and 65535' });
  bad({ codecs: ['PCMU', 'PCMU'] }, { codecs: 'must not repeat a value' });
  bad({ codecs: ['OPUS'] }, { 'codecs[0]': 'must be one of PCMU, PCMA, G722' });
  bad({ serverr: 'x' }, { serverr: 'unknown property' });
  assertInvalid(() => store.accounts.upsert({ id: 'x' } as Account), { server: 'is required', username: 'is required' });
  assert.deepEqual(store.accounts.list(), []);
  assert.deepEqual(changes, [], 'refused writes emit nothing');
});

test('accounts: good servers of every form are accepted', () => {
  const { store } = memoryStore();
  for (const server of ['sip.example.net', 'sip.example.net:5060', 'pbx', '192.0.2.10', '192.0.2.10:5080', '[2001:db8::1]', '[2001:db8::1]:5061', 'a-b.c-d.example:1']) {
    store.accounts.upsert({ id: 'a', server, username: 'u' });
    assert.equal(store.accounts.get('a')?.server, server);
  }
  store.accounts.upsert({
    id: 'full', server: 'sip.example.net', transport: 'tls', username: '+4930123', password: 'p', displayName: 'Büro',
    register: false, authUsername: 'auth%40x', outboundProxy: '[::1]:5060', registerExpires: 600, enabled: false,
    codecs: ['G722', 'PCMA'], dtmfMode: 'inband',
  });
  assert.deepEqual(Object.keys(store.accounts.get('full')!), [
    'id', 'server', 'transport', 'username', 'password', 'displayName', 'register', 'authUsername', 'outboundProxy', 'registerExpires',
    'enabled', 'codecs', 'dtmfMode',
  ]);
});

test('accounts: removing one still used by a line or a route is refused naming the user; then it can go', () => {
  const { store, changes } = memoryStore();
  store.accounts.upsert(MAIN);
  store.lines.upsert({ port: 2, kind: 'fxs', account: 'main', extension: '12' });
  store.dialPlan.replace([{ pattern: '1xxxxxxxxxx', route: 'account:main' }]);
  changes.length = 0;
  assert.throws(() => store.accounts.remove('main'), (err: unknown) => {
    assert.ok(err instanceof ConflictError);
    assert.match(err.message, /account 'main' is still used by line 2, dial-plan route 1/);
    return true;
  });
  assert.ok(store.accounts.get('main'));
  store.lines.remove(2);
  store.dialPlan.replace([]);
  store.accounts.remove('main');
  assert.equal(store.accounts.get('main'), undefined);
  assert.throws(() => store.accounts.remove('main'), NotFoundError);
  assert.deepEqual(changes, [
    { section: 'lines', op: 'delete', key: 2 },
    { section: 'dialPlan', op: 'replace' },
    { section: 'accounts', op: 'delete', key: 'main' },
  ]);
});
