import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatChallenge, type DigestChallenge } from './challenge.js';
import { AuthParseError, AuthRejectedError } from './errors.js';
import { DigestSession, type AuthHeader, type ChallengeOutcome } from './session.js';
import { verifyAuthorization, type NonceVerdict } from './verify.js';

const REALM = 'pbx.example.net';

/** Deterministic cnonce source: 0x01…, 0x02…, one byte value per call. */
function counterBytes(): (size: number) => Uint8Array {
  let n = 0;
  return (size) => new Uint8Array(size).fill(++n);
}

function challengeValue(nonce: string, extra: Partial<DigestChallenge> = {}): string {
  return formatChallenge({ realm: REALM, nonce, algorithm: 'SHA-256', qop: ['auth'], stale: false, domain: [], userhash: false, ...extra });
}

function header(h: AuthHeader | undefined): AuthHeader {
  assert.ok(h, 'expected an Authorization header');
  return h;
}

function expectRetry(o: ChallengeOutcome): void {
  assert.equal(o.action, 'retry', o.action === 'give-up' ? o.error.message : '');
}

function session(password = 'secret'): DigestSession {
  return new DigestSession({ username: '1001', password, randomBytes: counterBytes() });
}

test('no header before any challenge; Authorization after 401, Proxy-Authorization after 407', () => {
  const s = session();
  assert.equal(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' }), undefined);
  expectRetry(s.onChallenge(401, [challengeValue('n1')]));
  assert.equal(header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' })).name, 'Authorization');
  const p = session();
  expectRetry(p.onChallenge(407, [challengeValue('n1')]));
  assert.equal(header(p.authorize({ method: 'INVITE', uri: 'sip:2000@pbx.example.net' })).name, 'Proxy-Authorization');
});

test('nc increments 00000001, 00000002, … while the nonce is reused; cnonce is random and injected', () => {
  const s = session();
  expectRetry(s.onChallenge(401, [challengeValue('n1')]));
  const ncs: string[] = [];
  for (let i = 0; i < 3; i++) {
    const h = header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' }));
    ncs.push(h.credentials.nc ?? '');
    assert.equal(h.credentials.cnonce, '01'.repeat(16));
    assert.match(h.value, new RegExp(`nc=${ncs[i] ?? ''}`));
    if (i === 0) s.onAuthenticated();
  }
  assert.deepEqual(ncs, ['00000001', '00000002', '00000003']);
});

test('stale=true: retry with the new nonce, nc reset, not a failure', () => {
  const s = session();
  expectRetry(s.onChallenge(401, [challengeValue('n1')]));
  header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' }));
  header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' }));
  const o = s.onChallenge(401, [challengeValue('n2', { stale: true })]);
  expectRetry(o);
  assert.equal(o.action === 'retry' && o.stale, true);
  const h = header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' }));
  assert.equal(h.credentials.nonce, 'n2');
  assert.equal(h.credentials.nc, '00000001');
  assert.equal(h.credentials.cnonce, '02'.repeat(16));
});

test('a second 401 without stale for fresh credentials is AuthRejectedError, and the session forgets', () => {
  const s = session();
  expectRetry(s.onChallenge(401, [challengeValue('n1')]));
  header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' }));
  const o = s.onChallenge(401, [challengeValue('n2')]);
  assert.equal(o.action, 'give-up');
  assert.ok(o.action === 'give-up' && o.error instanceof AuthRejectedError);
  assert.equal(o.error.code, 'auth_rejected');
  assert.equal(o.error instanceof AuthRejectedError && o.error.status, 401);
  assert.equal(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' }), undefined);
});

test('a server that keeps answering stale=true is given up on after maxStaleRetries', () => {
  const s = session();
  expectRetry(s.onChallenge(407, [challengeValue('n0')]));
  header(s.authorize({ method: 'INVITE', uri: 'sip:2000@pbx.example.net' }));
  expectRetry(s.onChallenge(407, [challengeValue('n1', { stale: true })]));
  header(s.authorize({ method: 'INVITE', uri: 'sip:2000@pbx.example.net' }));
  expectRetry(s.onChallenge(407, [challengeValue('n2', { stale: true })]));
  header(s.authorize({ method: 'INVITE', uri: 'sip:2000@pbx.example.net' }));
  const o = s.onChallenge(407, [challengeValue('n3', { stale: true })]);
  assert.ok(o.action === 'give-up' && o.error instanceof AuthRejectedError && o.error.status === 407);
});

test('a preemptively reused nonce that expired (401 without stale) gets one fresh retry', () => {
  const s = session();
  expectRetry(s.onChallenge(401, [challengeValue('n1')]));
  header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' }));
  s.onAuthenticated(); // 200 OK
  header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' })); // refresh, nc=2
  expectRetry(s.onChallenge(401, [challengeValue('n2')])); // server forgot n1, no stale flag
  assert.equal(header(s.authorize({ method: 'REGISTER', uri: 'sip:pbx.example.net' })).credentials.nc, '00000001');
  assert.equal(s.onChallenge(401, [challengeValue('n3')]).action, 'give-up');
});

test('an unusable challenge is a give-up with the parse error', () => {
  const o = session().onChallenge(401, ['Digest realm="r", nonce="n", algorithm=AKAv1-MD5']);
  assert.ok(o.action === 'give-up' && o.error instanceof AuthParseError && o.error.reason === 'unsupported');
});

/** A tiny registrar: issues nonces, tracks nonce counts, and can expire nonces. */
class MockRegistrar {
  private seq = 0;
  private readonly nonces = new Map<string, { lastNc: number; expired: boolean }>();
  constructor(private readonly users: Record<string, string>) {}

  challenge(stale = false): string {
    const nonce = `nonce-${++this.seq}`;
    this.nonces.set(nonce, { lastNc: 0, expired: false });
    return challengeValue(nonce, { stale });
  }

  expireAll(): void {
    for (const n of this.nonces.values()) n.expired = true;
  }

  /** Returns 200, or 401 with the challenge to send. */
  handle(method: string, uri: string, authorization: string | undefined): { status: 200 } | { status: 401; challenge: string } {
    if (authorization === undefined) return { status: 401, challenge: this.challenge() };
    const result = verifyAuthorization({
      headerValue: authorization, method, realm: REALM, requestUri: uri,
      lookupPassword: (user) => this.users[user],
      validateNonce: (nonce, nc): NonceVerdict => {
        const entry = this.nonces.get(nonce);
        if (entry === undefined || nc === undefined || nc <= entry.lastNc) return 'invalid';
        entry.lastNc = nc;
        return entry.expired ? 'stale' : 'ok';
      },
    });
    return result.ok ? { status: 200 } : { status: 401, challenge: this.challenge(result.stale) };
  }
}

function register(s: DigestSession, reg: MockRegistrar): number | AuthRejectedError | AuthParseError {
  const uri = 'sip:pbx.example.net';
  for (let attempt = 0; attempt < 5; attempt++) {
    const res = reg.handle('REGISTER', uri, s.authorize({ method: 'REGISTER', uri })?.value);
    if (res.status === 200) {
      s.onAuthenticated();
      return 200;
    }
    const o = s.onChallenge(401, [res.challenge]);
    if (o.action === 'give-up') return o.error;
  }
  return assert.fail('no outcome after 5 attempts');
}

test('against the mock registrar: register, refresh preemptively, survive a stale nonce', () => {
  const reg = new MockRegistrar({ '1001': 'secret' });
  const s = session();
  assert.equal(register(s, reg), 200);
  assert.equal(register(s, reg), 200); // preemptive, nc=2, no challenge
  assert.equal(s.current?.nonce, 'nonce-1');
  reg.expireAll();
  assert.equal(register(s, reg), 200); // stale=true, then accepted with nonce-2
  assert.equal(s.current?.nonce, 'nonce-2');
});

test('against the mock registrar: a wrong password ends in AuthRejectedError', () => {
  const result = register(session('wrong'), new MockRegistrar({ '1001': 'secret' }));
  assert.ok(result instanceof AuthRejectedError);
  assert.equal(result.realm, REALM);
});
