import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseChallenge, type DigestChallenge } from './challenge.js';
import { computeDigestResponse, formatAuthorization, type DigestRequest } from './digest.js';
import { AuthParseError } from './errors.js';
import { userhash } from './digest.js';
import { hashFor } from './algorithm.js';
import { parseCredentials, verifyAuthorization, type NonceVerdict, type VerifyRequest } from './verify.js';

const REALM = 'registrar.test';

function challenge(extra = ''): DigestChallenge {
  const c = parseChallenge(`Digest realm="${REALM}", nonce="abc123"${extra}`);
  if (c instanceof AuthParseError) throw c;
  return c;
}

function authorization(over: Partial<DigestRequest> = {}): string {
  return formatAuthorization(computeDigestResponse({
    challenge: challenge(', qop="auth", algorithm=SHA-256'), method: 'REGISTER', uri: 'sip:registrar.test',
    username: 'alice', password: 'wonderland', cnonce: 'cn', nc: 1, ...over,
  }));
}

function verify(headerValue: string, over: Partial<VerifyRequest> = {}): ReturnType<typeof verifyAuthorization> {
  return verifyAuthorization({
    headerValue, method: 'REGISTER', realm: REALM, requestUri: 'sip:registrar.test',
    lookupPassword: (user) => (user === 'alice' ? 'wonderland' : undefined),
    validateNonce: (nonce): NonceVerdict => (nonce === 'abc123' ? 'ok' : 'invalid'),
    ...over,
  });
}

test('accepts what the client computes, for every algorithm and qop mode', () => {
  for (const alg of ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess']) {
    for (const qop of ['', ', qop="auth"', ', qop="auth-int"']) {
      if (qop === '' && alg.endsWith('-sess')) continue;
      const value = authorization({ challenge: challenge(`${qop}, algorithm=${alg}`), body: 'body' });
      const r = verify(value, { body: 'body' });
      assert.ok(r.ok, `${alg}${qop}: ${r.ok ? '' : r.reason}`);
      assert.equal(r.username, 'alice');
    }
  }
});

test('rejects a wrong password, a tampered field, another realm or uri, an unknown user', () => {
  assert.deepEqual(verify(authorization({ password: 'nope' })), { ok: false, reason: 'bad-response', stale: false, username: 'alice' });
  assert.equal(verify(authorization().replace('nc=00000001', 'nc=00000002')).ok, false);
  assert.equal(verify(authorization({ method: 'INVITE' })).ok, false);
  assert.deepEqual(verify(authorization(), { realm: 'other' }), { ok: false, reason: 'realm-mismatch', stale: false });
  assert.deepEqual(verify(authorization(), { requestUri: 'sip:elsewhere' }), { ok: false, reason: 'uri-mismatch', stale: false });
  assert.deepEqual(verify(authorization({ username: 'mallory' })), { ok: false, reason: 'unknown-user', stale: false, username: 'mallory' });
});

test('nonce verdicts: invalid, and stale only once the password is proven', () => {
  assert.equal(verify(authorization(), { validateNonce: () => 'invalid' }).ok, false);
  const stale = verify(authorization(), { validateNonce: () => 'stale' });
  assert.deepEqual(stale, { ok: false, reason: 'stale-nonce', stale: true, username: 'alice' });
  const wrongAndStale = verify(authorization({ password: 'x' }), { validateNonce: () => 'stale' });
  assert.equal(!wrongAndStale.ok && wrongAndStale.reason, 'bad-response');
  let seen: number | undefined;
  verify(authorization({ nc: 0x2a }), { validateNonce: (_n, nc) => { seen = nc; return 'ok'; } });
  assert.equal(seen, 42);
});

test('algorithm policy, malformed and non-Digest values', () => {
  assert.equal(verify(authorization(), { algorithms: ['MD5'] }).ok, false);
  assert.deepEqual(verify('Basic YWxpY2U6d29uZGVybGFuZA=='), { ok: false, reason: 'not-digest', stale: false });
  assert.deepEqual(verify('Digest username="alice", realm="registrar.test"'), { ok: false, reason: 'malformed', stale: false });
  assert.equal(parseCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth').constructor, AuthParseError);
  assert.equal(parseCredentials('Digest username="a", realm="r", nonce="n", uri="u", response="x", qop=auth, nc=1, cnonce="c"').constructor, AuthParseError);
});

test('userhash credentials are resolved back to the user', () => {
  const c = challenge(', qop="auth", algorithm=SHA-256, userhash=true');
  const value = authorization({ challenge: c });
  const hashed = userhash('alice', REALM, hashFor('SHA-256'));
  assert.match(value, new RegExp(`username="${hashed}"`));
  assert.equal(verify(value).ok, false); // no resolver
  const r = verify(value, { resolveUserhash: (h, realm, alg) => (h === userhash('alice', realm, hashFor(alg)) ? 'alice' : undefined) });
  assert.ok(r.ok && r.username === 'alice');
});
