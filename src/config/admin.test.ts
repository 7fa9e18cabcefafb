import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.js';
import { assertInvalid, memoryStore } from './test-support/fixtures.js';

test('admin: no password at first; set, verify, change', () => {
  const { store, changes } = memoryStore();
  assert.equal(store.admin.isSet(), false);
  assert.equal(store.admin.passwordHash(), null);
  assert.equal(store.admin.verifyPassword('anything at all'), false);
  store.admin.setPassword('correct horse');
  assert.equal(store.admin.isSet(), true);
  assert.equal(store.admin.verifyPassword('correct horse'), true);
  assert.equal(store.admin.verifyPassword('correct horsE'), false);
  assert.equal(store.admin.verifyPassword(''), false);
  store.admin.setPassword('battery staple');
  assert.equal(store.admin.verifyPassword('correct horse'), false);
  assert.equal(store.admin.verifyPassword('battery staple'), true);
  assert.deepEqual(changes, [{ section: 'admin', op: 'insert' }, { section: 'admin', op: 'update' }]);
});

test('admin: the hash is scrypt$N$r$p$salt$hash with a random 16-byte salt, never the password', () => {
  const { store } = memoryStore();
  store.admin.setPassword('correct horse');
  const hash = store.admin.passwordHash()!;
  assert.match(hash, /^scrypt\$16384\$8\$1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
  assert.ok(!hash.includes('correct horse'));
  const parsed = parsePasswordHash(hash);
  assert.ok(typeof parsed !== 'string');
  assert.equal(parsed.salt.length, 16);
  assert.equal(parsed.hash.length, 32);
  assert.notEqual(hashPassword('same'), hashPassword('same'), 'salted');
  assert.ok(verifyPassword('same', hashPassword('same', { N: 1024, r: 8, p: 1 })), 'the parameters travel with the hash');
});

test('admin: a password shorter than 8 characters is refused on field "password", and nothing changes', () => {
  const { store, changes } = memoryStore();
  assertInvalid(() => store.admin.setPassword('1234567'), { password: 'must be at least 8 characters' });
  assertInvalid(() => store.admin.setPassword(undefined as unknown as string), { password: 'must be a string' });
  assert.equal(store.admin.isSet(), false);
  assert.deepEqual(changes, []);
});

test('admin: a hash from an export can be stored; malformed or abusive hashes are refused', () => {
  const source = memoryStore().store;
  source.admin.setPassword('correct horse');
  const { store } = memoryStore();
  store.admin.setPasswordHash(source.admin.passwordHash()!);
  assert.equal(store.admin.verifyPassword('correct horse'), true);
  const salt = Buffer.alloc(16, 1).toString('base64');
  const key = Buffer.alloc(32, 2).toString('base64');
  assertInvalid(() => store.admin.setPasswordHash('bcrypt$whatever'), { passwordHash: /scrypt/ });
  assertInvalid(() => store.admin.setPasswordHash(`scrypt$1000$8$1$${salt}$${key}`), { passwordHash: /power of 2/ });
  assertInvalid(() => store.admin.setPasswordHash(`scrypt$1048576$32$1$${salt}$${key}`), { passwordHash: /64 MiB/ });
  assertInvalid(() => store.admin.setPasswordHash(`scrypt$16384$8$99$${salt}$${key}`), { passwordHash: /p must be/ });
  assertInvalid(() => store.admin.setPasswordHash(`scrypt$16384$8$1$${salt}$AAAA`), { passwordHash: /hash must be/ });
  assert.equal(verifyPassword('x', 'garbage'), false);
});
