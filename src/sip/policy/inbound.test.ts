import { test } from 'node:test';
import assert from 'node:assert/strict';
import { POLICED_METHODS, decideInbound, isPolicedRequest, type PolicyAccount } from './inbound.js';

const provider: PolicyAccount = {
  id: 'acct-1',
  username: '1001',
  contactUser: 'ata-7f3a',
  trustedSources: ['192.0.2.10', '2001:DB8:0:0::10'],
  acceptFromAnywhere: false,
};
const lanPbx: PolicyAccount = { id: 'acct-2', username: '200', trustedSources: [], acceptFromAnywhere: true };
const accounts = [provider, lanPbx];

test('POLICED_METHODS holds the dialog-creating methods, and in-dialog requests are not policed', () => {
  assert.deepEqual([...POLICED_METHODS].sort(), ['INVITE', 'MESSAGE', 'REFER', 'SUBSCRIBE']);
  assert.equal(isPolicedRequest({ method: 'INVITE' }), true);
  assert.equal(isPolicedRequest({ method: 'MESSAGE', inDialog: false }), true);
  assert.equal(isPolicedRequest({ method: 'INVITE', inDialog: true }), false); // a re-INVITE
  assert.equal(isPolicedRequest({ method: 'BYE' }), false);
  assert.equal(isPolicedRequest({ method: 'OPTIONS' }), false);
  assert.equal(isPolicedRequest({ method: 'ACK' }), false);
});

test('an INVITE from a trusted source for the username or the contact user is accepted', () => {
  const byUser = decideInbound({ method: 'INVITE', requestUriUser: '1001', source: '192.0.2.10' }, accounts);
  assert.deepEqual(byUser, { verdict: 'accept', account: provider });
  const byContact = decideInbound({ method: 'INVITE', requestUriUser: 'ata-7f3a', source: '192.0.2.10' }, accounts);
  assert.deepEqual(byContact, { verdict: 'accept', account: provider });
});

test('the To user is used when the Request-URI user is absent or matches no account', () => {
  const noRuriUser = decideInbound({ method: 'INVITE', toUser: '1001', source: '192.0.2.10' }, accounts);
  assert.equal(noRuriUser.verdict, 'accept');
  const did = decideInbound({ method: 'INVITE', requestUriUser: '+15551234567', toUser: '1001', source: '192.0.2.10' }, accounts);
  assert.equal(did.verdict, 'accept');
});

test('no matching account → 404 naming the user', () => {
  const d = decideInbound({ method: 'INVITE', requestUriUser: '100', toUser: '100', source: '203.0.113.66' }, accounts);
  assert.equal(d.verdict, 'reject');
  if (d.verdict !== 'reject') return;
  assert.equal(d.status, 404);
  assert.equal(d.reason, 'Not Found');
  assert.match(d.detail, /"100"/);
  const both = decideInbound({ method: 'INVITE', requestUriUser: 'a', toUser: 'b', source: '203.0.113.66' }, accounts);
  assert.ok(both.verdict === 'reject' && /"a" or "b"/.test(both.detail));
  const none = decideInbound({ method: 'INVITE', source: '203.0.113.66' }, accounts);
  assert.ok(none.verdict === 'reject' && none.status === 404 && /names no user/.test(none.detail));
  const empty = decideInbound({ method: 'INVITE', requestUriUser: '1001', source: '192.0.2.10' }, []);
  assert.ok(empty.verdict === 'reject' && empty.status === 404);
});

test('user parts compare case-sensitively', () => {
  const d = decideInbound({ method: 'INVITE', requestUriUser: 'ATA-7F3A', source: '192.0.2.10' }, accounts);
  assert.ok(d.verdict === 'reject' && d.status === 404);
});

test('a friendly-scanner INVITE from an untrusted source → 403 naming the source', () => {
  const d = decideInbound({ method: 'INVITE', requestUriUser: '1001', toUser: '1001', source: '203.0.113.66' }, accounts);
  assert.equal(d.verdict, 'reject');
  if (d.verdict !== 'reject') return;
  assert.equal(d.status, 403);
  assert.equal(d.reason, 'Forbidden');
  assert.match(d.detail, /203\.0\.113\.66/);
  assert.match(d.detail, /acct-1/);
});

test('acceptFromAnywhere accepts any source', () => {
  const d = decideInbound({ method: 'INVITE', requestUriUser: '200', source: '198.51.100.7' }, accounts);
  assert.deepEqual(d, { verdict: 'accept', account: lanPbx });
});

test('IPv4-mapped sources compare as IPv4 and IPv6 sources compare canonically', () => {
  const mapped = decideInbound({ method: 'INVITE', requestUriUser: '1001', source: '::ffff:192.0.2.10' }, accounts);
  assert.equal(mapped.verdict, 'accept');
  const v6 = decideInbound({ method: 'SUBSCRIBE', requestUriUser: '1001', source: '2001:db8::10' }, accounts);
  assert.equal(v6.verdict, 'accept');
  const mappedTrusted = decideInbound(
    { method: 'INVITE', requestUriUser: 'x', source: '192.0.2.99' },
    [{ id: 'm', username: 'x', trustedSources: ['::ffff:192.0.2.99'], acceptFromAnywhere: false }],
  );
  assert.equal(mappedTrusted.verdict, 'accept');
  const other = decideInbound({ method: 'INVITE', requestUriUser: '1001', source: '2001:db8::11' }, accounts);
  assert.ok(other.verdict === 'reject' && other.status === 403 && other.detail.includes('2001:db8::11'));
});

test('when two accounts share a username, the one trusting the source wins', () => {
  const a: PolicyAccount = { id: 'a', username: '1001', trustedSources: ['192.0.2.1'], acceptFromAnywhere: false };
  const b: PolicyAccount = { id: 'b', username: '1001', trustedSources: ['192.0.2.2'], acceptFromAnywhere: false };
  const d = decideInbound({ method: 'INVITE', requestUriUser: '1001', source: '192.0.2.2' }, [a, b]);
  assert.deepEqual(d, { verdict: 'accept', account: b });
  const r = decideInbound({ method: 'INVITE', requestUriUser: '1001', source: '192.0.2.3' }, [a, b]);
  assert.ok(r.verdict === 'reject' && r.status === 403 && r.detail.includes('a, b'));
});
