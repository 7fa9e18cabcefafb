import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../errors.js';
import { RTP_DEFAULTS } from './settings-repository.js';
import { memoryStore, minimalDocument } from './test-support/fixtures.js';

test('RTP settings: defaults until set, then carried by import and export; account SRTP and INFO DTMF modes round-trip', () => {
  const { store } = memoryStore();
  assert.deepEqual(store.settings.rtp(), RTP_DEFAULTS);
  const doc = minimalDocument();
  store.importDocument({
    ...doc,
    rtp: { portMin: 16384, portMax: 16483, jitterMaxMs: 200 },
    accounts: doc.accounts.map((a) => ({ ...a, transport: 'tls' as const, srtp: 'require' as const, dtmfMode: 'info' as const })),
  });
  assert.deepEqual(store.settings.rtp(), { portMin: 16384, portMax: 16483, jitterMinMs: 40, jitterMaxMs: 200 });
  const exported = store.exportDocument({ includeSecrets: false });
  assert.deepEqual(exported.rtp, { portMin: 16384, portMax: 16483, jitterMaxMs: 200 });
  assert.equal(exported.accounts?.[0]?.srtp, 'require');
  assert.equal(exported.accounts?.[0]?.dtmfMode, 'info');
});

test('RTP settings: an odd first port, a range too small for calls, or jitter bounds out of order are refused by field', () => {
  const { store } = memoryStore();
  const fields = (rtp: unknown): Record<string, string> => {
    try {
      store.importDocument({ version: 1, rtp });
    } catch (err) {
      assert.ok(err instanceof ValidationError);
      return err.fields;
    }
    return assert.fail('accepted');
  };
  assert.match(fields({ portMin: 10001 })['rtp.portMin'] ?? '', /even/);
  assert.match(fields({ portMin: 10000, portMax: 10003 })['rtp.portMax'] ?? '', /at least 8 ports/);
  assert.match(fields({ jitterMinMs: 200, jitterMaxMs: 100 })['rtp.jitterMaxMs'] ?? '', /jitterMinMs/);
  assert.ok('rtp.portMin' in fields({ portMin: 80 }), 'below 1024');
  assert.ok('accounts[0].srtp' in (() => {
    try {
      store.importDocument({ ...minimalDocument(), accounts: [{ ...minimalDocument().accounts[0], srtp: 'maybe' }] });
    } catch (err) {
      return err instanceof ValidationError ? err.fields : {};
    }
    return {};
  })());
  assert.equal(store.settings.storedRtp(), undefined);
});
