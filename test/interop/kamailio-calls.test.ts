/**
 * Two of our user agents register with Kamailio (digest auth), refresh, and call each
 * other through it as proxy (407 challenge on the INVITE, record-routed dialog, BYE
 * through the proxy), over UDP and over TCP.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kamailioAvailable, startKamailio } from '../support/kamailio.js';
import { startTestUa } from '../support/test-ua.js';
import { waitFor } from '../support/wait-for.js';
import type { RegistrationStatus } from '../../src/sip/ua/registration.js';

/** Stops the UAs (which unregister through Kamailio) before Kamailio itself. */
function cleanup(t: { after(fn: () => Promise<void>): void }): { push(fn: () => Promise<void>): void } {
  const stack: (() => Promise<void>)[] = [];
  t.after(async () => {
    for (const fn of stack.reverse()) await fn();
  });
  return { push: (fn) => stack.push(fn) };
}

const skip = kamailioAvailable() ? false : 'kamailio not installed (Debian package kamailio)';

test('our UA registers with Kamailio and refreshes the binding before it lapses', { skip, timeout: 30_000 }, async (t) => {
  const later = cleanup(t);
  const k = await startKamailio();
  later.push(() => k.stop());
  const alice = await startTestUa({ user: 'alice' });
  later.push(() => alice.stop());
  const agent = await alice.register({ server: `127.0.0.1:${k.port}`, username: 'alice', password: 'alice-secret', transport: 'udp', expiresS: 4 });
  const seen: RegistrationStatus[] = [];
  agent.on('state', (s) => seen.push(s));
  const refreshed = await waitFor('a refreshed registration', async () => seen.find((s) => s.state === 'registered'), 8000, 50);
  assert.equal(refreshed.lastStatus, 200);
  assert.ok(seen.every((s) => s.state === 'registered'), `the state stayed registered during the refresh: ${JSON.stringify(seen)}`);
});

for (const transport of ['udp', 'tcp'] as const) {
  test(`two of our UAs call each other through Kamailio over ${transport.toUpperCase()}`, { skip, timeout: 40_000 }, async (t) => {
    const later = cleanup(t);
    const k = await startKamailio();
    later.push(() => k.stop());
    const alice = await startTestUa({ user: 'alice' });
    later.push(() => alice.stop());
    const bob = await startTestUa({ user: 'bob', behaviour: { ringMs: 200 } });
    later.push(() => bob.stop());
    const server = `127.0.0.1:${k.port}`;
    await alice.register({ server, username: 'alice', password: 'alice-secret', transport });
    await bob.register({ server, username: 'bob', password: 'bob-secret', transport });

    const call = alice.call({
      from: { uri: `sip:alice@${k.domain}`, displayName: 'Alice' },
      to: { uri: `sip:bob@${k.domain}` },
      routeSet: [`<sip:${server};transport=${transport};lr>`],
      credentials: { username: 'alice', password: 'alice-secret' },
      transport,
    });
    const progress: number[] = [];
    call.on('progress', (p) => progress.push(p.status));
    await waitFor('the call to be answered', async () => (call.state === 'confirmed' ? true : undefined), 10_000);
    assert.ok(progress.includes(180), `alice heard ringing (${progress.join(',')})`);
    const callee = bob.incoming[0];
    assert.ok(callee, 'bob got the call');
    assert.equal(callee.remoteIdentity.uri, `sip:alice@${k.domain}`);
    assert.equal(callee.remoteIdentity.displayName, 'Alice');
    await waitFor('bob confirmed', async () => (callee.state === 'confirmed' ? true : undefined), 5000);
    // The dialog is record-routed: in-dialog requests go through the proxy.
    call.hold();
    await waitFor('bob to see the hold', async () => (callee.negotiated?.onHold === true ? true : undefined), 5000);
    call.hangup();
    const aliceEnd = await waitFor('alice ended', async () => alice.ended[0], 5000);
    const bobEnd = await waitFor('bob ended', async () => bob.ended[0], 5000);
    assert.deepEqual([aliceEnd.by, aliceEnd.cause], ['local', 'normal']);
    assert.deepEqual([bobEnd.by, bobEnd.cause], ['remote', 'normal']);
  });
}

test('a call to a user who is not registered gets 404 from Kamailio', { skip, timeout: 30_000 }, async (t) => {
  const later = cleanup(t);
  const k = await startKamailio();
  later.push(() => k.stop());
  const alice = await startTestUa({ user: 'alice' });
  later.push(() => alice.stop());
  await alice.register({ server: `127.0.0.1:${k.port}`, username: 'alice', password: 'alice-secret', transport: 'udp' });
  alice.call({
    from: { uri: `sip:alice@${k.domain}` }, to: { uri: `sip:bob@${k.domain}` },
    routeSet: [`<sip:127.0.0.1:${k.port};lr>`], credentials: { username: 'alice', password: 'alice-secret' },
  });
  const end = await waitFor('the call to fail', async () => alice.ended[0], 10_000);
  assert.equal(end.status, 404);
  assert.equal(end.cause, 'rejected');
});
