import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { parseChallenge, type DigestChallenge } from './challenge.js';
import { computeDigestResponse, formatAuthorization, formatNc } from './digest.js';
import { AuthParseError } from './errors.js';
import type { HashFn } from './algorithm.js';
import { parseCredentials } from './verify.js';

function challenge(value: string): DigestChallenge {
  const c = parseChallenge(value);
  if (c instanceof AuthParseError) throw c;
  return c;
}

test('RFC 2617 §3.5 "Mufasa" example: MD5, qop=auth', () => {
  const c = challenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  const creds = computeDigestResponse({
    challenge: c, method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle Of Life', cnonce: '0a4f113b', nc: 1,
  });
  assert.equal(creds.response, '6629fae49393a05397450978507c4ef1');
  assert.equal(creds.qop, 'auth');
  assert.equal(creds.nc, '00000001');
  assert.equal(
    formatAuthorization(creds),
    'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
      'response="6629fae49393a05397450978507c4ef1", algorithm=MD5, cnonce="0a4f113b", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001',
  );
});

const RFC7616 = {
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};

function rfc7616(algorithm: string): string {
  return `Digest realm="${RFC7616.realm}", qop="auth, auth-int", algorithm=${algorithm}, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`;
}

for (const [algorithm, expected] of [
  ['MD5', '8ca523f5e9506fed4657c9700eebdbec'],
  ['SHA-256', '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1'],
] as const) {
  test(`RFC 7616 §3.9.1 example: ${algorithm}`, () => {
    const creds = computeDigestResponse({
      challenge: challenge(rfc7616(algorithm)), method: 'GET', uri: '/dir/index.html',
      username: 'Mufasa', password: 'Circle of Life', cnonce: RFC7616.cnonce, nc: 1,
    });
    assert.equal(creds.response, expected);
    assert.equal(creds.algorithm, algorithm);
    const value = formatAuthorization(creds);
    assert.match(value, new RegExp(`algorithm=${algorithm}, `));
    assert.match(value, /qop=auth, nc=00000001$/);
    // What we format parses back to the same credentials.
    assert.deepEqual(parseCredentials(value), creds);
  });
}

const JASON = 'J\u00e4s\u00f8n Doe';
const RFC7616_UH = {
  header: 'Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", ' +
    'opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true',
  cnonce: 'NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v',
};

test('RFC 7616 §3.9.2 userhash example reproduces with the hash its authors used (SHA-512 cut to 256 bits, erratum 4897)', () => {
  const c = challenge(RFC7616_UH.header);
  assert.equal(c.userhash, true);
  assert.equal(c.charset, 'UTF-8');
  const truncatedSha512: HashFn = (d) => createHash('sha512').update(d).digest('hex').slice(0, 64);
  const creds = computeDigestResponse({
    challenge: c, method: 'GET', uri: '/doe.json', username: JASON, password: 'Secret, or not?',
    cnonce: RFC7616_UH.cnonce, nc: 1, hash: truncatedSha512,
  });
  // The printed values: userhash = H(username ":" realm) in UTF-8; A1 uses the real username.
  assert.equal(creds.username, '488869477bf257147b804c45308cd62ac4e25eb717b12b298c79e62dcea254ec');
  assert.equal(creds.response, 'ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd');
  assert.match(formatAuthorization(creds), /, userhash=true$/);
});

test('SHA-512-256 is FIPS 180-4 SHA-512/256, not truncated SHA-512', () => {
  const creds = computeDigestResponse({
    challenge: challenge(RFC7616_UH.header), method: 'GET', uri: '/doe.json', username: JASON, password: 'Secret, or not?',
    cnonce: RFC7616_UH.cnonce, nc: 1,
  });
  // Known answer for SHA-512/256("abc") pins the primitive; the digest then follows the same formulas.
  assert.equal(createHash('sha512-256').update('abc').digest('hex'), '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23');
  assert.equal(creds.username, '793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b');
  assert.equal(creds.response, '3798d4131c277846293534c3edc11bd8a5e4cdcbff78b05db9d95eeb1cec68a5');
});

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const MUFASA = 'Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"';

test('no qop: RFC 2069 compatibility, no cnonce or nc sent', () => {
  const creds = computeDigestResponse({
    challenge: challenge(MUFASA), method: 'GET', uri: '/dir/index.html', username: 'Mufasa', password: 'Circle Of Life', cnonce: 'x', nc: 3,
  });
  const ha1 = md5('Mufasa:testrealm@host.com:Circle Of Life');
  assert.equal(creds.response, md5(`${ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:${md5('GET:/dir/index.html')}`));
  // Pinned known answer, so a change to the formula above cannot pass silently.
  assert.equal(creds.response, '670fd8c2df070c60b045671b8b24ff02');
  assert.equal(formatAuthorization(creds).includes('cnonce'), false);
  assert.equal(formatAuthorization(creds).includes('nc='), false);
  assert.equal(formatAuthorization(creds).includes('qop'), false);
});

test('qop=auth-int hashes the body into A2; auth is preferred when both are offered', () => {
  const c = challenge(`${MUFASA}, qop="auth-int,auth"`);
  const base = { challenge: c, method: 'INVITE', uri: 'sip:bob@example.com', username: 'alice', password: 'pw', cnonce: 'c0ffee', nc: 2 };
  assert.equal(computeDigestResponse(base).qop, 'auth');
  const body = 'v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n';
  const creds = computeDigestResponse({ ...base, qop: 'auth-int', body });
  const ha1 = md5('alice:testrealm@host.com:pw');
  const ha2 = md5(`INVITE:sip:bob@example.com:${md5(body)}`);
  assert.equal(creds.response, md5(`${ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000002:c0ffee:auth-int:${ha2}`));
  assert.notEqual(creds.response, computeDigestResponse({ ...base, qop: 'auth-int', body: body + 'x' }).response);
  // Bytes and the same text as a string hash alike.
  assert.equal(computeDigestResponse({ ...base, qop: 'auth-int', body: Buffer.from(body) }).response, creds.response);
  assert.throws(() => computeDigestResponse({ ...base, qop: 'none' }), RangeError);
});

test('-sess variants put nonce and cnonce into HA1', () => {
  const c = challenge(`${MUFASA}, qop="auth", algorithm=MD5-sess`);
  const creds = computeDigestResponse({ challenge: c, method: 'REGISTER', uri: 'sip:example.com', username: 'alice', password: 'pw', cnonce: 'abc', nc: 1 });
  const ha1 = md5(`${md5('alice:testrealm@host.com:pw')}:dcd98b7102dd2f0e8b11d0f600bfb0c093:abc`);
  assert.equal(creds.response, md5(`${ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:abc:auth:${md5('REGISTER:sip:example.com')}`));
  assert.equal(creds.algorithm, 'MD5-sess');
  assert.throws(() => computeDigestResponse({ challenge: c, method: 'REGISTER', uri: 'sip:example.com', username: 'a', password: 'b' }), RangeError);
});

test('nc is 8 lower-case hex digits', () => {
  assert.equal(formatNc(1), '00000001');
  assert.equal(formatNc(0x1a), '0000001a');
  assert.equal(formatNc(0xffffffff), 'ffffffff');
  assert.throws(() => formatNc(0), RangeError);
});

test('quoted values are escaped in the header', () => {
  const c = challenge('Digest realm="a \\"quoted\\" realm", nonce="n"');
  const creds = computeDigestResponse({ challenge: c, method: 'GET', uri: '/', username: 'us\\er', password: 'p' });
  const value = formatAuthorization(creds);
  assert.match(value, /username="us\\\\er", realm="a \\"quoted\\" realm"/);
  const back = parseCredentials(value);
  assert.ok(!(back instanceof AuthParseError));
  assert.equal(back.username, 'us\\er');
  assert.equal(back.realm, 'a "quoted" realm');
});
