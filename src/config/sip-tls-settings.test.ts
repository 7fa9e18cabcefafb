import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { memoryStore, minimalDocument } from './test-support/fixtures.js';

function makeCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-ca-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=Test CA',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { cert: readFileSync(join(dir, 'cert.pem'), 'utf8'), key: readFileSync(join(dir, 'key.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('SIP TLS: verification is on by default, and the settings travel through import and export', () => {
  const { store } = memoryStore();
  assert.deepEqual(store.settings.sipTls(), { verifyServer: true });
  const { cert } = makeCertificate();
  store.importDocument({ ...minimalDocument(), sipTls: { trustedCertificates: cert } });
  assert.deepEqual(store.settings.sipTls(), { verifyServer: true, trustedCertificates: cert });
  assert.deepEqual(store.exportDocument({ includeSecrets: false }).sipTls, { trustedCertificates: cert });
  store.settings.setSipTls({ verifyServer: false });
  assert.deepEqual(store.settings.sipTls(), { verifyServer: false });
  assert.equal(store.exportDocument({ includeSecrets: false }).sipTls?.verifyServer, false);
});

test('SIP TLS: a private key or a damaged certificate is refused by field, and nothing is applied', () => {
  const { store } = memoryStore();
  const { cert, key } = makeCertificate();
  const refused = (doc: unknown, message: RegExp): void => {
    assert.throws(() => store.importDocument(doc), (e: unknown) => e instanceof ValidationError && message.test(e.fields['sipTls.trustedCertificates'] ?? ''));
  };
  refused({ version: 1, sipTls: { trustedCertificates: key } }, /not a certificate/);
  refused({ version: 1, sipTls: { trustedCertificates: `${cert}\n${cert.replace(/[A-Za-z]{20}/, 'x'.repeat(20))}` } }, /certificate 2 cannot be read/);
  refused({ version: 1, sipTls: { trustedCertificates: 'hello' } }, /must hold PEM certificates/);
  assert.throws(() => store.importDocument({ version: 1, sipTls: { verifyServer: 'no' } }), (e: unknown) => e instanceof ValidationError && 'sipTls.verifyServer' in e.fields);
  assert.equal(store.settings.storedSipTls(), undefined);
});
