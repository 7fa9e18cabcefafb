import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChallenge, parseChallenge, parseChallenges, pickChallenge, type DigestChallenge } from './challenge.js';
import { AuthParseError } from './errors.js';

function ok(value: DigestChallenge | AuthParseError): DigestChallenge {
  if (value instanceof AuthParseError) assert.fail(`unexpected error: ${value.message}`);
  return value;
}

function err(value: DigestChallenge | AuthParseError): AuthParseError {
  if (!(value instanceof AuthParseError)) assert.fail('expected an AuthParseError');
  return value;
}

test('parses a typical SIP challenge (RFC 3261 §22.4 style)', () => {
  const c = ok(parseChallenge(
    'Digest realm="atlanta.com", domain="sip:ss1.carrier.com sip:ss2.carrier.com", qop="auth", ' +
      'nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5',
  ));
  assert.deepEqual(c, {
    realm: 'atlanta.com', nonce: 'f84f1cec41e6cbe5aea9c8e88d359', opaque: '', algorithm: 'MD5', qop: ['auth'],
    stale: false, domain: ['sip:ss1.carrier.com', 'sip:ss2.carrier.com'], userhash: false,
  });
});

test('quoted values keep escaped quotes and commas; odd whitespace and lower-case scheme are fine', () => {
  const c = ok(parseChallenge(
    ' digest\trealm = "say \\"hi\\", then go" ,nonce="a,b=c"\r\n  ,, opaque=tok123 ,qop="auth-int , auth", STALE=true,Algorithm=sha-256 ',
  ));
  assert.equal(c.realm, 'say "hi", then go');
  assert.equal(c.nonce, 'a,b=c');
  assert.equal(c.opaque, 'tok123');
  assert.deepEqual(c.qop, ['auth-int', 'auth']);
  assert.equal(c.stale, true);
  assert.equal(c.algorithm, 'SHA-256');
});

test('absent algorithm means MD5; unknown qop tokens are dropped beside known ones', () => {
  const c = ok(parseChallenge('Digest realm="r", nonce="n", qop="auth-conf,auth"'));
  assert.equal(c.algorithm, 'MD5');
  assert.deepEqual(c.qop, ['auth']);
  assert.deepEqual(ok(parseChallenge('Digest realm="r", nonce="n"')).qop, []);
});

test('bare (unquoted) base64 nonce is tolerated', () => {
  assert.equal(ok(parseChallenge('Digest realm=r, nonce=YWJj/+==')).nonce, 'YWJj/+==');
});

test('errors: missing nonce or realm, unknown algorithm, only unknown qop, other scheme, bad syntax', () => {
  assert.equal(err(parseChallenge('Digest realm="r", qop="auth"')).reason, 'missing-param');
  assert.equal(err(parseChallenge('Digest realm="r", nonce=""')).reason, 'missing-param');
  assert.equal(err(parseChallenge('Digest nonce="n"')).reason, 'missing-param');
  const unknown = err(parseChallenge('Digest realm="r", nonce="n", algorithm=SHA-1'));
  assert.equal(unknown.reason, 'unsupported');
  assert.equal(unknown.code, 'auth_unsupported');
  assert.equal(err(parseChallenge('Digest realm="r", nonce="n", qop="auth-conf"')).reason, 'unsupported');
  assert.equal(err(parseChallenge('Basic realm="r"')).reason, 'not-digest');
  assert.equal(err(parseChallenge('Digest realm="unterminated, nonce="n')).reason, 'syntax');
  assert.equal(err(parseChallenge('Digest realm="r" nonce="n"')).reason, 'syntax');
  assert.equal(err(parseChallenge('Digest realm="r", realm="s", nonce="n"')).reason, 'syntax');
  assert.equal(err(parseChallenge('')).reason, 'syntax');
});

test('one value may hold several challenges, including token68 schemes', () => {
  const all = parseChallenges(['Basic dXNlcjpwYXNz==, Digest realm="r", nonce="1", algorithm=MD5, Digest realm="r", nonce="2", algorithm=SHA-256']);
  assert.equal(all.length, 3);
  assert.equal(err(all[0] ?? assert.fail()).reason, 'not-digest');
  assert.equal(ok(all[1] ?? assert.fail()).nonce, '1');
  assert.equal(ok(all[2] ?? assert.fail()).algorithm, 'SHA-256');
});

test('RFC 8760: SHA-256 is chosen over MD5 whichever comes first', () => {
  const md5 = 'Digest realm="r", nonce="m", algorithm=MD5, qop="auth"';
  const sha = 'Digest realm="r", nonce="s", algorithm=SHA-256, qop="auth"';
  assert.equal(ok(pickChallenge([sha, md5])).algorithm, 'SHA-256');
  assert.equal(ok(pickChallenge([md5, sha])).algorithm, 'SHA-256');
  const strongest = 'Digest realm="r", nonce="x", algorithm=SHA-512-256-sess, qop="auth"';
  assert.equal(ok(pickChallenge([md5, sha, strongest])).algorithm, 'SHA-512-256-sess');
  // Equal strength: the topmost wins (RFC 8760 §2.3 lists the UAS's preference first).
  assert.equal(ok(pickChallenge([md5, 'Digest realm="r", nonce="m2", algorithm=MD5-sess'])).nonce, 'm');
});

test('pickChallenge skips what it cannot use and reports why when nothing is usable', () => {
  const unsupported = 'Digest realm="r", nonce="n", algorithm=AKAv1-MD5';
  assert.equal(ok(pickChallenge([unsupported, 'Digest realm="r", nonce="m"'])).nonce, 'm');
  assert.equal(err(pickChallenge([unsupported, 'Basic realm="r"'])).reason, 'unsupported');
  assert.equal(err(pickChallenge([])).reason, 'missing-param');
});

test('formatChallenge round-trips through parseChallenge', () => {
  const c: DigestChallenge = {
    realm: 'sip "box"', nonce: 'n0', opaque: 'o', algorithm: 'SHA-256-sess', qop: ['auth', 'auth-int'],
    stale: true, domain: ['sip:a', 'sip:b'], userhash: true, charset: 'UTF-8',
  };
  assert.deepEqual(ok(parseChallenge(formatChallenge(c))), c);
});
